"""Findings of the PII detector over real and generated text, written out to compare two versions.

Why: speed work on the recognisers must not change a single finding. This runs the default
``pii`` detector (``detect``: category, entity, span, score, evidence text, metadata) over the
Presidio synthetic PII set, COLD (train + dev, sentence by sentence and joined to 1 KB),
ToxiGen (every prompt line, joined to 1 KB), generated Chinese PII in COLD carriers
(``bench.pii.chinese``), the throughput bench's texts, case/width/Unicode variants of those
(upper-cased, full-width, with characters whose lower case changes length) and, when given,
generated corpus files (JSONL with a ``text`` field); Presidio and the corpus files also with
every entity selected (URLs included). Each set gets one line per text with a finding and a
sha256 over all of them.

    # on the old version, then on the new one, then compare
    PYTHONPATH=src:. python -m bench.pii.equivalence dump /tmp/old --corpus /tmp/gg-corpus32/corpus-32mb/*.jsonl
    PYTHONPATH=src:. python -m bench.pii.equivalence dump /tmp/new --corpus /tmp/gg-corpus32/corpus-32mb/*.jsonl
    python -m bench.pii.equivalence compare /tmp/old /tmp/new
"""

from __future__ import annotations

import argparse
import hashlib
import json
import random
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from bench.pii.common import DATA, cold_sentences
from genguard.detect.base import DetectContext
from genguard.detect.pii import ALL_ENTITIES, PiiDetector

Texts = Callable[[], list[str]]


def _join_1k(parts: list[str]) -> list[str]:
    out, buf = [], ""
    for p in parts:
        buf += p + " "
        if len(buf.encode()) >= 1024:
            out.append(buf)
            buf = ""
    return out + ([buf] if buf else [])


def presidio() -> list[str]:
    synth = json.loads((DATA / "presidio-synth" / "synth_dataset_v2.json").read_text(encoding="utf-8"))
    return [d["full_text"] for d in synth]


def cold() -> list[str]:
    sents = cold_sentences("dev") + cold_sentences("train")
    return sents + _join_1k(sents)


def toxigen() -> list[str]:
    lines = []
    for f in sorted((DATA / "toxigen" / "prompts").glob("*_1k.txt")):
        lines += [ln.strip("- ").strip() for ln in f.read_text(encoding="utf-8").split("\\n") if ln.strip()]
    return lines + _join_1k(lines)


def chinese_pii() -> list[str]:
    from bench.pii.chinese import build

    carriers = cold_sentences("dev") + cold_sentences("train")
    return [t for t, _ in build(6000, 7, carriers)] + [t for t, _ in build(6000, 11, carriers)]


def throughput_texts() -> list[str]:
    """The English texts with PII of ``bench.pii.throughput`` (the Chinese ones are in chinese_pii)."""
    neutral = sorted((DATA / "toxigen" / "prompts").glob("neutral_*_1k.txt"))
    lines = [ln.strip("- ").strip() for f in neutral for ln in f.read_text(encoding="utf-8").split("\\n") if ln.strip()]
    en_plain = _join_1k(lines)
    return [t[:300] + " call +1 415-555-" + f"{i % 10000:04d}" + " or mail j.doe@example.com " + t[300:]
            for i, t in enumerate(en_plain)]


_FULLWIDTH = {i: i + 0xFEE0 for i in range(0x21, 0x7F)}


def variants() -> list[str]:
    """Presidio and generated Chinese PII, upper-cased, full-width, and with characters whose lower
    case changes the length (U+0130) or is ASCII (KELVIN SIGN): the detector's rarer paths."""
    rng = random.Random(5)
    base = presidio() + chinese_pii()[:3000]
    out = []
    for t in base:
        out.append(t.upper())
        out.append(t.translate(_FULLWIDTH))
        at = rng.randrange(len(t) + 1)
        out.append(t[:at] + rng.choice(["\u0130", "\u212a", "\u03a3", "\u00df", "\U0001f600"]) + t[at:])
    return out


def corpus(paths: Iterable[str]) -> Texts:
    def load() -> list[str]:
        texts = []
        for p in paths:
            with Path(p).open(encoding="utf-8") as fh:
                texts += [json.loads(line)["text"] for line in fh if line.strip()]
        return texts

    return load


def findings(det: PiiDetector, texts: list[str]) -> Iterator[str]:
    """One JSON line per text with findings: index and each finding's fields."""
    for i, t in enumerate(texts):
        fs = det.detect(DetectContext(t))
        if fs:
            rows = [[f.detector, f.category, f.entity, f.start, f.end, f.score, f.evidence, f.metadata] for f in fs]
            yield json.dumps([i, rows], ensure_ascii=False, sort_keys=True)


def digest(lines: Iterable[str]) -> str:
    h = hashlib.sha256()
    for line in lines:
        h.update(line.encode())
        h.update(b"\n")
    return h.hexdigest()


SETS: dict[str, Texts] = {
    "presidio": presidio, "cold": cold, "toxigen": toxigen, "chinese_pii": chinese_pii,
    "throughput": throughput_texts, "variants": variants,
}


def dump(out: Path, corpus_files: list[str]) -> None:
    out.mkdir(parents=True, exist_ok=True)
    sets = dict(SETS)
    if corpus_files:
        sets["corpus"] = corpus(corpus_files)
    det = PiiDetector()
    every = PiiDetector(entities=list(ALL_ENTITIES))  # URLs too, which the default leaves out
    for name, make in [*sets.items(), ("presidio_all_entities", presidio), ("corpus_all_entities", sets.get("corpus"))]:
        if make is None:
            continue
        texts = make()
        lines = list(findings(every if name.endswith("_all_entities") else det, texts))
        (out / f"{name}.jsonl").write_text("".join(ln + "\n" for ln in lines), encoding="utf-8")
        n = sum(len(json.loads(ln)[1]) for ln in lines)
        print(f"{name:12} {len(texts):7d} texts {len(lines):6d} with findings {n:7d} findings  sha256 {digest(lines)}")


def compare(a: Path, b: Path) -> int:
    bad = 0
    for fa in sorted(a.glob("*.jsonl")):
        fb = b / fa.name
        la = fa.read_text(encoding="utf-8").splitlines()
        lb = fb.read_text(encoding="utf-8").splitlines() if fb.is_file() else []
        same = la == lb
        print(f"{fa.stem:12} {len(la):6d} vs {len(lb):6d} lines: {'identical' if same else 'DIFFERENT'}")
        if not same:
            bad += 1
            diff = [(x, y) for x, y in zip(la, lb, strict=False) if x != y][:3]
            for x, y in diff:
                print("  old", x[:300], "\n  new", y[:300])
    return bad


def main() -> None:
    ap = argparse.ArgumentParser()
    sub = ap.add_subparsers(dest="cmd", required=True)
    d = sub.add_parser("dump")
    d.add_argument("out", type=Path)
    d.add_argument("--corpus", nargs="*", default=[])
    c = sub.add_parser("compare")
    c.add_argument("a", type=Path)
    c.add_argument("b", type=Path)
    args = ap.parse_args()
    if args.cmd == "dump":
        dump(args.out, args.corpus)
    else:
        raise SystemExit(1 if compare(args.a, args.b) else 0)


if __name__ == "__main__":
    main()
