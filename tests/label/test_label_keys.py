"""`genguard label keygen`: the watermark secret never costs the signing key; --force keeps a backup."""

from __future__ import annotations

import stat
from pathlib import Path

from typer.testing import CliRunner

from genguard.cli.app import app
from genguard.errors import InputError
from genguard.label.keys import PRIVATE_NAME, PUBLIC_NAME, keys_dir

runner = CliRunner()


def test_watermark_secret_leaves_the_signing_key_alone(tmp_path: Path) -> None:
    assert runner.invoke(app, ["label", "keygen"]).exit_code == 0
    md = tmp_path / "x.md"
    md.write_text("# t\n\nbody\n", encoding="utf-8")
    assert runner.invoke(app, ["label", "add", str(md), "--producer", "A"]).exit_code == 0
    priv = (keys_dir() / PRIVATE_NAME).read_bytes()
    for args in (["--watermark"], ["--watermark", "--force"]):
        res = runner.invoke(app, ["label", "keygen", *args])
        assert res.exit_code == 0, res.output
        assert "watermark secret:" in res.stdout and "private key" not in res.stdout
        assert (keys_dir() / PRIVATE_NAME).read_bytes() == priv
    assert runner.invoke(app, ["label", "verify", str(md)]).exit_code == 0


def test_watermark_on_a_fresh_home_creates_both() -> None:
    res = runner.invoke(app, ["label", "keygen", "--watermark"])
    assert res.exit_code == 0 and "private key:" in res.stdout and "watermark secret:" in res.stdout
    assert (keys_dir() / PRIVATE_NAME).is_file() and (keys_dir() / "watermark.secret").is_file()


def test_force_moves_the_old_key_and_secret_aside(tmp_path: Path) -> None:
    d = tmp_path / "k"
    assert runner.invoke(app, ["label", "keygen", "--dir", str(d)]).exit_code == 0
    again = runner.invoke(app, ["label", "keygen", "--dir", str(d)])
    assert isinstance(again.exception, InputError) and "--force" in str(again.exception)
    old_priv, old_pub = (d / PRIVATE_NAME).read_bytes(), (d / PUBLIC_NAME).read_bytes()
    res = runner.invoke(app, ["label", "keygen", "--dir", str(d), "--force"])
    assert res.exit_code == 0 and res.stdout.count("previous key kept as:") == 2
    backups = {p.read_bytes() for p in d.glob("*.bak")}
    assert {old_priv, old_pub} <= backups and (d / PRIVATE_NAME).read_bytes() != old_priv
    priv_backup = next(p for p in d.glob(f"{PRIVATE_NAME}.*.bak"))
    assert stat.S_IMODE(priv_backup.stat().st_mode) == 0o600
    assert runner.invoke(app, ["label", "keygen", "--dir", str(d), "--watermark"]).exit_code == 0
    secret = (d / "watermark.secret").read_text()
    res = runner.invoke(app, ["label", "keygen", "--dir", str(d), "--watermark", "--force"])
    assert res.exit_code == 0 and "previous watermark secret kept as:" in res.stdout
    assert [p.read_text() for p in d.glob("watermark.secret.*.bak")] == [secret]


def test_keygen_speaks_chinese_with_lang_zh(tmp_path: Path) -> None:
    d = tmp_path / "zh"
    res = runner.invoke(app, ["label", "keygen", "--dir", str(d), "--watermark", "--lang", "zh"])
    assert res.exit_code == 0, res.output
    lines = res.stdout.splitlines()
    assert lines == [f"私钥：{d / PRIVATE_NAME}", f"公钥：{d / PUBLIC_NAME}", f"水印密钥：{d / 'watermark.secret'}"]
    res = runner.invoke(app, ["label", "keygen", "--dir", str(d), "--force", "--lang", "zh"])
    assert res.exit_code == 0 and res.stdout.count("原有密钥已另存为：") == 2
    bad = runner.invoke(app, ["label", "keygen", "--dir", str(d), "--lang", "fr"])
    assert isinstance(bad.exception, InputError) and "--lang must be one of zh, en" in str(bad.exception)
