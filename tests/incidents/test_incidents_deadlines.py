"""Deadlines with a controlled clock; rule validation; overdue in metrics."""

from datetime import UTC, datetime, timedelta

import pytest
from prometheus_client import CollectorRegistry, generate_latest

from genguard.errors import ConfigError
from genguard.incidents import deadlines as dl
from genguard.incidents import metrics, registry
from genguard.incidents.schema import parse_new_record


def _states(rec, now):  # type: ignore[no-untyped-def]
    return {d.rule.name: d.state for d in dl.deadlines_for(rec, now=now)}


def test_complaint_acknowledge_and_response(store, clock) -> None:  # type: ignore[no-untyped-def]
    rec = registry.create(store, parse_new_record({"kind": "complaint", "title": "offensive reply"}), clock=clock)
    t0 = clock.now
    got = {d.rule.name: d for d in dl.deadlines_for(registry.get(store, rec.ref), now=t0)}
    assert got["complaint_acknowledge"].due == t0 + timedelta(hours=48)
    assert got["complaint_response"].due == t0 + timedelta(days=15)
    assert {n: d.state for n, d in got.items()} == {"complaint_acknowledge": "pending", "complaint_response": "pending"}
    clock.advance(hours=49)
    assert [(r.ref, d.rule.name) for r, d in dl.overdue(store, clock=clock)] == [(rec.ref, "complaint_acknowledge")]
    registry.move(store, rec.ref, "triaged", actor="a", clock=clock)  # acknowledged late
    d = {x.rule.name: x for x in dl.deadlines_for(registry.get(store, rec.ref), now=clock.now)}
    assert d["complaint_acknowledge"].state == "met" and d["complaint_acknowledge"].late
    assert dl.overdue(store, clock=clock) == []
    clock.advance(days=15)
    [(_r, over)] = dl.overdue(store, clock=clock)
    assert over.rule.name == "complaint_response" and over.overdue_by == timedelta(days=2, hours=1)
    registry.move(store, rec.ref, "resolved", actor="a", clock=clock)
    assert dl.overdue(store, clock=clock) == []


def test_serious_incident_15_day_clock_runs_from_awareness(store, clock) -> None:  # type: ignore[no-untyped-def]
    aware = clock.now - timedelta(days=3)
    serious = registry.create(store, parse_new_record({
        "kind": "incident", "title": "medical advice harmed a user", "severity": "important",
        "serious_criteria": ["serious_harm_to_health"], "aware_at": aware.isoformat()}), clock=clock)
    minor = registry.create(store, parse_new_record({"kind": "incident", "title": "minor glitch", "severity": "low"}), clock=clock)
    s = {d.rule.name: d for d in dl.deadlines_for(registry.get(store, serious.ref), now=clock.now)}
    assert s["serious_incident_report"].due == aware + timedelta(days=15)
    assert "serious_incident_report" not in _states(registry.get(store, minor.ref), clock.now)
    clock.advance(days=12, seconds=1)  # 15 days after awareness + 1 s
    names = [(r.ref, d.rule.name) for r, d in dl.overdue(store, clock=clock)]
    assert (serious.ref, "serious_incident_report") in names and all(ref != minor.ref for ref, _ in names)
    for to in ("triaged", "mitigating", "resolved"):
        registry.move(store, serious.ref, to, actor="x", clock=clock)
    # resolving does not stop the reporting clock; reporting (disclosed) does
    assert (serious.ref, "serious_incident_report") in [(r.ref, d.rule.name) for r, d in dl.overdue(store, clock=clock)]
    registry.move(store, serious.ref, "disclosed", actor="x", note="reported to authority", clock=clock)
    assert dl.overdue(store, clock=clock) == []


def test_90_day_coordinated_disclosure(store, clock) -> None:  # type: ignore[no-untyped-def]
    rec = registry.create(store, parse_new_record({"kind": "vulnerability", "category": "poisoning", "title": "poisoned data"}),
                          clock=clock)
    registry.move(store, rec.ref, "triaged", actor="x", clock=clock)
    clock.advance(days=89, hours=23)
    assert dl.overdue(store, clock=clock) == []
    clock.advance(hours=2)
    [(_r, d)] = dl.overdue(store, clock=clock)
    assert d.rule.name == "coordinated_disclosure" and d.due == datetime(2026, 5, 31, 9, 0, tzinfo=UTC)


def test_critical_incident_triage_24h(store, clock) -> None:  # type: ignore[no-untyped-def]
    rec = registry.create(store, parse_new_record({"kind": "incident", "title": "outage", "severity": "critical"}), clock=clock)
    clock.advance(hours=25)
    assert [(r.ref, d.rule.name) for r, d in dl.overdue(store, clock=clock)] == [(rec.ref, "critical_incident_triage")]


def test_custom_rules_file_and_validation_errors(tmp_path, clock, sqlite_store) -> None:  # type: ignore[no-untyped-def]
    p = tmp_path / "rules.yaml"
    p.write_text("rules:\n  - {name: fast_ack, zh: 快速确认, en: Fast ack, kinds: [complaint], within_hours: 1, met_by: [triaged]}\n")
    rules = dl.load_rules(p)
    rec = registry.create(sqlite_store, parse_new_record({"kind": "complaint", "title": "abc"}), clock=clock)
    clock.advance(minutes=61)
    assert [d.rule.name for _, d in dl.overdue(sqlite_store, rules, clock=clock)] == ["fast_ack"]
    assert rec.ref
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules:\n  - {name: x, zh: a, en: b, kinds: [complaint], within_hours: 1, within_days: 2, met_by: [triaged]}\n")
    with pytest.raises(ConfigError, match=r"bad.yaml: rules.0: .*exactly one of within_hours or within_days"):
        dl.load_rules(bad)
    bad.write_text("rules:\n  - {name: x, zh: a, en: b, kinds: [tweet], within_hours: 1, met_by: [done]}\n")
    with pytest.raises(ConfigError, match=r"rules.0.kinds.0.*rules.0.met_by.0"):
        dl.parse_rules(bad.read_text(), where=str(bad))
    with pytest.raises(ConfigError, match="not valid YAML"):
        dl.parse_rules("rules: [", where="x.yaml")
    with pytest.raises(ConfigError, match="deadline rules file .* does not exist"):
        dl.load_rules(tmp_path / "missing.yaml")


def test_metrics_collector_reports_open_and_overdue(sqlite_store, clock) -> None:  # type: ignore[no-untyped-def]
    reg = CollectorRegistry()
    rec = registry.create(sqlite_store, parse_new_record({"kind": "complaint", "title": "abc", "severity": "low"}), clock=clock)
    metrics.bind(sqlite_store, clock=clock, registry=reg)
    text = generate_latest(reg).decode()
    assert 'genguard_incidents_open{kind="complaint",severity="low",status="received"} 1.0' in text
    assert "genguard_incidents_overdue{" not in text
    clock.advance(days=3)
    text = generate_latest(reg).decode()
    assert 'genguard_incidents_overdue{kind="complaint",rule="complaint_acknowledge"} 1.0' in text
    assert "genguard_incidents_overdue_max_seconds 86400.0" in text
    registry.move(sqlite_store, rec.ref, "rejected", actor="x", clock=clock)
    text = generate_latest(reg).decode()
    assert "genguard_incidents_open{" not in text and "genguard_incidents_overdue{" not in text


@pytest.mark.parametrize(("criteria", "rule", "days"), [
    (["death"], "serious_incident_report_10_days", 10),
    (["death", "serious_harm_to_health"], "serious_incident_report_10_days", 10),
    (["critical_infrastructure_disruption"], "serious_incident_report_2_days", 2),
    (["widespread_infringement", "death"], "serious_incident_report_2_days", 2),
    (["serious_harm_to_health"], "serious_incident_report", 15),
    (["fundamental_rights_infringement", "property_or_environment_damage"], "serious_incident_report", 15),
])
def test_eu_ai_act_art73_clock_per_criterion(sqlite_store, clock, criteria, rule, days) -> None:  # type: ignore[no-untyped-def]
    """Art. 73(2)-(4): the shortest applicable clock is the one that runs, and only it."""
    aware = clock.now - timedelta(days=1)
    rec = registry.create(sqlite_store, parse_new_record({"kind": "incident", "title": "serious", "serious_criteria": criteria,
                                                           "aware_at": aware.isoformat()}), clock=clock)
    reports = [d for d in dl.deadlines_for(registry.get(sqlite_store, rec.ref), now=clock.now) if d.rule.name.startswith("serious_")]
    assert [(d.rule.name, d.due) for d in reports] == [(rule, aware + timedelta(days=days))]


def test_death_12_days_after_awareness_is_overdue(sqlite_store, clock) -> None:  # type: ignore[no-untyped-def]
    rec = registry.create(sqlite_store, parse_new_record({"kind": "incident", "title": "fatal advice", "serious_criteria": ["death"],
                                                           "aware_at": (clock.now - timedelta(days=12)).isoformat()}), clock=clock)
    assert [(r.ref, d.rule.name) for r, d in dl.overdue(sqlite_store, clock=clock)] == [(rec.ref, "serious_incident_report_10_days")]


def test_rule_criteria_selector_is_validated(tmp_path) -> None:  # type: ignore[no-untyped-def]
    base = "rules:\n  - {name: r, zh: 规则, en: Rule, kinds: [incident], within_days: 1, met_by: [disclosed], "
    p = tmp_path / "bad.yaml"
    p.write_text(base + "criteria: [flood]}\n", "utf-8")
    with pytest.raises(ConfigError, match=r"bad.yaml: rules.0.criteria.0: Input should be"):
        dl.load_rules(p)
    p2 = tmp_path / "both.yaml"
    p2.write_text(base + "criteria: [death], except_criteria: [death]}\n", "utf-8")
    with pytest.raises(ConfigError, match="criteria and except_criteria both name death"):
        dl.load_rules(p2)
