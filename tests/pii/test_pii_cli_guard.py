"""`genguard redact` end to end, and the Guard redacting through the policy's operator."""

from __future__ import annotations

import json
import random
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from genguard.cli.app import app
from genguard.detect.pii import generate as gen
from genguard.detect.pii.checksums import luhn_ok, valid_cn_id18
from genguard.errors import InputError
from genguard.findings import Action
from genguard.guard import Guard
from genguard.policy import load_policy

runner = CliRunner()
ID = gen.cn_id18(random.Random(5))
TEXT = f"张三的身份证号{ID}，手机13812345678，卡号6222021234567890128"


def test_redact_placeholder_and_mask() -> None:
    res = runner.invoke(app, ["redact", TEXT])
    assert res.exit_code == 0, res.output
    assert res.stdout.strip() == "张三的身份证号<CN_ID_CARD_1>，手机<CN_MOBILE_1>，卡号<CN_BANK_CARD_1>"
    res = runner.invoke(app, ["redact", "-o", "mask", "-e", "CN_MOBILE", TEXT])
    assert res.exit_code == 0
    assert "手机*******5678" in res.stdout and ID in res.stdout


def test_redact_fake_values_are_valid_and_differ() -> None:
    res = runner.invoke(app, ["redact", "-o", "fake", "-e", "CN_ID_CARD,CN_BANK_CARD", TEXT])
    assert res.exit_code == 0, res.output
    out = res.stdout.strip()
    fake_id = out[len("张三的身份证号") : len("张三的身份证号") + 18]
    assert fake_id != ID and valid_cn_id18(fake_id)
    fake_card = out.rsplit("卡号", 1)[1]
    assert fake_card != "6222021234567890128" and luhn_ok(fake_card) and fake_card.startswith("622202")


def test_redact_vault_then_restore_across_processes(tmp_path: Path) -> None:
    """Two separate CLI processes share the vault through the store and the 0600 key file."""
    env = {"GENGUARD_HOME": str(tmp_path / "home"), "PYTHONPATH": str(Path(__file__).resolve().parents[2] / "src")}
    cmd = [sys.executable, "-m", "genguard.cli.app", "redact"]
    red = subprocess.run([*cmd, "-o", "vault", "--session", "t1", TEXT], capture_output=True, text=True, env=env, check=True)
    assert "<CN_MOBILE_1>" in red.stdout and "13812345678" not in red.stdout
    back = subprocess.run([*cmd, "--restore", "--session", "t1", red.stdout.strip()], capture_output=True, text=True,
                          env=env, check=True)
    assert back.stdout.strip() == TEXT and back.stderr == ""
    # a placeholder the session does not hold (a model invented it) stays, and stderr names it
    odd = subprocess.run([*cmd, "--restore", "--session", "t1", red.stdout.strip() + " <PERSON_9>"],
                         capture_output=True, text=True, env=env, check=True)
    assert odd.stdout.strip() == TEXT + " <PERSON_9>"
    assert "1 placeholder(s) not in vault session 't1' left as they are" in odd.stderr and "<PERSON_9>" in odd.stderr
    db = (tmp_path / "home" / "genguard.db").read_bytes()
    assert b"13812345678" not in db and ID.encode() not in db


def test_redact_file_malformed_lines_and_resume(tmp_path: Path) -> None:
    src = tmp_path / "in.jsonl"
    src.write_bytes(
        json.dumps({"text": "手机13812345678"}, ensure_ascii=False).encode() + b"\n"
        + b"{not json\n"
        + b"\xff\xfe\n"
        + b"\n"
        + json.dumps({"body": "x"}).encode() + b"\n"
        + json.dumps({"text": "mail a@example.com"}).encode() + b"\n"
    )
    out = tmp_path / "out.jsonl"
    res = runner.invoke(app, ["redact", "--file", str(src), "--out", str(out)])
    assert res.exit_code == 0, res.output
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [r["line"] for r in recs] == [1, 2, 3, 4, 5, 6]
    assert recs[0]["text"] == "手机<CN_MOBILE_1>" and recs[0]["entities"] == ["CN_MOBILE"]
    assert "invalid JSON" in recs[1]["error"] and "UTF-8" in recs[2]["error"]
    assert recs[3]["skipped"] == "blank line" and "missing field" in recs[4]["error"]
    assert recs[5]["text"] == "mail <EMAIL_1>"
    # torn last line from an interruption: cut and resumed, nothing duplicated
    out.write_text("\n".join(out.read_text(encoding="utf-8").splitlines()[:3]) + '\n{"line": 4, "sk', encoding="utf-8")
    res = runner.invoke(app, ["redact", "--file", str(src), "--out", str(out)])
    assert res.exit_code == 0
    assert [json.loads(line)["line"] for line in out.read_text(encoding="utf-8").splitlines()] == [1, 2, 3, 4, 5, 6]


def test_redact_bad_usage_is_an_error_not_a_traceback() -> None:
    for args in (["redact"], ["redact", "-e", "NOPE", "x"], ["redact", "--file", "/nonexistent.jsonl", "--out", "/tmp/x"]):
        res = runner.invoke(app, args)
        assert res.exit_code != 0
        assert not isinstance(res.exception, (TypeError, AttributeError, KeyError))


def test_guard_default_policy_redacts_pii_and_secrets_both_directions() -> None:
    g = Guard.from_policy()
    d = g.check_input(f"我的身份证号是{ID}，api_key=sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8t")
    assert d.action == Action.REDACT
    assert d.redacted_text == "我的身份证号是<CN_ID_CARD_1>，api_key=<API_KEY_1>"
    assert {f.category for f in d.findings} == {"S4", "S5"}
    out = g.check_output("您可以拨打13812345678联系我们", prompt="电话多少")
    assert out.action == Action.REDACT and out.redacted_text == "您可以拨打<CN_MOBILE_1>联系我们"
    assert g.check_input("今天天气很好，我们去公园散步吧。").action == Action.ALLOW


def test_guard_uses_policy_operator_and_entity_selection(tmp_path: Path) -> None:
    pol = load_policy().model_dump(mode="json")
    pol["detectors"] = [{"type": "pii", "config": {"entities": ["CN_MOBILE"]}}]
    pol["redaction"] = {"operator": "mask", "options": {"keep_last": 4}}
    g = Guard.from_policy(load_policy_from_dict(tmp_path, pol))
    d = g.check_input(f"手机13812345678 身份证{ID}")
    assert d.redacted_text == f"手机*******5678 身份证{ID}"


def load_policy_from_dict(tmp_path: Path, data: dict) -> object:
    import yaml

    path = tmp_path / "p.yaml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return load_policy(path)


def test_pii_entities_and_scan(tmp_path: Path) -> None:
    res = runner.invoke(app, ["pii", "entities"])
    assert res.exit_code == 0 and "CN_ID_CARD" in res.stdout and "S5" in res.stdout
    res = runner.invoke(app, ["pii", "scan", TEXT])
    assert res.exit_code == 0, res.output
    found = [json.loads(line) for line in res.stdout.splitlines()]
    assert [f["entity"] for f in found] == ["CN_ID_CARD", "CN_MOBILE", "CN_BANK_CARD"]
    assert all(TEXT[f["start"] : f["end"]] == f["evidence"] for f in found)
    src = tmp_path / "in.jsonl"
    src.write_text('{"text": "mail a@example.com"}\n[1]\n', encoding="utf-8")
    out = tmp_path / "out.jsonl"
    res = runner.invoke(app, ["pii", "scan", "--file", str(src), "--out", str(out)])
    assert res.exit_code == 0
    recs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert recs[0]["findings"][0]["entity"] == "EMAIL" and recs[1]["error"] == "line is a JSON array, not an object with a field 'text'"


def test_policy_vault_operator_redacts_reversibly(tmp_path: Path) -> None:
    from genguard.redact import Vault
    from genguard.store import open_store

    url = f"sqlite:///{tmp_path / 'v.db'}"
    pol = load_policy().model_dump(mode="json")
    pol["redaction"] = {"operator": "vault", "options": {"session": "pol", "store_url": url}}
    g = Guard.from_policy(load_policy_from_dict(tmp_path, pol))
    d = g.check_input("手机13812345678")
    assert d.redacted_text == "手机<CN_MOBILE_1>"
    assert Vault(open_store(url)).restore(d.redacted_text, session="pol") == "手机13812345678"


def test_redact_file_refuses_a_field_that_its_own_keys_would_overwrite(tmp_path: Path) -> None:
    """``--field entities`` would have lost the redacted text under the entity list, ``--field
    line`` the line number resuming reads: refused before anything is written."""
    src = tmp_path / "in.jsonl"
    src.write_text(json.dumps({"entities": "手机13812345678", "line": "x"}, ensure_ascii=False) + "\n", encoding="utf-8")
    for field in ("entities", "line", "input_hash", "error", "skipped"):
        out = tmp_path / f"out-{field}.jsonl"
        res = runner.invoke(app, ["redact", "--file", str(src), "--out", str(out), "--field", field])
        assert isinstance(res.exception, InputError), (field, res.output)  # main() prints it and exits 2
        assert f"--field {field!r}" in str(res.exception) and not out.exists()
    # any other name works, and the text comes back redacted under it
    src.write_text(json.dumps({"note": "手机13812345678"}, ensure_ascii=False) + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    res = runner.invoke(app, ["redact", "--file", str(src), "--out", str(out), "--field", "note"])
    assert res.exit_code == 0, res.output
    rec = json.loads(out.read_text(encoding="utf-8"))
    assert rec["note"] == "手机<CN_MOBILE_1>" and rec["entities"] == ["CN_MOBILE"] and rec["line"] == 1
