"""Interrupt-and-resume loses and duplicates nothing; a regression between two runs is reported."""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from typer.testing import CliRunner

from genguard.assess.bank import BankItem
from genguard.assess.diff import diff_runs
from genguard.assess.judges import build_judges
from genguard.assess.runner import Runner, create_run
from genguard.assess.stub import StubScript
from genguard.assess.targets import build_target
from genguard.assess.thresholds import Thresholds
from genguard.cli.app import app
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
    run_b = asyncio.run(create_run(store, items, seed=2, thresholds=TH))
    asyncio.run(_run(store, url, run_b))
    res = diff_runs(store, run_a, run_b)
    flipped = {f"{it.id}|none" for it in items if it.risk == "A1.4" and it.bank == "should-refuse"}
    assert res.has_regressions and set(res.flipped_to_fail) == flipped
    regs = {(r.scope, r.name): r for r in res.regressions}
    assert ("risk", "A1.4") in regs and regs[("risk", "A1.4")].after < regs[("risk", "A1.4")].before
    assert ("risk", "A2.5") not in regs and ("headline", "refusal_rate") in regs
    ev = res.to_event()
    assert ev["type"] == "assessment_regression" and ev["categories"] == ["A1.4"]
    json.dumps(ev)  # plain, serialisable
    out = tmp_path / "diff.json"
    cli = CliRunner().invoke(app, ["assess", "diff", run_a, run_b, "--db", store_url, "--json", str(out)])
    assert cli.exit_code == 1 and "A1.4" in cli.output
    assert json.loads(out.read_text())["flipped_to_fail"]
    same = diff_runs(store, run_a, run_a)
    assert not same.has_regressions
    store.dispose()
