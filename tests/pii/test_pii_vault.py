"""The reversible vault: placeholders, round-trips, persistence and encryption at rest."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from hypothesis import given, settings
from hypothesis import strategies as st

from genguard.errors import ConfigError
from genguard.findings import Finding
from genguard.redact import Vault
from genguard.redact.keys import key_file, load_vault_key


def _f(start: int, end: int, entity: str) -> Finding:
    return Finding(category="S4", detector="t", score=0.9, start=start, end=end, entity=entity)


TEXT = "call 13812345678 or 13812345678, mail a@b.com, also 13900001111"
FINDINGS = [_f(5, 16, "PHONE"), _f(20, 31, "PHONE"), _f(38, 45, "EMAIL"), _f(52, 63, "PHONE")]


def test_same_value_same_placeholder_and_numbering_per_type() -> None:
    v = Vault(key=Fernet.generate_key())
    red = v.pseudonymize(TEXT, FINDINGS, session="s1")
    assert red == "call <PHONE_1> or <PHONE_1>, mail <EMAIL_1>, also <PHONE_2>"
    assert v.restore(red, session="s1") == TEXT
    # a later text in the same session reuses numbers and continues counting
    red2 = v.pseudonymize("new 13700000000 and 13900001111", [_f(4, 15, "PHONE"), _f(20, 31, "PHONE")], session="s1")
    assert red2 == "new <PHONE_3> and <PHONE_2>"


def test_sessions_are_isolated_and_forget_drops_them() -> None:
    v = Vault(key=Fernet.generate_key())
    red = v.pseudonymize(TEXT, FINDINGS, session="a")
    assert v.restore(red, session="b") == red  # unknown in another session: left as is
    v.forget("a")
    assert v.restore(red, session="a") == red


def test_restore_in_model_answer_with_unknown_placeholders() -> None:
    v = Vault(key=Fernet.generate_key())
    v.pseudonymize(TEXT, FINDINGS, session="s")
    answer = "I will text <PHONE_2> and email <EMAIL_1>; <PHONE_9> is unknown"
    assert v.restore(answer, session="s") == "I will text 13900001111 and email a@b.com; <PHONE_9> is unknown"
    assert v.missing(answer + " <PHONE_9> <X_1>", session="s") == ["<PHONE_9>", "<X_1>"]  # once each, in order
    assert v.missing(answer, session="other") == ["<PHONE_2>", "<EMAIL_1>", "<PHONE_9>"]
    assert v.missing("no placeholder here", session="s") == []


def test_persisted_roundtrip_and_ciphertext_at_rest(store_url: str) -> None:
    from sqlalchemy import text as sql

    from genguard.store import open_store

    store = open_store(store_url)
    key = Fernet.generate_key()
    red = Vault(store, key=key).pseudonymize(TEXT, FINDINGS, session="gw-1")
    # a new Vault on the same store and key restores (persistence, not process memory)
    assert Vault(store, key=key).restore(red, session="gw-1") == TEXT
    with store.engine.connect() as conn:
        rows = conn.execute(sql("SELECT session, placeholder, entity, lookup, ciphertext FROM redact_vault_entries")).all()
    assert len(rows) == 3
    dump = repr(rows)
    for secret in ("13812345678", "13900001111", "a@b.com"):
        assert secret not in dump
    # the wrong key cannot decrypt
    with pytest.raises(ConfigError):
        Vault(store, key=Fernet.generate_key()).restore(red, session="gw-1")
    Vault(store, key=key).forget("gw-1")
    with store.engine.connect() as conn:
        assert conn.execute(sql("SELECT count(*) FROM redact_vault_entries")).scalar() == 0
    store.dispose()


def test_key_file_created_0600_on_first_use(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GENGUARD_VAULT_KEY", raising=False)
    key = load_vault_key()
    path: Path = key_file()
    assert path.exists() and stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_vault_key() == key
    v1, v2 = Vault(), Vault()
    red = v1.pseudonymize(TEXT, FINDINGS, session="s")
    assert v2._decrypt(v1._load("s")["<EMAIL_1>"].ciphertext) == "a@b.com"
    assert red.count("<PHONE_1>") == 2
    os.chmod(path, 0o644)
    with pytest.raises(ConfigError, match="readable by others"):
        load_vault_key()


def test_env_key_is_used_and_bad_key_rejected(monkeypatch: pytest.MonkeyPatch) -> None:
    key = Fernet.generate_key()
    monkeypatch.setenv("GENGUARD_VAULT_KEY", key.decode())
    assert load_vault_key() == key
    assert not key_file().exists()
    monkeypatch.setenv("GENGUARD_VAULT_KEY", "short")
    with pytest.raises(ConfigError, match="GENGUARD_VAULT_KEY"):
        load_vault_key()


_values = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=20)


@settings(max_examples=60, deadline=None)
@given(st.lists(_values, min_size=1, max_size=6))
def test_roundtrip_property(values: list[str]) -> None:
    """Any values at any spans come back exactly after pseudonymize -> restore."""
    text, findings = "", []
    for i, val in enumerate(values):
        text += f" [{i}] "
        findings.append(_f(len(text), len(text) + len(val), "SECRET" if i % 2 else "PHONE"))
        text += val
    v = Vault(key=b"k" * 32)
    red = v.pseudonymize(text, findings, session="p")
    assert "[0] <" in red  # the first span was replaced by a placeholder
    assert v.restore(red, session="p") == text
