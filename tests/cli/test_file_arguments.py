"""A directory (or a missing path) given where a command reads a file is a one-line error, not
an IsADirectoryError traceback: every such reader goes through config_file.read_user_file."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from genguard.align.review import load_decisions
from genguard.cli.app import app
from genguard.config_file import read_user_file
from genguard.errors import ConfigError, GenguardError, InputError
from genguard.incidents.deadlines import load_rules

runner = CliRunner()


@pytest.mark.parametrize(
    ("args", "what"),
    [
        (["answers", "validate", "{dir}"], "answer bank"),
        (["answers", "match", "x", "--bank", "{dir}"], "answer bank"),
        (["govern", "label", "--input", "{dir}"], "food-label file"),
        (["govern", "gate", "--config", "{dir}"], "gates file"),
        (["govern", "self-assess", "--scores", "{dir}"], "self-assessment file"),
    ],
)
def test_directory_instead_of_file_is_a_clear_error(tmp_path: Path, args: list[str], what: str) -> None:
    folder = tmp_path / "adir"
    folder.mkdir()
    res = runner.invoke(app, [a.replace("{dir}", str(folder)) for a in args])
    assert isinstance(res.exception, GenguardError), (res.output, res.exception)
    assert str(res.exception) == f"{what} {str(folder)!r} is a directory; give a file"


def test_incidents_show_with_a_deadlines_directory(tmp_path: Path) -> None:
    res = runner.invoke(app, ["incidents", "new", "--kind", "complaint", "--title", "a title"])
    assert res.exit_code == 0, res.output
    ref = res.stdout.strip()
    folder = tmp_path / "rules"
    folder.mkdir()
    res = runner.invoke(app, ["incidents", "show", ref, "--deadlines", str(folder)])
    assert isinstance(res.exception, ConfigError), (res.output, res.exception)
    assert "deadline rules file" in str(res.exception) and "is a directory; give a file" in str(res.exception)


def test_decisions_and_deadline_readers_refuse_a_directory(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="decisions file .* is a directory; give a file"):
        load_decisions(tmp_path)
    with pytest.raises(ConfigError, match="deadline rules file .* is a directory; give a file"):
        load_rules(tmp_path)


def test_read_user_file(tmp_path: Path) -> None:
    f = tmp_path / "a.yaml"
    f.write_bytes(b"\xef\xbb\xbfkey: 1\n")
    assert read_user_file(f, "x") == "key: 1\n"  # BOM dropped
    with pytest.raises(ConfigError, match=r"^x '.*missing.yaml' does not exist$"):
        read_user_file(tmp_path / "missing.yaml", "x")
    f.write_bytes(b"\xff\xfe")
    with pytest.raises(InputError, match="not UTF-8 text \\(invalid byte at offset 0\\)"):
        read_user_file(f, "x", InputError)
