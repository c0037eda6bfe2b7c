"""``genguard keywords stats|match`` and the stats API."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from genguard.cli.app import app
from genguard.detect.keywords.stats import Minimums, keyword_stats

runner = CliRunner()


def test_stats_json_lists_every_a1_a2_risk_with_minimums() -> None:
    res = runner.invoke(app, ["keywords", "stats", "--format", "json"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    cats = {c["code"]: c for c in d["categories"]}
    for code in [f"A1.{i}" for i in range(1, 9)] + [f"A2.{i}" for i in range(1, 10)]:
        c = cats[code]
        assert c["minimum"] == (200 if code.startswith("A1") else 100)
        assert c["met"] == (c["total"] >= c["minimum"])
        assert c["entries"]["zh"] > 0 and c["entries"]["en"] > 0
    assert d["total"] == sum(c["total"] for c in d["categories"])
    assert d["total_met"] == (d["total"] >= 10_000)


def test_stats_api_reports_not_met_honestly(tmp_path: Path) -> None:
    bank = tmp_path / "one.yaml"
    bank.write_text("category: A1.4\nprovenance: t\nterms: {zh: [甲乙丙], en: ['{a|b} thing']}\n", encoding="utf-8")
    st = keyword_stats([bank])
    a14 = next(c for c in st.categories if c.code == "A1.4")
    assert a14.entries == {"zh": 1, "en": 2} and a14.patterns == {"zh": 1, "en": 1}
    assert a14.met is False and not st.total_met and not st.all_met
    assert "A1.1" in st.missing_required and "A1.4" not in st.missing_required
    assert keyword_stats([bank], Minimums(total=3, per_a1_risk=3, per_a2_risk=0)).categories[0].met in (True, False)
    pat = keyword_stats([bank], basis="patterns")
    assert next(c for c in pat.categories if c.code == "A1.4").total == 2


def test_stats_table_and_patterns_basis() -> None:
    res = runner.invoke(app, ["keywords", "stats", "--basis", "patterns"])
    assert res.exit_code == 0, res.output
    assert "A2.9" in res.stdout and "written patterns" in res.stdout


def test_match_shows_view_and_term() -> None:
    res = runner.invoke(app, ["keywords", "match", "--format", "json", "zhi zuo zha dan"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    hit = next(h for h in d["hits"] if h["term"] == "制作炸弹")
    assert hit["view"] == "pinyin" and hit["evidence"] == "zhi zuo zha dan" and hit["category"] == "A1.4"


def test_match_bad_bank_is_a_clean_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_bytes("category: A1.4\nterms: {zh: [炸弹]}\n".encode("gbk"))
    res = runner.invoke(app, ["keywords", "match", "--bank", str(bad), "x"])
    assert res.exit_code != 0
    assert "not UTF-8" in str(res.exception) or "not UTF-8" in res.output
