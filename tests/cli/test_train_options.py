"""`genguard train` refuses out-of-range settings and unusable --out paths with one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from genguard.cli.app import app
from genguard.errors import InputError

runner = CliRunner()


def _data(tmp_path: Path) -> Path:
    rows = [f'{{"text": "good nice day {i}", "label": 0}}\n{{"text": "bad evil hate {i}", "label": 1}}\n' for i in range(20)]
    path = tmp_path / "train.jsonl"
    path.write_text("".join(rows), encoding="utf-8")
    return path


def _train(tmp_path: Path, *extra: str, out: Path | None = None):  # type: ignore[no-untyped-def]
    args = ["train", "--data", str(_data(tmp_path)), "--task", "t", "--code", "1=A2.9",
            "--out", str(out or tmp_path / "model"), *extra]
    return runner.invoke(app, args)


@pytest.mark.parametrize(
    ("extra", "option"),
    [(("--min-df", "0"), "--min-df"), (("--min-df", "-1"), "--min-df"), (("--max-features", "0"), "--max-features"),
     (("--max-features", "-5"), "--max-features"), (("--seed", "-1"), "--seed"), (("--char-max", "0"), "--char-max"),
     (("--char-max", "-2"), "--char-max")],
)
def test_out_of_range_options_are_usage_errors(tmp_path: Path, extra: tuple[str, str], option: str) -> None:
    res = _train(tmp_path, *extra)
    assert res.exit_code == 2, res.output
    assert f"Invalid value for '{option}'" in res.output
    assert not (tmp_path / "model").exists()


@pytest.mark.parametrize("c", ["0", "-1"])
def test_c_must_be_positive(tmp_path: Path, c: str) -> None:
    res = _train(tmp_path, "--C", c)
    assert isinstance(res.exception, InputError), res.output
    assert "--C must be greater than 0" in str(res.exception)


def test_min_df_above_the_documents_is_a_clear_error(tmp_path: Path) -> None:
    res = _train(tmp_path, "--min-df", "1000")
    assert isinstance(res.exception, InputError), res.output
    assert "min_df 1000" in str(res.exception) and "lower --min-df" in str(res.exception)


def test_out_that_is_a_file_is_refused_before_training(tmp_path: Path) -> None:
    out = tmp_path / "model"
    out.write_text("keep me", encoding="utf-8")
    res = _train(tmp_path, out=out)
    assert isinstance(res.exception, InputError), res.output
    assert "is a file, not a folder" in str(res.exception)
    assert out.read_text(encoding="utf-8") == "keep me"


def test_out_under_a_file_is_refused(tmp_path: Path) -> None:
    blocker = tmp_path / "f"
    blocker.write_text("x", encoding="utf-8")
    res = _train(tmp_path, out=blocker / "model")
    assert isinstance(res.exception, InputError), res.output
    assert "is a file, not a folder" in str(res.exception)
