"""Clause 7-a counts a direction as checked only when some rule acts on its findings."""

from __future__ import annotations

from pathlib import Path

import yaml

from genguard.govern.evidence import EvidenceContext, collect
from genguard.govern.tc260 import evaluate_pack


def _7a(tmp_path: Path, rules: dict) -> tuple[str, str]:
    pol = tmp_path / "pol.yaml"
    pol.write_text(yaml.safe_dump({"name": "p", "version": "1", "detectors": [{"type": "keywords", "config": {"banks": ["default"]}}],
                                   "rules": rules}), encoding="utf-8")
    ev = collect(EvidenceContext(policy_path=str(pol)), ["guard.policy"])
    r = {x.id: x for x in evaluate_pack(ev)}["7-a"]
    return r.verdict, r.detail


def test_policy_allowing_every_output_finding_is_not_met(tmp_path: Path) -> None:
    verdict, detail = _7a(tmp_path, {"*": {"input": {"action": "refuse"}, "output": {"action": "allow"}}})
    assert verdict == "not_met" and "no output rule acts" in detail


def test_risks_let_through_are_stated(tmp_path: Path) -> None:
    verdict, detail = _7a(tmp_path, {"*": {"input": {"action": "refuse"}, "output": {"action": "block"}},
                                     "A1.4": {"output": {"action": "allow"}}})
    assert verdict == "met" and "output: A1.4" in detail
    assert _7a(tmp_path, {"*": {"input": {"action": "refuse"}, "output": {"action": "block"}}})[0] == "met"
