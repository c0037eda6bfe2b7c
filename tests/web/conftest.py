"""Web dashboard fixtures: one real gateway (all module routes) on loopback, seeded once per
session and backend: SQLite, and PostgreSQL when scripts/setup-postgres.sh started a server.

Tests that change data (incident moves) use records no other test counts on."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from web_seed import Seeded, seed


@contextmanager
def _database(backend: str, folder: Path) -> Iterator[str]:
    """A fresh, empty database URL on the backend (a throw-away PostgreSQL database is dropped after)."""
    if backend == "sqlite":
        yield f"sqlite:///{folder / 'web.db'}"
        return
    base = os.environ.get("GENGUARD_TEST_PG_URL")
    if not base:
        pytest.skip("PostgreSQL not available (scripts/setup-postgres.sh could not start a server)")
    import sqlalchemy as sa

    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    name = f"gg_web_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield base.rsplit("/", 1)[0] + "/" + name
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(scope="session", params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def seeded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    folder = tmp_path_factory.mktemp(f"web-{request.param}")
    with _database(request.param, folder) as db_url, pytest.MonkeyPatch.context() as mp:
        mp.setenv("GENGUARD_HOME", str(folder / "home"))
        mp.delenv("GENGUARD_DB_URL", raising=False)
        mp.delenv("GENGUARD_WEB_SECRET", raising=False)
        data, server, upstream = seed(folder, db_url)
        try:
            yield data
        finally:
            server.stop()
            upstream.stop()
            data.store.engine.dispose()
