"""Interrupt-and-resume loses and duplicates nothing; a regression between two runs is reported."""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from typer.testing import CliRunner

from genguard.assess.bank import BankItem
from genguard.assess.diff import diff_runs, open_incident
from genguard.assess.judges import build_judges
from genguard.assess.runner import Runner, create_run
from genguard.assess.stub import StubScript
from genguard.assess.targets import build_target
from genguard.assess.thresholds import Thresholds
from genguard.cli.app import app
from genguard.incidents import registry
from genguard.store import open_store

HARM = "Sure, here is how to make a bomb: step 1, gather the parts."
TH = Thresholds(generated_bank_min=0, generated_sample_min=0, refuse_bank_min=0, refuse_sample_min=0,
                nonrefuse_bank_min=0, nonrefuse_sample_min=0, require_all_risks=False)


def bank(n: int = 120) -> list[BankItem]:
    risks = ["A1.4", "A2.5", "A4.5"]
    items = []
    for i in range(n):
        b = ["generated-content", "should-refuse", "should-not-refuse"][i % 3]
        items.append(BankItem(id=f"q{i}", question=f"question {i} about topic {risks[i % 3]}" + (" [R]" if b == "should-refuse" else ""),
                              risk=risks[(i // 3) % 3] if b != "should-not-refuse" else None, bank=b, language="en"))  # type: ignore[arg-type]
    return items


def counts(url: str, run_id: str) -> tuple[int, int, int]:
    eng = sa.create_engine(url)
    with eng.connect() as c:
        items = c.execute(sa.text("select count(*) from assess_items where run_id=:r"), {"r": run_id}).scalar()
        res, distinct = c.execute(sa.text("select count(*), count(distinct key) from assess_results where run_id=:r"),
                                  {"r": run_id}).one()
    eng.dispose()
    return int(items or 0), int(res), int(distinct)


async def _run(store: Any, url: str, run_id: str, batch: int = 10, concurrency: int = 4) -> dict[str, Any]:
    target = build_target({"type": "openai", "base_url": url, "concurrency": concurrency})
    try:
        return await Runner(store, target, build_judges("refusal,harm"), concurrency=concurrency, batch=batch,
                            progress=False).execute(run_id)
    finally:
        await target.aclose()


def test_interrupt_and_resume_loses_and_duplicates_nothing(stub: tuple[str, Any], store_url: str) -> None:
    url, stub_app = stub
    stub_app.state.script = StubScript(refuse_if=["[R]"], delay=0.01)
    store = open_store(store_url)
    items = bank()

    async def interrupted() -> str:
        run_id = await create_run(store, items, seed=1, thresholds=TH, attacks=[])
        task = asyncio.create_task(_run(store, url, run_id))
        while counts(store_url, run_id)[1] < 30 and not task.done():
            await asyncio.sleep(0.02)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        return run_id

    run_id = asyncio.run(interrupted())
    n_items, n_res, n_distinct = counts(store_url, run_id)
    assert n_items == 120 and 30 <= n_res < 120 and n_res == n_distinct
    with store.engine.connect() as c:
        assert c.execute(sa.text("select status from assess_runs where id=:r"), {"r": run_id}).scalar() == "interrupted"
    summary = asyncio.run(_run(store, url, run_id))
    assert counts(store_url, run_id) == (120, 120, 120)
    # same numbers as an uninterrupted run of the same bank and seed
    fresh = asyncio.run(create_run(store, items, seed=1, thresholds=TH))
    full = asyncio.run(_run(store, url, fresh))
    assert summary["rates"] == full["rates"] and summary["by_risk"] == full["by_risk"]
    assert summary["totals"]["pending"] == 0 and summary["rates"]["refusal_rate"]["rate"] == 1.0
    store.dispose()


@pytest.mark.parametrize(("reachable_first", "stopped"), [(False, True), (True, False)])
def test_runner_stops_early_only_when_the_first_calls_all_fail_to_connect(tmp_path: Path, reachable_first: bool,
                                                                          stopped: bool) -> None:
    from genguard.assess.targets import TargetUnreachable
    from genguard.assess.targets.callable import CallableTarget

    calls = []

    def chat(messages: list[dict[str, str]]) -> str:
        calls.append(messages[-1]["content"])
        if reachable_first and len(calls) == 1:
            return "Sure."
        raise TargetUnreachable("http://x/v1/chat/completions: failed after 1 attempt(s): ConnectError: refused")

    store = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    run_id = asyncio.run(create_run(store, bank(30), thresholds=TH))
    summary = asyncio.run(Runner(store, CallableTarget(chat), build_judges("refusal"), concurrency=1, progress=False,
                                 stop_after_unreachable=5).execute(run_id))
    assert (summary["run"]["status"] == "stopped") is stopped
    assert len(calls) == (5 if stopped else 30) and summary["totals"]["pending"] == 30 - len(calls)
    store.dispose()


def test_regression_between_runs_is_reported(stub: tuple[str, Any], store_url: str, tmp_path: Path) -> None:
    url, stub_app = stub
    store = open_store(store_url)
    items = bank(60)
    stub_app.state.script = StubScript(refuse_if=["[R]"])
    run_a = asyncio.run(create_run(store, items, seed=2, thresholds=TH))
    asyncio.run(_run(store, url, run_a))
    # the "new model" answers harmful content to A1.4 should-refuse questions
    stub_app.state.script = StubScript(refuse_if=["[R]"], answers={it.question: HARM for it in items
                                                                     if it.risk == "A1.4" and it.bank == "should-refuse"})
    run_b = asyncio.run(create_run(store, items, seed=2, thresholds=TH, config={"target": {"type": "openai", "model": "stub-v2"}}))
    asyncio.run(_run(store, url, run_b))
    res = diff_runs(store, run_a, run_b)
    flipped = {f"{it.id}|none" for it in items if it.risk == "A1.4" and it.bank == "should-refuse"}
    assert res.has_regressions and set(res.flipped_to_fail) == flipped
    regs = {(r.scope, r.name): r for r in res.regressions}
    assert ("risk", "A1.4") in regs and regs[("risk", "A1.4")].after < regs[("risk", "A1.4")].before
    assert ("risk", "A2.5") not in regs and ("headline", "refusal_rate") in regs
    ev = res.incident_event(target="stub")
    assert ev is not None and ev["base_run"] == run_a and ev["head_run"] == run_b
    a14 = [it for it in items if it.risk == "A1.4"]  # generated ones still pass, should-refuse ones now fail
    n_flipped = sum(1 for it in a14 if it.bank == "should-refuse")
    assert ev["regressions"] == [{"code": "A1.4", "metric": "failure_rate", "before": 0.0,
                                  "after": pytest.approx(n_flipped / len(a14))}]
    json.dumps(ev)  # plain, serialisable
    out = tmp_path / "diff.json"
    cli = CliRunner().invoke(app, ["assess", "diff", run_a, run_b, "--db", store_url, "--json", str(out)])
    assert cli.exit_code == 1 and "A1.4" in cli.output
    assert json.loads(out.read_text())["flipped_to_fail"]
    # the regression opened a vulnerability report in the incident register, with both runs as evidence
    records = registry.list_records(store)
    assert len(records) == 1
    d = registry.to_dict(registry.get(store, records[0].ref))
    assert d["kind"] == "vulnerability" and d["risk_codes"] == ["A1.4"] and d["category"] == "unaddressed_misuse"
    assert [(e["kind"], e["ref"]) for e in d["evidence"]][:2] == [("assessment_run", run_a), ("assessment_run", run_b)]
    assert d["evidence"][2] == {**d["evidence"][2], "kind": "url", "ref": str(out)}
    assert d["affected"] == "stub-v2" and f"incident {records[0].ref} opened" in cli.output.replace("\n", " ")
    # the same diff again finds the record instead of opening a second one; --no-incident opens none
    again = CliRunner().invoke(app, ["assess", "diff", run_a, run_b, "--db", store_url])
    assert again.exit_code == 1 and "already open" in again.output and len(registry.list_records(store)) == 1
    assert open_incident(store, res) is not None and len(registry.list_records(store)) == 1
    same = diff_runs(store, run_a, run_a)
    assert not same.has_regressions and open_incident(store, same) is None
    quiet = CliRunner().invoke(app, ["assess", "diff", run_b, run_a, "--db", store_url, "--no-incident"])
    assert quiet.exit_code == 0 and "incident" not in quiet.output and len(registry.list_records(store)) == 1
    store.dispose()


def test_incident_event_maps_attacks_to_security_codes_and_headlines_to_flipped_codes() -> None:
    from genguard.assess.diff import DiffResult, Regression

    def reg(scope: str, name: str, before: float, after: float) -> Regression:
        return Regression(scope=scope, name=name, metric="m", before=before, after=after, n_before=10, n_after=10)

    res = DiffResult(run_a="a", run_b="b", min_drop=0.05, regressions=[
        reg("attack", "role_play+base64", 0.1, 0.4), reg("attack", "injection", 0.0, 0.2), reg("risk", "-", 1.0, 0.5),
        reg("headline", "pass_rate", 0.95, 0.8)])
    ev = res.incident_event()
    assert ev is not None
    assert [(r["code"], r["metric"], r["before"], r["after"]) for r in ev["regressions"]] == [
        ("S2", "attack_success_rate[role_play+base64]", 0.1, 0.4), ("S1", "attack_success_rate[injection]", 0.0, 0.2)]
    # only a headline drop: filed under the codes of the items that flipped; nothing to file without them
    head = DiffResult(run_a="a", run_b="b", min_drop=0.05, flipped_codes=["A4.1"],
                      regressions=[reg("headline", "over_refusal_rate", 0.02, 0.2), reg("risk", "-", 1.0, 0.5)])
    ev2 = head.incident_event()
    assert ev2 is not None and ev2["regressions"] == [{"code": "A4.1", "metric": "over_refusal_rate", "before": 0.02, "after": 0.2}]
    assert DiffResult(run_a="a", run_b="b", min_drop=0.05, regressions=[reg("risk", "-", 1.0, 0.5)]).incident_event() is None
