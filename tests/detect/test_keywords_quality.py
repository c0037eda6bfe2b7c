"""Keyword layer against real data: false-positive rate on XSTest safe prompts (<= 5%)."""

from __future__ import annotations

import csv
from pathlib import Path

from genguard.detect.base import DetectContext, build_detector


def test_xstest_safe_false_positive_rate_at_most_5_percent(shared_data: Path) -> None:
    path = shared_data / "xstest" / "xstest_prompts.csv"
    with path.open(encoding="utf-8", newline="") as fh:
        safe = [r["prompt"] for r in csv.DictReader(fh) if r["label"] == "safe"]
    assert len(safe) == 250
    det = build_detector("keywords", {"banks": ["default"]})
    hits = [t for t in safe if det.detect(DetectContext(t))]
    assert len(hits) / len(safe) <= 0.05, hits


def test_jade_zh_harmful_questions_are_partly_caught(shared_data: Path) -> None:
    """No recall target for the keyword layer (JADE's English questions are euphemistic and the
    keyword layer catches almost none of them; learned detectors carry recall), but the Chinese
    set must yield hits."""
    det = build_detector("keywords", {"banks": ["default"]})
    for name in ("jade_v1_zh.csv", "jade_v2_easy_zh.csv"):
        with (shared_data / "jade" / name).open(encoding="utf-8", newline="") as fh:
            qs = [r["问题"] for r in csv.DictReader(fh)]
        assert any(det.detect(DetectContext(q)) for q in qs), name
