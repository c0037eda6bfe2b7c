"""A directory where a label command expects a file is named as a directory (it read as a file of an
unsupported type "(no extension)")."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from genguard.cli.app import app
from genguard.errors import InputError


def test_label_commands_given_a_directory_say_so(tmp_path: Path) -> None:
    folder = tmp_path / "images.png"  # even with an image extension
    folder.mkdir()
    runner = CliRunner()
    for args in (["label", "read", str(folder)], ["label", "verify", str(folder)],
                 ["label", "add", str(folder), "--producer", "p", "--no-sign"]):
        res = runner.invoke(app, args)
        assert isinstance(res.exception, InputError), (args, res.output)
        assert "is a directory" in str(res.exception), (args, str(res.exception))
