"""App factory: ``create_app(config) -> FastAPI`` with the gateway's routes and every module's routers.

Shared state for mounted modules (see :mod:`genguard.service`): ``app.state.store``,
``app.state.guard`` (the anonymous tier's guard), ``app.state.config`` and
``app.state.gateway`` (the :class:`Gateway` runtime).
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import importlib
import logging
import os
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio.to_thread
from fastapi import APIRouter, FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, Response
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import text
from starlette.requests import ClientDisconnect

from genguard import __version__
from genguard.errors import GenguardError, InputError
from genguard.gateway.auth import AuthMiddleware
from genguard.gateway.config import GatewayConfig
from genguard.gateway.errors import error_response
from genguard.gateway.keys import sync_config_keys
from genguard.gateway.retention import purge
from genguard.gateway.runtime import Gateway
from genguard.service import discover_routers
from genguard.store import Store, open_store

log = logging.getLogger("genguard.gateway")


async def _purge_loop(gw: Gateway) -> None:
    while True:
        try:
            res = await anyio.to_thread.run_sync(purge, gw.store, gw.config.retention)
            if res.texts_cleared or res.rows_deleted:
                log.info("retention purge: %d texts cleared, %d rows deleted", res.texts_cleared, res.rows_deleted)
        except Exception:
            log.exception("retention purge failed")
        await asyncio.sleep(gw.config.retention.purge_interval_s)


def create_app(
    config: GatewayConfig | None = None,
    *,
    store: Store | None = None,
    purge_job: bool = True,
    sync_keys: bool = True,
    freeze_gc: bool = False,
) -> FastAPI:
    """The gateway app. ``sync_keys=False`` when the caller already synced the configured keys
    (``serve --workers``: the parent does it once instead of every worker racing to).

    ``freeze_gc=True`` (what ``genguard serve`` uses) moves everything built at start-up (the
    imported libraries, models and keyword tables, ~150k objects) out of the cyclic garbage
    collector's reach once the app starts: otherwise every full collection walks them all and
    stalls the worker for 50-100 ms, which showed as p99 spikes under load. Objects created
    later (requests, a reloaded policy) are collected as usual."""
    config = config or GatewayConfig()
    store = store or open_store(config.database_url)
    if sync_keys:
        sync_config_keys(store, config.keys)
    gw = Gateway(config, store)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        gw.audit.start()
        if freeze_gc:
            gc.collect()
            gc.freeze()
        task = asyncio.create_task(_purge_loop(gw)) if purge_job else None
        try:
            yield
        finally:
            if task is not None:
                task.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await task
            await gw.aclose()

    app = FastAPI(
        title="genguard gateway",
        version=__version__,
        description="Guarded OpenAI-compatible proxy and moderation API (genguard).",
        lifespan=lifespan,
    )
    app.state.gateway = gw
    app.state.store = store
    app.state.guard = gw.default_guard
    app.state.config = config
    mounted = module_routers()
    public = frozenset(p for _, _, paths in mounted for p in paths)
    app.add_middleware(AuthMiddleware, gateway=gw, public_paths=public)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errs = exc.errors()
        parts = []
        for e in errs[:5]:
            loc = ".".join(str(p) for p in e.get("loc", ()) if p != "body") or "(body)"
            parts.append(f"'{loc}': {e.get('msg')}")
        status = 400 if request.url.path.startswith("/v1/") else 422
        return error_response(status, "invalid request: " + "; ".join(parts), code="invalid_request")

    @app.exception_handler(ClientDisconnect)
    async def _gone(request: Request, exc: ClientDisconnect) -> Response:
        # the client hung up before its request body arrived (a load generator stopping, a user
        # closing the tab): nothing was checked or forwarded, nobody can read a reply, and it is
        # not a server error, so one info line instead of uvicorn's error traceback
        log.info("client disconnected before sending its whole request: %s %s", request.method, request.url.path)
        gw.metrics.requests.labels(route="disconnected", status="499").inc()
        return Response(status_code=499)

    @app.exception_handler(GenguardError)
    async def _user_error(request: Request, exc: GenguardError) -> JSONResponse:
        status = 413 if isinstance(exc, InputError) and "limit" in str(exc) else 400
        return error_response(status, str(exc), code=type(exc).__name__)

    @app.get("/healthz", tags=["ops"], summary="Liveness")
    async def healthz() -> dict[str, str]:
        return {"status": "ok"}

    @app.get("/readyz", tags=["ops"], summary="Readiness: database reachable, guard loaded, audit writer running")
    async def readyz() -> Response:
        checks: dict[str, Any] = {}

        def db_ok() -> None:
            with store.engine.connect() as conn:
                conn.execute(text("SELECT 1"))

        try:
            await anyio.to_thread.run_sync(db_ok)
            checks["database"] = "ok"
        except Exception as exc:
            checks["database"] = f"error: {exc.__class__.__name__}"
        checks["guard"] = f"ok ({gw.default_guard.policy.name}, {len(gw.default_guard.detectors)} detectors)"
        checks["audit_writer"] = "ok" if gw.audit.alive or not config.audit.enabled else "not running"
        checks["upstreams"] = sorted(gw.upstreams) or "none (moderation only)"
        checks["worker_pid"] = os.getpid()  # which process answered (serve --workers runs several)
        ready = checks["database"] == "ok" and checks["audit_writer"] == "ok"
        return JSONResponse({"ready": ready, "checks": checks}, status_code=200 if ready else 503)

    @app.get("/metrics", tags=["ops"], summary="Prometheus metrics")
    async def metrics() -> Response:
        return Response(gw.metrics.exposition(), media_type=CONTENT_TYPE_LATEST)

    from genguard.gateway import keys_api, moderation, proxy

    app.include_router(moderation.router)
    app.include_router(proxy.router)
    app.include_router(keys_api.router)
    for name, router, _ in mounted:
        app.include_router(router)
        log.debug("mounted routes of genguard.%s", name)
    return app


def module_routers() -> list[tuple[str, APIRouter, tuple[str, ...]]]:
    """(module, router, public paths) of every other module's ``api``.

    A module whose ``api`` has a ``make_router()`` factory gets a fresh router per app, so state
    it keeps in the router (the incidents form's per-address limiter) belongs to this app only;
    ``PUBLIC_PATHS`` lists the paths anyone may call without a key (see :mod:`.auth`).
    """
    out: list[tuple[str, APIRouter, tuple[str, ...]]] = []
    for name, router in discover_routers():
        if name == "gateway":
            continue
        mod = importlib.import_module(f"genguard.{name}.api")
        factory = getattr(mod, "make_router", None)
        if callable(factory):
            router = factory()
        out.append((name, router, tuple(getattr(mod, "PUBLIC_PATHS", ()))))
    return out
