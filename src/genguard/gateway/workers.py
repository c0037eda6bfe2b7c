"""Several gateway worker processes on one port (``genguard serve --workers N``).

One Python process runs the guard on one core at a time (the GIL), so on a multi-core machine a
single gateway leaves cores idle however many connections arrive. With ``--workers N`` the
parent process migrates the database and syncs the configured keys once, then uvicorn's
supervisor starts N workers; each worker builds its own app with :func:`app_factory` from the
settings the parent left in the environment.

Each worker listens on its **own** socket bound with ``SO_REUSEPORT`` (:func:`serve_workers`),
so the kernel spreads new connections over the workers. With one shared listening socket (what
uvicorn does) the first worker to wake accepts every pending connection at once: a client that
opens its 32 keep-alive connections together got them all on one worker, which then served
alone while the other idled (3 of 4 benchmark runs used one core of two).

What workers share and what they do not:

* **Shared through the database**: the audit log, keys, strike counts and levels (the ladder
  locks the key row), appeals, incidents. A key's new level reaches the other workers within
  ``auth.cache_ttl_s``.
* **Shared through files**: Prometheus metrics (``prometheus_client`` multi-process mode, in a
  temporary folder the parent creates and removes), so ``/metrics`` on any worker reports the
  sum over all workers.
* **Per worker**: rate-limit token buckets and the category-spike tripwire window (a limit of
  R requests/s per key allows up to N*R in total; a spike threshold counts per worker).
* **One worker only**: the retention purge job, run by whichever worker takes the lock file.
"""

from __future__ import annotations

import fcntl
import inspect
import logging
import os
import shutil
import socket
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import uvicorn
from fastapi import FastAPI
from uvicorn.config import STARTUP_FAILURE, Config
from uvicorn.supervisors import multiprocess

from genguard.errors import ConfigError

ENV_CONFIG = "GENGUARD_SERVE_CONFIG"
ENV_LOCK = "GENGUARD_SERVE_PURGE_LOCK"
ENV_LOG_LEVEL = "GENGUARD_SERVE_LOG_LEVEL"
MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"

log = logging.getLogger("genguard.gateway")

# the open lock file of the worker that runs the purge job (kept open for the process's life)
_LEADER_LOCK: list[IO[Any]] = []


def _take_leader_lock(path: str) -> bool:
    """True for the first worker to ask (it keeps the lock until it exits)."""
    if not path:
        return True
    f = open(path, "a+")  # noqa: SIM115 - held open on purpose: the lock lives as long as the worker
    try:
        fcntl.flock(f, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        f.close()
        return False
    _LEADER_LOCK.append(f)
    return True


def app_factory() -> FastAPI:
    """Build one worker's app (called by uvicorn in each worker process)."""
    from genguard.gateway.app import create_app
    from genguard.gateway.config import load_config
    from genguard.gateway.logs import setup_json_logging
    from genguard.store import open_store

    cfg_path = os.environ.get(ENV_CONFIG) or None
    cfg = load_config(Path(cfg_path) if cfg_path else None)
    setup_json_logging(os.environ.get(ENV_LOG_LEVEL, "info"))
    sys.setswitchinterval(0.0005)  # as in single-process serve: the audit thread yields the GIL often
    store = open_store(cfg.database_url, migrate=False)  # the parent migrated it
    return create_app(
        cfg, store=store, purge_job=_take_leader_lock(os.environ.get(ENV_LOCK, "")), sync_keys=False, freeze_gc=True
    )


@contextmanager
def worker_environment(config: Path | None, log_level: str) -> Iterator[Path]:
    """Environment for :func:`app_factory` in spawned workers; removes its temporary folder after."""
    run_dir = Path(tempfile.mkdtemp(prefix="genguard-serve-"))
    metrics_dir = run_dir / "metrics"
    metrics_dir.mkdir()
    saved = {k: os.environ.get(k) for k in (ENV_CONFIG, ENV_LOCK, ENV_LOG_LEVEL, MULTIPROC_ENV)}
    os.environ[ENV_CONFIG] = str(config.resolve()) if config else ""
    os.environ[ENV_LOCK] = str(run_dir / "purge.lock")
    os.environ[ENV_LOG_LEVEL] = log_level
    os.environ[MULTIPROC_ENV] = str(metrics_dir)
    try:
        yield run_dir
    finally:
        for k, v in saved.items():
            if v is None:
                os.environ.pop(k, None)
            else:
                os.environ[k] = v
        shutil.rmtree(run_dir, ignore_errors=True)


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host:port`` with ``SO_REUSEPORT``: each worker binds its own and
    the kernel hashes every new connection to one of them (uvicorn's server calls ``listen``)."""
    sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return sock


def check_port_free(host: str, port: int) -> None:
    """Fail before starting workers if something already listens on the port. A plain bind is
    refused by any listener, including another genguard whose workers use ``SO_REUSEPORT``
    (which would otherwise silently share the port and split the traffic with it)."""
    with socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        try:
            probe.bind((host, port))
        except OSError as exc:
            raise ConfigError(f"cannot listen on {host}:{port}: {exc.strerror or exc}") from None


def _own_sockets_supported() -> bool:
    """SO_REUSEPORT exists here and uvicorn's supervisor builds workers as ``Process(config,
    sockets)`` (the API :class:`_OwnSocketProcess` extends; older uvicorn releases differ)."""
    try:
        params = list(inspect.signature(multiprocess.Process.__init__).parameters)
    except (AttributeError, TypeError, ValueError):
        return False
    return hasattr(socket, "SO_REUSEPORT") and params == ["self", "config", "sockets"]


class _OwnSocketProcess(multiprocess.Process):
    """A uvicorn worker process that listens on its own ``SO_REUSEPORT`` socket instead of the
    socket the supervisor would share among all workers."""

    def target(self, sockets: list[socket.socket] | None = None) -> None:  # runs in the worker
        try:
            sock = reuse_port_socket(self.config.host, self.config.port)
        except OSError as exc:
            log.error(
                "worker cannot listen on %s:%d: %s", self.config.host, self.config.port, exc
            )
            sys.exit(STARTUP_FAILURE)  # the supervisor stops instead of restarting it forever
        super().target([sock])


def serve_workers(*, host: str, port: int, workers: int, log_level: str, access_log: bool) -> None:
    """Run ``workers`` gateway processes on ``host:port`` under uvicorn's supervisor (restarts
    dead workers, forwards signals), each on its own ``SO_REUSEPORT`` socket. Call it inside
    :func:`worker_environment`."""
    check_port_free(host, port)
    config = Config(
        "genguard.gateway.workers:app_factory", factory=True, workers=workers, host=host, port=port,
        log_config=None, access_log=access_log, log_level=log_level,
    )
    if not _own_sockets_supported():  # one shared socket, as uvicorn does
        log.warning("workers share one listening socket (SO_REUSEPORT or this uvicorn's supervisor API missing)")
        uvicorn.run(
            "genguard.gateway.workers:app_factory", factory=True, workers=workers, host=host, port=port,
            log_config=None, access_log=access_log, log_level=log_level,
        )
        return
    # the supervisor builds its workers from the module's ``Process`` class; swap in ours for this run
    saved = multiprocess.Process
    multiprocess.Process = _OwnSocketProcess  # type: ignore[misc]
    try:
        multiprocess.Multiprocess(config, sockets=[]).run()
    finally:
        multiprocess.Process = saved  # type: ignore[misc]
