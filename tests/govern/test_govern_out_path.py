"""``--out`` that cannot be written is refused before any evidence is collected or decision recorded."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

from genguard.cli.app import main
from genguard.govern.records import gate_history
from genguard.store import open_store

GATE = {"id": "g", "zh": "越狱", "en": "Jailbreak", "metric": {"name": "harmful_rate", "scope": "A1"},
        "thresholds": {"low": 0.05, "medium": 0.15, "high": 0.30}}


def _run(argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    monkeypatch.setattr(sys, "argv", ["genguard", *argv])
    with pytest.raises(SystemExit) as exc:
        main()
    return int(exc.value.code or 0), capsys.readouterr().err


def test_out_directory_is_refused_and_nothing_recorded(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("GENGUARD_HOME", str(tmp_path / "home"))
    (tmp_path / "gates.yaml").write_text(yaml.safe_dump({"gates": [GATE]}), encoding="utf-8")
    (tmp_path / "food.yaml").write_text("model: m\n", encoding="utf-8")
    (tmp_path / "sa.yaml").write_text("date: 2026-01-01\nassessor: QA\nscores: {}\n", encoding="utf-8")
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    url = f"sqlite:///{tmp_path / 'g.db'}"
    outdir = tmp_path / "outdir"
    outdir.mkdir()
    cases = [["pack"], ["label", "--input", str(tmp_path / "food.yaml")],
             ["gate", "--config", str(tmp_path / "gates.yaml"), "--sign-off", "QA"],
             ["self-assess", "--scores", str(tmp_path / "sa.yaml"), "--no-record"]]
    for args in cases:
        for out, expect in ((outdir, "is a directory"), (tmp_path / "afile" / "r.md", "is a file, not a folder")):
            code, err = _run(["govern", *args, "--db", url, "-o", str(out)], monkeypatch, capsys)
            assert code == 2 and expect in err and "Traceback" not in err, (args, code, err)
    assert gate_history(open_store(url)) == []  # the refused gate run recorded no decision
