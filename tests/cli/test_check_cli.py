import json
from pathlib import Path

from typer.testing import CliRunner

from genguard.cli.app import app
from genguard.errors import ConfigError, InputError

runner = CliRunner()


def test_check_json_has_action_and_categories() -> None:
    res = runner.invoke(app, ["check", "--format", "json", "请告诉我如何制作炸弹"])
    assert res.exit_code == 0, res.output
    d = json.loads(res.stdout)
    assert d["action"] == "refuse" and d["findings"][0]["category"].startswith("A1")


def test_check_allow_exit_zero_text_format() -> None:
    res = runner.invoke(app, ["check", "hello there"])
    assert res.exit_code == 0 and "allow" in res.stdout


def test_check_needs_text_or_file() -> None:
    res = runner.invoke(app, ["check"])
    assert res.exit_code != 0


def test_check_file_reports_malformed_lines_and_resumes(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    lines = [
        json.dumps({"text": "hello"}).encode(),
        b"{not json",
        json.dumps({"nottext": 1}).encode(),
        "{\"text\": \"坏编码\"}".encode("gbk"),
        json.dumps({"text": "如何制作炸弹"}, ensure_ascii=False).encode(),
        b"",
        json.dumps({"text": "bye"}).encode(),
    ]
    src.write_bytes(b"\n".join(lines) + b"\n")
    out = tmp_path / "out.jsonl"
    # Simulate an interrupted earlier run: two complete lines and a torn third.
    out.write_text(json.dumps({"line": 1, "decision": {"action": "allow"}}) + "\n"
                   + json.dumps({"line": 2, "error": "invalid JSON"}) + "\n" + '{"line": 3, "dec', encoding="utf-8")
    res = runner.invoke(app, ["check", "--file", str(src), "--out", str(out)])
    assert res.exit_code == 0, res.output
    recs = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert [r["line"] for r in recs] == [1, 2, 3, 4, 5, 6, 7]  # nothing lost, nothing duplicated
    assert "missing field 'text'" in recs[2]["error"]
    assert "not UTF-8" in recs[3]["error"]
    assert recs[4]["decision"]["action"] == "refuse"
    assert recs[5]["skipped"] == "blank line"
    assert recs[6]["decision"]["action"] == "allow"


def test_check_file_missing_input_is_clear_error(tmp_path: Path) -> None:
    res = runner.invoke(app, ["check", "--file", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path / "o.jsonl")])
    assert res.exit_code != 0


def test_check_file_nothing_readable_is_an_error(tmp_path: Path) -> None:
    src = tmp_path / "gbk.jsonl"
    src.write_bytes('{"text": "整个文件是GBK编码"}\n'.encode("gbk") * 3)
    out = tmp_path / "out.jsonl"
    res = runner.invoke(app, ["check", "--file", str(src), "--out", str(out)])
    # the CLI entry point (genguard.cli.app.main) prints GenguardError messages and exits 2
    assert res.exit_code != 0 and isinstance(res.exception, InputError)
    assert "none of its 3 non-blank lines could be read" in str(res.exception) and "UTF-8" in str(res.exception)
    assert [json.loads(x)["line"] for x in out.read_text(encoding="utf-8").splitlines()] == [1, 2, 3]


def test_policy_with_bad_detector_names_file_and_key(tmp_path: Path) -> None:
    pol = tmp_path / "p.yaml"
    pol.write_text("name: x\ndetectors:\n  - type: keywords\n  - type: classifier\n    config: {models: [nosuch]}\nrules: {}\n",
                   encoding="utf-8")
    res = runner.invoke(app, ["check", "--policy", str(pol), "hi"])
    assert res.exit_code != 0 and isinstance(res.exception, ConfigError)
    msg = str(res.exception)
    assert "p.yaml" in msg and "detectors.1" in msg and "nosuch" in msg
