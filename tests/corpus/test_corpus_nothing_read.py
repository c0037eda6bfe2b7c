"""A corpus run that reads not one document is an error (exit 2 with the reason), not an empty
result: GBK text read as UTF-8, a wrong --text-field or annotated records without their fields
used to give an empty table and exit 0, as if the corpus had been checked."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from genguard.cli.app import app
from genguard.errors import InputError


def _gbk(tmp_path: Path) -> Path:
    f = tmp_path / "gbk.txt"
    f.write_bytes("你好，世界\n这是第二行\n".encode("gbk"))
    return f


def test_audit_and_clean_of_unreadable_text_fail_with_the_first_problem(tmp_path: Path, corpus_policy: str) -> None:
    runner = CliRunner()
    src = _gbk(tmp_path)
    for cmd, extra in (("audit", ["--no-record", "--full"]), ("clean", [])):
        out = tmp_path / cmd
        r = runner.invoke(app, ["corpus", cmd, str(src), "--out", str(out), "--policy", corpus_policy,
                                "--no-resume", *extra])
        assert isinstance(r.exception, InputError), (cmd, r.output)
        msg = str(r.exception)
        assert "no document could be read" in msg and "2 malformed" in msg and f"{src}:1: not utf-8" in msg, msg
        assert (out / f"{cmd}.json").is_file()  # the reports are still written, with the malformed records
    # the same file read with its encoding is fine
    r = runner.invoke(app, ["corpus", "audit", str(src), "--out", str(tmp_path / "ok"), "--policy", corpus_policy,
                            "--no-resume", "--no-record", "--full", "--encoding", "gbk"])
    assert r.exit_code == 0, r.output


def test_a_wrong_text_field_fails_but_an_empty_file_is_an_empty_result(tmp_path: Path, corpus_policy: str) -> None:
    runner = CliRunner()
    f = tmp_path / "a.jsonl"
    f.write_text("".join(json.dumps({"text": t}) + "\n" for t in ("hello", "fine")), encoding="utf-8")
    r = runner.invoke(app, ["corpus", "audit", str(f), "--out", str(tmp_path / "o1"), "--policy", corpus_policy,
                            "--no-resume", "--no-record", "--text-field", "body"])
    assert isinstance(r.exception, InputError) and "missing text field 'body'" in str(r.exception)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("", encoding="utf-8")
    r = runner.invoke(app, ["corpus", "audit", str(empty), "--out", str(tmp_path / "o2"), "--policy", corpus_policy,
                            "--no-resume", "--no-record"])
    assert r.exit_code == 0, r.output


def test_annotation_qa_without_a_usable_record_names_the_problem(tmp_path: Path, corpus_policy: str) -> None:
    runner = CliRunner()
    f = tmp_path / "ann.jsonl"
    f.write_text("".join(json.dumps(o) + "\n" for o in ({"prompt": 1, "response": "x"}, {"question": "q"})),
                 encoding="utf-8")
    r = runner.invoke(app, ["corpus", "annotate-qa", str(f), "--out", str(tmp_path / "qa"), "--policy", corpus_policy])
    assert isinstance(r.exception, InputError), r.output
    assert "no usable annotated record" in str(r.exception) and f"{f}:1: missing field(s) prompt" in str(r.exception)
    good = tmp_path / "good.jsonl"
    good.write_text(json.dumps({"prompt": "hi", "response": "hello"}) + "\n", encoding="utf-8")
    r = runner.invoke(app, ["corpus", "annotate-qa", str(good), "--out", str(tmp_path / "qa2"), "--policy", corpus_policy])
    assert r.exit_code == 0, r.output


def test_malformed_evaluation_records_are_shown_on_the_terminal(tmp_path: Path, corpus_policy: str) -> None:
    runner = CliRunner()
    f = tmp_path / "a.jsonl"
    f.write_text(json.dumps({"text": "an ordinary sentence about the weather today"}) + "\n", encoding="utf-8")
    ev = tmp_path / "eval.jsonl"
    ev.write_text(json.dumps({"text": "a test question with enough words in it"}) + "\n{broken\n", encoding="utf-8")
    r = runner.invoke(app, ["corpus", "clean", str(f), "--out", str(tmp_path / "c"), "--policy", corpus_policy,
                            "--no-resume", "--eval", str(ev)])
    assert r.exit_code == 0, r.output
    flat = r.output.replace("\n", "")  # Rich wraps long paths at the test terminal's width
    assert "1 malformed evaluation record" in flat and f"{ev}:2" in flat, r.output
