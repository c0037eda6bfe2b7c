"""Retention: >= 6 months by default, explicit override to go below, open records never purged."""

import pytest

from genguard.errors import ConfigError
from genguard.incidents import registry, retention
from genguard.incidents.schema import parse_new_record


def test_purge_honours_minimum_retention(store, clock) -> None:  # type: ignore[no-untyped-def]
    old_closed = registry.create(store, parse_new_record({"kind": "complaint", "title": "old closed",
                                                          "reporter": {"contact": "a@example.com"},
                                                          "evidence": [{"kind": "audit_log", "ref": "x"}]}), clock=clock)
    registry.move(store, old_closed.ref, "rejected", actor="x", clock=clock)
    old_open = registry.create(store, parse_new_record({"kind": "complaint", "title": "old but open"}), clock=clock)
    registry.log_intake(store, channel="form", outcome="accepted", record_ref=old_closed.ref, clock=clock)
    clock.advance(days=182)
    recent_closed = registry.create(store, parse_new_record({"kind": "complaint", "title": "recent closed"}), clock=clock)
    registry.move(store, recent_closed.ref, "rejected", actor="x", clock=clock)
    registry.log_intake(store, channel="form", outcome="accepted", record_ref=recent_closed.ref, clock=clock)

    # 182 days: nothing is old enough yet
    res = retention.purge(store, clock=clock)
    assert (res.records, res.intake_logs, res.retention_days) == (0, 0, 183)
    clock.advance(days=2)  # old records now 184 days closed
    dry = retention.purge(store, dry_run=True, clock=clock)
    assert (dry.records, dry.intake_logs, dry.dry_run) == (1, 1, True)
    assert len(registry.list_records(store)) == 3
    res = retention.purge(store, clock=clock)
    assert (res.records, res.intake_logs) == (1, 1)
    assert sorted(r.title for r in registry.list_records(store)) == ["old but open", "recent closed"]
    assert [row.record_ref for row in registry.intake_log(store)] == [recent_closed.ref]
    assert old_open.ref


def test_below_legal_minimum_needs_explicit_override(sqlite_store, clock, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(ConfigError, match="below the legal minimum of 183 days"):
        retention.purge(sqlite_store, days=30, clock=clock)
    monkeypatch.setenv(retention.RETENTION_ENV, "90")
    with pytest.raises(ConfigError, match="90 days is below the legal minimum"):
        retention.purge(sqlite_store, clock=clock)
    monkeypatch.setenv(retention.RETENTION_ENV, "ninety")
    with pytest.raises(ConfigError, match="not a whole number"):
        retention.purge(sqlite_store, clock=clock)
    monkeypatch.setenv(retention.RETENTION_ENV, "400")
    assert retention.purge(sqlite_store, clock=clock).retention_days == 400
    rec = registry.create(sqlite_store, parse_new_record({"kind": "complaint", "title": "erase me"}), clock=clock)
    registry.move(sqlite_store, rec.ref, "rejected", actor="x", clock=clock)
    clock.advance(days=31)
    res = retention.purge(sqlite_store, days=30, allow_below_minimum=True, clock=clock)
    assert res.records == 1 and registry.list_records(sqlite_store) == []
    with pytest.raises(ConfigError, match="negative"):
        retention.purge(sqlite_store, days=-1, allow_below_minimum=True, clock=clock)
