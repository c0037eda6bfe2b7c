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
from typing import Any

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, ExceptionContext
from sqlalchemy.exc import OperationalError, SQLAlchemyError
from sqlalchemy.orm import DeclarativeBase, Session, sessionmaker

from genguard.errors import StoreError
from genguard.home import genguard_home


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


def default_url() -> str:
    url = os.environ.get("GENGUARD_DB_URL")
    if url:
        return url
    home = genguard_home()
    home.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{home / 'genguard.db'}"


class DatabaseLockedError(StoreError):
    """Another process holds the SQLite write lock longer than the busy timeout.

    Its own exit code (4) so a script can tell "retry later" from a broken database (2) and from
    ``govern gate``'s "hold" decision (1)."""

    exit_code = 4


class SchemaTooNewError(StoreError):
    """The database carries schema revisions this genguard does not know: a newer release wrote it.

    Exit code 5: upgrading genguard (not the database) is the remedy."""

    exit_code = 5


BUSY_TIMEOUT_MS = 10_000  # how long SQLite waits for another writer before "database is locked"


def _is_locked(exc: BaseException) -> bool:
    """SQLite's "database is locked" / "database table is locked" (the busy timeout ran out)."""
    return "database is locked" in str(exc) or "database table is locked" in str(exc)


def _locked(url: str) -> DatabaseLockedError:
    return DatabaseLockedError(
        f"database {url} is locked (another process is writing); retry when it has finished"
        f" / 数据库被其他进程锁定（正在写入），请稍后重试")


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute(f"PRAGMA busy_timeout={int(BUSY_TIMEOUT_MS)}")  # first, so the WAL switch below waits too
    cur.execute("PRAGMA journal_mode=WAL")
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
            # every statement of every command goes through this engine: a lock timeout becomes one
            # user-facing error here instead of a traceback wherever it happened to strike
            event.listen(self.engine, "handle_error", self._on_error)
        self._sessions = sessionmaker(self.engine, expire_on_commit=False)

    def _on_error(self, ctx: ExceptionContext) -> None:
        if _is_locked(ctx.original_exception):
            raise _locked(self.safe_url) from None

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
        from alembic.util import CommandError

        import_models()
        cfg = Config()
        cfg.set_main_option("script_location", str(resources.files("genguard.store").joinpath("migrations")))
        cfg.set_main_option("path_separator", "os")
        try:
            with self.engine.begin() as conn:
                cfg.attributes["connection"] = conn
                self._refuse_unknown_revisions(conn, cfg)
                command.upgrade(cfg, "heads")
        except OperationalError as exc:
            if _is_locked(exc.orig or exc):  # raised while connecting, before handle_error applies
                raise _locked(self.safe_url) from None
            raise StoreError(f"cannot migrate database {self.safe_url}: {exc.__class__.__name__}: {exc}") from None
        except SQLAlchemyError as exc:
            raise StoreError(f"cannot migrate database {self.safe_url}: {exc.__class__.__name__}: {exc}") from None
        except CommandError as exc:
            raise StoreError(f"cannot migrate database {self.safe_url}: {exc}") from None

    def _refuse_unknown_revisions(self, conn: Any, cfg: Any) -> None:
        """Schema revisions this release does not ship mean a newer genguard wrote the database;
        Alembic would only say it "can't locate revision", so say what to do instead."""
        from alembic.runtime.migration import MigrationContext
        from alembic.script import ScriptDirectory

        script = ScriptDirectory.from_config(cfg)
        known = {r.revision for r in script.walk_revisions()}
        unknown = sorted(set(MigrationContext.configure(conn).get_current_heads()) - known)
        if unknown:
            raise SchemaTooNewError(
                f"database {self.safe_url} was created by a newer genguard (schema revision {', '.join(unknown)} "
                f"unknown to this version); upgrade genguard / 数据库由更新版本的 genguard 创建（未知的结构版本 "
                f"{'、'.join(unknown)}），请升级 genguard")

    def dispose(self) -> None:
        self.engine.dispose()


def open_store(url: str | None = None, *, migrate: bool = True) -> Store:
    """Open (and by default migrate) the database at ``url`` or the embedded default."""
    store = Store(url)
    if migrate:
        store.migrate()
    return store
