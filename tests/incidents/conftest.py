"""Fixtures for the incident tests: a migrated store on every backend, a controllable clock,
and a real uvicorn server on loopback running the incidents router on a bare FastAPI app."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

import pytest

from genguard.store import Store, open_store


class FakeClock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = start or datetime(2026, 3, 2, 9, 0, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **kw: float) -> datetime:
        self.now += timedelta(**kw)
        return self.now


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def store(store_url: str) -> Iterator[Store]:
    s = open_store(store_url)
    yield s
    s.dispose()


@pytest.fixture
def sqlite_store(tmp_path) -> Iterator[Store]:  # type: ignore[no-untyped-def]
    s = open_store(f"sqlite:///{tmp_path / 'inc.db'}")
    yield s
    s.dispose()


def build_app(store: Store, router):  # type: ignore[no-untyped-def]
    """Bare FastAPI app: store on app.state, a test middleware that sets the principal from
    ``X-Test-Principal: key_id[:role,role]`` (what the gateway does from API keys), /metrics."""
    from fastapi import FastAPI, Request
    from prometheus_client import make_asgi_app

    from genguard.service import Principal

    app = FastAPI()
    app.state.store = store

    @app.middleware("http")
    async def principal(request: Request, call_next):  # type: ignore[no-untyped-def]
        raw = request.headers.get("x-test-principal")
        if raw:
            key, _, roles = raw.partition(":")
            request.state.principal = Principal(key_id=key, roles=frozenset(r for r in roles.split(",") if r))
        return await call_next(request)

    app.include_router(router)
    app.mount("/metrics", make_asgi_app())
    return app


@contextmanager
def serve(app) -> Iterator[str]:  # type: ignore[no-untyped-def]
    import uvicorn

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on",
                                           proxy_headers=False))  # the router decides whom to trust
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 15
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(15)


@pytest.fixture
def live() -> Callable[..., object]:
    """``with live(store, router) as base_url:`` runs the router over real HTTP."""

    @contextmanager
    def _run(store: Store, router) -> Iterator[str]:  # type: ignore[no-untyped-def]
        with serve(build_app(store, router)) as url:
            yield url

    return _run


STAFF = {"X-Test-Principal": "staff-key:staff"}
USER = {"X-Test-Principal": "user-key:"}
