"""Dump every keyword hit of the default banks on real texts, to compare two versions of the engine.

Why: a speed change to the keyword engine must not change one hit. Run this once with each
checkout's code (``PYTHONPATH=<checkout>/src``) and compare the two files (``--compare``); the
digest line is enough to tell "identical" at a glance. The texts: COLD (train and dev), ToxiGen
prompts, JADE, XSTest, GPTFuzz (questions, templates, responses), Flames, CValues and BIPIA
e-mails from the shared data folder,
the documents of the given corpus files, and, so that pinyin keys are exercised on real
sentences, variants of the Chinese texts with every third Han character spelled in pinyin
(lower case, capitalised, or with spaces) and of the English texts with bank terms spelled in
pinyin pasted in, and, for the split-character and interleaved views, of Chinese texts with a
bank term pasted in split into components or with junk between its characters.

    PYTHONPATH=src:. python -m bench.guard.keyword_equivalence --out /tmp/new.jsonl \\
        --corpus /tmp/gg-corpus32/corpus-32mb/src0-part0.jsonl
    python -m bench.guard.keyword_equivalence --compare /tmp/old.jsonl /tmp/new.jsonl
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import os
import random
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from genguard.detect.keywords.engine import compile_engine
from genguard.text.normalize import tables


def _csv_column(path: Path, column: str) -> Iterator[str]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if row.get(column):
                yield row[column]


def _jsonl_field(path: Path, field: str) -> Iterator[str]:
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if line.strip() and (value := json.loads(line).get(field)):
                yield value


def dataset_texts(data: Path) -> Iterator[tuple[str, str]]:
    """(source, text) of every shared dataset the harness reads; absent files are skipped."""
    sources: list[tuple[str, Path, str]] = [
        ("cold-train", data / "cold" / "train.csv", "TEXT"),
        ("cold-dev", data / "cold" / "dev.csv", "TEXT"),
        ("jade-zh", data / "jade" / "jade_v1_zh.csv", "问题"),
        ("jade-en", data / "jade" / "jade_v1_en.csv", "问题"),
        ("jade-v2", data / "jade" / "jade_v2_easy_zh.csv", "问题"),
        ("xstest", data / "xstest" / "xstest_prompts.csv", "prompt"),
        ("gptfuzz-q", data / "gptfuzz" / "harmful_questions.csv", "text"),
        ("gptfuzz-t", data / "gptfuzz" / "jailbreak_templates.csv", "text"),
        ("gptfuzz-r", data / "gptfuzz" / "labeled_responses_train.csv", "Response"),
    ]
    for name, path, column in sources:
        if path.is_file():
            for text in _csv_column(path, column):
                yield name, text
    jsonl: list[tuple[str, Path, str]] = [
        ("flames", data / "flames" / "Flames_1k_Chinese.jsonl", "prompt"),
        ("cvalues", data / "cvalues" / "cvalues_responsibility_prompts.jsonl", "prompt"),
        ("bipia-email", data / "bipia" / "email_train.jsonl", "context"),
    ]
    for name, path, field in jsonl:
        if path.is_file():
            for text in _jsonl_field(path, field):
                yield name, text
    for path in sorted((data / "toxigen" / "prompts").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.strip():
                yield "toxigen", line


def corpus_texts(files: list[str], limit_mb: float) -> Iterator[tuple[str, str]]:
    for f in files:
        size = 0
        with Path(f).open(encoding="utf-8") as fh:
            for line in fh:
                text = json.loads(line)["text"]
                size += len(text.encode("utf-8"))
                yield f"corpus:{Path(f).name}", text
                if size >= limit_mb * 1e6:
                    break


def _spell_han(text: str, rng: random.Random) -> str:
    """Every third Han character in pinyin, in one of the ways people type it."""
    spell = tables().pinyin
    out: list[str] = []
    for i, ch in enumerate(text):
        py = spell.get(ord(ch))
        if py is None or i % 3:
            out.append(ch)
            continue
        how = rng.randrange(4)
        out.append(py if how == 0 else py.capitalize() if how == 1 else f" {py} " if how == 2 else py.upper())
    return "".join(out)


def _evasions(term: str, split: dict[str, str], rng: random.Random) -> tuple[str, str]:
    """``term`` with its characters split into components (火乍弓单), and with junk between its
    characters (制1作a炸3弹)."""
    junk = "".join(c + rng.choice("0123456789abcxyz") for c in term[:-1]) + term[-1]
    return "".join(split.get(c, c) for c in term), junk


def variants(texts: list[tuple[str, str]], pinyin_terms: list[str], han_terms: list[str], split: dict[str, str],
             seed: int = 7) -> Iterator[tuple[str, str]]:
    """Pinyin-spelled variants: Chinese texts partly spelled; English texts with spelled terms.
    Evasion variants: Chinese texts with a bank term pasted in, split into components or with junk
    between its characters (the split and interleaved views)."""
    rng = random.Random(seed)
    for source, text in texts:
        if any("\u4e00" <= c <= "\u9fff" for c in text):
            yield f"{source}+spelled", _spell_han(text, rng)
            if rng.random() < 0.3:
                at = rng.randrange(len(text) + 1)
                for name, term in zip(("split", "junk"), _evasions(rng.choice(han_terms), split, rng), strict=True):
                    yield f"{source}+{name}", text[:at] + term + text[at:]
        elif text.isascii() and " " in text and rng.random() < 0.3:
            words = text.split(" ")
            words.insert(rng.randrange(len(words) + 1), rng.choice(pinyin_terms))
            yield f"{source}+pinyin", " ".join(words)


def dump(out: Path, corpus: list[str], corpus_mb: float) -> None:
    engine = compile_engine(["default"])
    spell = tables().pinyin
    terms = sorted({e.term for es in engine._pinyin.decoded().values() for e in es})[::50]
    spelled = [" ".join(spell.get(ord(c), c) for c in t) for t in terms] + ["".join(spell.get(ord(c), c) for c in t) for t in terms]
    split = {ch: parts for parts, ch in engine._split_keys.items()}
    han_terms = sorted({e.term for es in engine._main.decoded().values() for e in es
                        if len(e.term) >= 2 and all("\u4e00" <= c <= "\u9fff" for c in e.term)})[::20]
    data = Path(os.environ.get("GENGUARD_SHARED_DATA", Path(__file__).resolve().parents[2].parent / "shared" / "data"))
    base = list(dataset_texts(data))
    texts = base + list(variants(base, spelled, han_terms, split)) + list(corpus_texts(corpus, corpus_mb))
    digest = hashlib.sha256()
    n_hits = 0
    t0 = time.process_time()
    with out.open("w", encoding="utf-8") as fh:
        for i, (source, text) in enumerate(texts):
            # the bank file's name, not its path (the two checkouts live in different folders)
            hits = [[h.category, h.start, h.end, h.term, h.lang, h.score, h.view, Path(h.source).name]
                    for h in engine.match(text)]
            n_hits += len(hits)
            line = json.dumps({"i": i, "source": source, "hits": hits}, ensure_ascii=False)
            digest.update(line.encode("utf-8"))
            fh.write(line + "\n")
    views: dict[str, int] = {}
    for line in out.read_text(encoding="utf-8").splitlines():
        for h in json.loads(line)["hits"]:
            views[h[6]] = views.get(h[6], 0) + 1
    print(f"{len(texts)} texts, {n_hits} hits {views}, match CPU {time.process_time() - t0:.1f} s, "
          f"sha256 {digest.hexdigest()[:16]}")


def compare(a: Path, b: Path) -> int:
    la, lb = a.read_text(encoding="utf-8").splitlines(), b.read_text(encoding="utf-8").splitlines()
    diff = [i for i, (x, y) in enumerate(zip(la, lb, strict=False)) if x != y]
    print(f"{len(la)} / {len(lb)} texts, {len(diff)} differ")
    for i in diff[:10]:
        print(" ", la[i][:300], "\n !=", lb[i][:300])
    return 0 if not diff and len(la) == len(lb) else 1


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", type=Path, help="write the hits of every text here (JSONL)")
    ap.add_argument("--corpus", nargs="*", default=[], help="corpus JSONL files (a 'text' field)")
    ap.add_argument("--corpus-mb", type=float, default=4.0, help="how much of each corpus file")
    ap.add_argument("--compare", nargs=2, type=Path, metavar=("OLD", "NEW"), help="compare two dumps")
    args = ap.parse_args()
    if args.compare:
        sys.exit(compare(*args.compare))
    if args.out is None:
        ap.error("--out or --compare is required")
    dump(args.out, args.corpus, args.corpus_mb)


if __name__ == "__main__":
    main()
