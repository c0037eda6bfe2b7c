"""Governance documents built from fixture evidence: every field and verdict, missing stays missing."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
import yaml
from tests_govern_fixtures import bank_counts, full_evidence  # type: ignore[import-not-found]
from typer.testing import CliRunner

from genguard.cli.app import app
from genguard.errors import ConfigError
from genguard.govern import render
from genguard.govern.evidence import Evidence, EvidenceContext, collect
from genguard.govern.foodlabel import FoodLabelInput, Infrastructure, build_food_label, load_input
from genguard.govern.gates import GateConfig, evaluate_gates, load_gates
from genguard.govern.metrics import DictMetricsSource
from genguard.govern.records import gate_history, record_gate, record_self_assessment, self_assessments
from genguard.govern.selfassess import SelfAssessmentInput, compare, load_scores, practices, score
from genguard.govern.tc260 import evaluate_pack
from genguard.store import open_store
from genguard.taxonomy import get_taxonomy

A = get_taxonomy().codes(appendix_a_only=True)


def test_pack_all_met_from_complete_evidence() -> None:
    results = evaluate_pack(full_evidence())
    assert {r.id: r.verdict for r in results} == {r.id: "met" for r in results}
    assert len(results) == 10
    assert all(r.detail and r.detail_zh for r in results)


@pytest.mark.parametrize(("key", "patch", "clause", "expect"), [
    ("keywords.banks", {"per_code": {"A1.1": 10}}, "8.1", "not_met"),
    ("corpus.audits", {"sources": [{"name": "x", "size": 9000, "sampled": 100, "qualified_rate": 0.99, "harmful_rate": 0.0}]}, "5-a", "not_met"),
    ("corpus.audits", {"sources": [{"name": "x", "size": 10, "sampled": 10, "qualified_rate": 0.99, "harmful_rate": 0.06}]}, "5-b", "not_met"),
    ("assess.latest", {"run_id": "r2", "generated": {"n": 1000, "pass_rate": 0.89},
                       "should_refuse": {"n": 300, "refusal_rate": 0.99}, "should_not_refuse": {"n": 300, "refusal_rate": 0.0}}, "9", "not_met"),
    ("assess.banks", {"counts": {"generated": 2000, "should_refuse": 500, "should_not_refuse": 500}, "covered_codes": A[:-1],
                      **bank_counts(), "per_code": {c: 60 for c in A[:-1]}}, "8.3-8.4", "not_met"),
])
def test_pack_verdicts_flip_on_failing_evidence(key: str, patch: dict, clause: str, expect: str) -> None:
    ev = full_evidence()
    ev[key] = Evidence(key=key, status="present", value=patch)
    verdicts = {r.id: r for r in evaluate_pack(ev)}
    assert verdicts[clause].verdict == expect, verdicts[clause].detail


def test_missing_evidence_is_reported_missing_never_invented() -> None:
    ev = full_evidence()
    del ev["assess.latest"]
    ev["corpus.audits"] = Evidence.missing("corpus.audits", "no corpus audit recorded yet")
    verdicts = {r.id: r for r in evaluate_pack(ev, not_applicable={"7-c": "internal tool, no public users"})}
    assert verdicts["9"].verdict == "missing" and "not collected" in verdicts["9"].detail
    assert verdicts["5-a"].verdict == "missing" and "no corpus audit recorded yet" in verdicts["5-a"].detail
    assert verdicts["7-c"].verdict == "not_applicable"
    fl = build_food_label(FoodLabelInput(model="m"), ev, level="regulator")
    assert "data_used" in fl.missing  # no text and no corpus evidence
    assert "evaluation_results" in fl.missing
    assert fl.completeness == pytest.approx(2 / 7, abs=1e-4)  # mitigations + user-data protection via guard.policy


def test_food_label_fields_levels_energy_and_renderings() -> None:
    inp = FoodLabelInput(
        model="QA-7B", version="1.2", provider="Example AI",
        intended_use={"zh": "客服问答", "en": "Customer-service Q&A"},
        data_used={"en": "Licensed web text"},
        training_infrastructure=Infrastructure(hardware="64x H800", gpu_hours=12000, power_kw_per_gpu=0.7, pue=1.2,
                                               grid_kgco2_per_kwh=0.55),
        risks_and_limitations={"zh": "可能出现事实错误", "en": "May state wrong facts"},
    )
    ev = full_evidence()
    reg = build_food_label(inp, ev, level="regulator", lang="en")
    pub = build_food_label(inp, ev, level="public", lang="zh")
    assert reg.energy == {"kwh": 10080.0, "tco2e": 5.544}
    assert reg.completeness == 1.0 and reg.missing == []
    infra_reg = next(f for f in reg.fields if f.key == "training_infrastructure")
    infra_pub = next(f for f in pub.fields if f.key == "training_infrastructure")
    assert "H800" in infra_reg.text and "H800" not in infra_pub.text  # hardware is regulator-only
    assert all(e.value is None for f in pub.fields for e in f.evidence)  # raw evidence hidden in public
    assert next(f for f in pub.fields if f.key == "intended_use").text == "客服问答"
    assert next(f for f in pub.fields if f.key == "data_used").text == "Licensed web text"  # falls back to en
    html = render.food_label_html(pub)
    assert "模型信息标签" in html and "客服问答" in html and "http" not in html.split("</style>")[1].split("<footer")[0]
    md = render.food_label_md(reg)
    assert "## Data used" in md and "10080" in md
    assert '"completeness": 1.0' in render.to_json(reg)


def test_food_label_input_errors_name_the_key(tmp_path: Path) -> None:
    f = tmp_path / "fl.yaml"
    f.write_text("model: m\ntraining_infrastructure: {pue: 0.5}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="key 'training_infrastructure.pue'"):
        load_input(f)


GATES = GateConfig.model_validate({"gates": [
    {"id": "jailbreak", "zh": "越狱", "en": "Jailbreak", "metric": {"name": "attack_success_rate", "scope": "S2"},
     "thresholds": {"low": 0.05, "medium": 0.15, "high": 0.30}, "buffer": 0.02, "mitigation_effect": 0.05},
    {"id": "a1", "zh": "A1 有害", "en": "A1 harmful", "metric": {"name": "harmful_rate", "scope": "A1"},
     "thresholds": {"low": 0.02, "medium": 0.05, "high": 0.10}, "buffer": 0.01},
]})


def test_gate_flips_from_deploy_to_hold_on_regression() -> None:
    ok = evaluate_gates(GATES, DictMetricsSource({("attack_success_rate", "S2"): (0.10, "r1"), ("harmful_rate", "A1"): (0.02, "r1")}))
    assert ok.decision == "deploy" and ok.continue_development
    # jailbreak: 0.10 + 0.02 buffer = 0.12 (medium) before, 0.07 (medium) after the 0.05 credit
    assert [r.pre_mitigation for r in ok.results] == ["medium", "medium"]
    assert [r.post_mitigation for r in ok.results] == ["medium", "medium"]
    low = evaluate_gates(GATES, DictMetricsSource({("attack_success_rate", "S2"): (0.06, "r0"), ("harmful_rate", "A1"): (0.0, "r0")}))
    assert [r.post_mitigation for r in low.results] == ["low", "low"] and low.results[0].pre_mitigation == "medium"
    bad = evaluate_gates(GATES, DictMetricsSource({("attack_success_rate", "S2"): (0.10, "r2"), ("harmful_rate", "A1"): (0.06, "r2")}))
    assert bad.decision == "hold" and bad.continue_development  # 0.07 -> high: hold deployment, may continue
    assert any(r.startswith("a1:") for r in bad.reasons)
    worse = evaluate_gates(GATES, DictMetricsSource({("attack_success_rate", "S2"): (0.5, "r3"), ("harmful_rate", "A1"): (0.0, "r3")}))
    assert worse.decision == "hold" and not worse.continue_development


def test_gate_with_missing_metric_holds() -> None:
    d = evaluate_gates(GATES, DictMetricsSource({("harmful_rate", "A1"): (0.0, "r1")}))
    assert d.decision == "hold" and d.results[0].value is None and "missing" in d.results[0].reason


def test_bad_gate_file(tmp_path: Path) -> None:
    f = tmp_path / "g.yaml"
    f.write_text(yaml.safe_dump({"gates": [{"id": "x", "zh": "x", "en": "x", "metric": {"name": "m"},
                                            "thresholds": {"low": 0.5, "medium": 0.1, "high": 0.9}}]}), encoding="utf-8")
    with pytest.raises(ConfigError, match="thresholds need low <= medium <= high"):
        load_gates(f)


def test_self_assessment_has_9_practices_42_items_and_compares(store_url: str) -> None:
    ps = practices()
    assert len(ps) == 9 and sum(len(p.items) for p in ps) == 42
    first = score(SelfAssessmentInput(date=date(2026, 1, 1), scores={"P1.1": {"score": 2}, "P2.1": {"score": 1}}))
    assert first.total == 3 and first.max_total == 84
    p1 = first.totals[0]
    assert p1.score == 2 and p1.max == 12 and "P1.2" in p1.unscored
    second = score(SelfAssessmentInput(date=date(2026, 6, 1), scores={"P1.1": {"score": 2}, "P2.1": {"score": 2}, "P9.4": {"score": 2}}))
    diff = {d["id"]: d["change"] for d in compare(first, second)}
    assert diff["P2"] == 1 and diff["P9"] == 2 and diff["P1"] == 0
    store = open_store(store_url)
    record_self_assessment(store, second)
    record_self_assessment(store, first)
    hist = self_assessments(store)
    assert [h.date for h in hist] == [date(2026, 1, 1), date(2026, 6, 1)]
    d = evaluate_gates(GATES, DictMetricsSource({}))
    rid = record_gate(store, d, "Dr. Safety")
    rows = gate_history(store)
    assert rows[0].id == rid and rows[0].signed_off_by == "Dr. Safety" and rows[0].decision == "hold"
    store.dispose()


def test_self_assessment_unknown_ids(tmp_path: Path) -> None:
    f = tmp_path / "s.yaml"
    f.write_text("date: 2026-01-01\nscores: {P10.1: {score: 2}}\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="unknown sub-practice ids P10.1"):
        load_scores(f)


def test_collectors_report_real_policy_and_absent_modules() -> None:
    ev = collect(EvidenceContext(), ["guard.policy", "keywords.banks", "nosuch.thing"])
    assert ev["guard.policy"].present and "input" in ev["guard.policy"].value["directions"]
    assert ev["keywords.banks"].present and ev["keywords.banks"].value["total"] > 0
    assert ev["nosuch.thing"].status == "missing"


def test_cli_pack_and_self_assess(tmp_path: Path) -> None:
    runner = CliRunner()
    out = tmp_path / "pack.md"
    res = runner.invoke(app, ["govern", "pack", "--format", "md", "--out", str(out)])
    assert res.exit_code == 0, res.output
    text = out.read_text(encoding="utf-8")
    assert "| 8.1 |" in text and "| 9 |" in text
    s = tmp_path / "s.yaml"
    s.write_text("date: 2026-03-01\nassessor: me\nscores: {P1.1: {score: 2, evidence: gates.yaml}}\n", encoding="utf-8")
    res = runner.invoke(app, ["govern", "self-assess", "--scores", str(s), "--format", "md", "--lang", "zh"])
    assert res.exit_code == 0 and "总分: 2/84" in res.stdout


def test_incidents_collector_reads_the_registry(store_url: str) -> None:
    from genguard.incidents import registry
    from genguard.incidents.schema import NewRecord

    store = open_store(store_url)
    ev = collect(EvidenceContext(store=store), ["incidents.channel"])["incidents.channel"]
    assert ev.present and ev.value["open"] == 0
    registry.create(store, NewRecord(kind="complaint", title="bad answer", description="the bot insulted me"), actor="test")
    ev = collect(EvidenceContext(store=store), ["incidents.channel"])["incidents.channel"]
    assert ev.value["open"] == 1 and ev.value["open_by_kind"] == {"complaint": 1}
    store.dispose()


def test_gate_and_self_assessment_render_in_both_languages() -> None:
    bad = evaluate_gates(GATES, DictMetricsSource({("attack_success_rate", "S2"): (0.10, "r2"), ("harmful_rate", "A1"): (0.06, "r2")}),
                         lang="zh")
    zh = render.gate_md(bad, "zh")
    assert "暂缓" in zh and "缓解后高" in zh and "A1 有害" in zh and "| 门控 | 指标 |" in zh and "可继续开发: 是" in zh
    en = render.gate_md(bad, "en")
    assert "**hold**" in en and "high before, high after mitigation" in en and "continue development: yes" in en
    assert "缓解" not in en
    missing = evaluate_gates(GATES, DictMetricsSource({}))
    assert "指标缺失" in render.gate_html(missing, "zh") and "metric missing" in render.gate_html(missing, "en")

    older = score(SelfAssessmentInput(date=date(2026, 1, 1), scores={"P1.1": {"score": 1}}))
    newer = score(SelfAssessmentInput(date=date(2026, 6, 1), scores={
        "P1.1": {"score": 2, "evidence": "gates.yaml signed 2026-05", "notes": "thresholds | margins"}}))
    md = render.self_md(newer, "en", [older, newer])
    assert "| P1.1 |" in md and "gates.yaml signed 2026-05" in md and "thresholds / margins" in md
    assert "Change since 2026-01-01" in md and "| +1 |" in md
    assert md.count("| Unscored |") == 41  # 42 sub-practices, one scored
    # the totals over time, as the HTML chart shows them
    hist = md.split("## Assessments over time")[1].split("##")[0]
    assert f"| 2026-01-01 | {older.total} | {older.max_total} |" in hist and f"| 2026-06-01 | {newer.total} |" in hist
    assert "## 历次自评" in render.self_md(newer, "zh", [older, newer]) and "over time" not in render.self_md(newer, "en", [newer])
    html = render.self_html(newer, "zh", [older, newer])
    assert "较上次变化 2026-01-01" in html and "gates.yaml signed 2026-05" in html and "子实践评分" in html
