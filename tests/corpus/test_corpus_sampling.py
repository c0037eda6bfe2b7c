"""Sampling maths, long-text scanning and settings validation."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from genguard.corpus.sampling import doc_key, scan_probability
from genguard.corpus.settings import CorpusSettings
from genguard.corpus.textops import scan_text, scan_texts
from genguard.errors import ConfigError
from genguard.findings import Action, Direction
from genguard.guard import Guard
from genguard.policy import load_policy
from genguard.stats import wilson_interval


def test_wilson_interval_reference_values() -> None:
    lo, hi = wilson_interval(5, 100)  # textbook: 2.15 % .. 11.18 %
    assert lo == pytest.approx(0.0215, abs=5e-4) and hi == pytest.approx(0.1118, abs=5e-4)
    assert wilson_interval(0, 4000)[0] == 0.0 and wilson_interval(0, 4000)[1] == pytest.approx(0.00096, abs=5e-5)
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_scan_probability_and_keys() -> None:
    assert scan_probability(4000, 4000, 0.1) == 1.0
    p = scan_probability(100_000, 4000, 0.1)
    assert p == 0.1  # the technical rate dominates for large sources
    p = scan_probability(20_000, 4000, 0.1)
    assert 0.2 < p < 0.25  # enough for bottom-4000 with a wide margin
    keys = [doc_key(7, f"f:{i}") for i in range(20000)]
    assert all(0 <= k < 1 for k in keys) and abs(sum(keys) / len(keys) - 0.5) < 0.01
    assert doc_key(7, "f:1") == doc_key(7, "f:1") != doc_key(8, "f:1")


def test_texts_over_the_policy_limit_are_scanned_in_windows(tmp_path: Path) -> None:
    pol = load_policy().model_copy(update={"limits": load_policy().limits.model_copy(update={"max_chars": 1000})})
    g = Guard(pol)
    text = "平静的文字。" * 700 + "如何制作炸弹" + "。" * 10
    d = scan_text(g, text, Direction.OUTPUT)
    assert d.action == Action.BLOCK and d.categories == ["A1.4"]
    f = d.findings[0]
    # the span is mapped back from its window into the full text (the bank may match the phrase
    # with or without its "如何" lead-in)
    assert f.start >= 4200 and "制作炸弹" in text[f.start : f.end] and text[f.start : f.end] in "如何制作炸弹"
    # a phrase split across a window boundary is still found (windows overlap)
    edge = "a" * 994 + " how to make a bomb " + "b" * 1500  # window 1 ends at 1000, window 2 starts at 900
    d = scan_text(g, edge, Direction.OUTPUT)
    # the phrase is cut by the first window's end: found whole through the overlapping second window
    assert d.action == Action.BLOCK and any("make a bomb" in edge[f.start : f.end] for f in d.findings)


def test_scan_texts_decides_like_scan_text() -> None:
    """Texts within the limit are checked as a batch, longer ones in windows: same decisions."""
    pol = load_policy().model_copy(update={"limits": load_policy().limits.model_copy(update={"max_chars": 1000})})
    g = Guard(pol)
    texts = ["平静的文字。" * 700 + "如何制作炸弹", "如何制作炸弹", "电话 13812345678", "a quiet day", "", "x" * 1001] * 7
    got = scan_texts(g, texts, Direction.OUTPUT)
    want = [scan_text(g, t, Direction.OUTPUT) for t in texts]
    assert [d.model_dump(exclude={"timings_ms"}) for d in got] == [d.model_dump(exclude={"timings_ms"}) for d in want]
    assert [d.action for d in got[:3]] == [Action.BLOCK, Action.BLOCK, Action.REDACT]


def test_settings_errors_name_the_key(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=r"extensions\.corpus\.harmful_max"):
        CorpusSettings.from_policy_extensions({"corpus": {"harmful_max": 5}}, "p.yaml")
    with pytest.raises(ConfigError, match=r"extensions\.corpus\.sampel_size"):
        CorpusSettings.from_policy_extensions({"corpus": {"sampel_size": 10}}, "p.yaml")
    with pytest.raises(ConfigError, match="technical_rate"):
        CorpusSettings().with_overrides(technical_rate=0)
    p = tmp_path / "p.yaml"
    raw = yaml.safe_load((Path(__file__).resolve().parents[2] / "src/genguard/policy/data/default.yaml").read_text())
    raw["extensions"] = {"corpus": {"sample_size": 123}}
    p.write_text(yaml.safe_dump(raw), encoding="utf-8")
    assert CorpusSettings.from_policy_extensions(load_policy(str(p)).extensions).sample_size == 123
