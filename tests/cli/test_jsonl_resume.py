"""Resuming ``--file IN --out OUT`` (check, redact, pii scan) only continues output of the same input.

Resume used to count the lines already in OUT: an OUT left by another input made the first lines
of the new one look done, and they were never checked. Each record now carries a fingerprint of
its input line, verified before anything is written.
"""

import json
from pathlib import Path

import pytest
from click.testing import Result
from typer.testing import CliRunner

from genguard.cli.app import app
from genguard.cli.jsonl import FINGERPRINT_KEY, fingerprint
from genguard.errors import InputError

runner = CliRunner()

COMMANDS = ["check", "redact", "pii scan"]


def _write(path: Path, texts: list[str]) -> Path:
    path.write_text("".join(json.dumps({"text": t}, ensure_ascii=False) + "\n" for t in texts), encoding="utf-8")
    return path


def _run(cmd: str, src: Path, out: Path) -> Result:
    return runner.invoke(app, [*cmd.split(), "--file", str(src), "--out", str(out)])


def _input_error(res: Result) -> str:
    assert isinstance(res.exception, InputError), res.output
    assert res.exit_code != 0  # main() prints it as "error: ..." and exits 2
    return str(res.exception)


@pytest.mark.parametrize("cmd", COMMANDS)
def test_output_of_another_input_is_refused_and_left_alone(tmp_path: Path, cmd: str) -> None:
    a = _write(tmp_path / "a.jsonl", ["hello", "fine"])
    b = _write(tmp_path / "b.jsonl", ["I will kill you, call 13812345678", "x", "y"])
    out = tmp_path / "res.jsonl"
    assert _run(cmd, a, out).exit_code == 0
    before = out.read_bytes() + b'{"line": 3, "inp'  # a torn line too: not cut either
    out.write_bytes(before)
    msg = _input_error(_run(cmd, b, out))
    assert "holds results for another input" in msg and "line 1 of --file" in msg and "another --out" in msg
    assert out.read_bytes() == before


@pytest.mark.parametrize("cmd", COMMANDS)
def test_interrupted_run_of_the_same_input_resumes_to_the_full_result(tmp_path: Path, cmd: str) -> None:
    src = _write(tmp_path / "in.jsonl", ["hello", "call 13812345678", "如何制作炸弹", "bye"])
    full = tmp_path / "full.jsonl"
    assert _run(cmd, src, full).exit_code == 0
    lines = full.read_bytes().splitlines(keepends=True)
    assert len(lines) == 4
    out = tmp_path / "out.jsonl"
    out.write_bytes(b"".join(lines[:2]) + lines[2][:15])  # two complete records and a torn third
    res = _run(cmd, src, out)
    assert res.exit_code == 0, res.output
    assert "(2 already done)" in res.output
    assert _stable(out) == _stable(full)


def _stable(out: Path) -> list[dict[str, object]]:
    """The records of ``out`` without the per-run detector timings."""
    recs = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    for r in recs:
        if isinstance(r.get("decision"), dict):
            r["decision"].pop("timings_ms")
    return recs


@pytest.mark.parametrize("cmd", COMMANDS)
def test_input_shorter_than_the_output_is_an_error_not_all_done(tmp_path: Path, cmd: str) -> None:
    out = tmp_path / "res.jsonl"
    assert _run(cmd, _write(tmp_path / "long.jsonl", ["hello", "fine", "bye"]), out).exit_code == 0
    before = out.read_bytes()
    msg = _input_error(_run(cmd, _write(tmp_path / "short.jsonl", ["hello", "fine"]), out))
    assert "holds results for 3 lines" in msg and "has only 2" in msg
    assert out.read_bytes() == before


def test_the_line_where_the_inputs_differ_is_named(tmp_path: Path) -> None:
    out = tmp_path / "res.jsonl"
    assert _run("check", _write(tmp_path / "v1.jsonl", ["hello", "fine", "bye"]), out).exit_code == 0
    msg = _input_error(_run("check", _write(tmp_path / "v2.jsonl", ["hello", "edited", "bye", "more"]), out))
    assert "its record for line 2 does not match line 2" in msg


def test_same_input_with_other_line_endings_and_more_lines_resumes(tmp_path: Path) -> None:
    # the fingerprint leaves the line ending out: a last line without one, later followed by more
    # lines, still matches
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'{"text": "hello"}\r\n{"text": "fine"}')
    out = tmp_path / "out.jsonl"
    assert _run("check", src, out).exit_code == 0
    src.write_bytes(b'{"text": "hello"}\r\n{"text": "fine"}\n{"text": "bye"}\n')
    res = _run("check", src, out)
    assert res.exit_code == 0 and "checked 1 lines (2 already done)" in res.output
    assert [json.loads(x)["line"] for x in out.read_text("utf-8").splitlines()] == [1, 2, 3]


def test_output_without_fingerprints_is_refused(tmp_path: Path) -> None:
    # written by a genguard from before the fingerprints: nothing says which input it answers
    src = _write(tmp_path / "in.jsonl", ["hello", "fine"])
    out = tmp_path / "old.jsonl"
    before = b'{"line": 1, "decision": {"action": "allow"}}\n'
    out.write_bytes(before)
    msg = _input_error(_run("check", src, out))
    assert "older genguard" in msg and FINGERPRINT_KEY in msg
    assert out.read_bytes() == before


def test_output_of_another_command_is_refused(tmp_path: Path) -> None:
    src = _write(tmp_path / "in.jsonl", ["hello", "call 13812345678"])
    out = tmp_path / "res.jsonl"
    assert _run("check", src, out).exit_code == 0
    msg = _input_error(_run("pii scan", src, out))
    assert "holds genguard check results" in msg and "not genguard pii scan" in msg


def test_output_whose_lines_are_out_of_order_is_refused(tmp_path: Path) -> None:
    src = _write(tmp_path / "in.jsonl", ["hello", "fine"])
    out = tmp_path / "res.jsonl"
    recs = [{"line": 2, FINGERPRINT_KEY: "0" * 16, "decision": {}}, {"line": 1, FINGERPRINT_KEY: "0" * 16}]
    out.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    assert "its line 1 holds the result for input line 2" in _input_error(_run("check", src, out))


def test_records_carry_the_fingerprint_of_their_line(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(b'{"text": "hello"}\n\n[1]\n')
    out = tmp_path / "out.jsonl"
    assert _run("check", src, out).exit_code == 0
    recs = [json.loads(x) for x in out.read_text("utf-8").splitlines()]
    assert [r[FINGERPRINT_KEY] for r in recs] == [fingerprint(b'{"text": "hello"}'), fingerprint(b""), fingerprint(b"[1]")]
    assert fingerprint(b"a\n") == fingerprint(b"a\r\n") == fingerprint(b"a") != fingerprint(b"b")
