"""Signed session cookies and CSRF tokens (HMAC-SHA256, standard library only).

The cookie carries ``{sid, key, exp}`` signed with a per-database secret; nothing secret is in
it (the API key itself is never stored, only its id). The CSRF token is an HMAC of the session
id, so it is tied to one session, rotates at login (new sid) and needs no server-side storage.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import os
import secrets
import time
from dataclasses import dataclass
from typing import Any

from genguard.store import Store

SECRET_ENV = "GENGUARD_WEB_SECRET"
COOKIE = "gg_session"
LANG_COOKIE = "gg_lang"
MAX_AGE_S = 12 * 3600


def load_secret(store: Store) -> bytes:
    """$GENGUARD_WEB_SECRET, else a random secret kept in the database (created on first use),
    so sessions survive restarts and every process sharing the database agrees on it."""
    env = os.environ.get(SECRET_ENV)
    if env:
        return env.encode("utf-8")
    from genguard.store.meta import Meta

    with store.session() as s:
        row = s.get(Meta, "web.secret")
        if row is None:
            row = Meta(key="web.secret", value=secrets.token_hex(32))
            s.add(row)
        value = row.value
    return value.encode("ascii")


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass(frozen=True)
class Session:
    sid: str
    key_id: str | None = None  # the staff API key id once logged in
    exp: float = 0.0

    @property
    def logged_in(self) -> bool:
        return self.key_id is not None


def new_session(key_id: str | None = None, *, now: float | None = None) -> Session:
    return Session(sid=secrets.token_urlsafe(18), key_id=key_id, exp=(now or time.time()) + MAX_AGE_S)


def sign(secret: bytes, session: Session) -> str:
    body = _b64(json.dumps({"sid": session.sid, "key": session.key_id, "exp": int(session.exp)},
                           separators=(",", ":")).encode("utf-8"))
    mac = hmac.new(secret, b"session:" + body.encode("ascii"), hashlib.sha256).hexdigest()
    return f"{body}.{mac}"


def unsign(secret: bytes, value: str | None, *, now: float | None = None) -> Session | None:
    """The session in a cookie value, or None when missing, tampered with or expired."""
    if not value or "." not in value or len(value) > 4096:
        return None
    body, mac = value.rsplit(".", 1)
    want = hmac.new(secret, b"session:" + body.encode("ascii", "replace"), hashlib.sha256).hexdigest()
    if not hmac.compare_digest(want, mac):
        return None
    try:
        data: dict[str, Any] = json.loads(_unb64(body))
        sess = Session(sid=str(data["sid"]), key_id=data.get("key"), exp=float(data["exp"]))
    except (ValueError, KeyError, TypeError):
        return None
    if sess.exp < (now or time.time()):
        return None
    return sess


def csrf_token(secret: bytes, session: Session) -> str:
    return hmac.new(secret, b"csrf:" + session.sid.encode("utf-8"), hashlib.sha256).hexdigest()


def csrf_ok(secret: bytes, session: Session | None, token: str | None) -> bool:
    if session is None or not token:
        return False
    return hmac.compare_digest(csrf_token(secret, session), token)
