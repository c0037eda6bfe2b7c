"""Registry on a real database (SQLite and PostgreSQL via store_url)."""

import hashlib

import pytest
from sqlalchemy import inspect

from genguard.errors import InputError
from genguard.incidents import registry
from genguard.incidents.schema import EvidenceIn, parse_new_record


def test_tables_created_by_migration(store) -> None:  # type: ignore[no-untyped-def]
    names = set(inspect(store.engine).get_table_names())
    assert {"incidents_record", "incidents_reporter", "incidents_evidence", "incidents_event", "incidents_intake_log"} <= names
    store.migrate()  # idempotent


def test_create_move_assign_evidence_and_redact(store, clock, tmp_path) -> None:  # type: ignore[no-untyped-def]
    f = tmp_path / "chat.txt"
    f.write_bytes(b"transcript")
    ev = registry.file_evidence(f, note="chat transcript")
    assert ev.sha256 == hashlib.sha256(b"transcript").hexdigest()
    rec = registry.create(store, parse_new_record({
        "kind": "vulnerability", "category": "prompt_injection", "title": "Indirect injection via web page",
        "description": "Hidden text in a page makes the assistant leak its system prompt.", "risk_codes": ["S1", "S3"],
        "severity": "critical", "affected": "browse-agent v3",
        "reporter": {"name": "Li Lei", "contact": "lilei@example.org", "consent_contact": True},
        "evidence": [ev.model_dump(), {"kind": "audit_log", "ref": "audit-42"}]}), actor="intake", clock=clock)
    assert rec.ref.startswith("VUL-20260302-")
    registry.assign(store, rec.ref, "sec-team", actor="lead", clock=clock)
    registry.add_evidence(store, rec.ref, EvidenceIn(kind="assessment_run", ref="run-7"), actor="lead", clock=clock)
    registry.move(store, rec.ref, "triaged", actor="lead", clock=clock)
    d = registry.to_dict(registry.get(store, rec.ref))
    assert d["owner"] == "sec-team" and d["status"] == "triaged" and d["risk_codes"] == ["S1", "S3"]
    assert [(e["kind"], e["ref"]) for e in d["evidence"]] == [("file", "chat.txt"), ("audit_log", "audit-42"),
                                                              ("assessment_run", "run-7")]
    assert d["evidence"][0]["sha256"] == hashlib.sha256(b"transcript").hexdigest()
    assert [e["kind"] for e in d["timeline"]] == ["created", "assigned", "evidence", "transition"]
    assert d["received_at"] == "2026-03-02T09:00:00+00:00"
    assert d["reporter"]["contact"] == "lilei@example.org" and len(d["reporter"]["contact_hash"]) == 64
    hashed = d["reporter"]["contact_hash"]
    # privacy: the contact can be erased; its salted hash stays to link repeat reporters
    registry.redact_reporter(store, rec.ref, actor="dpo", clock=clock)
    d2 = registry.to_dict(registry.get(store, rec.ref))
    assert d2["reporter"]["name"] is None and d2["reporter"]["contact"] is None
    assert d2["reporter"]["contact_hash"] == hashed and d2["reporter"]["redacted"] is True
    assert "lilei" not in str(d2)
    # without include_reporter only the hash leaves
    assert "contact" not in registry.to_dict(registry.get(store, rec.ref), include_reporter=False)["reporter"]


def test_filters_and_unknown_ref(store, clock) -> None:  # type: ignore[no-untyped-def]
    a = registry.create(store, parse_new_record({"kind": "complaint", "title": "slow answers", "severity": "low"}), clock=clock)
    b = registry.create(store, parse_new_record({"kind": "incident", "title": "leaked data", "severity": "critical",
                                                 "serious_criteria": ["fundamental_rights_infringement"]}), clock=clock)
    registry.move(store, a.ref, "rejected", actor="x", clock=clock)
    assert [r.ref for r in registry.list_records(store, open_only=True)] == [b.ref]
    assert [r.ref for r in registry.list_records(store, kind="complaint")] == [a.ref]
    assert [r.ref for r in registry.list_records(store, severity="critical")] == [b.ref]
    with pytest.raises(InputError, match="no incident record with reference 'NOPE'"):
        registry.get(store, "NOPE")


@pytest.mark.parametrize(("data", "problem"), [
    ({"kind": "vulnerability", "title": "no category"}, "needs a category"),
    ({"kind": "complaint", "title": "abc", "risk_codes": ["Z9"]}, "unknown risk code 'Z9'"),
    ({"kind": "complaint", "title": "abc", "severity": "huge"}, "severity"),
    ({"kind": "complaint", "title": "abc", "serious_criteria": ["death"]}, "incidents only"),
    ({"kind": "complaint", "title": "abc", "colour": "red"}, "colour: Extra inputs are not permitted"),
    ({"kind": "complaint", "title": "a\x00bc"}, "control"),
    ({"kind": "incident", "title": "abc", "aware_at": "2026-01-01T00:00:00"}, "timezone"),
    ({"kind": "complaint", "title": "   "}, "title: Value error, needs at least 3 characters of visible text"),
    ({"kind": "complaint", "title": "\u200b\u200b\u200b"}, "title: Value error, needs at least 3"),
    ({"kind": "complaint", "title": " \u200b\ufeffab\u2060 "}, "title: Value error, needs at least 3 .*got 2"),
    ({"kind": "complaint", "title": "\u3164\u3164\u2800"}, "title: Value error"),
    ({"kind": "complaint", "title": "abc", "evidence": [{"kind": "url", "ref": "  "}]}, "evidence.0.ref: Value error"),
])
def test_invalid_input_is_refused_with_the_field(data, problem) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=problem):
        parse_new_record(data)


def test_intake_log_hashes_client(store, clock) -> None:  # type: ignore[no-untyped-def]
    registry.log_intake(store, channel="form", outcome="rejected", client="203.0.113.9", reason="422 bad", clock=clock)
    [row] = registry.intake_log(store)
    assert row.outcome == "rejected" and row.client_hash and "203.0.113.9" not in row.client_hash


@pytest.mark.parametrize(("text", "length"), [("abc", 3), ("  a b  ", 2), ("\u200b\u200c\u200d\u2060\ufeff\u00ad", 0),
                                              ("模型骂人", 12), ("ＡＢ", 6), ("AI骂人", 8), ("한국어", 9)])
def test_visible_length_ignores_invisible_characters_and_weights_cjk(text: str, length: int) -> None:
    from genguard.incidents.schema import visible_length

    assert visible_length(text) == length


def test_cleaning_strips_outer_invisible_characters_only() -> None:
    rec = parse_new_record({"kind": "complaint", "title": "\u200b 家人\u200d们 \ufeff", "description": "\u3000\u3000"})
    assert rec.title == "家人\u200d们" and rec.description == ""

