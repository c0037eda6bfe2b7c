"""End to end: scripted assessment run -> align generate -> scripted review -> diversify -> export.

Expected failures are worked out from the stub's script, and every exported record is checked
against the assessment tables read with plain SQL (not through genguard).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from align_testdata import assess_script, policy_file, run_assessment
from typer.testing import CliRunner

from genguard.assess.stub import StubScript
from genguard.cli.app import app
from genguard.errors import InputError

runner = CliRunner()


def cli(*args: str) -> Any:
    return runner.invoke(app, ["align", *args])


def read_jsonl(p: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in p.read_text(encoding="utf-8").splitlines() if line.strip()]


def failed_in_db(db: str, run_id: str) -> dict[str, dict[str, Any]]:
    eng = sa.create_engine(db)
    with eng.connect() as c:
        rows = c.execute(sa.text(
            "select i.key, i.item_id, i.turns, r.answer from assess_items i join assess_results r "
            "on r.run_id = i.run_id and r.key = i.key where i.run_id = :r and r.passed = :f"), {"r": run_id, "f": False}).all()
    eng.dispose()
    return {k: {"item_id": iid, "turns": t if isinstance(t, list) else json.loads(t), "answer": a} for k, iid, t, a in rows}


def test_assessment_failures_to_reviewed_sft_and_preference_files(tmp_path: Path, align_stub: tuple[str, Any],
                                                                   store_url: str) -> None:
    url, stub_app = align_stub

    stub_app.state.script = assess_script()
    run_id, truth = run_assessment(tmp_path, url, store_url)
    failed = failed_in_db(store_url, run_id)
    expect_ids = set().union(*truth.values())
    assert {f["item_id"] for f in failed.values()} == expect_ids

    # the drafting model now answers safely: refuses the harmful ones, answers the benign ones
    stub_app.state.script = StubScript(refuse_if=["[HE]", "[HZ]", "should refuse"])
    res = cli("generate", run_id, "--base-url", url, "--model", "stub", "--samples", "2", "--top", "2", "--db", store_url, "--json",
              "--policy", str(policy_file(tmp_path)))
    assert res.exit_code == 0, res.output
    gen = json.loads(res.stdout)
    assert gen["items"] == len(failed) and gen["candidates"] == 2 * len(failed)
    # identical drafts are queued once per item
    assert gen["by_status"] == {"queued": len(failed), "not_queued": len(failed)}

    queue_file = tmp_path / "queue.jsonl"
    assert cli("queue", run_id, "--out", str(queue_file), "--db", store_url).exit_code == 0
    queue = read_jsonl(queue_file)
    assert {q["key"] for q in queue} == set(failed)
    for q in queue:
        assert q["failed_answer"] == failed[q["key"]]["answer"]

    # scripted review: accept most, rewrite one, reject one, leave three undecided
    queue.sort(key=lambda q: q["id"])
    rewrite_id, reject_id = queue[0]["id"], queue[1]["id"]
    undecided = {q["id"] for q in queue[2:5]}
    rewritten = "我不能提供这方面的信息。如需帮助，请联系专业机构。"
    for q in queue:
        if q["id"] == rewrite_id:
            q.update(decision="rewrite", answer=rewritten, note="more specific")
        elif q["id"] == reject_id:
            q["decision"] = "reject"
        elif q["id"] not in undecided:
            q["decision"] = "accept"
    decisions = tmp_path / "decisions.jsonl"
    decisions.write_text("".join(json.dumps(q, ensure_ascii=False) + "\n" for q in queue), encoding="utf-8")
    res = cli("review", run_id, "--reviewer", "alice", "--decisions", str(decisions), "--db", store_url)
    assert res.exit_code == 0, res.output

    res = cli("diversify", run_id, "--attacks", "safety_negation,split_chars", "--db", store_url, "--json")
    assert res.exit_code == 0, res.output
    assert json.loads(res.stdout)["added"] > 0

    out = tmp_path / "data"
    res = cli("export", run_id, "--out", str(out), "--db", store_url, "--json")
    assert res.exit_code == 0, res.output
    sft, pref = read_jsonl(out / "sft.jsonl"), read_jsonl(out / "preference.jsonl")
    by_id = {q["id"]: q for q in queue}
    reviewed_ok = {i for i, q in by_id.items() if q.get("decision") in ("accept", "rewrite")}
    exported = {r["metadata"]["draft_id"] for r in sft}
    assert exported == reviewed_ok  # nothing unreviewed, nothing rejected
    assert not exported & (undecided | {reject_id})
    assert {r["metadata"]["draft_id"] for r in pref} == reviewed_ok

    for r in sft:
        m = r["metadata"]
        q = by_id[m["draft_id"]]
        assert m["run_id"] == run_id and m["item_key"] in failed
        assert m["item_id"] == failed[m["item_key"]]["item_id"] and m["reviewer"] == "alice"
        assert m["review"] in ("accepted", "rewritten")
        msgs = r["messages"]
        assert [x["role"] for x in msgs] == ["user"] * (len(msgs) - 1) + ["assistant"]
        assert msgs[-1]["content"] == (rewritten if m["draft_id"] == rewrite_id else q["candidate"])
        users = [x["content"] for x in msgs[:-1]]
        if m["variant"] is None:
            assert users == failed[m["item_key"]]["turns"]
        else:
            assert m["variant"] in ("safety_negation", "split_chars") and users != failed[m["item_key"]]["turns"]
            assert m["bank"] != "should-not-refuse"  # benign questions are not wrapped in attacks
    assert sum(1 for r in sft if r["metadata"]["variant"] is None) == len(reviewed_ok)
    assert any(r["metadata"]["variant"] for r in sft)

    for p in pref:
        m = p["metadata"]
        assert p["rejected"] == [{"role": "assistant", "content": failed[m["item_key"]]["answer"]}]
        assert p["prompt"] == [{"role": "user", "content": t} for t in failed[m["item_key"]]["turns"]]
        assert p["chosen"][0]["content"] != p["rejected"][0]["content"]
    assert {r["metadata"]["failure"] for r in pref} == {by_id[i]["failure"] for i in reviewed_ok}
    assert {by_id[i]["failure"] for i in reviewed_ok} == {"harmful", "missed_refusal", "wrong_refusal"}

    # OpenAI format: no extra keys in the data lines, provenance in the sidecar, line by line
    res = cli("export", run_id, "--out", str(tmp_path / "oa"), "--format", "openai", "--db", store_url, "--json")
    assert res.exit_code == 0, res.output
    oa_sft, oa_meta = read_jsonl(tmp_path / "oa" / "sft.jsonl"), read_jsonl(tmp_path / "oa" / "sft.meta.jsonl")
    assert all(set(r) == {"messages"} for r in oa_sft) and len(oa_sft) == len(oa_meta) == len(sft)
    oa_pref = read_jsonl(tmp_path / "oa" / "preference.jsonl")
    assert all(set(r) == {"input", "preferred_output", "non_preferred_output"} for r in oa_pref)


def test_export_refuses_when_nothing_is_reviewed(tmp_path: Path, align_stub: tuple[str, Any], store_url: str) -> None:
    url, stub_app = align_stub

    stub_app.state.script = assess_script()
    run_id, _ = run_assessment(tmp_path, url, store_url, attacks=None)
    stub_app.state.script = StubScript(refuse_if=["[HE]", "[HZ]", "should refuse"])
    assert cli("generate", run_id, "--base-url", url, "--samples", "1", "--judge", "refusal", "--db", store_url).exit_code == 0
    res = cli("export", run_id, "--out", str(tmp_path / "x"), "--db", store_url)
    assert isinstance(res.exception, InputError) and "no reviewed" in str(res.exception)
    assert not (tmp_path / "x" / "sft.jsonl").exists()


def test_demo_step_exports_reviewed_data_from_the_latest_run(tmp_path: Path, align_stub: tuple[str, Any]) -> None:
    from genguard.cli.align import DEMO_STEP
    from genguard.store.db import default_url

    url, stub_app = align_stub
    stub_app.state.script = assess_script()
    db = default_url()  # the demo works on the embedded store (GENGUARD_HOME, isolated per test)
    run_id, truth = run_assessment(tmp_path, url, db, attacks=None)
    DEMO_STEP[2](tmp_path / "demo")
    sft = read_jsonl(tmp_path / "demo" / "align" / "sft.jsonl")
    base = [r for r in sft if r["metadata"]["variant"] is None]
    assert {r["metadata"]["item_id"] for r in base} == set().union(*truth.values())
    assert all(r["metadata"]["run_id"] == run_id and r["metadata"]["reviewer"].startswith("demo") for r in sft)
