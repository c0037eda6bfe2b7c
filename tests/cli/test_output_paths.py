"""An --out / --dir that cannot be written (a directory where a file goes, a file where a folder
goes, a path under a file, a root that cannot be created) is refused up front with one line."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from genguard.cli.app import app
from genguard.errors import InputError
from genguard.label.keys import generate_keypair

runner = CliRunner()


def _setup(tmp_path: Path) -> tuple[Path, Path]:
    folder = tmp_path / "adir"
    folder.mkdir()
    afile = tmp_path / "afile"
    afile.write_text("keep", encoding="utf-8")
    return folder, afile


FILE_OUT = [["align", "queue", "RUN", "--out"], ["incidents", "export", "--out"]]
DIR_OUT = [["label", "keygen", "--dir"], ["demo", "--out"]]


@pytest.mark.parametrize("cmd", FILE_OUT)
@pytest.mark.parametrize(
    ("where", "message"),
    [("dir", "is a directory; give a file path"), ("under_file", "is a file, not a folder"),
     ("proc", "cannot create its folder")],
)
def test_file_outputs(tmp_path: Path, cmd: list[str], where: str, message: str) -> None:
    folder, afile = _setup(tmp_path)
    out = {"dir": folder, "under_file": afile / "x.jsonl", "proc": Path("/proc/nope/x.jsonl")}[where]
    res = runner.invoke(app, [*cmd, str(out)])
    assert isinstance(res.exception, InputError), (res.output, res.exception)
    assert "--out" in str(res.exception) and message in str(res.exception)
    assert afile.read_text(encoding="utf-8") == "keep"


@pytest.mark.parametrize("cmd", DIR_OUT)
@pytest.mark.parametrize(
    ("where", "message"),
    [("file", "is a file, not a folder"), ("under_file", "is a file, not a folder"), ("proc", "cannot create the folder")],
)
def test_folder_outputs(tmp_path: Path, cmd: list[str], where: str, message: str) -> None:
    _, afile = _setup(tmp_path)
    out = {"file": afile, "under_file": afile / "sub", "proc": Path("/proc/nope/x")}[where]
    res = runner.invoke(app, [*cmd, str(out)])
    assert isinstance(res.exception, InputError), (res.output, res.exception)
    assert cmd[-1] in str(res.exception) and message in str(res.exception)
    assert afile.read_text(encoding="utf-8") == "keep"


def test_incidents_export_still_creates_the_folder(tmp_path: Path) -> None:
    out = tmp_path / "new" / "sub" / "incidents.json"
    res = runner.invoke(app, ["incidents", "export", "--out", str(out)])
    assert res.exit_code == 0, res.output
    assert out.read_text(encoding="utf-8").strip().startswith("[") or out.read_text(encoding="utf-8").strip().startswith("{")


def test_generate_keypair_refuses_a_file_as_folder(tmp_path: Path) -> None:
    _, afile = _setup(tmp_path)
    with pytest.raises(InputError, match="key folder .* is a file; give a folder"):
        generate_keypair(afile)
