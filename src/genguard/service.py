"""Contracts between the HTTP service and the modules that mount routes on it.

``genguard serve`` runs one FastAPI app. Modules contribute routes by exposing
``router: fastapi.APIRouter`` in ``genguard/<module>/api.py`` (discovered by the gateway's app
factory). Shared state lives on ``app.state`` (``store``, ``guard``, ``config``), and the
gateway's authentication middleware sets ``request.state.principal`` from the API key. Routes
depend on the helpers below instead of reaching into the gateway, so a module's routes can be
tested on a bare FastAPI app that sets the same state.

Optional, in the same ``api`` module: ``PUBLIC_PATHS`` (paths anyone may call without an API key
even when the gateway requires keys; the module rate-limits them itself) and ``make_router()``
(a factory the gateway calls for a fresh router per app, when the router holds state).
"""

from __future__ import annotations

import importlib
import importlib.util
import pkgutil
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

# Request must exist at run time: FastAPI resolves these dependencies' annotations to inject it.
from starlette.requests import Request

if TYPE_CHECKING:
    from fastapi import APIRouter

    from genguard.store import Store


@dataclass(frozen=True)
class Principal:
    """Who is calling: an API key's id and tier, and its roles (``staff`` may use staff APIs)."""

    key_id: str
    tier: str = "standard"
    roles: frozenset[str] = field(default_factory=frozenset)

    @property
    def is_staff(self) -> bool:
        return "staff" in self.roles


def get_store(request: Request) -> Store:
    store: Store = request.app.state.store
    return store


def current_principal(request: Request) -> Principal | None:
    return getattr(request.state, "principal", None)


def require_staff(request: Request) -> Principal:
    """FastAPI dependency: 401 without a key, 403 for a key without the staff role."""
    from fastapi import HTTPException

    p = current_principal(request)
    if p is None:
        raise HTTPException(status_code=401, detail="authentication required: send an API key as 'Authorization: Bearer <key>'")
    if not p.is_staff:
        raise HTTPException(status_code=403, detail="this endpoint is for staff keys only")
    return p


async def read_capped(request: Request, cap: int) -> bytes | None:
    """The body, or None as soon as it exceeds ``cap`` bytes (never buffers more than cap + one chunk).

    A declared ``Content-Length`` over the cap (or unreadable) is refused before anything is read;
    a chunked body is read only until it passes the cap. Shared by every route that caps its body
    (the incidents form, the gateway's proxy and moderation endpoints), so there is one reader to
    get right. The body read is kept on the request (``request.body()`` returns it afterwards)."""
    declared = request.headers.get("content-length")
    if declared is not None:
        try:
            if int(declared) > cap:
                return None
        except ValueError:
            return None
    buf = bytearray()
    async for chunk in request.stream():
        buf.extend(chunk)
        if len(buf) > cap:
            return None
    body = bytes(buf)
    # Starlette's own cache: without it the consumed stream would make request.body() raise,
    # and FastAPI parses a route's body model through request.body()
    request._body = body
    return body


def discover_routers() -> list[tuple[str, APIRouter]]:
    """Every ``genguard.<module>.api.router`` (module name, router), in name order."""
    import genguard

    found: list[tuple[str, Any]] = []
    for info in sorted(pkgutil.iter_modules(genguard.__path__), key=lambda i: i.name):
        if not info.ispkg or importlib.util.find_spec(f"genguard.{info.name}.api") is None:
            continue
        mod = importlib.import_module(f"genguard.{info.name}.api")
        router = getattr(mod, "router", None)
        if router is not None:
            found.append((info.name, router))
    return found


class LoopbackServer:
    """An ASGI app served by uvicorn on ``127.0.0.1:<free port>`` in a background thread.

    Tests, benchmarks and demo steps need a *real* HTTP server (real sockets, lifespan events so
    background jobs run) without a subprocess; this is the one place that knows how to start and
    stop one. ``start()`` returns the base URL; ``stop()`` runs the app's shutdown.
    """

    def __init__(self, app: Any, *, start_timeout: float = 30.0) -> None:
        import threading

        import uvicorn

        self.start_timeout = start_timeout
        self.server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=0, log_level="warning", lifespan="on"))
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def start(self) -> str:
        import time

        self.thread.start()
        deadline = time.monotonic() + self.start_timeout
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("loopback server did not start")
            time.sleep(0.01)
        port = self.server.servers[0].sockets[0].getsockname()[1]
        return f"http://127.0.0.1:{port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=self.start_timeout)
