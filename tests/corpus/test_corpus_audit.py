"""Audit: per-source verdicts and rates on corpora with planted harmful / PII documents."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from corpus_helpers import cold_sentences, strip_volatile, write_source

from genguard.corpus.audit import run_audit
from genguard.corpus.readers import ReaderConfig
from genguard.corpus.settings import CorpusSettings
from genguard.findings import Direction
from genguard.guard import Guard


def _by_source(report: dict) -> dict[str, dict]:
    return {s["source"]: s for s in report["sources"]}


@pytest.fixture
def four_sources(tmp_path: Path) -> tuple[Path, dict[str, dict[str, set[str]]]]:
    d = tmp_path / "corpus"
    d.mkdir()
    planted = {
        "clean": write_source(d / "clean.jsonl", 1000, seed=1),
        "dirty": write_source(d / "dirty.jsonl", 1000, harmful=80, seed=2),       # 8 % harmful -> blacklist
        "border": write_source(d / "border.jsonl", 1000, harmful=30, seed=3),     # 3 %: not blacklisted, fails 98 % technical
        "mild": write_source(d / "mild.jsonl", 1000, harmful=15, seed=5),         # 1.5 % -> qualified
        "pii": write_source(d / "pii.jsonl", 1000, pii=60, seed=4),               # 6 % PII -> not qualified
    }
    return d, planted


def test_full_scan_rates_and_verdicts_are_exact(four_sources, corpus_policy: str, tmp_path: Path) -> None:
    d, planted = four_sources
    rep = run_audit([d], out=tmp_path / "out", policy=corpus_policy, full=True, show_progress=False)
    s = _by_source(rep)
    assert s["clean"]["verdict"] == "qualified" and s["clean"]["harmful_rate"] == 0.0
    assert s["dirty"]["verdict"] == "blacklist" and s["dirty"]["harmful_rate"] == pytest.approx(0.08)
    assert s["border"]["verdict"] == "not_qualified" and s["border"]["harmful_rate"] == pytest.approx(0.03)
    assert s["border"]["qualified_rate"] == pytest.approx(0.97)
    assert s["border"]["reasons"] == ["technical sample qualified 97.00% < 98%"]
    assert s["mild"]["verdict"] == "qualified" and s["mild"]["qualified_rate"] == pytest.approx(0.985)
    assert s["pii"]["verdict"] == "not_qualified" and s["pii"]["harmful_rate"] == 0.0
    assert s["pii"]["qualified_rate"] == pytest.approx(0.94)
    rates = {x["code"]: x for x in s["dirty"]["rates"]}
    assert set(rates) == {"A1.4"} and rates["A1.4"]["hits"] == 80 and rates["A1.4"]["n"] == 1000
    lo, hi = rates["A1.4"]["ci"]
    assert lo < 0.08 < hi and hi - lo < 0.04
    assert {x["code"]: x["hits"] for x in s["pii"]["rates"]} == {"S4": 60}
    # examples are real planted documents with the evidence that hit
    ex = s["dirty"]["examples"]["A1.4"]
    assert ex and all(e["doc_id"] in planted["dirty"]["harmful"] for e in ex)
    assert all(("炸弹" in e["evidence"]) or ("bomb" in e["evidence"]) for e in ex)
    assert rep["inputs"] == {"docs": 5000, "malformed": 0, "scanned": 5000, "bytes": rep["inputs"]["bytes"]}
    for f in ("audit.json", "audit.md", "audit.html", "audit.zh.html", "malformed.jsonl"):
        assert (tmp_path / "out" / f).is_file()
    html = (tmp_path / "out" / "audit.zh.html").read_text(encoding="utf-8")
    assert "列入黑名单" in html and "<script" not in html and not re.search(r'(src|href)="https?:', html)


def test_sampled_audit_uses_seeded_bottom_k(four_sources, corpus_policy: str, tmp_path: Path) -> None:
    d, planted = four_sources
    st = CorpusSettings(sample_size=300, technical_rate=0.10)
    rep = run_audit([d], out=tmp_path / "a", policy=corpus_policy, settings=st, seed=11, show_progress=False)
    s = _by_source(rep)
    for name in planted:
        assert s[name]["sampled"] == 300 and s[name]["required"] == 300
        assert s[name]["scanned"] >= 300  # technical sample: at least 10 % and enough for the sample
        assert s[name]["scanned_share"] >= 0.10
    # the sample's harmful rate is an unbiased estimate: the planted rate is inside its interval
    assert s["dirty"]["harmful"]["ci"][0] <= 0.08 <= s["dirty"]["harmful"]["ci"][1]
    assert s["dirty"]["verdict"] == "blacklist" and s["clean"]["verdict"] == "qualified"
    # hits counted in the sample are exactly the planted documents that were sampled
    ids = {json.loads(x)["id"] for x in (tmp_path / "a" / "sample_ids.jsonl").read_text().splitlines()
           if json.loads(x)["source"] == "dirty"}
    assert len(ids) == 300
    assert s["dirty"]["harmful"]["hits"] == len(ids & planted["dirty"]["harmful"])
    # same seed -> same sample; another seed -> another sample
    rep2 = run_audit([d], out=tmp_path / "b", policy=corpus_policy, settings=st, seed=11, show_progress=False)
    assert strip_volatile(rep2) == strip_volatile(rep)
    rep3 = run_audit([d], out=tmp_path / "c", policy=corpus_policy, settings=st, seed=12, show_progress=False)
    assert _by_source(rep3)["dirty"]["sample_ids"] != s["dirty"]["sample_ids"]


def test_sample_does_not_depend_on_where_the_corpus_lives(four_sources, corpus_policy: str, tmp_path: Path) -> None:
    """Sampling keys are relative names: a copy of the corpus elsewhere gives the same sample."""
    d, _ = four_sources
    copy = tmp_path / "elsewhere" / "mounted" / "corpus"
    shutil.copytree(d, copy)
    st = CorpusSettings(sample_size=300, technical_rate=0.10)

    def relative_sample(root: Path, out: str) -> dict[str, list[str]]:
        rep = run_audit([root], out=tmp_path / out, policy=corpus_policy, settings=st, seed=5, show_progress=False)
        return {s["source"]: sorted(i.removeprefix(str(root) + "/") for i in s["sample_ids"]) for s in rep["sources"]}

    first, second = relative_sample(d, "a"), relative_sample(copy, "b")
    assert first == second and len(first["dirty"]) == 300
    assert all(not i.startswith("/") for i in first["dirty"])


def test_small_source_is_sampled_completely(tmp_path: Path, corpus_policy: str) -> None:
    write_source(tmp_path / "tiny.jsonl", 120, harmful=12)
    rep = run_audit([tmp_path / "tiny.jsonl"], out=tmp_path / "o", policy=corpus_policy, show_progress=False)
    s = _by_source(rep)["tiny"]
    assert s["sampled"] == 120 and s["scanned"] == 120 and s["harmful_rate"] == pytest.approx(0.10)
    assert s["verdict"] == "blacklist"


def test_real_text_carriers_from_cold(shared_data: Path, tmp_path: Path, corpus_policy: str) -> None:
    # real COLD sentences labelled non-offensive, minus the few on which the test policy's keyword
    # bank already hits by itself (slur mentions): the audit must then find exactly what is planted
    guard = Guard.from_policy(corpus_policy)
    carriers = [c for c in cold_sentences(shared_data, 2400) if not guard.check(c, Direction.OUTPUT).findings]
    assert len(carriers) >= 2000
    carriers = carriers[:2000]
    d = tmp_path / "c"
    d.mkdir()
    write_source(d / "weibo.jsonl", 2000, harmful=120, pii=40, carriers=carriers, seed=5)  # 6 % harmful, 2 % PII
    write_source(d / "tieba.jsonl", 2000, harmful=40, carriers=carriers[::-1], seed=6)    # 2 %
    rep = run_audit([d], out=tmp_path / "o", policy=corpus_policy, full=True, workers=2, show_progress=False)
    s = _by_source(rep)
    assert s["weibo"]["harmful_rate"] == pytest.approx(0.06) and s["weibo"]["verdict"] == "blacklist"
    assert {x["code"]: x["hits"] for x in s["weibo"]["rates"]} == {"A1.4": 120, "S4": 40}
    assert s["tieba"]["harmful_rate"] == pytest.approx(0.02) and s["tieba"]["verdict"] == "qualified"


def test_source_field_mapping_and_workers_agree(tmp_path: Path, corpus_policy: str) -> None:
    f = tmp_path / "mixed.jsonl"
    a = write_source(tmp_path / "a.jsonl", 400, harmful=40, source_field="site", source="siteA")
    b = write_source(tmp_path / "b.jsonl", 400, source_field="site", source="siteB")
    f.write_text((tmp_path / "a.jsonl").read_text() + (tmp_path / "b.jsonl").read_text(), encoding="utf-8")
    assert a and b
    reader = ReaderConfig(source_field="site")
    st = CorpusSettings(sample_size=200, shard_mb=1)
    r1 = run_audit([f], out=tmp_path / "w1", reader=reader, policy=corpus_policy, settings=st, show_progress=False)
    r2 = run_audit([f], out=tmp_path / "w2", reader=reader, policy=corpus_policy, settings=st, workers=2,
                   show_progress=False)
    assert strip_volatile(r1) == strip_volatile(r2)
    s = _by_source(r1)
    assert set(s) == {"siteA", "siteB"} and s["siteA"]["total"] == 400 and s["siteB"]["verdict"] == "qualified"


def test_byte_range_shards_give_same_result_and_absolute_lines(tmp_path: Path, corpus_policy: str) -> None:
    big = tmp_path / "big.jsonl"
    write_source(big, 6000, harmful=300)
    with big.open("a", encoding="utf-8") as fh:
        fh.write("{broken\n")
    assert big.stat().st_size > 1024 * 1024
    whole = run_audit([big], out=tmp_path / "x", policy=corpus_policy, full=True,
                      settings=CorpusSettings(shard_mb=64), show_progress=False)
    split = run_audit([big], out=tmp_path / "y", policy=corpus_policy, full=True, workers=2,
                      settings=CorpusSettings(shard_mb=1), show_progress=False)
    assert strip_volatile(whole)["sources"] == strip_volatile(split)["sources"]
    assert split["malformed"] == [{"file": str(big), "line": 6001, "problem": split["malformed"][0]["problem"], "source": "big"}]
    assert _by_source(split)["big"]["total"] == 6000


def test_resume_reuses_finished_shards(tmp_path: Path, corpus_policy: str) -> None:
    d = tmp_path / "c"
    d.mkdir()
    write_source(d / "one.jsonl", 300, harmful=30)
    write_source(d / "two.jsonl", 300)
    out = tmp_path / "o"
    first = run_audit([d], out=out, policy=corpus_policy, full=True, show_progress=False)
    ckpts = sorted((out / ".checkpoints").rglob("shard-*.json"))
    assert len(ckpts) == 2
    # tamper with one finished shard: a resumed run must use the checkpoint, not rescan
    data = json.loads(ckpts[0].read_text())
    data["sources"]["one"]["docs"] += 1000
    ckpts[0].write_text(json.dumps(data))
    ckpts[1].unlink()  # the other shard "was interrupted"
    again = run_audit([d], out=out, policy=corpus_policy, full=True, show_progress=False)
    assert _by_source(again)["one"]["total"] == 1300
    assert _by_source(again)["two"]["total"] == _by_source(first)["two"]["total"] == 300
    fresh = run_audit([d], out=out, policy=corpus_policy, full=True, resume=False, show_progress=False)
    assert _by_source(fresh)["one"]["total"] == 300


def test_a_pool_hands_out_the_largest_shards_first() -> None:
    """The last shard of each file is the small one; a pool that handed shards out in plan order
    left one worker alone on the last file's full shards. Ties keep plan order."""
    from genguard.corpus.backends.local import largest_first
    from genguard.corpus.readers import Shard

    plan = [Shard(0, "a", 70, 0, 32), Shard(1, "a", 70, 32, 64), Shard(2, "a", 70, 64, -1),
            Shard(3, "b", 10), Shard(4, "c", 40, 0, 32), Shard(5, "c", 40, 32, -1)]
    assert [s.index for s in largest_first(plan)] == [0, 1, 4, 3, 5, 2]
