"""``genguard serve`` (top-level) and ``genguard gateway ...`` (purge, audit) commands."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console

from genguard.errors import InputError

app = typer.Typer(name="gateway", help="Gateway maintenance: retention purge, audit log. 网关维护：清理与审计日志。",
                  no_args_is_help=True)

CONFIG_OPT = typer.Option(None, "--config", "-c", help="gateway config YAML (default: built-in defaults)")


class LogLevel(StrEnum):
    """uvicorn's log levels (``trace`` is its own, below ``debug``)."""

    critical = "critical"
    error = "error"
    warning = "warning"
    info = "info"
    debug = "debug"
    trace = "trace"


def serve(
    config: Path | None = CONFIG_OPT,
    host: str = typer.Option("127.0.0.1", "--host", help="address to listen on"),
    port: int = typer.Option(8000, "--port", min=0, max=65535,
                             help="TCP port (0: any free port, shown in the log; one worker only)"),
    workers: int = typer.Option(
        1, "--workers", min=1,
        help="worker processes sharing the port (use one per core; each keeps its own rate-limit buckets, "
             "see docs/gateway.md)"),
    log_level: LogLevel = typer.Option(LogLevel.info, "--log-level", case_sensitive=False, help="log verbosity"),
    access_log: bool = typer.Option(False, "--access-log", help="also log every HTTP request line (JSON)"),
) -> None:
    """Run the guarded OpenAI-compatible gateway and moderation API. 启动网关服务。"""
    import uvicorn

    from genguard.gateway.app import create_app
    from genguard.gateway.config import load_config
    from genguard.gateway.logs import setup_json_logging

    if port == 0 and workers > 1:
        # each worker binds its own socket: port 0 would give every worker a different random port
        raise InputError("--port 0 (any free port) works only with --workers 1; give a fixed port for several workers")
    level = log_level.value
    cfg = load_config(config)
    setup_json_logging(level)
    if workers > 1:
        from genguard.gateway.keys import sync_config_keys
        from genguard.gateway.workers import serve_workers, worker_environment
        from genguard.store import open_store

        store = open_store(cfg.database_url)  # migrate and sync keys once, before any worker starts
        sync_config_keys(store, cfg.keys)
        store.dispose()
        with worker_environment(config, level):
            serve_workers(host=host, port=port, workers=workers, log_level=level, access_log=access_log)
        return
    application = create_app(cfg, freeze_gc=True)
    # The audit writer thread and the event loop share the GIL; a short switch interval stops a
    # batch insert from holding the loop for the default 5 ms at a time (measured in bench/gateway).
    sys.setswitchinterval(0.0005)
    uvicorn.run(application, host=host, port=port, log_config=None, access_log=access_log, log_level=level)


COMMANDS = {"serve": serve}


@app.command("purge")
def purge_cmd(config: Path | None = CONFIG_OPT) -> None:
    """Apply the retention policy now: clear old prompt/answer texts, delete expired audit rows."""
    from genguard.gateway.config import load_config
    from genguard.gateway.retention import purge
    from genguard.store import open_store

    cfg = load_config(config)
    store = open_store(cfg.database_url)
    res = purge(store, cfg.retention)
    Console().print(f"purged: {res.texts_cleared} texts reduced to hashes, {res.rows_deleted} audit rows deleted "
                    f"(text_days={cfg.retention.text_days:g}, audit_days={cfg.retention.audit_days})", highlight=False)


@app.command("audit")
def audit_cmd(
    config: Path | None = CONFIG_OPT,
    limit: int = typer.Option(20, "--limit", "-n", min=1, help="newest N rows"),
    key: str | None = typer.Option(None, "--key", help="only this key id"),
) -> None:
    """Show the newest audit-log rows (JSON lines)."""
    import json

    from sqlalchemy import select

    from genguard.gateway.config import load_config
    from genguard.gateway.models import AuditRecord
    from genguard.store import open_store

    cfg = load_config(config)
    store = open_store(cfg.database_url)
    with store.session() as s:
        q = select(AuditRecord).order_by(AuditRecord.id.desc()).limit(limit)
        if key:
            q = q.where(AuditRecord.key_id == key)
        for r in s.scalars(q):
            typer.echo(json.dumps({"at": r.at.isoformat(), "key": r.key_id, "route": r.route, "direction": r.direction,
                                   "action": r.action, "categories": r.categories, "latency_ms": r.latency_ms,
                                   "sha256": r.text_sha256, "text": r.text}, ensure_ascii=False))
