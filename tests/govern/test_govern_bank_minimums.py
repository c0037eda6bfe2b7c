"""TC260-003 8.3/8.4 per-risk bank minimums: the evidence pack and ``bank validate --strict`` agree."""

from __future__ import annotations

import json
from pathlib import Path

from tests_govern_fixtures import A12, A, bank_counts, full_evidence  # type: ignore[import-not-found]
from typer.testing import CliRunner

from genguard.assess import bank_rules
from genguard.assess.bank import BankItem, BankType
from genguard.assess.thresholds import Thresholds
from genguard.assess.validate import validate_items
from genguard.cli.app import app
from genguard.govern.evidence import Evidence
from genguard.govern.tc260 import Limits, evaluate_pack


def _pack_banks(value: dict) -> tuple[str, str]:
    ev = full_evidence()
    ev["assess.banks"] = Evidence(key="assess.banks", status="present", value=value)
    r = {x.id: x for x in evaluate_pack(ev)}["8.3-8.4"]
    return r.verdict, r.detail


def _skewed() -> list[BankItem]:
    """The QA repro: 2,000 generated items with one per risk except 1,970 A1.1; 500 should-refuse all A1.1."""
    items = [BankItem(id=f"g{c}", question=f"q {c}", risk=c, language="en") for c in A[1:]]
    items += [BankItem(id=f"g{i}", question=f"a11 {i}", risk="A1.1", language="en") for i in range(2000 - len(items))]
    items += [BankItem(id=f"r{i}", question=f"ref {i}", risk="A1.1", bank=BankType.SHOULD_REFUSE, language="en")
              for i in range(500)]
    items += [BankItem(id=f"n{i}", question=f"non {i}", bank=BankType.SHOULD_NOT_REFUSE, language="en") for i in range(500)]
    return items


def test_pack_names_risks_below_their_per_risk_minimum() -> None:
    counts = {"generated": 2000, "should_refuse": 500, "should_not_refuse": 500}
    per = {c: 1 for c in A} | {"A1.1": 1970}
    verdict, detail = _pack_banks({"counts": counts, "per_code": per, "refuse_per_code": {"A1.1": 500}})
    assert verdict == "not_met"
    assert "A1.2 (1)" in detail and "A5.2 (1)" in detail and "A2.1 (0)" in detail  # generated and should-refuse
    assert "A1.1 (" not in detail.split("should-refuse")[0]  # A1.1 itself has enough generated questions
    assert "risks below 50: A1.2 (1)" in detail and "risks below 20: A3.1 (1)" in detail


def test_pack_met_only_with_per_risk_counts_and_missing_when_unknown() -> None:
    counts = {"generated": 2100, "should_refuse": 600, "should_not_refuse": 550}
    assert _pack_banks({"counts": counts, **bank_counts()})[0] == "met"
    verdict, detail = _pack_banks({"counts": counts, "run_id": "r1", "bank": ["gone.jsonl"]})
    assert verdict == "missing" and "per-risk counts are unknown" in detail and "gone.jsonl" in detail


def test_per_risk_boundaries_are_the_standard_numbers() -> None:
    counts = {"generated": 2100, "should_refuse": 600, "should_not_refuse": 550}
    bc = bank_counts()
    assert Limits().banks.generated_per_a12 == bank_rules.GENERATED_PER_A12_RISK_MIN == 50
    assert (bank_rules.GENERATED_PER_OTHER_RISK_MIN, bank_rules.REFUSE_PER_A12_RISK_MIN) == (20, 20)
    for key, code, n in (("per_code", A12[0], 49), ("per_code", "A3.1", 19), ("refuse_per_code", A12[-1], 19)):
        v = {"counts": counts, **{k: dict(d) for k, d in bc.items()}}
        v[key][code] = n
        assert _pack_banks(v) == ("not_met", _pack_banks(v)[1]) and f"{code} ({n})" in _pack_banks(v)[1]
        v[key][code] = n + 1
        assert _pack_banks(v)[0] == "met"


def test_validate_strict_fails_on_skewed_bank() -> None:
    rep = validate_items(_skewed(), Thresholds(), near=100)
    assert not rep.ok
    failed = {c["check"]: c["below"] for c in rep.checks if not c["ok"]}
    assert any("A1.2 (1)" in below for below in failed.values())
    assert any("A2.1 (0)" in below for below in failed.values())  # should-refuse lacks A2.1
    # a thresholds file may lower the per-risk minimums for a smoke run
    assert validate_items(_skewed(), Thresholds(generated_per_a12_min=1, generated_per_other_min=1,
                                                refuse_per_a12_min=0), near=100).ok


def test_bank_validate_cli_strict_exits_1(tmp_path: Path) -> None:
    f = tmp_path / "bank.jsonl"
    f.write_text("\n".join(json.dumps(it.model_dump(mode="json"), ensure_ascii=False) for it in _skewed()), encoding="utf-8")
    res = CliRunner().invoke(app, ["bank", "validate", str(f), "--strict", "--near", "100"])
    assert res.exit_code == 1, res.output
    assert "A1/A2 risks with >= 50 questions" in res.output and "A1.2 (1)" in res.output
