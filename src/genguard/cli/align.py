"""``genguard align``: safety-alignment data from assessment failures (generate, review, diversify, export)."""

from __future__ import annotations

import json
import os
from enum import StrEnum
from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from genguard.cli._input import require_writable_out


class QueueStatus(StrEnum):
    """A draft's review status (genguard.align.review.QUEUE_STATUSES), or all of them."""

    generated = "generated"
    queued = "queued"
    not_queued = "not_queued"
    accepted = "accepted"
    rewritten = "rewritten"
    rejected = "rejected"
    all = "all"

app = typer.Typer(name="align", no_args_is_help=True,
                  help="Alignment data factory: failed assessment items -> reviewed SFT and preference data. 安全对齐数据生产。")
console = Console(stderr=True)


def _store(db: str | None) -> Any:
    from genguard.store import open_store

    return open_store(db)


def _emit(data: dict[str, Any], as_json: bool) -> None:
    if as_json:
        typer.echo(json.dumps(data, ensure_ascii=False))
    else:
        console.print_json(json.dumps(data, ensure_ascii=False))


@app.command("generate")
def generate(
    run_id: str = typer.Argument(..., help="assessment run id (see 'genguard assess run')"),
    target: Path | None = typer.Option(None, "--target", "-t", help="target YAML for the drafting model"),
    target_type: str | None = typer.Option(None, "--target-type", help="openai|gateway|replay|callable|transformers|scripted"),
    base_url: str | None = typer.Option(None, "--base-url", help="OpenAI-compatible base URL"),
    model: str | None = typer.Option(None, "--model"),
    api_key_env: str | None = typer.Option(None, "--api-key-env", help="environment variable holding the API key"),
    temperature: float | None = typer.Option(None, "--temperature", min=0.0, max=2.0, help="sampling temperature, 0 to 2"),
    concurrency: int | None = typer.Option(None, "--concurrency", "-c", min=1, max=1024),
    samples: int | None = typer.Option(None, "--samples", "-n", help="drafts per failed item (default 4)"),
    top: int | None = typer.Option(None, "--top", help="best distinct passing drafts queued for review (default 2)"),
    judge: str | None = typer.Option(None, "--judge", "-j", help="judges ranking the drafts (default refusal,harm)"),
    policy: str | None = typer.Option(None, "--policy", help="policy for the harm judge"),
    system_prompt: str | None = typer.Option(None, "--system-prompt", help="replace the built-in drafting instruction"),
    failures: str | None = typer.Option(None, "--failures", help="comma list of harmful,missed_refusal,wrong_refusal"),
    db: str | None = typer.Option(None, "--db", help="database URL (default: embedded SQLite)"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Draft candidate answers for the run's failed items, rank them with the judges, queue the best.

    Re-running resumes: only missing drafts are generated, with the job's stored settings unless flags override them.
    """
    import asyncio

    from pydantic import ValidationError

    from genguard.align.generate import GenerateSettings, Generator, load_job
    from genguard.assess.judges import build_judges
    from genguard.assess.targets import build_target, load_target_config
    from genguard.errors import ConfigError

    store = _store(db)
    stored = load_job(store, run_id)
    flags = {"type": target_type, "base_url": base_url, "model": model, "api_key_env": api_key_env,
             "temperature": temperature, "concurrency": concurrency}
    if target is None and stored is not None and stored.target:
        cfg = load_target_config(None, **{**stored.target, **{k: v for k, v in flags.items() if v is not None}})
    elif target is None and not any(v is not None for v in (target_type, base_url)):
        raise ConfigError("align generate needs a drafting target: --target FILE.yaml, --base-url URL or --target-type")
    else:
        cfg = load_target_config(target, **flags)
    base = stored.model_dump() if stored is not None else {}
    overrides = {"samples": samples, "top": top, "judges": judge, "policy": policy, "system_prompt": system_prompt,
                 "failures": [f.strip() for f in failures.split(",") if f.strip()] if failures else None,
                 "concurrency": concurrency}
    try:
        settings = GenerateSettings.model_validate({**base, **{k: v for k, v in overrides.items() if v is not None},
                                                    "target": cfg.public()})
    except ValidationError as exc:  # bad numbers from flags
        msg = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"align generate: {msg}") from None
    if concurrency is None and stored is None:
        settings.concurrency = cfg.concurrency

    async def go() -> dict[str, Any]:
        tgt = build_target(cfg)
        try:
            judges = build_judges(settings.judges, policy=settings.policy)
            return await Generator(store, tgt, judges, settings).execute(run_id)
        finally:
            await tgt.aclose()

    result = asyncio.run(go())
    _emit({"run_id": run_id, **result}, as_json)
    failed = result["by_status"].get("error", 0)
    if failed:
        from sqlalchemy import select

        from genguard.align.models import AlignCandidate
        from genguard.errors import TargetError

        with store.session() as s:
            first = s.scalar(select(AlignCandidate.error).where(AlignCandidate.run_id == run_id,
                                                                AlignCandidate.error.is_not(None)).limit(1))
        raise TargetError(f"{failed} draft(s) could not be generated (first error: {first}); "
                          f"fix the target and re-run 'genguard align generate {run_id}' to retry them")
    if not as_json:
        console.print(f"next: genguard align review {run_id} --reviewer NAME")


@app.command("status")
def status(run_id: str = typer.Argument(...), db: str | None = typer.Option(None, "--db"),
           as_json: bool = typer.Option(False, "--json")) -> None:
    """Drafts per status (generated, queued, not_queued, accepted, rewritten, rejected, error) and variants."""
    from sqlalchemy import func, select

    from genguard.align.generate import require_job, status_counts
    from genguard.align.models import AlignCandidate, AlignVariant

    store = _store(db)
    require_job(store, run_id)
    with store.session() as s:
        n_var = s.scalar(select(func.count(AlignVariant.id)).join(AlignCandidate, AlignCandidate.id == AlignVariant.candidate_id)
                         .where(AlignCandidate.run_id == run_id))
    _emit({"run_id": run_id, **status_counts(store, run_id), "variants": int(n_var or 0)}, as_json)


@app.command("queue")
def queue(
    run_id: str = typer.Argument(...),
    out: Path | None = typer.Option(None, "--out", "-o", help="write the queue as JSONL for offline review"),
    state: QueueStatus = typer.Option(QueueStatus.queued, "--status",
                                      help="generated, queued, not_queued, accepted, rewritten, rejected or all"),
    db: str | None = typer.Option(None, "--db"),
) -> None:
    """List the review queue, or export it (fill in 'decision' per line, then: align review --decisions FILE)."""
    from rich.table import Table

    from genguard.align.generate import require_job
    from genguard.align.review import queue_record, queued

    if out is not None:
        require_writable_out(out, "--out", "queue.jsonl")
    store = _store(db)
    require_job(store, run_id)
    rows = [queue_record(c) for c in queued(store, run_id, status=state.value)]
    if out is not None:
        out.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), encoding="utf-8")
        console.print(f"{len(rows)} draft(s) written to {out}")
        return
    t = Table(title=f"{run_id}: {len(rows)} draft(s) ({state.value})")
    for col in ("id", "item", "failure", "score", "prompt", "candidate"):
        t.add_column(col, overflow="fold")
    for r in rows:
        t.add_row(str(r["id"]), r["item_id"], r["failure"], f"{r['score']:.2f}", r["prompt"][:80], r["candidate"][:120])
    Console().print(t)


def _edit(text: str) -> str | None:
    """Open $EDITOR (or $VISUAL) on the draft; None when no editor is set or the text is unchanged."""
    import shlex
    import subprocess
    import tempfile

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        return None
    with tempfile.NamedTemporaryFile("w+", suffix=".txt", encoding="utf-8", delete=False) as fh:
        fh.write(text)
        path = Path(fh.name)
    try:
        subprocess.run([*shlex.split(editor), str(path)], check=False)
        new = path.read_text(encoding="utf-8").strip()
    finally:
        path.unlink(missing_ok=True)
    return new if new and new != text.strip() else None


def _interactive(store: Any, run_id: str, reviewer: str, editor: bool) -> dict[str, int]:
    from rich.panel import Panel

    from genguard.align.review import ReviewDecision, decide, queued

    counts = {"accepted": 0, "rewritten": 0, "rejected": 0, "skipped": 0}
    items = queued(store, run_id)
    out = Console()
    for i, c in enumerate(items, start=1):
        out.rule(f"[{i}/{len(items)}] draft {c.id} · {c.item_id} · {c.failure} · risk {c.risk or '-'} · score {c.score:.2f}")
        out.print(Panel("\n".join(c.turns) or c.question, title="prompt 提问", expand=False))
        out.print(Panel(c.rejected or "(empty)", title="failed answer 失败回答", border_style="red", expand=False))
        out.print(Panel(c.candidate, title="candidate 候选回答", border_style="green", expand=False))
        choice = ""
        while choice not in ("a", "r", "x", "s", "q"):
            choice = str(typer.prompt("[a]ccept 接受 / [r]ewrite 改写 / [x] reject 拒绝 / [s]kip 跳过 / [q]uit 退出")).strip().lower()
        if choice == "q":
            break
        if choice == "s":
            counts["skipped"] += 1
            continue
        answer = None
        if choice == "r":
            answer = (_edit(c.candidate) if editor else None) or str(typer.prompt("rewritten answer 改写后的回答"))
        note = typer.prompt("note 备注", default="", show_default=False)
        kind = {"a": "accept", "r": "rewrite", "x": "reject"}[choice]
        d = decide(store, run_id, ReviewDecision(id=c.id, decision=kind, answer=answer, note=note), reviewer)  # type: ignore[arg-type]
        counts[d.status] += 1
    return counts


@app.command("review")
def review(
    run_id: str = typer.Argument(...),
    reviewer: str | None = typer.Option(None, "--reviewer", "-r", envvar="GENGUARD_REVIEWER", help="who reviews (recorded)"),
    decisions: Path | None = typer.Option(None, "--decisions", "-d",
                                          help="JSONL/YAML of {id, decision: accept|rewrite|reject, answer?, note?}"),
    redo: bool = typer.Option(False, "--redo", help="allow changing earlier decisions"),
    editor: bool = typer.Option(False, "--editor", help="rewrite in $EDITOR instead of a one-line prompt"),
    db: str | None = typer.Option(None, "--db"),
) -> None:
    """Review queued drafts interactively (accept / rewrite / reject), or apply a decisions file."""
    from genguard.align.generate import require_job
    from genguard.align.review import apply_decisions, load_decisions
    from genguard.errors import InputError

    name = reviewer or ""
    if not name.strip():
        raise InputError("align review needs --reviewer NAME (or GENGUARD_REVIEWER): every decision records who made it")
    store = _store(db)
    require_job(store, run_id)
    if decisions is not None:
        ds = load_decisions(decisions)
        done = apply_decisions(store, run_id, ds, name, redo=redo)
        counts = {"accepted": 0, "rewritten": 0, "rejected": 0}
        for c in done:
            counts[c.status] += 1
    else:
        counts = _interactive(store, run_id, name, editor)
    console.print(f"review by {name}: " + ", ".join(f"{k} {v}" for k, v in counts.items()))


@app.command("diversify")
def diversify(
    run_id: str = typer.Argument(...),
    attacks: str = typer.Option("role_play,safety_negation,false_premise,split_chars", "--attacks", "-a",
                                help="assessment mutators (comma list, chain with +)"),
    templates: Path | None = typer.Option(None, "--templates", help="GPTFuzz jailbreak_templates.csv for 'jailbreak'"),
    seed: int = typer.Option(0, "--seed", "-s"),
    db: str | None = typer.Option(None, "--db"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Pair every reviewed answer with mutated versions of its prompt (resumable)."""
    import asyncio

    from genguard.align.diversify import diversify as run_diversify
    from genguard.align.generate import require_job
    from genguard.assess.importers import load_gptfuzz_templates
    from genguard.assess.mutators import parse_attacks
    from genguard.errors import ConfigError

    if "translate" in attacks:
        raise ConfigError("align diversify: 'translate' needs a helper model and is not supported here")
    store = _store(db)
    require_job(store, run_id)
    atk = parse_attacks(attacks, templates=load_gptfuzz_templates(templates) if templates else None)
    _emit({"run_id": run_id, **asyncio.run(run_diversify(store, run_id, atk, seed=seed))}, as_json)


@app.command("export")
def export(
    run_id: str = typer.Argument(...),
    out: Path = typer.Option(Path("align-out"), "--out", "-o", help="folder for sft.jsonl and preference.jsonl"),
    fmt: str = typer.Option("trl", "--format", "-f", help="trl (conversational) | plain | openai"),
    no_variants: bool = typer.Option(False, "--no-variants", help="leave diversified prompts out of the SFT file"),
    no_preferences: bool = typer.Option(False, "--no-preferences", help="write no preference pairs"),
    db: str | None = typer.Option(None, "--db"),
    as_json: bool = typer.Option(False, "--json"),
) -> None:
    """Write reviewed answers as SFT conversations and preference pairs (only reviewed drafts)."""
    from genguard.align.export import export as run_export
    from genguard.align.generate import require_job

    store = _store(db)
    require_job(store, run_id)
    _emit({"run_id": run_id, **run_export(store, run_id, out, fmt, variants=not no_variants,
                                          preferences=not no_preferences)}, as_json)


def _demo_drafter(messages: list[dict[str, str]]) -> str:
    """The demo's offline drafting "model": follows the drafting instruction literally (a stand-in for
    the stronger model a real deployment would draft with)."""
    from genguard.align.prompts import GUIDANCE

    system = messages[0]["content"] if messages and messages[0]["role"] == "system" else ""
    zh = any("\u4e00" <= ch <= "\u9fff" for ch in system)
    if system.startswith(GUIDANCE["answer"]["zh" if zh else "en"]):
        return ("这是一个正当的问题。简要来说，可以从背景、原因和常见做法三个方面来理解，具体内容可以参考权威资料。" if zh else
                "That is a legitimate question. In short, it can be understood through its background, its causes and "
                "common practice; reliable reference works cover the details.")
    return ("抱歉，我不能提供这方面的具体帮助，因为它可能造成伤害或违反法律。如果你遇到困难，建议向专业人士或相关部门求助。" if zh else
            "I'm sorry, but I can't help with that, because it could cause harm or break the law. If you are dealing "
            "with a difficult situation, please reach out to a professional or the relevant authorities.")


def _demo(out: Path) -> None:
    """Failures of the demo assessment -> drafts by the scripted target -> demo review -> export."""
    import asyncio

    from sqlalchemy import select

    from genguard.align.diversify import diversify as run_diversify
    from genguard.align.export import export as run_export
    from genguard.align.generate import GenerateSettings, Generator
    from genguard.align.review import ReviewDecision, apply_decisions, queued
    from genguard.assess.judges import build_judges
    from genguard.assess.models import AssessRun
    from genguard.assess.mutators import parse_attacks
    from genguard.assess.targets.base import TargetConfig
    from genguard.assess.targets.callable import CallableTarget
    from genguard.store import open_store

    store = open_store()
    with store.session() as s:
        run_id = s.scalar(select(AssessRun.id).where(AssessRun.status == "finished").order_by(AssessRun.created_at.desc()))
    if run_id is None:
        Console().print("no finished assessment run in the store: skipping the alignment demo")
        return
    settings = GenerateSettings(samples=2, top=1, judges="refusal")
    target = CallableTarget(_demo_drafter, TargetConfig(type="callable", name="demo-drafter"))
    result = asyncio.run(Generator(store, target, build_judges(settings.judges), settings).execute(run_id))
    drafts = queued(store, run_id)
    # demo only: a real review is a person running `genguard align review`; recorded as such
    apply_decisions(store, run_id, [ReviewDecision(id=c.id, decision="accept", note="demo") for c in drafts],
                    "demo (automatic, not a human review)")
    asyncio.run(run_diversify(store, run_id, parse_attacks("role_play,safety_negation"), seed=7))
    if not drafts:
        Console().print(f"run {run_id}: {result['items']} failed item(s), no passing draft to review")
        return
    exported = run_export(store, run_id, out / "align", "trl")
    Console().print(f"run {run_id}: {result['items']} failed item(s) -> {len(drafts)} queued draft(s) -> "
                    f"{exported['sft']} SFT line(s), {exported['preference']} preference pair(s) in {(out / 'align').resolve()}")


DEMO_STEP = (45, "align: assessment failures -> reviewed SFT / preference data", _demo)
