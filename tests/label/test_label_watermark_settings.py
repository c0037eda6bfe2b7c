"""Watermark settings are checked before transformers sees them (no ValueError traceback). No torch needed."""

from __future__ import annotations

import math
from pathlib import Path

import pytest
from typer.testing import CliRunner

from genguard.cli.app import app
from genguard.errors import InputError
from genguard.label import watermark as wm

runner = CliRunner()


@pytest.mark.parametrize(
    ("ratio", "bias", "z", "message"),
    [
        (0.0, 2.0, 4.0, "greenlist_ratio"),
        (1.0, 2.0, 4.0, "greenlist_ratio"),
        (1.5, 2.0, 4.0, "greenlist_ratio"),
        (-0.1, 2.0, 4.0, "greenlist_ratio"),
        (math.nan, 2.0, 4.0, "greenlist_ratio"),
        (0.25, -1.0, 4.0, "bias"),
        (0.25, math.inf, 4.0, "bias"),
        (0.25, 2.0, math.nan, "z_threshold"),
    ],
)
def test_bad_settings_are_input_errors(ratio: float, bias: float, z: float, message: str) -> None:
    with pytest.raises(InputError, match=message):
        wm.check_settings(ratio, bias, z)
    with pytest.raises(InputError, match=message):
        wm.detect_text("some text here", "/nonexistent", b"s", greenlist_ratio=ratio, bias=bias, z_threshold=z)


def test_defaults_pass() -> None:
    wm.check_settings(wm.DEFAULT_GREENLIST_RATIO, wm.DEFAULT_BIAS, wm.DEFAULT_Z_THRESHOLD)


@pytest.mark.parametrize("ratio", ["0", "1.5"])
def test_cli_greenlist_ratio_out_of_range(ratio: str, tmp_path: Path) -> None:
    res = runner.invoke(
        app, ["label", "watermark-detect", "some text", "--model", str(tmp_path), "--greenlist-ratio", ratio]
    )
    assert isinstance(res.exception, InputError) and "--greenlist-ratio" in str(res.exception), res.output
