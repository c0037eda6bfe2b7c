"""Engine, sessions and migration runner."""

from __future__ import annotations

import importlib
import importlib.util
import os
import pkgutil
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from genguard.errors import StoreError


def utcnow() -> datetime:
    """Timezone-aware UTC now: the one clock every table's timestamps use."""
    return datetime.now(UTC)


class Base(DeclarativeBase):
    """Declarative base shared by every module's tables."""


def import_models() -> None:
    """Import every ``genguard.<module>.models`` so Base.metadata is complete.

    Discovery (rather than a central list) lets each module own its tables without editing
    the store: a subpackage with a ``models.py`` is picked up automatically.
    """
    import genguard

    importlib.import_module("genguard.store.meta")
    for info in pkgutil.iter_modules(genguard.__path__):
        if info.ispkg and importlib.util.find_spec(f"genguard.{info.name}.models") is not None:
            importlib.import_module(f"genguard.{info.name}.models")


def genguard_home() -> Path:
    """Where embedded defaults (SQLite file, keys, vault) live: $GENGUARD_HOME or ~/.genguard."""
    home = Path(os.environ.get("GENGUARD_HOME", Path.home() / ".genguard"))
    return home


def default_url() -> str:
    url = os.environ.get("GENGUARD_DB_URL")
    if url:
        return url
    home = genguard_home()
    home.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{home / 'genguard.db'}"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


class Store:
    """A database handle: engine + session factory. Cheap to share across threads."""

    def __init__(self, url: str | None = None, *, echo: bool = False) -> None:
        self.url = url or default_url()
        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if self.url.startswith("sqlite"):
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
        else:
            kwargs["pool_pre_ping"] = True
        try:
            self.engine: Engine = create_engine(self.url, **kwargs)
        except (SQLAlchemyError, ImportError, ValueError) as exc:
            raise StoreError(f"cannot open database {self.safe_url}: {exc}") from None
        if self.url.startswith("sqlite"):
            event.listen(self.engine, "connect", _sqlite_pragmas)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    @property
    def safe_url(self) -> str:
        """The URL with any password hidden, for messages and logs."""
        try:
            return self.engine.url.render_as_string(hide_password=True)
        except AttributeError:
            return self.url.split("@")[-1]

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: commits on success, rolls back on error."""
        s = self._sessions()
        try:
            yield s
            s.commit()
        except Exception:
            s.rollback()
            raise
        finally:
            s.close()

    def migrate(self) -> None:
        """Bring every module's schema branch to its newest revision."""
        from alembic import command
        from alembic.config import Config

        import_models()
        cfg = Config()
        cfg.set_main_option("script_location", str(resources.files("genguard.store").joinpath("migrations")))
        cfg.set_main_option("path_separator", "os")
        try:
            with self.engine.begin() as conn:
                cfg.attributes["connection"] = conn
                command.upgrade(cfg, "heads")
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot migrate database {self.safe_url}: {exc.__class__.__name__}: {exc}") from None

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(url: str | None = None, *, migrate: bool = True) -> Store:
    """Open (and by default migrate) the database at ``url`` or the embedded default."""
    store = Store(url)
    if migrate:
        store.migrate()
    return store
