"""Dashboard data providers on SQLite and PostgreSQL, fed by the modules' own APIs.

Audit rows come from real Guard decisions written by the gateway's audit writer; incidents from
the registry; assessment runs from the runner against the scripted stub model; corpus verdicts
from the source ledger. Each provider's numbers are checked against an independent count.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from web_seed import BORDERLINE, EMAIL, HARMFUL, write_policy

from genguard.errors import InputError
from genguard.store import open_store
from genguard.web.providers import assessments as p_assess
from genguard.web.providers import corpus as p_corpus
from genguard.web.providers import incidents as p_inc
from genguard.web.providers import policy as p_policy
from genguard.web.providers import traffic as p_traffic

TEXTS = ["hello", f"how to {HARMFUL}", f"{BORDERLINE} today", f"write to {EMAIL}", "nice weather",
         f"{HARMFUL} and {BORDERLINE}"]


def write_audit(store: Any, policy: Path, plan: list[tuple[str, str, datetime, str]]) -> list[dict[str, Any]]:
    """(key, text, at, request_id) -> audit rows of real Guard decisions, via the gateway's writer."""
    from genguard.gateway.audit import AuditWriter, audit_row
    from genguard.gateway.config import AuditConfig, RetentionConfig
    from genguard.guard import Guard

    guard = Guard.from_policy(str(policy))
    writer = AuditWriter(store, AuditConfig())
    rows = []
    for key, text, at, rid in plan:
        d = guard.check_input(text)
        row = audit_row(request_id=rid, key_id=key, route="guard_check", decision=d, text=text, latency_ms=1.0,
                        retention=RetentionConfig())
        row["at"] = at
        writer.submit(row)
        rows.append(row)
    writer.close()
    return rows


@pytest.fixture
def traffic_db(store_url: str, tmp_path: Path) -> tuple[Any, list[dict[str, Any]], datetime]:
    store = open_store(store_url)
    now = datetime.now(UTC)
    plan = []
    for i in range(60):
        at = now - timedelta(minutes=7 * i) if i < 40 else now - timedelta(days=3, minutes=i)  # 40 recent, 20 old
        plan.append(("alpha" if i % 3 else "beta", TEXTS[i % len(TEXTS)], at, f"req-{i // 2}"))
    return store, write_audit(store, write_policy(tmp_path), plan), now


def test_traffic_aggregates_match_the_audit_rows(traffic_db: tuple[Any, list[dict[str, Any]], datetime]) -> None:
    store, rows, now = traffic_db
    since = now - timedelta(hours=24)
    recent = [r for r in rows if r["at"] >= since]
    s = p_traffic.summary(store, since)
    assert s["total"] == len(recent) == 40
    assert s["by_action"] == {a: sum(1 for r in recent if r["action"] == a) for a in p_traffic.ACTIONS}
    blocked = sum(1 for r in recent if r["action"] in ("refuse", "block"))
    assert blocked > 0 and s["block_rate"] == pytest.approx(blocked / 40)
    want = Counter(c for r in recent if r["action"] != "allow" for c in r["categories"])
    got = p_traffic.top_categories(store, since)
    assert {c["code"]: c["count"] for c in got} == dict(want) and {"A1.4", "A5.2", "S4"} <= set(want)
    assert [c["count"] for c in got] == sorted((c["count"] for c in got), reverse=True)
    tl = p_traffic.timeline(store, "24h", since, now=now)
    assert sum(p["total"] for p in tl) == 40 and sum(p["blocked"] for p in tl) == blocked
    assert 24 <= len(tl) <= 26 and tl == sorted(tl, key=lambda p: p["bucket"])  # every hour, empty ones too
    week = p_traffic.timeline(store, "7d", p_traffic.since_for("7d", now), now=now)
    assert sum(p["total"] for p in week) == 60 and 7 <= len(week) <= 9
    assert p_traffic.overview(store, "24h", since, now=now) == (s, tl)  # the page's one-scan path agrees


def test_traffic_filters_pagination_and_retention(traffic_db: tuple[Any, list[dict[str, Any]], datetime]) -> None:
    store, rows, now = traffic_db
    flt = p_traffic.TrafficFilter(key="alpha", action="refuse")
    got, _ = p_traffic.list_requests(store, flt, limit=100)
    assert len(got) == sum(1 for r in rows if r["key_id"] == "alpha" and r["action"] == "refuse") > 0
    got, _ = p_traffic.list_requests(store, p_traffic.TrafficFilter(category="A5.2"), limit=100)
    assert len(got) == sum(1 for r in rows if "A5.2" in r["categories"]) > 0
    assert all("A5.2" in r["categories"] for r in got)
    old_rows = p_traffic.list_requests(store, p_traffic.TrafficFilter(until=now - timedelta(days=1)), limit=100)[0]
    assert len(old_rows) == 20 and all(r["at"] < now - timedelta(days=2) for r in old_rows)
    recent = p_traffic.list_requests(store, p_traffic.TrafficFilter(since=now - timedelta(minutes=30)), limit=100)[0]
    assert len(recent) == 5  # minutes 0, 7, 14, 21, 28
    # keyset pages: no overlap, nothing lost, newest first
    seen: list[int] = []
    before = None
    while True:
        page, before = p_traffic.list_requests(store, p_traffic.TrafficFilter(), before=before, limit=7)
        seen += [r["id"] for r in page]
        if before is None:
            break
    assert len(seen) == len(set(seen)) == 60 and seen == sorted(seen, reverse=True)
    # drill-down: text within text_days, hidden after it and in hashed-only mode; same-request rows listed
    fresh, old = recent[0]["id"], old_rows[0]["id"]
    row = p_traffic.get_request(store, fresh, text_days=1, hashed_only=False)
    assert row is not None and row["text"] in TEXTS and len(row["siblings"]) == 1
    assert row["siblings"][0]["request_id"] == row["request_id"]

    def text_of(row_id: int, days: float, hashed_only: bool = False) -> str | None:
        got = p_traffic.get_request(store, row_id, text_days=days, hashed_only=hashed_only)
        assert got is not None
        text: str | None = got["text"]
        return text

    assert text_of(fresh, 30, hashed_only=True) is None
    assert text_of(old, 30) is not None
    assert text_of(old, 1) is None
    assert p_traffic.get_request(store, 10**9, text_days=30, hashed_only=False) is None
    assert p_traffic.key_ids(store) == []  # no gateway keys registered in this database


def test_dashboard_indexes_exist(store_url: str) -> None:
    store = open_store(store_url)
    names = {ix["name"] for ix in sa.inspect(store.engine).get_indexes("gateway_audit")}
    assert {"ix_web_audit_at_action", "ix_web_audit_request"} <= names


def test_incident_provider(store_url: str) -> None:
    from genguard.incidents import registry
    from genguard.incidents.schema import NewRecord

    store = open_store(store_url)
    a = registry.create(store, NewRecord.model_validate({"kind": "complaint", "title": "rude answer", "severity": "low"}))
    past = datetime.now(UTC) - timedelta(days=30)
    b = registry.create(store, NewRecord.model_validate({"kind": "complaint", "title": "old complaint"}),
                        clock=lambda: past)
    assert p_inc.open_count(store) == 2
    assert [o["ref"] for o in p_inc.overdue(store)] == [b.ref, b.ref]  # acknowledge (48 h) and respond (15 d)
    rec = p_inc.record(store, a.ref)
    assert rec["allowed_moves"] == ["triaged", "rejected"] and "contact" not in (rec["reporter"] or {})
    p_inc.move(store, a.ref, "triaged", actor="web:test", note="n")
    with pytest.raises(InputError, match="illegal transition"):
        p_inc.move(store, a.ref, "disclosed", actor="web:test")
    p_inc.move(store, b.ref, "rejected", actor="web:test")
    assert p_inc.open_count(store) == 1
    assert [r["ref"] for r in p_inc.list_records(store, open_only=True)] == [a.ref]
    assert [r["ref"] for r in p_inc.list_records(store)] == [a.ref, b.ref]  # newest first
    assert [r["ref"] for r in p_inc.list_records(store, status="rejected")] == [b.ref]
    assert [r["ref"] for r in p_inc.list_records(store, severity="low", kind="complaint")] == [a.ref]
    assert p_inc.list_records(store, kind="vulnerability") == []
    assert p_inc.overdue(store) == []
    with pytest.raises(InputError):
        p_inc.record(store, "NOPE")


def test_corpus_provider(store_url: str) -> None:
    from genguard.corpus.ledger import SourceLedger

    store = open_store(store_url)
    led = SourceLedger(store)
    led.add("books", licence="CC-BY-4.0")
    led.record_audit("r1", {"source": "forum", "verdict": "blacklist", "sampled": 100, "total": 100,
                            "harmful_rate": 0.1, "qualified_rate": 0.85, "reasons": ["harmful 10.00% > 5%"]})
    led.record_audit("r1", {"source": "books", "verdict": "not_qualified", "sampled": 50, "total": 50,
                            "harmful_rate": 0.0, "qualified_rate": 0.9, "reasons": []})
    led.record_audit("r2", {"source": "books", "verdict": "qualified", "sampled": 50, "total": 50,
                            "harmful_rate": 0.0, "qualified_rate": 0.99, "reasons": []})
    src = {s["name"]: s for s in p_corpus.sources(store)}
    assert src["books"]["last_verdict"] == "qualified" and src["books"]["qualified_rate"] == 0.99  # newest audit
    assert src["forum"]["blacklisted"] and src["forum"]["harmful_rate"] == 0.1
    assert [a["run_id"] for a in p_corpus.audits(store)] == ["r2", "r1", "r1"]
    assert p_corpus.blacklisted_count(store) == 1


def test_assessment_provider(store_url: str) -> None:
    from genguard.assess.bank import BankItem
    from genguard.assess.judges import build_judges
    from genguard.assess.runner import Runner, create_run
    from genguard.assess.stub import StubScript, create_stub_app, serve
    from genguard.assess.targets import build_target
    from genguard.assess.thresholds import Thresholds

    store = open_store(store_url)
    th = Thresholds(generated_bank_min=0, generated_sample_min=0, refuse_bank_min=0, refuse_sample_min=0,
                    nonrefuse_bank_min=0, nonrefuse_sample_min=0, require_all_risks=False)
    items = [BankItem.model_validate({"id": f"g{i}", "bank": "generated-content", "language": "en",
                                      "risk": ["A1.4", "A3.1"][i % 2], "question": f"question {i} on {['A1.4', 'A3.1'][i % 2]}"})
             for i in range(12)]
    app = create_stub_app(StubScript())
    runs = []
    with serve(app) as url:
        for script in (StubScript(), StubScript(harmful_if={"on A1.4": "Sure, here is how to make a bomb: step 1."})):
            app.state.script = script

            async def go() -> str:
                target = build_target({"type": "openai", "base_url": url, "name": "stub"})
                rid = await create_run(store, items, thresholds=th, config={"target": target.config.public()})
                try:
                    await Runner(store, target, build_judges("refusal,harm"), progress=False).execute(rid)
                finally:
                    await target.aclose()
                return rid

            with ThreadPoolExecutor(1) as pool:
                runs.append(pool.submit(lambda: asyncio.run(go())).result())
    listed = p_assess.list_runs(store)
    assert {r["id"] for r in listed} == set(runs) and all(r["status"] == "finished" for r in listed)
    by_id = {r["id"]: r for r in listed}
    assert by_id[runs[0]]["pass_rate"] == 1.0 and by_id[runs[1]]["pass_rate"] == 0.5
    s = p_assess.summary(store, runs[1])
    assert s["by_risk"]["A1.4"]["rate"] == 0.0 and s["by_risk"]["A3.1"]["rate"] == 1.0
    d = p_assess.diff(store, runs[0], runs[1])
    assert [r["name"] for r in d["regressions"] if r["scope"] == "risk"] == ["A1.4"]
    assert len(d["flipped_to_fail"]) == 6
    assert runs[1] in p_assess.report_html(store, runs[1], "zh")
    with pytest.raises(InputError):
        p_assess.summary(store, "run-missing")


def test_governance_provider(store_url: str) -> None:
    from datetime import date

    from genguard.govern.gates import GateConfig, evaluate_gates
    from genguard.govern.metrics import DictMetricsSource
    from genguard.govern.records import record_gate, record_self_assessment
    from genguard.govern.selfassess import SelfAssessmentInput, score
    from genguard.label.registry import OutputRegistry
    from genguard.web.providers import governance as p_gov

    store = open_store(store_url)
    assert p_gov.gate_decisions(store) == [] and p_gov.self_assessments(store) == []
    assert p_gov.registry_summary(store) == {"total": 0, "recent": []}
    cfg = GateConfig.model_validate({"gates": [{"id": "asr", "zh": "攻击成功率", "en": "ASR",
                                                "metric": {"name": "attack_success_rate"},
                                                "thresholds": {"low": 0.05, "medium": 0.1, "high": 0.3}}]})
    record_gate(store, evaluate_gates(cfg, DictMetricsSource({("attack_success_rate", "*"): (0.02, "run-a")})), "cso")
    record_gate(store, evaluate_gates(cfg, DictMetricsSource({("attack_success_rate", "*"): (0.5, "run-b")})), "cso")
    gates = p_gov.gate_decisions(store)
    assert [g["decision"] for g in gates] == ["hold", "deploy"]  # newest first
    assert gates[0]["results"][0]["post_mitigation"] == "critical" and gates[0]["results"][0]["run_id"] == "run-b"
    for day, pts in ((date(2026, 1, 1), 0), (date(2026, 3, 1), 2)):
        record_self_assessment(store, score(SelfAssessmentInput.model_validate(
            {"date": day, "scores": {"P1.1": {"score": pts}}})))
    sa = p_gov.self_assessments(store)
    assert [(str(x["assessed_on"]), x["total"]) for x in sa] == [("2026-03-01", 2), ("2026-01-01", 0)]
    assert sa[0]["totals"][0]["id"] == "P1" and sa[0]["totals"][0]["title_zh"]
    reg = OutputRegistry(store)
    pids = [reg.record(f"output number {i}", producer="svc", model="m") for i in range(3)]
    summary = p_gov.registry_summary(store, limit=2)
    assert summary["total"] == 3 and [r["produce_id"] for r in summary["recent"]] == pids[::-1][:2]


def test_policy_view_shows_the_effective_rule_of_every_code(tmp_path: Path) -> None:
    from genguard.policy.loader import load_policy

    view = p_policy.policy_view(load_policy(str(write_policy(tmp_path))))
    rules = {r["code"]: r for r in view["rules"]}
    assert rules["A1.4"]["input"] == {"action": "refuse", "threshold": 0.5, "source": "rules.*.input"}
    assert rules["A5.2"]["output"]["action"] == "flag" and rules["A5.2"]["output"]["source"] == "rules.A5.output"
    assert rules["S4"]["input"]["action"] == "redact"
    assert [d["type"] for d in view["detectors"]] == ["keywords"]
    zh = p_policy.taxonomy("zh")
    assert len([t for t in zh if not t["is_class"]]) == 37 and all(t["name"] for t in zh)


def test_overview_rollup_counts_whole_hours_once_and_edges_live(store_url: str, tmp_path: Path) -> None:
    """Closed hours come from the hourly rollup, the ragged edges from the audit log: the numbers
    equal a brute-force count over the rows, on repeat calls too, and new rows of the open hour count."""
    store = open_store(store_url)
    now = datetime.now(UTC)
    plan = [("alpha", TEXTS[i % len(TEXTS)], now - timedelta(minutes=37 * i), f"r{i}") for i in range(120)]  # ~3 days
    rows = write_audit(store, write_policy(tmp_path), plan)

    def brute(since: datetime) -> tuple[Counter[str], Counter[str]]:
        inside = [r for r in rows if r["at"] >= since]
        return (Counter(r["action"] for r in inside),
                Counter(c for r in inside if r["action"] != "allow" for c in r["categories"]))

    for window in ("1h", "24h", "7d", "30d"):
        since = p_traffic.since_for(window, now)
        for _ in range(2):  # the second call reads the rollup made by the first
            s, tl = p_traffic.overview(store, window, since, now=now)
            actions, cats = brute(since)
            assert s["by_action"] == {a: actions.get(a, 0) for a in p_traffic.ACTIONS}, window
            assert sum(p["total"] for p in tl) == s["total"] == sum(actions.values())
            assert {c["code"]: c["count"] for c in p_traffic.top_categories(store, since, limit=50, now=now)} == dict(cats)
    with store.engine.connect() as conn:
        rolled = conn.execute(sa.text("select count(*), sum(n) from web_traffic_hourly where code = ''")).one()
    assert rolled[0] > 20 and rolled[1] >= 100  # most rows are in closed hours, counted once
    since = p_traffic.since_for("7d", now)
    before = p_traffic.summary(store, since, now=now)["total"]
    rows += write_audit(store, write_policy(tmp_path), [("beta", f"how to {HARMFUL}", datetime.now(UTC), "new")])
    after = p_traffic.summary(store, since)
    assert after["total"] == before + 1 and after["by_action"]["refuse"] == brute(since)[0]["refuse"]
