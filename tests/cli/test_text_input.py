"""Text given on the command line (or in a JSONL field) must be valid UTF-8 / Unicode."""

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from genguard.cli.app import app
from genguard.errors import InputError

runner = CliRunner()

# '如何制作炸弹' typed in a GBK terminal: Python decodes argv with surrogateescape
GBK_ARG = "如何制作炸弹".encode("gbk").decode("utf-8", "surrogateescape")


@pytest.mark.parametrize(
    "cmd", [["check"], ["redact"], ["pii", "scan"], ["answers", "match"], ["keywords", "match"], ["label", "text"]]
)
def test_text_argument_that_is_not_utf8_is_refused(cmd: list[str]) -> None:
    res = runner.invoke(app, [*cmd, GBK_ARG])
    assert isinstance(res.exception, InputError), res.output
    msg = str(res.exception)
    assert "not valid UTF-8" in msg and "byte 0xC8 at character 1" in msg


@pytest.mark.parametrize("cmd", ["check", "redact"])
def test_jsonl_lone_surrogate_escape_is_a_line_error(tmp_path: Path, cmd: str) -> None:
    # json.loads turns "\udc80" into a lone surrogate; writing the result used to crash
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "a \\udc80 13812345678"}\n{"text": "hello"}\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    res = runner.invoke(app, [cmd, "--file", str(src), "--out", str(out)])
    assert res.exit_code == 0, res.output
    recs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert "lone surrogate U+DC80 at character 3" in recs[0]["error"] and "error" not in recs[1]
