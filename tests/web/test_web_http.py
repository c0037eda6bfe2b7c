"""Dashboard security over real HTTP (no browser): login, sessions, CSRF, redirects, headers."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest
import sqlalchemy as sa
from web_seed import ALPHA_KEY, STAFF_KEY, Seeded, ThreadServer

PAGES = ["/ui/", "/ui/traffic", "/ui/traffic/1", "/ui/assessments", "/ui/corpus", "/ui/incidents", "/ui/governance", "/ui/policy"]


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf" value="([0-9a-f]+)"', html)
    assert m, "no CSRF field in the page"
    return m.group(1)


def status_of(seeded: Seeded, ref: str) -> str:
    with seeded.store.engine.connect() as conn:
        return str(conn.execute(sa.text("select status from incidents_record where ref=:r"), {"r": ref}).scalar())


@contextmanager
def signed_in(seeded: Seeded, key: str = STAFF_KEY) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=seeded.url, timeout=20) as c:
        token = csrf_of(c.get("/ui/login").text)
        r = c.post("/ui/login", data={"csrf": token, "api_key": key, "next": "/ui/"})
        assert r.status_code == 303 and r.headers["location"] == "/ui/", r.text[:500]
        yield c


def test_anonymous_requests_are_redirected_to_login(seeded: Seeded) -> None:
    with httpx.Client(base_url=seeded.url, timeout=20) as c:
        for path in PAGES:
            r = c.get(path)
            assert r.status_code == 303 and r.headers["location"].startswith("/ui/login?next="), path
        ref = seeded.refs["http"]
        r = c.post(f"/ui/incidents/{ref}/move", data={"to": "triaged"})
        assert r.status_code == 303 and r.headers["location"].startswith("/ui/login")
        assert status_of(seeded, ref) == "received"
        # a key without the staff role is not a dashboard user, via Bearer or via the form
        r = c.get("/ui/", headers={"Authorization": f"Bearer {ALPHA_KEY}"})
        assert r.status_code == 303
        token = csrf_of(c.get("/ui/login").text)
        r = c.post("/ui/login", data={"csrf": token, "api_key": ALPHA_KEY})
        assert r.status_code == 401 and "staff role" in r.text
        # an unknown Bearer key is refused by the gateway before the dashboard sees it
        assert c.get("/ui/", headers={"Authorization": "Bearer gg-nope"}).status_code == 401


def test_staff_bearer_key_reads_every_page(seeded: Seeded) -> None:
    h = {"Authorization": f"Bearer {STAFF_KEY}"}
    with httpx.Client(base_url=seeded.url, timeout=20, headers=h) as c:
        for path in PAGES:
            r = c.get(path)
            assert r.status_code == 200, path
            csp = r.headers["content-security-policy"]
            assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
            assert r.headers["x-content-type-options"] == "nosniff"
            # nothing is loaded from anywhere else (data such as a corpus origin may still be shown as text)
            assert not re.search(r'(src|href)="(https?:)?//', r.text), path
        assert c.get("/ui/static/web.css").headers["content-type"].startswith("text/css")
        assert c.get("/ui/static/../api.py").status_code == 404
        assert c.get("/ui/static/nope.js").status_code == 404
        assert c.get("/ui/traffic/987654").status_code == 404
        assert c.get("/ui/incidents/NOPE-1").status_code == 404
        assert c.get("/ui/assessments/run-nope").status_code == 404


def test_every_post_needs_the_sessions_csrf_token(seeded: Seeded) -> None:
    ref = seeded.refs["http"]
    with httpx.Client(base_url=seeded.url, timeout=20) as anon:
        pre_login_token = csrf_of(anon.get("/ui/login").text)
        assert anon.post("/ui/login", data={"api_key": STAFF_KEY}).status_code == 403  # login form too
    with signed_in(seeded) as c:
        page = c.get(f"/ui/incidents/{ref}")
        token = csrf_of(page.text)
        assert token != pre_login_token  # the session id (and so the token) rotates at login
        for data in ({"to": "triaged"}, {"to": "triaged", "csrf": ""}, {"to": "triaged", "csrf": pre_login_token},
                     {"to": "triaged", "csrf": "0" * 64}):
            r = c.post(f"/ui/incidents/{ref}/move", data=data)
            assert r.status_code == 403 and "token" in r.text
        assert c.post(f"/ui/incidents/{ref}/assign", data={"owner": "mallory"}).status_code == 403
        assert c.post("/ui/logout", data={}).status_code == 403
        assert status_of(seeded, ref) == "received"
        # an illegal move is refused with the registry's reason and changes nothing
        r = c.post(f"/ui/incidents/{ref}/move", data={"to": "disclosed", "csrf": token})
        assert r.status_code == 409 and "illegal transition" in r.text
        assert status_of(seeded, ref) == "received"
        r = c.post(f"/ui/incidents/{ref}/move", data={"to": "triaged", "note": "ok", "csrf": token})
        assert r.status_code == 303 and r.headers["location"] == f"/ui/incidents/{ref}?done=moved"
        assert status_of(seeded, ref) == "triaged"
        r = c.post(f"/ui/incidents/{ref}/assign", data={"owner": "alice", "csrf": token})
        assert r.status_code == 303
        assert "alice" in c.get(f"/ui/incidents/{ref}").text
        assert c.post("/ui/logout", data={"csrf": token}).status_code == 303
        assert c.get("/ui/").status_code == 303


def test_login_never_redirects_off_site_and_tampered_cookies_are_ignored(seeded: Seeded) -> None:
    for target in ("https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)"):
        with httpx.Client(base_url=seeded.url, timeout=20) as c:
            token = csrf_of(c.get("/ui/login").text)
            r = c.post("/ui/login", data={"csrf": token, "api_key": STAFF_KEY, "next": target})
            assert r.status_code == 303 and r.headers["location"] == "/ui/", target
    with signed_in(seeded) as c:
        cookie = c.cookies.get("gg_session")
        assert cookie and c.get("/ui/").status_code == 200
        body, mac = cookie.rsplit(".", 1)
        forged = body[:-2] + ("AA" if body[-2:] != "AA" else "BB") + "." + mac
        with httpx.Client(base_url=seeded.url, timeout=20, cookies={"gg_session": forged}) as other:
            assert other.get("/ui/").status_code == 303


def test_revoking_a_staff_key_ends_its_dashboard_session(seeded: Seeded) -> None:
    from genguard.gateway.keys import create_key, set_status

    key_id, secret = create_key(seeded.store, roles=["staff"], name="temp staff", actor="test")
    assert secret is not None
    with signed_in(seeded, secret) as c:
        assert c.get("/ui/incidents").status_code == 200
        set_status(seeded.store, key_id, "revoked", actor="test", reason="left the team")
        r = c.get("/ui/incidents")
        assert r.status_code == 303 and r.headers["location"].startswith("/ui/login")


@pytest.mark.parametrize("lang,expect", [("zh", "总览"), ("en", "Overview")])
def test_language_from_query_cookie_and_accept_language(seeded: Seeded, lang: str, expect: str) -> None:
    h = {"Authorization": f"Bearer {STAFF_KEY}"}
    with httpx.Client(base_url=seeded.url, timeout=20, headers=h) as c:
        r = c.get(f"/ui/?lang={lang}")
        assert f"<h1>{expect}</h1>" in r.text and r.cookies.get("gg_lang") == lang
        r = c.get("/ui/")  # remembered
        assert f"<h1>{expect}</h1>" in r.text
    with httpx.Client(base_url=seeded.url, timeout=20, headers={**h, "Accept-Language": "zh-CN,zh;q=0.9"}) as c:
        assert '<html lang="zh-CN">' in c.get("/ui/policy").text


def test_dashboard_login_works_when_the_gateway_requires_keys(tmp_path: Path) -> None:
    """With ``auth.require_key`` the API refuses keyless calls, but a browser (which cannot send a
    Bearer header) still reaches the dashboard's login form and its own session takes over."""
    from genguard.gateway.app import create_app
    from genguard.gateway.config import GatewayConfig

    cfg = GatewayConfig.model_validate({"database_url": f"sqlite:///{tmp_path / 'rk.db'}", "auth": {"require_key": True},
                                        "keys": [{"id": "staff", "key": STAFF_KEY, "roles": ["staff"]}]})
    srv = ThreadServer(create_app(cfg, purge_job=False))
    url = srv.start()
    try:
        with httpx.Client(base_url=url, timeout=20) as c:
            assert c.post("/v1/guard/check", json={"text": "hi"}).status_code == 401
            assert c.get("/ui/").status_code == 303
            token = csrf_of(c.get("/ui/login").text)
            assert c.post("/ui/login", data={"csrf": token, "api_key": STAFF_KEY}).status_code == 303
            assert c.get("/ui/incidents").status_code == 200
    finally:
        srv.stop()
