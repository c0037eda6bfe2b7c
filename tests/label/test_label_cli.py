"""`genguard label ...` end to end: keygen, add, read, verify, tamper, registry, text, errors."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from genguard.cli.app import app

runner = CliRunner()
ROOT = Path(__file__).resolve().parents[2]


def test_keygen_add_read_verify_tamper(tmp_path: Path) -> None:
    assert runner.invoke(app, ["label", "keygen"]).exit_code == 0
    md = tmp_path / "a.md"
    md.write_text("# t\n\nbody text\n", encoding="utf-8")
    assert runner.invoke(app, ["label", "verify", str(md)]).exit_code == 1  # absent
    res = runner.invoke(app, ["label", "add", str(md), "--producer", "svc", "--produce-id", "o-1"])
    assert res.exit_code == 0, res.output
    read = runner.invoke(app, ["label", "read", str(md)])
    assert json.loads(read.stdout)["AIGC"]["ProduceID"] == "o-1"
    ok = runner.invoke(app, ["label", "verify", "--json", str(md)])
    assert ok.exit_code == 0 and json.loads(ok.stdout)["status"] == "present"
    prop = runner.invoke(app, ["label", "add", str(md), "--propagator", "plat", "--propagate-id", "s-1"])
    assert prop.exit_code == 0
    after = json.loads(runner.invoke(app, ["label", "read", str(md)]).stdout)["AIGC"]
    assert after["ProduceID"] == "o-1" and after["ContentPropagator"] == "plat"
    md.write_text(md.read_text(encoding="utf-8").replace("body", "BODY"), encoding="utf-8")
    bad = runner.invoke(app, ["label", "verify", str(md)])
    assert bad.exit_code == 4 and "tampered" in bad.stdout


def test_verify_with_explicit_pubkey_and_sidecar(tmp_path: Path) -> None:
    keys = tmp_path / "k"
    assert runner.invoke(app, ["label", "keygen", "--dir", str(keys)]).exit_code == 0
    data = tmp_path / "data.bin"
    data.write_bytes(b"\x00\x01payload")
    res = runner.invoke(
        app, ["label", "add", str(data), "--producer", "p", "--format", "sidecar", "--key", str(keys / "label_ed25519.pem")]
    )
    assert res.exit_code == 0, res.output
    assert (tmp_path / "data.bin.aigc.json").is_file()
    # no key supplied and none in GENGUARD_HOME: unverified, not "present"
    assert runner.invoke(app, ["label", "verify", str(data), "--format", "sidecar"]).exit_code == 5
    ok = runner.invoke(app, ["label", "verify", str(data), "--format", "sidecar", "--pubkey", str(keys / "label_ed25519.pub.pem")])
    assert ok.exit_code == 0, ok.output


def test_text_and_registry(tmp_path: Path) -> None:
    out = runner.invoke(app, ["label", "text", "--lang", "zh", "你好"])
    assert out.exit_code == 0 and "人工智能生成" in out.stdout
    assert runner.invoke(app, ["label", "text", "--check", out.stdout]).exit_code == 0
    assert runner.invoke(app, ["label", "text", "--check", "plain answer"]).exit_code == 1
    db = f"sqlite:///{tmp_path / 'r.db'}"
    passage = "a generated passage that the service records in its registry for later provenance checks " * 2
    rec = runner.invoke(app, ["label", "registry", "record", passage, "--producer", "svc", "--model", "m", "--db", db])
    assert rec.exit_code == 0, rec.output
    hit = runner.invoke(app, ["label", "registry", "lookup", passage, "--db", db])
    assert hit.exit_code == 0 and json.loads(hit.stdout)["exact"][0]["model"] == "m"
    fp = json.loads(runner.invoke(app, ["label", "registry", "fingerprint", passage]).stdout)
    by_fp = runner.invoke(app, ["label", "registry", "lookup", "--simhash", fp["simhash"], "--db", db])
    assert by_fp.exit_code == 0 and json.loads(by_fp.stdout)["near"]
    miss = runner.invoke(app, ["label", "registry", "lookup", "never produced", "--db", db])
    assert miss.exit_code == 1


def test_user_errors_are_messages_not_tracebacks(tmp_path: Path) -> None:
    bad = tmp_path / "broken.jpg"
    bad.write_bytes(b"\xff\xd8\xff\xe0 truncated")
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    proc = subprocess.run(
        [sys.executable, "-m", "genguard.cli.app", "label", "add", str(bad), "--producer", "x", "--no-sign"],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert proc.returncode == 2
    assert "broken.jpg" in proc.stderr and "JPEG" in proc.stderr and "Traceback" not in proc.stderr
    proc = subprocess.run(
        [sys.executable, "-m", "genguard.cli.app", "label", "add", str(bad), "--producer", "x"],
        capture_output=True, text=True, env=env, timeout=60,
    )
    assert proc.returncode == 2 and "keygen" in proc.stderr and "Traceback" not in proc.stderr


def test_missing_or_unreadable_inputs_are_input_errors(tmp_path: Path) -> None:
    from genguard.errors import InputError

    img = tmp_path / "a.png"
    img.write_bytes(b"\x89PNG\r\n\x1a\n")
    cases = [
        (["label", "c2pa-sign", str(img), "--out", str(tmp_path / "o.png"), "--cert", str(tmp_path / "none.pem"),
          "--key", str(tmp_path / "none.key")], "no such certificate chain"),
        (["label", "c2pa-verify", str(img), "--trust-anchor", str(tmp_path)], "cannot read the trust anchor"),
        (["label", "text", "--file", str(tmp_path)], "cannot read the file"),
        (["label", "registry", "fingerprint", "--file", str(tmp_path / "missing.txt")], "no such file"),
    ]
    for args, message in cases:
        res = runner.invoke(app, args)
        assert isinstance(res.exception, InputError) and message in str(res.exception), (args, res.output)


def test_demo_step_labels_verifies_and_detects_tampering(tmp_path: Path) -> None:
    from genguard.cli.label import DEMO_STEP
    from genguard.label.integrity import verify_file
    from genguard.label.keys import load_public_key

    order, title, fn = DEMO_STEP
    assert isinstance(order, int) and "label" in title
    fn(tmp_path)
    pub = load_public_key()
    for name in ("generated.png", "answer.md"):
        res = verify_file(tmp_path / "label" / name, public_keys=[pub])
        assert res.status == "tampered" and res.label is not None and res.label.ContentProducer == "genguard-demo"
    assert "人工智能生成" in (tmp_path / "label" / "answer.md").read_text(encoding="utf-8")


def test_producer_and_propagator_in_one_call(tmp_path: Path) -> None:
    """--producer with --propagator writes both roles (it used to drop the propagator silently)."""
    assert runner.invoke(app, ["label", "keygen"]).exit_code == 0
    md = tmp_path / "p.md"
    md.write_text("# t\n\nbody\n", encoding="utf-8")
    res = runner.invoke(app, ["label", "add", str(md), "--producer", "X", "--propagator", "Y", "--propagate-id", "s1"])
    assert res.exit_code == 0, res.output
    lab = json.loads(runner.invoke(app, ["label", "read", str(md)]).stdout)["AIGC"]
    assert (lab["ContentProducer"], lab["ContentPropagator"], lab["PropagateID"]) == ("X", "Y", "s1")
    assert lab["ReservedCode1"].startswith("gg1:") and lab["ReservedCode2"].startswith("gg1:")
    assert runner.invoke(app, ["label", "verify", str(md)]).exit_code == 0


def test_options_of_a_role_not_requested_are_refused(tmp_path: Path) -> None:
    from genguard.errors import InputError

    md = tmp_path / "p.md"
    md.write_text("# t\n", encoding="utf-8")
    for args, message in (
        (["--producer", "X", "--propagate-id", "s1"], "--propagate-id needs --propagator"),
        (["--propagator", "Y", "--produce-id", "o1"], "give them with --producer"),
        (["--propagator", " "], "--propagator must not be empty"),
    ):
        res = runner.invoke(app, ["label", "add", str(md), "--no-sign", *args])
        assert isinstance(res.exception, InputError) and message in str(res.exception), res.output
