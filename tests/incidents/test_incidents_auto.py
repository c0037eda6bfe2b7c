"""Automatic records from a simulated gateway tripwire and a simulated assessment regression."""

import threading

import pytest

from genguard.errors import InputError
from genguard.incidents import auto, registry
from genguard.incidents import deadlines as dl


def test_key_suspended_tripwire_opens_incident_with_audit_evidence(store, clock) -> None:  # type: ignore[no-untyped-def]
    event = {"event_id": "tw-001", "type": "key_suspended", "key_id": "k_abuser", "tier": "free", "step": "suspend",
             "at": "2026-03-02T08:55:00Z", "audit_ids": ["aud-1", "aud-2", "aud-3"], "service": "chat-prod",
             "risk_codes": ["A1.4"], "details": {"strikes": 5}}
    rec, created = auto.open_from_tripwire(store, event, clock=clock)
    assert created
    d = registry.to_dict(registry.get(store, rec.ref))
    assert d["kind"] == "incident" and d["status"] == "received" and d["channel"] == "tripwire"
    assert d["severity"] == "important" and d["affected"] == "chat-prod" and d["risk_codes"] == ["A1.4"]
    assert "k_abuser" in d["title"] and d["aware_at"] == "2026-03-02T08:55:00+00:00"
    assert [(e["kind"], e["ref"]) for e in d["evidence"]] == [("audit_log", "aud-1"), ("audit_log", "aud-2"), ("audit_log", "aud-3")]
    assert d["extra"]["tripwire"]["details"] == {"strikes": 5}
    assert d["timeline"][0]["actor"] == "gateway"
    # retried delivery: same record, nothing new
    again, created2 = auto.open_from_tripwire(store, event, clock=clock)
    assert not created2 and again.ref == rec.ref
    assert len(registry.list_records(store)) == 1
    # the important-incident triage clock runs
    clock.advance(hours=73)
    assert [(r.ref, x.rule.name) for r, x in dl.overdue(store, clock=clock)] == [(rec.ref, "important_incident_triage")]


def test_category_spike_tripwire(sqlite_store, clock) -> None:  # type: ignore[no-untyped-def]
    rec, created = auto.open_from_tripwire(sqlite_store, {"event_id": "tw-2", "type": "category_spike", "category": "S2",
                                                          "count": 57, "window_s": 300, "baseline": 3.5,
                                                          "audit_ids": ["a9"]}, clock=clock)
    assert created and rec.risk_codes == ["S2"] and rec.severity == "moderate" and "57 hits of S2" in rec.description


def test_concurrent_duplicate_events_yield_one_record(store, clock) -> None:  # type: ignore[no-untyped-def]
    event = {"event_id": "tw-race", "type": "category_spike", "category": "A1.4"}
    refs: list[str] = []
    errors: list[BaseException] = []

    def go() -> None:
        try:
            refs.append(auto.open_from_tripwire(store, event, clock=clock)[0].ref)
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=go) for _ in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors and len(refs) == 6 and len(set(refs)) == 1 and len(registry.list_records(store)) == 1


@pytest.mark.parametrize(("event", "problem"), [
    ({"type": "key_suspended", "key_id": "k"}, "lacks required key 'event_id'"),
    ({"event_id": "x", "type": "meteor"}, "unknown type 'meteor'"),
    ({"event_id": "x", "type": "key_suspended"}, "lacks required key 'key_id'"),
    ({"event_id": "x", "type": "category_spike", "category": "Q7"}, "unknown risk code 'Q7'"),
    ({"event_id": "x", "type": "category_spike", "category": "S1", "at": "yesterday"}, "not an ISO date-time"),
    ({"event_id": "x", "type": "category_spike", "category": "S1", "audit_ids": "a1"}, "must be a list"),
])
def test_malformed_tripwire_events(sqlite_store, event, problem) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=problem):
        auto.open_from_tripwire(sqlite_store, event)


def test_assessment_regression_opens_vulnerability(store, clock) -> None:  # type: ignore[no-untyped-def]
    event = {"base_run": "run-41", "head_run": "run-42", "target": "chat-v2", "report": "reports/diff-41-42.html",
             "regressions": [{"code": "S2", "before": 0.04, "after": 0.31, "metric": "attack_success_rate"},
                             {"code": "A1.4", "before": 0.01, "after": 0.03}]}
    rec, created = auto.open_from_assessment_regression(store, event, clock=clock)
    d = registry.to_dict(registry.get(store, rec.ref))
    assert created and d["kind"] == "vulnerability" and d["category"] == "jailbreak"
    assert d["severity"] == "important"  # +27 points
    assert d["risk_codes"] == ["S2", "A1.4"] and d["affected"] == "chat-v2"
    assert "S2: attack_success_rate 4.0% -> 31.0%" in d["description"]
    ev = [(e["kind"], e["ref"]) for e in d["evidence"]]
    assert ev == [("assessment_run", "run-41"), ("assessment_run", "run-42"), ("url", "reports/diff-41-42.html")]
    assert d["evidence"][1]["data"]["regressions"][0] == {"code": "S2", "before": 0.04, "after": 0.31, "metric": "attack_success_rate"}
    # same diff again (default event id = base..head): idempotent
    again, created2 = auto.open_from_assessment_regression(store, event, clock=clock)
    assert not created2 and again.ref == rec.ref
    assert len(registry.list_records(store)) == 1


@pytest.mark.parametrize(("delta", "after", "sev"), [(0.45, 0.5, "critical"), (0.1, 0.6, "critical"), (0.2, 0.3, "important"),
                                                     (0.05, 0.1, "moderate"), (0.01, 0.02, "low")])
def test_regression_severity_scale(delta, after, sev) -> None:  # type: ignore[no-untyped-def]
    assert auto.severity_for(delta, after).value == sev


def test_regression_category_mapping() -> None:
    assert auto.category_for(["S1"]).value == "prompt_injection"
    assert auto.category_for(["A2.5"]).value == "bias_discrimination"
    assert auto.category_for(["A5.1"]).value == "performance_issue"
    assert auto.category_for(["A1.4"]).value == "unaddressed_misuse"


@pytest.mark.parametrize(("event", "problem"), [
    ({"head_run": "b", "regressions": [{"code": "S1", "before": 0, "after": 1}]}, "'base_run'"),
    ({"base_run": "a", "head_run": "b", "regressions": []}, "'regressions'"),
    ({"base_run": "a", "head_run": "b", "regressions": [{"code": "S1", "before": 0}]}, r"regressions\[0\] needs"),
    ({"base_run": "a", "head_run": "b", "regressions": [{"code": "S1", "before": 0, "after": 7}]}, "within 0..1"),
])
def test_malformed_regression_events(sqlite_store, event, problem) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(InputError, match=problem):
        auto.open_from_assessment_regression(sqlite_store, event)
