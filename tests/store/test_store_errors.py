"""Database problems every command meets in one place: a newer schema and a lock held by another writer."""

from __future__ import annotations

import sqlite3
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import yaml

from genguard.cli.app import main
from genguard.store import db as store_db
from genguard.store import open_store
from genguard.store.meta import Meta


def _run(argv: list[str], monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    """Run the real entry point (with its error boundary) in-process; its exit code and stderr."""
    monkeypatch.setattr(sys, "argv", ["genguard", *argv])
    with pytest.raises(SystemExit) as exc:
        main()
    return int(exc.value.code or 0), capsys.readouterr().err


def test_newer_schema_revision_is_a_one_line_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    url = f"sqlite:///{tmp_path / 'newer.db'}"
    open_store(url).dispose()
    with sqlite3.connect(tmp_path / "newer.db") as c:
        c.execute("UPDATE alembic_version SET version_num='govern_0009' WHERE version_num LIKE 'govern%'")
    with pytest.raises(store_db.SchemaTooNewError, match="newer genguard .*govern_0009.*upgrade genguard"):
        open_store(url)
    for argv in (["govern", "pack", "--db", url, "-f", "md"], ["incidents", "list", "--db", url]):
        code, err = _run(argv, monkeypatch, capsys)
        assert code == 5 and "govern_0009" in err and "Traceback" not in err, (argv, code, err)


@pytest.fixture
def locked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A database file whose write lock another connection holds (short busy timeout)."""
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 50)
    path = tmp_path / "lk.db"
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    yield path
    holder.execute("ROLLBACK")
    holder.close()


def test_locked_database_write_is_a_retry_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    url = f"sqlite:///{tmp_path / 'lk.db'}"
    open_store(url).dispose()
    monkeypatch.setattr(store_db, "BUSY_TIMEOUT_MS", 50)
    s = open_store(url)
    holder = sqlite3.connect(tmp_path / "lk.db", isolation_level=None)
    holder.execute("BEGIN EXCLUSIVE")
    try:
        with pytest.raises(store_db.DatabaseLockedError, match="is locked .*retry") as exc, s.session() as sess:
            sess.add(Meta(key="k", value="v"))
        assert exc.value.exit_code == 4
    finally:
        holder.execute("ROLLBACK")
        holder.close()
        s.dispose()


def test_locked_database_gate_exit_code_differs_from_hold(locked: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    gates = tmp_path / "gates.yaml"
    gates.write_text(yaml.safe_dump({"gates": [{"id": "g", "zh": "越狱", "en": "Jailbreak",
                                                "metric": {"name": "harmful_rate", "scope": "A1"},
                                                "thresholds": {"low": 0.05, "medium": 0.15, "high": 0.30}}]}), encoding="utf-8")
    scores = tmp_path / "sa.yaml"
    scores.write_text("date: 2026-01-01\nassessor: QA\nscores: {}\n", encoding="utf-8")
    url = f"sqlite:///{locked}"
    for argv in (["govern", "gate", "--config", str(gates), "--db", url, "--sign-off", "QA"],
                 ["govern", "self-assess", "--scores", str(scores), "--db", url, "-o", str(tmp_path / "sa.md")]):
        code, err = _run(argv, monkeypatch, capsys)
        assert code == 4 and "is locked" in err and "Traceback" not in err, (argv, code, err)
