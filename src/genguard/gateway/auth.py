"""Authentication and rate limiting as a plain ASGI middleware (cheaper than BaseHTTPMiddleware).

Sets ``request.state.principal`` (a :class:`genguard.service.Principal`) from the bearer key and
``request.state.gateway_key`` (the :class:`KeyRecord`), rejects unknown/revoked/suspended keys,
and applies the tier's token bucket (reduced at the ladder's ``throttle`` step).

Paths a module declares public (``PUBLIC_PATHS`` in its ``api`` module, e.g. the incidents
complaint form and the output-registry lookup) are open to anyone even when keys are required,
and are left to the module's own abuse controls (the form has its own per-address limiter): a
member of the public filing a complaint has no key, and a suspended user must still be able to
complain. A valid key sent there is still recognised (staff tooling), a bad one is ignored.
"""

from __future__ import annotations

import json
import math
from typing import Any

import anyio.to_thread
from starlette.types import ASGIApp, Receive, Scope, Send

from genguard.gateway.errors import error_body
from genguard.gateway.keys import hash_key
from genguard.gateway.runtime import Gateway
from genguard.service import Principal

PUBLIC_PATHS = ("/healthz", "/readyz", "/metrics", "/docs", "/redoc", "/openapi.json")
APPEAL_PATH = "/v1/keys/appeal"
# the staff dashboard (genguard.web) signs browsers in with its own session cookie and login form
DASHBOARD_PREFIX = "/ui"


async def _send_json(send: Send, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
    raw = json.dumps(body, ensure_ascii=False).encode()
    hdrs = [(b"content-type", b"application/json"), (b"content-length", str(len(raw)).encode())]
    hdrs += [(k.encode(), v.encode()) for k, v in (headers or {}).items()]
    await send({"type": "http.response.start", "status": status, "headers": hdrs})
    await send({"type": "http.response.body", "body": raw})


class AuthMiddleware:
    def __init__(self, app: ASGIApp, gateway: Gateway, public_paths: frozenset[str] = frozenset()) -> None:
        self.app = app
        self.gw = gateway
        self.public_paths = public_paths

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope["path"]
        if path in PUBLIC_PATHS or path.startswith("/docs"):
            await self.app(scope, receive, send)
            return
        public = path in self.public_paths
        token = None
        for name, value in scope["headers"]:
            if name == b"authorization":
                v = value.decode("latin-1").strip()
                token = v[7:].strip() if v[:7].lower() == "bearer " else v
                break
            if name == b"x-api-key":
                token = value.decode("latin-1").strip()
        key = None
        if token:
            digest = hash_key(token)
            hit, key = self.gw.keys.cached(digest)
            if not hit:
                key = await anyio.to_thread.run_sync(self.gw.keys.load, digest)
            if public:
                if key is not None and key.status != "active":
                    key = None  # anonymous on a public path
            elif key is None:
                await _send_json(send, 401, error_body(401, "invalid API key", code="invalid_api_key"))
                return
            elif key.status == "revoked":
                await _send_json(send, 401, error_body(401, f"API key {key.id} has been revoked", code="key_revoked"))
                return
            elif key.status == "suspended" and path != APPEAL_PATH:
                msg = (f"API key {key.id} is suspended after {key.strikes} policy violations; "
                       f"appeal with POST {APPEAL_PATH} or ask the operator")
                await _send_json(send, 403, error_body(403, msg, code="key_suspended"))
                return
        elif self.gw.config.auth.require_key and not public and not path.startswith(DASHBOARD_PREFIX):
            await _send_json(send, 401, error_body(401, "an API key is required: send 'Authorization: Bearer <key>'",
                                                   code="missing_api_key"))
            return
        state = scope.setdefault("state", {})
        state["gateway_key"] = key
        state["principal"] = Principal(key_id=key.id, tier=key.tier, roles=key.roles) if key else None
        if path.startswith("/v1/") and path != APPEAL_PATH and not public:
            client = scope.get("client") or ("?", 0)
            wait = self.gw.rate_limit(key, str(client[0]))
            if wait:
                await _send_json(
                    send, 429,
                    error_body(429, f"rate limit exceeded for {'key ' + key.id if key else 'this client'}; retry in {wait:.2f}s",
                               code="rate_limited"),
                    {"retry-after": str(max(1, math.ceil(wait)))},
                )
                return
        await self.app(scope, receive, send)
