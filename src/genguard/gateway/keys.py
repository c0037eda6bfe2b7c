"""API keys: generated with ``secrets``, stored only as SHA-256, looked up through a short cache.

Keys are 256-bit random tokens, so a plain SHA-256 (no salt, no slow KDF) is enough to make a
leaked table useless while keeping the lookup a single indexed equality query.
"""

from __future__ import annotations

import hashlib
import os
import secrets
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from genguard.errors import ConfigError, InputError
from genguard.gateway.config import KeyConfig
from genguard.gateway.models import ApiKey, KeyEvent
from genguard.store import Store

KEY_PREFIX = "gg-"


def generate_key() -> str:
    return KEY_PREFIX + secrets.token_urlsafe(32)


def hash_key(key: str) -> str:
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class KeyRecord:
    """A snapshot of a key row (what the request path needs)."""

    id: str
    tier: str
    roles: frozenset[str]
    status: str
    strikes: int
    level: str
    model_map: dict[str, str] = field(default_factory=dict)

    @classmethod
    def of(cls, row: ApiKey) -> KeyRecord:
        return cls(
            id=row.id, tier=row.tier, roles=frozenset(row.roles or []), status=row.status,
            strikes=row.strikes, level=row.level, model_map=dict(row.model_map or {}),
        )


def record_event(store: Store, key_id: str, event: str, *, actor: str = "system", **detail: Any) -> None:
    with store.session() as s:
        s.add(KeyEvent(key_id=key_id, event=event, actor=actor, detail=detail, at=datetime.now(UTC)))


def create_key(
    store: Store,
    *,
    tier: str = "standard",
    roles: list[str] | None = None,
    name: str = "",
    key_id: str | None = None,
    key: str | None = None,
    key_sha256: str | None = None,
    model_map: dict[str, str] | None = None,
    actor: str = "cli",
) -> tuple[str, str | None]:
    """Create a key; returns (id, plaintext). The plaintext is shown once and never stored."""
    if key is None and key_sha256 is None:
        key = generate_key()
    digest = key_sha256.lower() if key_sha256 else hash_key(key or "")
    key_id = key_id or "k_" + secrets.token_hex(6)
    with store.session() as s:
        if s.get(ApiKey, key_id) is not None:
            raise InputError(f"a key with id {key_id!r} already exists")
        if s.scalar(select(ApiKey.id).where(ApiKey.key_hash == digest)) is not None:
            raise InputError("that key secret is already registered under another id")
        now = datetime.now(UTC)
        s.add(
            ApiKey(
                id=key_id, key_hash=digest, prefix=(key or "")[:8] if len(key or "") >= 32 else "", name=name, tier=tier, roles=sorted(roles or []),
                model_map=model_map or {}, status="active", strikes=0, level="none", created_at=now, updated_at=now,
            )
        )
        s.add(KeyEvent(key_id=key_id, event="created", actor=actor, detail={"tier": tier, "roles": sorted(roles or [])}, at=now))
    return key_id, key


def sync_config_keys(store: Store, keys: list[KeyConfig]) -> None:
    """Make the database match the keys declared in the config (hash, tier, roles, model map)."""
    for kc in keys:
        secret = kc.key
        if kc.key_env is not None:
            secret = os.environ.get(kc.key_env)
            if not secret:
                raise ConfigError(f"gateway config: keys[{kc.id}].key_env: variable {kc.key_env!r} is not set")
        digest = kc.key_sha256.lower() if kc.key_sha256 else hash_key(secret or "")
        with store.session() as s:
            exists = s.get(ApiKey, kc.id) is not None
        if not exists:
            create_key(
                store, tier=kc.tier, roles=kc.roles, name="config", key_id=kc.id, key=secret,
                key_sha256=kc.key_sha256, model_map=kc.model_map, actor="config",
            )
            continue
        with store.session() as s:
            row = s.get(ApiKey, kc.id)
            assert row is not None
            row.key_hash, row.tier, row.roles, row.model_map = digest, kc.tier, sorted(kc.roles), kc.model_map
            row.updated_at = datetime.now(UTC)


def get_key(store: Store, key_id: str) -> ApiKey:
    with store.session() as s:
        row = s.get(ApiKey, key_id)
        if row is None:
            raise InputError(f"no key with id {key_id!r} (see `genguard keys list`)")
        s.expunge(row)
        return row


def list_keys(store: Store) -> list[ApiKey]:
    with store.session() as s:
        rows = list(s.scalars(select(ApiKey).order_by(ApiKey.created_at)))
        for r in rows:
            s.expunge(r)
        return rows


def key_events(store: Store, key_id: str) -> list[KeyEvent]:
    with store.session() as s:
        if s.get(ApiKey, key_id) is None:
            raise InputError(f"no key with id {key_id!r} (see `genguard keys list`)")
        rows = list(s.scalars(select(KeyEvent).where(KeyEvent.key_id == key_id).order_by(KeyEvent.id)))
        for r in rows:
            s.expunge(r)
        return rows


def set_status(store: Store, key_id: str, status: str, *, actor: str, reason: str = "") -> None:
    """Revoke, suspend or reinstate a key (reinstating also clears strikes), audited as an event."""
    with store.session() as s:
        row = s.get(ApiKey, key_id)
        if row is None:
            raise InputError(f"no key with id {key_id!r} (see `genguard keys list`)")
        if row.status == "revoked" and status != "revoked":
            raise InputError(f"key {key_id!r} is revoked; create a new key instead")
        now = datetime.now(UTC)
        event = {"revoked": "revoke", "suspended": "suspend", "active": "reinstate"}[status]
        row.status = status
        if status == "active":
            row.strikes, row.level, row.last_strike_at = 0, "none", None
        row.updated_at = now
        s.add(KeyEvent(key_id=key_id, event=event, actor=actor, detail={"reason": reason}, at=now))


def appeal(store: Store, key_id: str, reason: str, *, actor: str) -> None:
    """Record an appeal against a key's ladder state (reviewed by staff, who may reinstate)."""
    if not reason.strip():
        raise InputError("an appeal needs a reason")
    get_key(store, key_id)
    record_event(store, key_id, "appeal", actor=actor, reason=reason)


class KeyCache:
    """hash -> KeyRecord with a short TTL, so status changes from the CLI apply within seconds."""

    def __init__(self, store: Store, ttl_s: float) -> None:
        self.store = store
        self.ttl = ttl_s
        self._cache: dict[str, tuple[float, KeyRecord | None]] = {}

    def cached(self, digest: str) -> tuple[bool, KeyRecord | None]:
        hit = self._cache.get(digest)
        if hit is not None and time.monotonic() - hit[0] < self.ttl:
            return True, hit[1]
        return False, None

    def load(self, digest: str) -> KeyRecord | None:
        """Database lookup (sync: call it from a thread)."""
        with self.store.session() as s:
            row = s.scalar(select(ApiKey).where(ApiKey.key_hash == digest))
            rec = KeyRecord.of(row) if row is not None else None
        self._cache[digest] = (time.monotonic(), rec)
        return rec

    def put(self, digest: str, rec: KeyRecord) -> None:
        self._cache[digest] = (time.monotonic(), rec)

    def invalidate(self, key_id: str | None = None) -> None:
        if key_id is None:
            self._cache.clear()
            return
        for d, (_, rec) in list(self._cache.items()):
            if rec is not None and rec.id == key_id:
                self._cache.pop(d, None)
