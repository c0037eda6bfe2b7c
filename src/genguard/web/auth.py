"""Who is looking at the dashboard, the interface language, and the CSRF check for forms.

Staff sign in with a staff API key (checked against the gateway's key table, then forgotten:
the signed session cookie holds only the key id) or call with the gateway's Bearer key. The
key is re-checked on every request, so revoking or suspending it ends dashboard access too.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl

from sqlalchemy import select
from starlette.requests import Request

from genguard.gateway.keys import hash_key
from genguard.gateway.models import ApiKey
from genguard.service import current_principal
from genguard.store import Store
from genguard.web import session as sess
from genguard.web.messages import M

MAX_FORM_BYTES = 64 * 1024


def secret_for(request: Request) -> bytes:
    state = request.app.state
    secret: bytes | None = getattr(state, "web_secret", None)
    if secret is None:
        secret = sess.load_secret(state.store)
        state.web_secret = secret
    return secret


def staff_key_ok(store: Store, key_id: str) -> bool:
    """The key exists, is active and has the staff role."""
    with store.session() as s:
        row = s.get(ApiKey, key_id)
        return row is not None and row.status == "active" and "staff" in (row.roles or [])


def verify_api_key(store: Store, secret_key: str) -> str | None:
    """The id of the active staff key with this secret, else None."""
    with store.session() as s:
        row = s.scalar(select(ApiKey).where(ApiKey.key_hash == hash_key(secret_key.strip())))
        if row is None or row.status != "active" or "staff" not in (row.roles or []):
            return None
        return row.id


def pick_lang(request: Request) -> tuple[str, bool]:
    """(language, chosen now?): ``?lang=`` wins and is remembered in a cookie, then the cookie,
    then the browser's Accept-Language, then English."""
    q = request.query_params.get("lang")
    if q in ("zh", "en"):
        return q, True
    c = request.cookies.get(sess.LANG_COOKIE)
    if c in ("zh", "en"):
        return c, False
    accept = request.headers.get("accept-language", "").lower()
    return ("zh" if accept.startswith("zh") else "en"), False


@dataclass
class WebCtx:
    """Per-request view state: language, session, signed-in staff key, CSRF token."""

    request: Request
    lang: str
    lang_changed: bool
    session: sess.Session
    new_session: bool
    user: str | None
    via_bearer: bool
    secret: bytes
    extra_cookies: dict[str, str] = field(default_factory=dict)

    @property
    def store(self) -> Store:
        store: Store = self.request.app.state.store
        return store

    @property
    def csrf(self) -> str:
        return sess.csrf_token(self.secret, self.session)

    def t(self, key: str) -> str:
        return M(key, self.lang)


def web_ctx(request: Request) -> WebCtx:
    """Resolve language, session and user (sync: it may query the key table)."""
    secret = secret_for(request)
    lang, changed = pick_lang(request)
    session = sess.unsign(secret, request.cookies.get(sess.COOKIE))
    new = session is None
    if session is None:
        session = sess.new_session()
    user: str | None = None
    via_bearer = False
    principal = current_principal(request)
    if principal is not None and principal.is_staff:
        user, via_bearer = principal.key_id, True
    elif session.key_id is not None:
        if staff_key_ok(request.app.state.store, session.key_id):
            user = session.key_id
        else:  # key revoked / suspended / lost its role since login
            session, new = sess.new_session(), True
    return WebCtx(request=request, lang=lang, lang_changed=changed, session=session, new_session=new, user=user,
                  via_bearer=via_bearer, secret=secret)


async def read_form(request: Request) -> dict[str, str] | None:
    """The url-encoded form body (None when too large or not UTF-8); repeated fields keep the first."""
    raw = bytearray()
    async for chunk in request.stream():
        raw.extend(chunk)
        if len(raw) > MAX_FORM_BYTES:
            return None
    try:
        body = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None
    out: dict[str, str] = {}
    for k, v in parse_qsl(body, keep_blank_values=True):
        out.setdefault(k, v)
    return out


def csrf_valid(wc: WebCtx, form: dict[str, Any]) -> bool:
    """Forms posted from a cookie session must carry that session's token; Bearer-key calls
    cannot be forged by another site (browsers never add the header), so they need none."""
    if wc.via_bearer:
        return True
    return not wc.new_session and sess.csrf_ok(wc.secret, wc.session, form.get("csrf"))


def safe_next(target: str | None) -> str:
    """Only redirect back into the dashboard (no open redirect)."""
    if target and target.startswith("/ui") and not target.startswith("//") and "\\" not in target:
        return target
    return "/ui/"
