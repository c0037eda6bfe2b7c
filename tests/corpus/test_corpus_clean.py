"""Cleaning: removes exactly what the manifest lists; dedup at the configured threshold; decontamination."""

from __future__ import annotations

import json
import random
import re
from pathlib import Path

import pytest
from corpus_helpers import HARMFUL_EN, HARMFUL_ZH, PHONES

from genguard.corpus.clean import run_clean
from genguard.corpus.settings import CorpusSettings
from genguard.corpus.textops import shingle_hashes


def words(rng: random.Random, n: int) -> list[str]:
    return [f"t{rng.randrange(10**9)}" for _ in range(n)]


def jaccard(a: str, b: str, k: int = 5) -> float:
    x, y = set(shingle_hashes(a, k)), set(shingle_hashes(b, k))
    return len(x & y) / len(x | y)


def read_jsonl(p: Path) -> list[dict]:
    return [json.loads(x) for x in p.read_text(encoding="utf-8").splitlines()]


@pytest.fixture
def planted_corpus(tmp_path: Path) -> dict:
    rng = random.Random(3)
    f = tmp_path / "web.jsonl"
    eval_items = ["请解释为什么天空在晴朗的白天看起来是蓝色的并给出物理原理",
                  "What is the capital city of the country that hosted the first modern olympic games"]
    (tmp_path / "eval.jsonl").write_text("".join(json.dumps({"question": q}, ensure_ascii=False) + "\n" for q in eval_items),
                                         encoding="utf-8")
    lines: list[str] = []
    kinds: dict[str, set[int]] = {k: set() for k in ("harmful", "pii", "exact", "near", "far", "eval", "bad")}
    texts: dict[int, str] = {}

    def add(text: str | None, kind: str | None = None, raw: str | None = None) -> None:
        lines.append(raw if raw is not None else json.dumps({"text": text}, ensure_ascii=False))
        ln = len(lines)
        if kind:
            kinds[kind].add(ln)
        if text is not None:
            texts[ln] = text

    for i in range(120):
        add(" ".join(words(rng, 40)) + f" doc{i}")
    for i in range(8):
        add(" ".join(words(rng, 30)) + " " + (HARMFUL_ZH if i % 2 else HARMFUL_EN), "harmful")
    for i in range(6):
        add(" ".join(words(rng, 30)) + f" 请拨打 {PHONES[i % len(PHONES)]} 联系", "pii")
    for ln in (3, 10, 40, 77):  # exact duplicates up to case/whitespace/punctuation
        add("  " + texts[ln].upper().replace(" ", "  ") + " !", "exact")
    pairs = []
    for _ in range(8):  # near duplicates: two tokens changed in 200 -> Jaccard ~0.9
        base = words(rng, 200)
        add(" ".join(base))
        hi = list(base)
        hi[50], hi[150] = "changed1", "changed2"
        add(" ".join(hi), "near")
        lo = list(base)  # far: every 8th token changed -> Jaccard ~0.3
        for j in range(0, 200, 8):
            lo[j] = f"x{j}"
        add(" ".join(lo), "far")
        pairs.append((" ".join(base), " ".join(hi), " ".join(lo)))
    for q in eval_items:
        add(" ".join(words(rng, 10)) + " " + q + " " + " ".join(words(rng, 10)), "eval")
    # harmful and overlapping an evaluation item: removed for harm (checked first, so the
    # tokens that the overlap test needs are never computed for documents dropped as harmful)
    add(" ".join(words(rng, 10)) + " " + eval_items[0] + " " + HARMFUL_EN, "harmful")
    add(None, "bad", raw='{"text": "torn')
    add(None, "bad", raw='{"body": "no text field"}')
    f.write_text("\n".join(lines) + "\n", encoding="utf-8")
    ids = {k: {f"{f}:{ln}" for ln in v} for k, v in kinds.items()}
    return {"file": f, "eval": tmp_path / "eval.jsonl", "ids": ids, "n": len(lines), "pairs": pairs}


def test_clean_removes_exactly_what_the_manifest_lists(planted_corpus: dict, corpus_policy: str, tmp_path: Path) -> None:
    pc = planted_corpus
    for base, hi, lo in pc["pairs"]:
        assert jaccard(base, hi) >= 0.88 and 0.15 <= jaccard(base, lo) <= 0.35
    out = tmp_path / "out"
    summary = run_clean([pc["file"]], out=out, policy=corpus_policy, eval_paths=[pc["eval"]], eval_field="question",
                        settings=CorpusSettings(near_dup_threshold=0.8), show_progress=False)
    cleaned = read_jsonl(out / "cleaned.jsonl")
    manifest = read_jsonl(out / "manifest.jsonl")
    kept_ids = [r["id"] for r in cleaned]
    removed = {r["id"]: r for r in manifest if r["action"] in ("drop", "skip")}
    changed = {r["id"]: r for r in manifest if r["action"] == "redact"}
    all_ids = {f"{pc['file']}:{i}" for i in range(1, pc["n"] + 1)}
    # every input record is in exactly one of: output, removal manifest
    assert len(kept_ids) == len(set(kept_ids))
    assert set(kept_ids).isdisjoint(removed) and set(kept_ids) | set(removed) == all_ids
    assert set(changed) <= set(kept_ids)
    assert summary["accounted"] and summary["counts"]["records"] == pc["n"]
    by_reason: dict[str, set[str]] = {}
    for r in removed.values():
        by_reason.setdefault(r["reason"], set()).add(r["id"])
    ids = pc["ids"]
    assert by_reason["harmful"] == ids["harmful"]
    assert by_reason["exact_duplicate"] == ids["exact"]
    assert by_reason["near_duplicate"] == ids["near"]  # every ~0.9 pair found, no ~0.3 pair
    assert by_reason["eval_overlap"] == ids["eval"]
    assert by_reason["malformed"] == ids["bad"]
    assert set(by_reason) == {"harmful", "exact_duplicate", "near_duplicate", "eval_overlap", "malformed"}
    assert set(changed) == ids["pii"]
    text_of = {r["id"]: r["text"] for r in cleaned}
    for i in ids["pii"]:
        # the policy's placeholder operator (numbered per document: <S4_1>)
        assert re.search(r"<S4(_\d+)?>", text_of[i]) and not any(p in text_of[i] for p in PHONES)
    for r in removed.values():
        if r["reason"] == "near_duplicate":
            assert 0.8 <= r["detail"]["similarity"] <= 1.0 and r["detail"]["duplicate_of"] in text_of
    assert summary["reasons"] == {k: len(v) for k, v in by_reason.items()} | {"pii": len(ids["pii"])}
    assert (out / "clean.html").is_file() and (out / "clean.zh.html").is_file()


def test_threshold_is_configurable(planted_corpus: dict, corpus_policy: str, tmp_path: Path) -> None:
    pc = planted_corpus
    low = run_clean([pc["file"]], out=tmp_path / "low", policy=corpus_policy,
                    settings=CorpusSettings(near_dup_threshold=0.1), show_progress=False)
    high = run_clean([pc["file"]], out=tmp_path / "high", policy=corpus_policy,
                     settings=CorpusSettings(near_dup_threshold=0.99), show_progress=False)
    assert low["reasons"]["near_duplicate"] == 16  # the far (~0.25) variants are caught too at 0.1
    assert "near_duplicate" not in high["reasons"]  # ~0.9 pairs survive 0.99 (128-perm estimates: sd ~0.03)


def test_workers_and_blacklist(planted_corpus: dict, corpus_policy: str, tmp_path: Path) -> None:
    pc = planted_corpus
    one = run_clean([pc["file"]], out=tmp_path / "one", policy=corpus_policy, show_progress=False)
    two = run_clean([pc["file"]], out=tmp_path / "two", policy=corpus_policy, workers=2, show_progress=False,
                    settings=CorpusSettings(shard_mb=1))
    for name in ("cleaned.jsonl", "manifest.jsonl"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    assert one["counts"] == two["counts"]
    bl = run_clean([pc["file"]], out=tmp_path / "bl", policy=corpus_policy, blacklisted={"web"}, show_progress=False)
    assert bl["output_docs"] == 0 and bl["reasons"]["blacklisted_source"] == pc["n"] - 2 and bl["accounted"]


def test_resume_starts_afresh_when_the_eval_set_changes(corpus_policy: str, tmp_path: Path) -> None:
    # the checkpoint fingerprint took only the first 1,000 sorted n-grams and their count, and no
    # short item at all: a changed evaluation set resumed with stale eval-overlap decisions
    data = tmp_path / "data"
    data.mkdir()
    (data / "d.jsonl").write_text(
        json.dumps({"text": "the quick brown fox jumps over the lazy dog today"}) + "\n"
        + json.dumps({"text": "intro " + " ".join(f"zz{i}" for i in range(1, 14)) + " outro"}) + "\n", encoding="utf-8")
    filler = " ".join(f"a{i}" for i in range(1200))  # > 1,000 n-grams, all sorting before "zz..."

    def clean_with(*items: str) -> dict:
        ev = tmp_path / "eval.jsonl"
        ev.write_text("".join(json.dumps({"text": t}) + "\n" for t in items), encoding="utf-8")
        run_clean([data], out=tmp_path / "out", policy=corpus_policy, eval_paths=[ev], show_progress=False)
        return {r["line"]: r["reason"] for r in read_jsonl(tmp_path / "out" / "manifest.jsonl")}

    zz = " ".join(f"zz{i}" for i in range(1, 14))
    assert clean_with(filler, zz, "jumps over the lazy dog") == {1: "eval_overlap", 2: "eval_overlap"}
    assert clean_with(filler, zz, "what is the capital city of france") == {2: "eval_overlap"}  # short item changed
    assert clean_with(filler, zz.replace("zz13", "zz99"), "what is the capital city of france") == {}  # n-gram changed


def test_out_folder_inside_the_input_is_not_read_back(corpus_policy: str, tmp_path: Path) -> None:
    data = tmp_path / "data"
    data.mkdir()
    (data / "web.jsonl").write_text("".join(json.dumps({"text": f"document number {i} about rivers"}) + "\n"
                                            for i in range(5)) + '{"text": "torn\n', encoding="utf-8")
    (data / "notes.xyz").write_text("not a corpus file\n", encoding="utf-8")
    first = run_clean([data], out=data / "cleaned", policy=corpus_policy, show_progress=False)
    second = run_clean([data], out=data / "cleaned", policy=corpus_policy, show_progress=False)
    third = run_clean([data], out=data / "cleaned", policy=corpus_policy, resume=False, show_progress=False)
    assert first["counts"] == second["counts"] == third["counts"] == {
        "records": 6, "kept": 5, "redacted": 0, "dropped": 0, "skipped": 1}
    assert first["files"] == second["files"] == 1
    # malformed records count under their file's source, not an unknown "?" bucket
    assert second["by_source"] == {"web": {"records": 6, "output": 5}}
    saved = json.loads((data / "cleaned" / "clean.json").read_text(encoding="utf-8"))
    assert saved["skipped_files"] == [
        {"path": str(data / "cleaned"), "reason": "this run's --out folder"},
        {"path": str(data / "notes.xyz"), "reason": saved["skipped_files"][1]["reason"]}]
    assert saved["skipped_files"][1]["reason"].startswith("unknown file type")
