"""Governance HTML renders in a real Chromium with no network requests (screenshots kept)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from genguard.govern import render
from genguard.govern.foodlabel import FoodLabelInput, build_food_label
from genguard.govern.gates import GateConfig, evaluate_gates
from genguard.govern.metrics import DictMetricsSource
from genguard.govern.selfassess import SelfAssessmentInput, score
from genguard.govern.tc260 import evaluate_pack

pytestmark = pytest.mark.browser


def docs() -> dict[str, str]:
    from tests_govern_fixtures import full_evidence  # type: ignore[import-not-found]

    ev = full_evidence()
    fl = build_food_label(FoodLabelInput(model="QA-7B", intended_use={"zh": "客服问答", "en": "Customer Q&A"}), ev,
                          level="regulator", lang="zh")
    gates = GateConfig.model_validate({"gates": [{"id": "g", "zh": "越狱", "en": "Jailbreak",
                                                  "metric": {"name": "attack_success_rate", "scope": "S2"},
                                                  "thresholds": {"low": 0.05, "medium": 0.15, "high": 0.3}}]})
    sa = score(SelfAssessmentInput(date=date(2026, 1, 1), scores={"P1.1": {"score": 2}, "P4.2": {"score": 1}}))
    return {
        "food_label_zh": render.food_label_html(fl),
        "pack_en": render.pack_html(evaluate_pack(ev), "en", ev),
        "pack_zh": render.pack_html(evaluate_pack(ev), "zh", ev),
        "gate_en": render.gate_html(evaluate_gates(gates, DictMetricsSource({("attack_success_rate", "S2"): (0.2, "r9")})), "en"),
        "self_zh": render.self_html(sa, "zh"),
    }


def test_govern_html_renders_offline(page, screenshot, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    for name, html in docs().items():
        f = tmp_path / f"{name}.html"
        f.write_text(html, encoding="utf-8")
        page.requested.clear()
        page.goto(f.as_uri())
        assert page.locator("h1").count() == 1
        assert page.locator("h1").inner_text().strip()
        shot = screenshot(page, f"govern-{name}")
        assert shot.stat().st_size > 1000
        assert page.requested == [f.as_uri()], f"{name} made network requests: {page.requested}"
