"""Shared fixtures: the shared datasets folder, isolated GENGUARD_HOME, and store URLs.

Store-backed tests take the ``store_url`` fixture, which runs them on SQLite and, when
scripts/setup-postgres.sh started a server (GENGUARD_TEST_PG_URL), on PostgreSQL too.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED_DATA = Path(os.environ.get("GENGUARD_SHARED_DATA", ROOT.parent / "shared" / "data"))


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """No test touches ~/.genguard: each gets its own embedded home and SQLite file."""
    monkeypatch.setenv("GENGUARD_HOME", str(tmp_path / "genguard-home"))
    monkeypatch.delenv("GENGUARD_DB_URL", raising=False)


@pytest.fixture
def shared_data() -> Path:
    if not SHARED_DATA.is_dir():
        pytest.skip(f"shared datasets not found at {SHARED_DATA}")
    return SHARED_DATA


def _pg_url() -> str | None:
    return os.environ.get("GENGUARD_TEST_PG_URL") or None


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL on each backend."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    base = _pg_url()
    if not base:
        pytest.skip("PostgreSQL not available (scripts/setup-postgres.sh could not start a server)")
    import sqlalchemy as sa

    admin = sa.create_engine(base, isolation_level="AUTOCOMMIT")
    name = f"gg_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = base.rsplit("/", 1)[0] + "/" + name
    try:
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


# -- real browser (Debian's Chromium driven by Playwright) -------------------------------------
CHROMIUM_FLAGS = [
    "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
ARTIFACTS = ROOT / "test-artifacts"


def _chromium_path() -> str | None:
    for cand in (os.environ.get("GENGUARD_CHROMIUM"), "/usr/bin/chromium", "/usr/bin/chromium-browser"):
        if cand and Path(cand).is_file():
            return cand
    return None


@pytest.fixture(scope="module")
def browser():  # type: ignore[no-untyped-def]
    """A headless Chromium; skips visibly when scripts/setup-chromium.sh could not install it.

    Module-scoped: Playwright's sync API runs an event loop in the main thread while it is open,
    which would break ``asyncio.run`` in whatever tests run after the browser tests."""
    path = _chromium_path()
    if path is None:
        pytest.skip("Chromium not available (scripts/setup-chromium.sh could not install it)")
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS, headless=True)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, tmp_path: Path):  # type: ignore[no-untyped-def]
    """A fresh page that records every request URL in ``page.requested`` (for offline checks)."""
    ctx = browser.new_context(viewport={"width": 1280, "height": 900})
    pg = ctx.new_page()
    pg.requested = []  # type: ignore[attr-defined]
    pg.on("request", lambda req: pg.requested.append(req.url))  # type: ignore[attr-defined]
    try:
        yield pg
    finally:
        ctx.close()


@pytest.fixture
def screenshot():  # type: ignore[no-untyped-def]
    """``screenshot(page, name)`` saves a full-page PNG under test-artifacts/ (a CI artefact)."""

    def take(pg, name: str) -> Path:  # type: ignore[no-untyped-def]
        ARTIFACTS.mkdir(exist_ok=True)
        out = ARTIFACTS / f"{name}.png"
        pg.screenshot(path=str(out), full_page=True)
        return out

    return take
