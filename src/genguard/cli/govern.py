"""``genguard govern``: food label, TC260-003 evidence pack, capability gates, self-assessment."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console

from genguard.cli._input import require_writable_out
from genguard.errors import InputError

app = typer.Typer(name="govern", help="Governance records: food label, TC260 evidence pack, gates, self-assessment.",
                  no_args_is_help=True)
console = Console()
err = Console(stderr=True)  # status lines, so stdout carries only the document


class Fmt(StrEnum):
    html = "html"
    md = "md"
    json = "json"


def _out(out: Path | None, fmt: Fmt) -> Path | None:
    """Check ``--out`` up front, before evidence is collected or a decision recorded."""
    return None if out is None else require_writable_out(out, example=f"report.{fmt.value}")


def _write(text: str, out: Path | None) -> None:
    if out is None:
        typer.echo(text)
        return
    try:
        out.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise InputError(f"--out {str(out)!r}: cannot write ({exc.strerror or exc}) / 无法写入") from None
    console.print(f"wrote {out}")


LANGS = ("zh", "en")
GATEWAY_OPT = typer.Option(None, "--gateway-config", help="gateway YAML whose audit/retention settings are evidence")


def _lang(lang: str) -> str:
    if lang not in LANGS:
        raise InputError(f"--lang must be 'zh' or 'en', got {lang!r}")
    return lang


def _evidence(db: str | None, policy: str | None, gateway_config: str | None = None):  # type: ignore[no-untyped-def]
    """Collect evidence; configuration mistakes (policy, gateway config) stop with their message."""
    from genguard.gateway.config import load_config
    from genguard.govern.evidence import EvidenceContext, collect
    from genguard.guard import Guard
    from genguard.policy import load_policy
    from genguard.store import open_store

    # a broken policy is the user's mistake: report it, do not turn it into "missing". Built as the
    # guard builds it (pre-checks such as answer banks, detectors and their term banks), so a policy
    # the guard would refuse to load never gets a "met" from the pack
    Guard(load_policy(policy))
    if gateway_config is not None:
        load_config(gateway_config)
    return collect(EvidenceContext(store=open_store(db), policy_path=policy, gateway_config=gateway_config))


def _not_applicable(items: list[str]) -> dict[str, str]:
    out: dict[str, str] = {}
    from genguard.govern.tc260 import CLAUSE_IDS

    for item in items:
        cid, sep, reason = item.partition("=")
        if not sep or not cid.strip() or not reason.strip():
            raise InputError(f"--not-applicable expects CLAUSE=REASON (e.g. 7-c='internal tool, no public users'), got {item!r}")
        if cid.strip() not in CLAUSE_IDS:
            raise InputError(f"--not-applicable: unknown clause {cid.strip()!r} (clauses: {', '.join(CLAUSE_IDS)})")
        out[cid.strip()] = reason.strip()
    return out


@app.command("label")
def label(
    input: Path = typer.Option(..., "--input", "-i", help="food-label YAML written by the provider"),
    level: str = typer.Option("public", "--level", help="public or regulator"),
    lang: str = typer.Option("en", "--lang", help="zh or en"),
    format: Fmt = typer.Option(Fmt.html, "--format", "-f"),
    out: Path | None = typer.Option(None, "--out", "-o"),
    db: str | None = typer.Option(None, "--db", help="database URL (default: embedded SQLite)"),
    policy: str | None = typer.Option(None, "--policy"),
    gateway_config: str | None = GATEWAY_OPT,
) -> None:
    """Build the model food label from the YAML plus evidence the system holds."""
    from genguard.govern import render
    from genguard.govern.foodlabel import build_food_label, load_input

    if level not in ("public", "regulator"):
        raise InputError(f"--level must be 'public' or 'regulator', got {level!r}")
    _lang(lang)
    _out(out, format)
    inp = load_input(input)
    fl = build_food_label(inp, _evidence(db, policy, gateway_config), level=level, lang=lang)  # type: ignore[arg-type]
    text = {Fmt.html: render.food_label_html, Fmt.md: render.food_label_md, Fmt.json: render.to_json}[format](fl)
    _write(text, out)


@app.command("pack")
def pack(
    lang: str = typer.Option("en", "--lang"),
    format: Fmt = typer.Option(Fmt.html, "--format", "-f"),
    out: Path | None = typer.Option(None, "--out", "-o"),
    db: str | None = typer.Option(None, "--db"),
    policy: str | None = typer.Option(None, "--policy"),
    gateway_config: str | None = GATEWAY_OPT,
    not_applicable: list[str] = typer.Option([], "--not-applicable", help="CLAUSE=REASON, repeatable (e.g. 7-c='no public users')"),
) -> None:
    """TC260-003 checklist: each clause met / not met / missing evidence, with the evidence itself."""
    import json

    from genguard.govern import render
    from genguard.govern.tc260 import evaluate_pack

    _lang(lang)
    _out(out, format)
    na = _not_applicable(not_applicable)
    evidence = _evidence(db, policy, gateway_config)
    results = evaluate_pack(evidence, not_applicable=na)
    if format == Fmt.json:
        text = json.dumps({"clauses": [r.model_dump(mode="json") for r in results],
                           "evidence": {k: e.model_dump(mode="json") for k, e in evidence.items()}},
                          ensure_ascii=False, indent=2)
    elif format == Fmt.html:
        text = render.pack_html(results, lang, evidence)
    else:
        text = render.pack_md(results, lang, evidence)
    _write(text, out)
    counts = {v: sum(1 for r in results if r.verdict == v) for v in ("met", "not_met", "missing", "not_applicable")}
    err.print(" · ".join(f"{k} {n}" for k, n in counts.items()), highlight=False)


@app.command("gate")
def gate(
    config: Path = typer.Option(..., "--config", "-c", help="gates YAML"),
    sign_off: str = typer.Option("", "--sign-off", help="name of the person signing the decision off (records it)"),
    lang: str = typer.Option("en", "--lang"),
    format: Fmt = typer.Option(Fmt.md, "--format", "-f"),
    out: Path | None = typer.Option(None, "--out", "-o"),
    db: str | None = typer.Option(None, "--db"),
) -> None:
    """Evaluate gates on the latest assessment metrics: deploy or hold, with reasons. Exit 1 on hold."""
    _lang(lang)
    _out(out, format)
    from genguard.govern import render
    from genguard.govern.gates import evaluate_gates, load_gates
    from genguard.govern.metrics import StoreMetricsSource
    from genguard.govern.records import record_gate
    from genguard.store import open_store

    store = open_store(db)
    decision = evaluate_gates(load_gates(config), StoreMetricsSource(store), lang=lang)
    if sign_off:
        rid = record_gate(store, decision, sign_off)
        err.print(f"recorded decision #{rid} signed off by {sign_off}")
    text = {Fmt.html: lambda d: render.gate_html(d, lang), Fmt.md: lambda d: render.gate_md(d, lang),
            Fmt.json: render.to_json}[format](decision)
    _write(text, out)
    if decision.decision == "hold":
        raise typer.Exit(1)


@app.command("self-assess")
def self_assess(
    scores: Path = typer.Option(..., "--scores", help="YAML with date, assessor and scores per sub-practice"),
    lang: str = typer.Option("en", "--lang"),
    format: Fmt = typer.Option(Fmt.html, "--format", "-f"),
    out: Path | None = typer.Option(None, "--out", "-o"),
    db: str | None = typer.Option(None, "--db"),
    record: bool = typer.Option(True, "--record/--no-record", help="store it for comparison across dates"),
) -> None:
    """Score the 9 practices / 42 sub-practices (0/1/2); compare with earlier dates."""
    _lang(lang)
    _out(out, format)
    from genguard.govern import render
    from genguard.govern.records import record_self_assessment, self_assessments
    from genguard.govern.selfassess import load_scores, score
    from genguard.store import open_store

    sa = score(load_scores(scores))
    store = open_store(db)
    if record:
        record_self_assessment(store, sa)
    history = self_assessments(store)
    text = {Fmt.html: lambda s: render.self_html(s, lang, history), Fmt.md: lambda s: render.self_md(s, lang, history),
            Fmt.json: render.to_json}[format](sa)
    _write(text, out)


def _demo(out: Path) -> None:
    """Evidence pack, food label and gates over whatever the earlier demo steps recorded."""
    from importlib import resources

    from genguard.govern import render
    from genguard.govern.evidence import EvidenceContext, collect
    from genguard.govern.foodlabel import FoodLabelInput, build_food_label
    from genguard.govern.gates import evaluate_gates, load_gates
    from genguard.govern.metrics import StoreMetricsSource
    from genguard.govern.tc260 import evaluate_pack
    from genguard.store import open_store

    store = open_store()
    evidence = collect(EvidenceContext(store=store))
    results = evaluate_pack(evidence)
    folder = out / "govern"
    folder.mkdir(parents=True, exist_ok=True)
    for lang in ("zh", "en"):
        (folder / f"tc260-pack-{lang}.html").write_text(render.pack_html(results, lang, evidence), encoding="utf-8")
    inp = FoodLabelInput.model_validate({
        "model": "demo-chat", "version": "0.1", "provider": "genguard demo",
        "intended_use": {"zh": "演示用客服问答", "en": "Customer-service Q&A (demo)"},
        "training_infrastructure": {"gpu_hours": 120, "power_kw_per_gpu": 0.4, "pue": 1.3, "grid_kgco2_per_kwh": 0.58}})
    for lang in ("zh", "en"):
        fl = build_food_label(inp, evidence, level="public", lang=lang)
        (folder / f"food-label-{lang}.html").write_text(render.food_label_html(fl), encoding="utf-8")
    gates = load_gates(Path(str(resources.files("genguard.govern").joinpath("data/gates.example.yaml"))))
    decision = evaluate_gates(gates, StoreMetricsSource(store), lang="zh")
    (folder / "gate-zh.html").write_text(render.gate_html(decision, "zh"), encoding="utf-8")
    for r in results:
        console.print(f"{r.id:8} {r.verdict:14} {r.detail_for('en')[:110]}", highlight=False)
    console.print(f"gate decision on the example gates: {decision.decision}; governance documents in {folder}",
                  highlight=False)


DEMO_STEP = (95, "govern: TC260 evidence pack, food label, gates / 合规证据", _demo)
