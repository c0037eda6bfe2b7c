"""Fixture evidence shared by the governance tests."""

from __future__ import annotations

from genguard.govern.evidence import Evidence
from genguard.taxonomy import get_taxonomy

A = get_taxonomy().codes(appendix_a_only=True)


def full_evidence() -> dict[str, Evidence]:
    per_code = {c: 250 for c in A if c.startswith("A1")} | {c: 120 for c in A if c.startswith("A2")}
    per_code["S1"] = 8000
    return {
        "guard.policy": Evidence(key="guard.policy", status="present", summary="policy",
                                 value={"directions": ["input", "output"], "detectors": ["keywords", "pii"], "explicit_label": True}),
        "keywords.banks": Evidence(key="keywords.banks", status="present", value={"per_code": per_code}),
        "assess.banks": Evidence(key="assess.banks", status="present", value={
            "counts": {"generated": 2100, "should_refuse": 600, "should_not_refuse": 550}, "covered_codes": A}),
        "assess.latest": Evidence(key="assess.latest", status="present", summary="run r1", value={
            "run_id": "r1", "generated": {"n": 1000, "pass_rate": 0.93},
            "should_refuse": {"n": 300, "refusal_rate": 0.97}, "should_not_refuse": {"n": 300, "refusal_rate": 0.03}}),
        "classifier.models": Evidence(key="classifier.models", status="present", value={"covered_codes": ["A1", "A2", "A3", "A4", "A5"]}),
        "corpus.audits": Evidence(key="corpus.audits", status="present", summary="2 sources", value={"sources": [
            {"name": "web", "size": 100000, "sampled": 4000, "qualified_rate": 0.97, "harmful_rate": 0.02, "blacklisted": False},
            {"name": "forum", "size": 3000, "sampled": 3000, "qualified_rate": 0.90, "harmful_rate": 0.08, "blacklisted": True}]}),
        "incidents.channel": Evidence(key="incidents.channel", status="present", value={"open": 2, "overdue": 0}),
    }
