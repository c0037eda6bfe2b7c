"""Gateway tables on SQLite and PostgreSQL: keys, ladder, audit writer, retention purge."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select, update

from genguard.errors import InputError
from genguard.findings import Action, Decision, Direction, Reason
from genguard.gateway.audit import AuditWriter, audit_row, sha256
from genguard.gateway.config import AuditConfig, LadderConfig, RetentionConfig
from genguard.gateway.keys import KeyCache, appeal, create_key, hash_key, key_events, set_status
from genguard.gateway.ladder import Ladder
from genguard.gateway.models import ApiKey, AuditRecord
from genguard.gateway.retention import purge
from genguard.store import open_store


def _refusal() -> Decision:
    return Decision(action=Action.REFUSE, direction=Direction.INPUT,
                    reasons=[Reason(category="A1.4", action=Action.REFUSE, score=0.9, threshold=0.5, rule="rules.*.input")])


def test_keys_and_ladder(store_url: str) -> None:
    store = open_store(store_url)
    kid, key = create_key(store, tier="trusted", roles=["staff"], name="ops")
    assert key is not None
    cache = KeyCache(store, ttl_s=60)
    rec = cache.load(hash_key(key))
    assert rec is not None and rec.id == kid and rec.tier == "trusted" and rec.roles == frozenset({"staff"})
    assert cache.load(hash_key("gg-nope")) is None
    with pytest.raises(InputError):
        create_key(store, key_id=kid)

    ladder = Ladder(LadderConfig())  # warn@1 throttle@3 stricter@5 suspend@8
    levels = [ladder.strike(store, kid, _refusal(), request_id=f"r{i}").record.level for i in range(8)]  # type: ignore[union-attr]
    assert levels == ["warn", "warn", "throttle", "throttle", "stricter", "stricter", "stricter", "suspend"]
    with store.session() as s:
        row = s.get(ApiKey, kid)
        assert row is not None and row.status == "suspended" and row.strikes == 8
    appeal(store, kid, "false positives from our red team", actor=kid)
    set_status(store, kid, "active", actor="ops")
    kinds = [e.event for e in key_events(store, kid)]
    assert kinds[0] == "created" and kinds.count("strike") == 8
    assert [k for k in kinds if k in ("warn", "throttle", "stricter", "suspend")] == ["warn", "throttle", "stricter", "suspend"]
    assert kinds[-2:] == ["appeal", "reinstate"]
    with store.session() as s:
        row = s.get(ApiKey, kid)
        assert row is not None and (row.status, row.strikes, row.level) == ("active", 0, "none")


def test_strikes_reset_after_quiet_period(store_url: str) -> None:
    store = open_store(store_url)
    kid, _ = create_key(store)
    ladder = Ladder(LadderConfig(reset_after_s=60))
    ladder.strike(store, kid, _refusal(), request_id="a")
    ladder.strike(store, kid, _refusal(), request_id="b")
    with store.session() as s:
        s.execute(update(ApiKey).where(ApiKey.id == kid).values(last_strike_at=datetime.now(UTC) - timedelta(hours=2)))
    out = ladder.strike(store, kid, _refusal(), request_id="c")
    assert out is not None and out.record.strikes == 1


def test_audit_writer_batches_and_loses_nothing_on_close(store_url: str) -> None:
    store = open_store(store_url)
    writer = AuditWriter(store, AuditConfig(batch_size=7, flush_interval_s=0.05))
    writer.start()
    d = Decision(action=Action.ALLOW, direction=Direction.INPUT)
    for i in range(100):
        writer.submit(audit_row(request_id=f"r{i}", key_id="k", route="chat", decision=d, text=f"prompt {i}",
                                latency_ms=1.0, retention=RetentionConfig()))
    writer.close()  # drains the queue
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditRecord)) == 100
        row = s.scalar(select(AuditRecord).where(AuditRecord.request_id == "r42"))
        assert row is not None and row.text == "prompt 42" and row.text_sha256 == sha256("prompt 42")
    assert writer.written == 100 and writer.failed == 0


def test_hashed_only_and_purge(store_url: str) -> None:
    store = open_store(store_url)
    d = Decision(action=Action.REFUSE, direction=Direction.OUTPUT)
    hashed = RetentionConfig(mode="hashed_only")
    full = RetentionConfig(mode="full", text_days=7, audit_days=30)
    writer = AuditWriter(store, AuditConfig())
    rows = [
        audit_row(request_id="h", key_id="k", route="chat", decision=d, text="secret answer", latency_ms=1, retention=hashed),
        audit_row(request_id="new", key_id="k", route="chat", decision=d, text="fresh", latency_ms=1, retention=full),
        audit_row(request_id="mid", key_id="k", route="chat", decision=d, text="ten days", latency_ms=1, retention=full),
        audit_row(request_id="old", key_id="k", route="chat", decision=d, text="ancient", latency_ms=1, retention=full),
    ]
    now = datetime.now(UTC)
    rows[2]["at"] = now - timedelta(days=10)
    rows[3]["at"] = now - timedelta(days=40)
    for r in rows:
        writer.submit(r)
    writer.close()
    with store.session() as s:
        h = s.scalar(select(AuditRecord).where(AuditRecord.request_id == "h"))
        assert h is not None and h.text is None and h.text_sha256 == sha256("secret answer")
    res = purge(store, full, now=now)
    assert (res.texts_cleared, res.rows_deleted) == (2, 1)  # 'mid' cleared, 'old' cleared then deleted
    with store.session() as s:
        got = {r.request_id: r.text for r in s.scalars(select(AuditRecord))}
    assert got == {"h": None, "new": "fresh", "mid": None}
    assert purge(store, full, now=now).texts_cleared == 0  # idempotent
