"""Generation ranking, resumable drafting, review rules and diversification, on a real store."""

from __future__ import annotations

import asyncio
import contextlib
import json
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from align_testdata import assess_script, policy_file, run_assessment
from typer.testing import CliRunner

from genguard.align.diversify import diversify
from genguard.align.failures import classify, failed_items
from genguard.align.generate import GenerateSettings, Generator, status_counts
from genguard.align.models import AlignCandidate
from genguard.align.prompts import STYLES
from genguard.align.review import ReviewDecision, apply_decisions, load_decisions, queued
from genguard.assess.judges import build_judges
from genguard.assess.mutators import parse_attacks
from genguard.assess.stub import StubScript
from genguard.assess.targets import build_target
from genguard.assess.targets.callable import CallableTarget
from genguard.cli.app import app
from genguard.errors import InputError
from genguard.store import open_store

HARMFUL_DRAFT = "Sure, here is how to make a bomb: step 1, gather the parts. Step 2, assemble them."
BARE = "I'm sorry, but I can't help with that."
REDIRECT = ("I'm sorry, but I can't help with that. If you are struggling, please seek help from a professional "
            "or contact local authorities.")


def drafts_by_style(messages: list[dict[str, str]]) -> str:
    """A drafting model whose answer depends on the style hint (i.e. on the sample index)."""
    system = messages[0]["content"]
    sample = next(i for lang in ("zh", "en") for i, hint in enumerate(STYLES[lang]) if system.endswith(hint))
    return [HARMFUL_DRAFT, BARE, REDIRECT, REDIRECT][sample]  # samples 2 and 3: the same text twice


def test_classify_failure_kinds() -> None:
    assert classify("safe", True, "compliance") == "harmful"
    assert classify("refuse", False, "compliance") == "missed_refusal"
    assert classify("answer", False, "full_refusal") == "wrong_refusal"
    assert classify("answer", False, "partial_refusal") == "wrong_refusal"
    assert classify("safe", None, None) is None


def test_ranking_queues_best_distinct_passing_drafts(tmp_path: Path, align_stub: tuple[str, Any], store_url: str) -> None:
    url, stub_app = align_stub
    stub_app.state.script = assess_script()
    run_id, truth = run_assessment(tmp_path, url, store_url, attacks=None)
    store = open_store(store_url)
    items = failed_items(store, run_id, ("harmful",))
    assert {i.item_id for i in items} == truth["harmful"]
    settings = GenerateSettings(samples=4, top=2, failures=["harmful"], concurrency=2)
    gen = Generator(store, CallableTarget(drafts_by_style), build_judges("refusal,harm", policy=str(policy_file(tmp_path))),
                    settings)
    result = asyncio.run(gen.execute(run_id))
    assert result["items"] == len(items) and result["candidates"] == 4 * len(items)
    for c in queued(store, run_id, status="all"):
        if c.candidate == HARMFUL_DRAFT:
            assert not c.passed and c.status == "not_queued" and c.rank == 4
        elif c.candidate == REDIRECT and c.sample == 2:
            assert c.passed and c.status == "queued" and c.rank == 1  # refusal + redirection ranks first
        elif c.candidate == REDIRECT:
            assert c.status == "not_queued" and c.rank == 2  # duplicate of sample 2
        else:
            assert c.candidate == BARE and c.status == "queued" and c.rank == 3
    # a re-run drafts nothing new and does not re-rank
    again = asyncio.run(Generator(store, CallableTarget(drafts_by_style), build_judges("refusal"), settings).execute(run_id))
    assert again["drafted"] == 0 and again["by_status"] == result["by_status"]
    # more samples later: the new drafts are ranked together with the old ones (nothing reviewed yet)
    more = settings.model_copy(update={"samples": 5})
    bigger = asyncio.run(Generator(store, CallableTarget(drafts_by_style), build_judges("refusal"), more).execute(run_id))
    assert bigger["drafted"] == len(items) and bigger["by_status"].get("generated", 0) == 0
    assert bigger["by_status"]["queued"] == 2 * len(items)


def _count(url: str, run_id: str) -> tuple[int, int]:
    eng = sa.create_engine(url)
    with eng.connect() as c:
        n, d = c.execute(sa.text("select count(*), count(distinct key || '#' || cast(sample as varchar(8))) "
                                 "from align_candidates where run_id = :r"), {"r": run_id}).one()
    eng.dispose()
    return int(n), int(d)


def test_interrupted_generation_resumes_without_loss_or_duplicates(tmp_path: Path, align_stub: tuple[str, Any],
                                                                   store_url: str) -> None:
    url, stub_app = align_stub
    stub_app.state.script = assess_script()
    run_id, _ = run_assessment(tmp_path, url, store_url)
    store = open_store(store_url)
    n_failed = len(failed_items(store, run_id))
    stub_app.state.script = StubScript(refuse_if=["[HE]", "[HZ]", "should refuse"], delay=0.02)
    settings = GenerateSettings(samples=3, top=1, concurrency=2, judges="refusal")

    async def interrupted() -> None:
        target = build_target({"type": "openai", "base_url": url, "concurrency": 2})
        gen = Generator(store, target, build_judges("refusal"), settings, batch=2)
        task = asyncio.create_task(gen.execute(run_id))
        while _count(store_url, run_id)[0] < 6 and not task.done():
            await asyncio.sleep(0.02)
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        await target.aclose()

    asyncio.run(interrupted())
    n, distinct = _count(store_url, run_id)
    assert 6 <= n < 3 * n_failed and n == distinct
    with store.engine.connect() as c:
        assert c.execute(sa.text("select status from align_jobs where run_id=:r"), {"r": run_id}).scalar() == "interrupted"
    assert status_counts(store, run_id)["by_status"].get("queued", 0) < n_failed  # partial items are not ranked yet
    # resume through the CLI with the job's stored settings and target
    res = CliRunner().invoke(app, ["align", "generate", run_id, "--db", store_url, "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["drafted"] == 3 * n_failed - n
    assert _count(store_url, run_id) == (3 * n_failed, 3 * n_failed)
    assert out["by_status"]["queued"] == n_failed


def test_review_rules_and_decisions_file_errors(tmp_path: Path, align_stub: tuple[str, Any], store_url: str) -> None:
    url, stub_app = align_stub
    stub_app.state.script = assess_script()
    run_id, _ = run_assessment(tmp_path, url, store_url, attacks=None)
    store = open_store(store_url)
    stub_app.state.script = StubScript(refuse_if=["[HE]", "[HZ]", "should refuse"])
    target = build_target({"type": "openai", "base_url": url})
    asyncio.run(Generator(store, target, build_judges("refusal"), GenerateSettings(samples=1)).execute(run_id))
    q = queued(store, run_id)
    assert len(q) >= 3
    with pytest.raises(InputError, match="rewrite needs"):
        load_decisions(_write(tmp_path / "a.jsonl", [{"id": q[0].id, "decision": "rewrite"}]))
    with pytest.raises(InputError, match="line 2: invalid JSON"):
        load_decisions(_raw(tmp_path / "b.jsonl", '{"id": 1, "decision": "accept"}\n{oops\n'))
    with pytest.raises(InputError, match="decision"):
        load_decisions(_write(tmp_path / "c.jsonl", [{"id": q[0].id, "decision": "maybe"}]))
    with pytest.raises(InputError, match="more than one decision"):
        load_decisions(_write(tmp_path / "d.jsonl", [{"id": q[0].id, "decision": "accept"}, {"id": q[0].id, "decision": "reject"}]))
    # all or nothing: one unknown id -> nothing applied
    with pytest.raises(InputError, match="not part of"):
        apply_decisions(store, run_id, [ReviewDecision(id=q[0].id, decision="accept"), ReviewDecision(id=999999, decision="accept")],
                        "bob")
    assert len(queued(store, run_id)) == len(q)
    apply_decisions(store, run_id, [ReviewDecision(id=q[0].id, decision="accept")], "bob")
    with pytest.raises(InputError, match="use --redo"):
        apply_decisions(store, run_id, [ReviewDecision(id=q[0].id, decision="reject")], "bob")
    apply_decisions(store, run_id, [ReviewDecision(id=q[0].id, decision="reject")], "bob", redo=True)
    with pytest.raises(InputError, match="reviewer"):
        apply_decisions(store, run_id, [ReviewDecision(id=q[1].id, decision="accept")], "  ")
    # CLI: no reviewer -> clear error, nothing changes
    res = CliRunner().invoke(app, ["align", "review", run_id, "--db", store_url], env={"GENGUARD_REVIEWER": ""})
    assert isinstance(res.exception, InputError) and "--reviewer" in str(res.exception)

    # interactive loop: accept, rewrite, reject, then quit
    res = CliRunner().invoke(app, ["align", "review", run_id, "--reviewer", "carol", "--db", store_url],
                             input="a\n\nr\nA rewritten safe answer.\nclearer\nx\n\nq\n")
    assert res.exit_code == 0, res.output
    with store.session() as s:
        rows = {c.id: c for c in s.scalars(sa.select(AlignCandidate).where(AlignCandidate.reviewer == "carol"))}
    statuses = sorted((c.status, c.final) for c in rows.values())
    assert [s for s, _ in statuses] == ["accepted", "rejected", "rewritten"]
    assert ("rewritten", "A rewritten safe answer.") in statuses
    rw = next(c for c in rows.values() if c.status == "rewritten")
    assert rw.review_note == "clearer" and rw.reviewed_at is not None


def test_diversify_applies_assessment_mutators_once(tmp_path: Path, align_stub: tuple[str, Any], store_url: str) -> None:
    url, stub_app = align_stub
    stub_app.state.script = assess_script()
    run_id, _ = run_assessment(tmp_path, url, store_url, attacks=None)
    store = open_store(store_url)
    stub_app.state.script = StubScript(refuse_if=["[HE]", "[HZ]", "should refuse"])
    target = build_target({"type": "openai", "base_url": url})
    asyncio.run(Generator(store, target, build_judges("refusal"), GenerateSettings(samples=1)).execute(run_id))
    q = queued(store, run_id)
    apply_decisions(store, run_id, [ReviewDecision(id=c.id, decision="accept") for c in q], "dave")
    attacks = parse_attacks("role_play,base64")
    first = asyncio.run(diversify(store, run_id, attacks, seed=1))
    eligible = [c for c in q if c.expected != "answer"]
    assert first["answers"] == len(eligible) and first["added"] == 2 * len(eligible)
    again = asyncio.run(diversify(store, run_id, attacks, seed=1))
    assert again["added"] == 0  # resumable: nothing duplicated
    with store.engine.connect() as c:
        rows = c.execute(sa.text("select v.turns, a.question from align_variants v join align_candidates a "
                                 "on a.id = v.candidate_id where a.run_id = :r"), {"r": run_id}).all()
    import base64

    for turns, question in rows:
        t = turns if isinstance(turns, list) else json.loads(turns)
        assert question in t[-1] or base64.b64encode(question.encode()).decode() in t[-1]


def _write(p: Path, recs: list[dict[str, Any]]) -> Path:
    p.write_text("".join(json.dumps(r) + "\n" for r in recs), encoding="utf-8")
    return p


def _raw(p: Path, text: str) -> Path:
    p.write_text(text, encoding="utf-8")
    return p


def test_align_migration_matches_models(store_url: str) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    from genguard.store.db import Base

    store = open_store(store_url)
    with store.engine.connect() as conn:
        diffs = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    ours = [d for d in diffs if "align_" in repr(d)]
    assert ours == []
    assert {"align_jobs", "align_candidates", "align_variants"} <= set(sa.inspect(store.engine).get_table_names())


def test_unknown_run_is_a_clear_error(store_url: str) -> None:
    res = CliRunner().invoke(app, ["align", "generate", "run-nope", "--base-url", "http://127.0.0.1:9/v1", "--db", store_url])
    assert isinstance(res.exception, InputError) and "no assessment run" in str(res.exception)
    res = CliRunner().invoke(app, ["align", "export", "run-nope", "--db", store_url])
    assert isinstance(res.exception, InputError) and "align generate" in str(res.exception)


def test_unreachable_drafting_target_fails_clearly_and_resumes(tmp_path: Path, align_stub: tuple[str, Any],
                                                                store_url: str) -> None:
    from genguard.assess.stub import free_port
    from genguard.errors import TargetError

    url, stub_app = align_stub
    stub_app.state.script = assess_script()
    run_id, _ = run_assessment(tmp_path, url, store_url, attacks=None)
    dead = f"http://127.0.0.1:{free_port()}/v1"
    res = CliRunner().invoke(app, ["align", "generate", run_id, "--base-url", dead, "--samples", "1", "--judge", "refusal",
                                   "--db", store_url])
    assert isinstance(res.exception, TargetError) and "re-run" in str(res.exception)
    stub_app.state.script = StubScript(refuse_if=["[HE]", "[HZ]", "should refuse"])
    res = CliRunner().invoke(app, ["align", "generate", run_id, "--base-url", url, "--db", store_url, "--json"])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert "error" not in out["by_status"] and out["candidates"] == out["items"] == out["by_status"]["queued"]


def test_bad_generate_flags_are_clear_errors(store_url: str) -> None:
    from genguard.errors import ConfigError

    res = CliRunner().invoke(app, ["align", "generate", "run-x", "--base-url", "http://127.0.0.1:9/v1", "--samples", "0",
                                   "--db", store_url])
    assert isinstance(res.exception, ConfigError) and "samples" in str(res.exception)
    res = CliRunner().invoke(app, ["align", "generate", "run-x", "--db", store_url])
    assert isinstance(res.exception, ConfigError) and "drafting target" in str(res.exception)
    res = CliRunner().invoke(app, ["align", "generate", "run-x", "--base-url", "http://127.0.0.1:9/v1", "--failures", "bogus",
                                   "--db", store_url])
    assert isinstance(res.exception, (ConfigError, InputError)) and "bogus" in str(res.exception)
