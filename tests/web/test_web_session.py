"""Signed session cookies and CSRF tokens (pure functions)."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from genguard.store import open_store
from genguard.web import session as sess


def test_sign_roundtrip_tamper_expiry_and_secret() -> None:
    secret = b"s" * 32
    s = sess.new_session("staff")
    v = sess.sign(secret, s)
    back = sess.unsign(secret, v)
    assert back is not None and back.sid == s.sid and back.key_id == "staff" and back.logged_in
    body, mac = v.rsplit(".", 1)
    assert sess.unsign(b"x" * 32, v) is None  # another secret
    assert sess.unsign(secret, body + "." + "0" * len(mac)) is None
    assert sess.unsign(secret, body[:-1] + ("A" if body[-1] != "A" else "B") + "." + mac) is None
    assert sess.unsign(secret, "garbage") is None and sess.unsign(secret, None) is None
    assert sess.unsign(secret, v, now=time.time() + sess.MAX_AGE_S + 5) is None  # expired


def test_csrf_token_is_bound_to_the_session() -> None:
    secret = b"k" * 32
    a, b = sess.new_session(), sess.new_session()
    ta = sess.csrf_token(secret, a)
    assert sess.csrf_ok(secret, a, ta)
    assert not sess.csrf_ok(secret, b, ta)
    assert not sess.csrf_ok(secret, a, None) and not sess.csrf_ok(secret, None, ta) and not sess.csrf_ok(secret, a, "")


def test_secret_is_created_once_per_database_or_taken_from_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    store = open_store(f"sqlite:///{tmp_path / 's.db'}")
    first = sess.load_secret(store)
    assert len(first) == 64 and sess.load_secret(store) == first
    monkeypatch.setenv(sess.SECRET_ENV, "from-the-environment")
    assert sess.load_secret(store) == b"from-the-environment"
