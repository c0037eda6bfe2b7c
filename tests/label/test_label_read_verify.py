"""`label read` / `label verify`: what the file states (no invented Label), other vendors' extra
fields tolerated and reported, and output in zh or en."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from genguard.cli.app import app
from genguard.errors import InputError
from genguard.label import implicit, integrity
from genguard.label.fields import AIGCLabel

runner = CliRunner()


def _planted(tmp_path: Path, aigc: dict[str, object]) -> Path:
    """A text file whose sidecar holds exactly ``aigc`` (as another tool would have written it)."""
    f = tmp_path / "out.txt"
    f.write_text("generated text\n", encoding="utf-8")
    (tmp_path / "out.txt.aigc.json").write_text(json.dumps({"AIGC": aigc}), encoding="utf-8")
    return f


def test_empty_label_object_is_not_read_as_generated(tmp_path: Path) -> None:
    f = _planted(tmp_path, {})
    lab = implicit.read_label(f)
    assert lab is not None and lab.Label == "" and "Label" in lab.missing
    res = runner.invoke(app, ["label", "read", str(f)])
    out = json.loads(res.stdout)
    assert res.exit_code == 0 and out["AIGC"]["Label"] == "" and "meaning" not in out
    assert any("does not state Label" in n for n in out["notes"])
    ver = integrity.verify_file(f)
    assert ver.status == "unverified" and any("does not state Label" in r for r in ver.reasons)


def test_other_vendors_extra_field_is_tolerated_and_reported(tmp_path: Path) -> None:
    f = _planted(tmp_path, {"Label": "1", "ContentProducer": "Vendor", "ProduceID": "v-1", "Version": "2.0"})
    res = runner.invoke(app, ["label", "read", str(f)])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["AIGC"]["ContentProducer"] == "Vendor" and out["extra_fields"] == {"Version": "2.0"}
    assert out["meaning"] == "AI-generated"
    ver = runner.invoke(app, ["label", "verify", "--json", str(f)])
    assert ver.exit_code == 5  # detected (unsigned by genguard), not a user error
    data = json.loads(ver.stdout)
    assert data["extra_fields"] == {"Version": "2.0"} and any("Version" in r for r in data["reasons"])


def test_propagating_keeps_extra_fields_and_does_not_invent_fields(tmp_path: Path) -> None:
    f = _planted(tmp_path, {"Label": "2", "ContentProducer": "Vendor", "Version": {"major": 2}})
    integrity.propagate_file(f, propagator="Plat", propagate_id="s1")
    written = json.loads((tmp_path / "out.txt.aigc.json").read_text(encoding="utf-8"))["AIGC"]
    assert written["Version"] == {"major": 2} and written["ContentPropagator"] == "Plat"
    assert "ProduceID" not in written and "ReservedCode1" not in written


def test_bad_label_value_names_the_file(tmp_path: Path) -> None:
    f = _planted(tmp_path, {"Label": "0"})
    with pytest.raises(InputError, match=r"out\.txt.*Label must be one of"):
        implicit.read_label(f)


def test_null_label_is_unstated_and_signing_needs_a_label(tmp_path: Path) -> None:
    assert AIGCLabel.from_obj({"Label": None}).missing[0] == "Label"
    f = tmp_path / "x.txt"
    f.write_text("t\n", encoding="utf-8")
    with pytest.raises(InputError, match="--label"):
        integrity.sign_file(f, producer="p", key=None, label="")


def test_verify_and_read_in_chinese(tmp_path: Path) -> None:
    assert runner.invoke(app, ["label", "keygen"]).exit_code == 0
    md = tmp_path / "a.md"
    md.write_text("# t\n\nbody\n", encoding="utf-8")
    zh_absent = runner.invoke(app, ["label", "verify", "--lang", "zh", str(md)])
    assert zh_absent.exit_code == 1 and "缺失" in zh_absent.stdout and "没有 AIGC 标识" in zh_absent.stdout
    assert runner.invoke(app, ["label", "add", str(md), "--producer", "svc"]).exit_code == 0
    ok = runner.invoke(app, ["label", "verify", "--lang", "zh", str(md)])
    assert ok.exit_code == 0 and "标识完整" in ok.stdout and "label intact" not in ok.stdout
    read = json.loads(runner.invoke(app, ["label", "read", "--lang", "zh", str(md)]).stdout)
    assert read["meaning"] == "人工智能生成"
    md.write_text(md.read_text(encoding="utf-8").replace("body", "BODY"), encoding="utf-8")
    bad = runner.invoke(app, ["label", "verify", "--lang", "zh", "--json", str(md)])
    assert bad.exit_code == 4 and any("内容已被修改" in r for r in json.loads(bad.stdout)["reasons"])
    en = runner.invoke(app, ["label", "verify", str(md)])
    assert "content changed since the producer signed it" in en.stdout


@pytest.mark.parametrize("command", ["read", "verify"])
def test_unknown_language_is_an_error(command: str, tmp_path: Path) -> None:
    md = tmp_path / "a.md"
    md.write_text("# t\n", encoding="utf-8")
    res = runner.invoke(app, ["label", command, "--lang", "zh-CN", str(md)])
    assert isinstance(res.exception, InputError) and "--lang" in str(res.exception)
