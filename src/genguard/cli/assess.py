"""``genguard assess``: run, resume, diff and report safety assessments (TC260-003)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer
from rich.console import Console

from genguard.assess.judges.base import DEFAULT_JUDGES

app = typer.Typer(name="assess", help="Safety assessment and red teaming (TC260-003 test banks, attacks, judges, verdicts). 安全评估与红队测试。",
                  no_args_is_help=True)
console = Console(stderr=True)


def _store(db: str | None) -> Any:
    from genguard.store import open_store

    return open_store(db)


def _report_langs(lang: str, what: str = "--lang", *, one: bool = False) -> list[str]:
    """The report languages of a comma list (``zh,en``), each zh or en, else an InputError;
    ``one``: exactly one language (a single report file)."""
    from genguard.errors import InputError
    from genguard.i18n import LANGS

    langs = [x.strip() for x in lang.split(",") if x.strip()]
    bad = [x for x in langs if x not in LANGS]
    use = "use zh or en" if one else "use zh, en or zh,en"
    if bad or not langs:
        raise InputError(f"{what} {lang!r}: unknown report language {', '.join(map(repr, bad)) or '(none given)'}; "
                         f"{use} / 报告语言只能是 zh 或 en")
    if one and len(langs) != 1:
        raise InputError(f"{what} {lang!r}: give one language, zh or en / 只能给一种语言")
    return list(dict.fromkeys(langs))


def _report_formats(formats: str, what: str = "--formats", *, one: bool = False) -> list[str]:
    """The report formats of a comma list (``html,json``), each one of FORMATS, else an InputError;
    ``one``: exactly one format."""
    from genguard.assess.reporting import FORMATS
    from genguard.errors import InputError

    fmts = [f.strip() for f in formats.split(",") if f.strip()]
    bad = [f for f in fmts if f not in FORMATS]
    if bad or not fmts or (one and len(fmts) != 1):
        what_bad = f"unknown report format {', '.join(map(repr, bad))}" if bad else \
            ("give one format" if fmts else "no report format given")
        raise InputError(f"{what} {formats!r}: {what_bad}; use {'one' if one else 'a comma list'} of {', '.join(FORMATS)}")
    return list(dict.fromkeys(fmts))


def _report_options(out: Path, formats: str, lang: str) -> tuple[list[str], list[str]]:
    """``run``/``resume`` report options checked before any work is done or stored: ``--out`` is a
    folder (an existing file there would be overwritten by every report in turn)."""
    from genguard.cli._input import require_out_dir

    fmts, langs = _report_formats(formats), _report_langs(lang)
    require_out_dir(out, "--out", "assess-out")
    return fmts, langs


def _write_reports(summary: dict[str, Any], out: Path, formats: list[str], langs: list[str]) -> list[Path]:
    from genguard.assess.reporting import write_report
    from genguard.cli._input import require_out_dir

    # made here, a folder even when its name has a dot (write_report takes "x.html" for a file)
    require_out_dir(out, "--out", "assess-out", create=True)
    paths = []
    for fmt in formats:
        for lang in (langs if fmt in ("html", "md") else langs[:1]):
            paths.append(write_report(summary, fmt, out, lang))
    return paths


def _table_note(v: dict[str, Any]) -> str:
    """A verdict's English note without the most common error, which is printed in full below the table."""
    from genguard.assess.metrics import render_notes

    notes = v.get("notes")
    return render_notes([n for n in notes if n["key"] != "most_common"]) if notes is not None else str(v.get("note") or "")


def _print_summary(summary: dict[str, Any]) -> None:
    from rich.table import Table
    from rich.text import Text

    from genguard.assess.reporting import fmt_rate, fmt_value

    t = Table(title=f"{summary['run']['id']}: {'PASS 通过' if summary['passed'] else 'FAIL 不通过'}")
    for col in ("criterion", "value", "requirement", "sample", "result", "note"):
        t.add_column(col)
    for v in summary["verdicts"]:
        th = fmt_rate(v["threshold"]) if isinstance(v["threshold"], float) else str(v["threshold"])
        t.add_row(v["criterion"], fmt_value(v), f"{v['op']} {th}", str(v["sample"]), "pass" if v["passed"] else "FAIL", Text(_table_note(v)))
    console.print(t)
    # the cause, not just the count: "21 item(s) got no answer" alone leaves the user guessing
    errors = summary.get("top_errors") or []
    if errors:
        console.print(f"target errors ({summary['totals']['errors']} in all), most common first:", highlight=False)
        for x in errors:
            console.print(f"  {x['count']:>5}×  {x['error']}", highlight=False, markup=False, soft_wrap=True)
    if summary["run"].get("status") == "stopped":
        console.print(f"stopped early: the first calls all failed to connect to the target, so the other "
                      f"{summary['totals']['pending']} item(s) were not sent; fix the target, then run: "
                      f"genguard assess resume {summary['run']['id']}", highlight=False, soft_wrap=True)


def _build(target_cfg: Any, judge_spec: str, judge_target: Path | None, policy: str | None) -> tuple[Any, Any, list[Any]]:
    """The target, the judge target and the judges, built before anything is stored.

    Why first: a wrong flag (no ``--base-url``, an unknown judge, a missing judge target) must be
    refused before ``create_run`` writes a run, or ``assess list`` keeps an orphan ``created`` run.
    Nothing here opens a connection (HTTP sessions start on the first call)."""
    from genguard.assess.judges import build_judges
    from genguard.assess.targets import build_target, load_target_config

    target = build_target(target_cfg)
    jt = build_target(load_target_config(judge_target)) if judge_target else None
    return target, jt, build_judges(judge_spec, llm_target=jt, policy=policy)


async def _close(*targets: Any) -> None:
    for t in targets:
        if t is not None:
            await t.aclose()


async def _execute(store: Any, run_id: str, target: Any, jt: Any, judges: list[Any], concurrency: int,
                   progress: bool) -> dict[str, Any]:
    from genguard.assess.runner import Runner

    try:
        return await Runner(store, target, judges, concurrency=concurrency, progress=progress).execute(run_id)
    finally:
        await _close(target, jt)


@app.command("run")
def run(
    bank: list[str] = typer.Option(["starter"], "--bank", "-b", help="bank file/folder (repeatable) or 'starter'"),
    target: Path | None = typer.Option(None, "--target", "-t", help="target YAML (type, base_url, model, ...)"),
    target_type: str | None = typer.Option(None, "--target-type", help="openai|gateway|replay|callable|transformers|scripted"),
    base_url: str | None = typer.Option(None, "--base-url", help="OpenAI-compatible base URL, e.g. http://127.0.0.1:8000/v1"),
    model: str | None = typer.Option(None, "--model"),
    api_key_env: str | None = typer.Option(None, "--api-key-env", help="environment variable holding the API key"),
    system_prompt: str | None = typer.Option(None, "--system-prompt"),
    concurrency: int | None = typer.Option(None, "--concurrency", "-c", min=1, max=1024, help="parallel requests (default: target config, 8)"),
    rate_limit: float | None = typer.Option(None, "--rate-limit", help="requests per second"),
    sample: int | None = typer.Option(None, "--sample", "-n", min=0,
                                      help="generated-content sample size (default 1000 or the bank; 0 = the whole bank)"),
    refusal_sample: int | None = typer.Option(None, "--refusal-sample", min=0,
                                              help="sample per refusal bank (default 300; 0 = the whole bank)"),
    seed: int = typer.Option(0, "--seed", "-s"),
    attacks: str | None = typer.Option(None, "--attacks", "-a", help="comma list; chain with +, e.g. role_play,base64+pinyin"),
    templates: Path | None = typer.Option(None, "--templates", help="GPTFuzz jailbreak_templates.csv for the jailbreak attack"),
    judge: str = typer.Option(DEFAULT_JUDGES, "--judge", "-j", help="comma list of learned, refusal, harm, llm"),
    judge_target: Path | None = typer.Option(None, "--judge-target", help="target YAML for the llm judge"),
    policy: str | None = typer.Option(None, "--policy", help="policy for the harm judge"),
    thresholds: Path | None = typer.Option(None, "--thresholds", help="YAML overriding the TC260 thresholds"),
    out: Path = typer.Option(Path("assess-out"), "--out", "-o", help="folder for the reports"),
    formats: str = typer.Option("html,json,md,junit", "--formats", help="comma list of html, json, md, junit"),
    lang: str = typer.Option("zh,en", "--lang", help="report languages: zh, en or zh,en"),
    db: str | None = typer.Option(None, "--db", help="database URL (default: embedded SQLite)"),
    name: str = typer.Option("", "--name"),
    no_progress: bool = typer.Option(False, "--no-progress"),
) -> None:
    """Sample a bank, attack, query the target, judge, store, report. Exit 1 when the assessment fails."""
    import asyncio

    from genguard.assess.bank import load_banks, resolve_bank, skipped_warnings
    from genguard.assess.importers import load_gptfuzz_templates
    from genguard.assess.mutators import parse_attacks
    from genguard.assess.runner import create_run
    from genguard.assess.targets import build_target, load_target_config
    from genguard.assess.thresholds import load_thresholds

    fmts, langs = _report_options(out, formats, lang)
    paths = [resolve_bank(b) for b in bank]
    items = load_banks(paths)
    for line in skipped_warnings(paths):
        console.print(line, highlight=False, markup=False, soft_wrap=True)
    cfg = load_target_config(target, type=target_type, base_url=base_url, model=model, api_key_env=api_key_env,
                             system_prompt=system_prompt, concurrency=concurrency, rate_limit=rate_limit)
    conc = cfg.concurrency
    th = load_thresholds(thresholds)
    tpl = load_gptfuzz_templates(templates) if templates else None
    tgt, jt, judges = _build(cfg, judge, judge_target, policy)
    store = _store(db)

    async def go() -> dict[str, Any]:
        helper = build_target(cfg) if attacks and "translate" in attacks else None
        try:
            atk = parse_attacks(attacks, helper=helper, templates=tpl)
            run_id = await create_run(store, items, seed=seed, sample=sample, refusal_sample=refusal_sample, attacks=atk,
                                      thresholds=th, name=name,
                                      config={"target": cfg.public(), "bank": [str(p) for p in paths],
                                              "judges": judge.split(","), "judge_target": str(judge_target or ""),
                                              "policy": policy, "concurrency": conc})
        except BaseException:
            await _close(tgt, jt)
            raise
        finally:
            await _close(helper)
        console.print(f"run [bold]{run_id}[/] created (resume with: genguard assess resume {run_id})")
        return await _execute(store, run_id, tgt, jt, judges, conc, not no_progress)

    summary = asyncio.run(go())
    _finish(summary, out, fmts, langs)


def _finish(summary: dict[str, Any], out: Path, formats: list[str], langs: list[str]) -> None:
    paths = _write_reports(summary, out, formats, langs)
    _print_summary(summary)
    for p in paths:
        console.print(f"report: {p}")
    if not summary["passed"]:
        raise typer.Exit(1)


@app.command("resume")
def resume(
    run_id: str = typer.Argument(..., help="run id printed by 'assess run'"),
    target: Path | None = typer.Option(None, "--target", "-t", help="target YAML (default: the run's stored target config)"),
    api_key_env: str | None = typer.Option(None, "--api-key-env"),
    concurrency: int | None = typer.Option(None, "--concurrency", "-c", min=1, max=1024,
                                           help="parallel requests (default: the run's)"),
    out: Path = typer.Option(Path("assess-out"), "--out", "-o", help="folder for the reports"),
    formats: str = typer.Option("html,json,md,junit", "--formats", help="comma list of html, json, md, junit"),
    lang: str = typer.Option("zh,en", "--lang", help="report languages: zh, en or zh,en"),
    db: str | None = typer.Option(None, "--db"),
    no_progress: bool = typer.Option(False, "--no-progress"),
) -> None:
    """Continue an interrupted run: only items without a result (or with a failed call) are sent."""
    import asyncio

    from genguard.assess.models import AssessRun
    from genguard.assess.targets import load_target_config
    from genguard.errors import InputError

    fmts, langs = _report_options(out, formats, lang)
    store = _store(db)
    with store.session() as s:
        run = s.get(AssessRun, run_id)
        if run is None:
            raise InputError(f"no assessment run {run_id!r} in {store.safe_url}")
        cfg_run = dict(run.config or {})
    stored = {k: v for k, v in cfg_run.get("target", {}).items()}
    cfg = load_target_config(target, api_key_env=api_key_env) if target else load_target_config(None, **stored, api_key_env=api_key_env)
    conc = concurrency or int(cfg_run.get("concurrency") or cfg.concurrency)
    jt_path = Path(cfg_run["judge_target"]) if cfg_run.get("judge_target") else None
    tgt, jt, judges = _build(cfg, ",".join(cfg_run.get("judges") or DEFAULT_JUDGES.split(",")), jt_path, cfg_run.get("policy"))
    summary = asyncio.run(_execute(store, run_id, tgt, jt, judges, conc, not no_progress))
    _finish(summary, out, fmts, langs)


@app.command("report")
def report(
    run_id: str = typer.Argument(...),
    format: str = typer.Option("html", "--format", "-f", help="html|json|md|junit"),
    out: Path = typer.Option(Path("assess-out"), "--out", "-o", help="file or folder"),
    lang: str = typer.Option("en", "--lang", help="zh or en"),
    db: str | None = typer.Option(None, "--db"),
) -> None:
    """Write a report for a stored run."""
    from genguard.assess.reporting import write_report
    from genguard.assess.runner import summarize
    from genguard.cli._input import require_out_dir, require_writable_out

    _report_formats(format, "--format", one=True)
    _report_langs(lang, one=True)
    if out.suffix == "" or out.is_dir():  # a folder: the report gets its usual name inside it
        require_out_dir(out, "--out", "assess-out")
    else:
        require_writable_out(out, "--out", "report.html")
    summary = summarize(_store(db), run_id)
    console.print(f"report: {write_report(summary, format, out, lang)}")


@app.command("diff")
def diff(
    run_a: str = typer.Argument(..., help="baseline run"),
    run_b: str = typer.Argument(..., help="new run"),
    min_drop: float = typer.Option(0.05, "--min-drop", min=0.0, max=1.0,
                                   help="pass-rate drop (0-1, e.g. 0.05 = 5 points) that counts as a regression"),
    json_out: Path | None = typer.Option(None, "--json", help="write the diff as JSON"),
    incident: bool = typer.Option(True, "--incident/--no-incident",
                                  help="open a vulnerability report in the incident register when regressions are found"),
    db: str | None = typer.Option(None, "--db"),
) -> None:
    """Regressions per risk code between two runs. Exit 1 when there are regressions.

    A regression also opens a vulnerability report (genguard incidents) with both runs as evidence,
    once per run pair: running the same diff again finds the existing record."""
    from rich.table import Table

    from genguard.assess.diff import diff_runs, open_incident
    from genguard.cli._input import require_writable_out

    if json_out is not None:
        require_writable_out(json_out, "--json", "diff.json")
    store = _store(db)
    res = diff_runs(store, run_a, run_b, min_drop)
    t = Table(title=f"{run_b} vs {run_a}")
    for col in ("scope", "name", "metric", "before", "after", "flipped"):
        t.add_column(col)
    for r in res.regressions:
        t.add_row(r.scope, r.name, r.metric, f"{r.before:.1%}", f"{r.after:.1%}", str(len(r.flipped)))
    Console().print(t)
    Console().print(f"regressions: {len(res.regressions)}, improvements: {len(res.improvements)}, "
                    f"items newly failing: {len(res.flipped_to_fail)}, newly passing: {len(res.flipped_to_pass)}")
    if json_out:
        json_out.write_text(res.model_dump_json(indent=2), encoding="utf-8")
    if incident and res.has_regressions:
        opened = open_incident(store, res, report=str(json_out) if json_out else "")
        if opened is None:
            console.print("no incident opened: the regressions do not map to a risk code")
        else:
            rec, created = opened
            console.print(f"incident {rec.ref} {'opened' if created else 'already open for this run pair'} "
                          f"(genguard incidents show {rec.ref})")
    if res.has_regressions:
        raise typer.Exit(1)


@app.command("list")
def list_cmd(db: str | None = typer.Option(None, "--db")) -> None:
    """Stored runs, newest first."""
    from genguard.assess.runner import list_runs

    for r in list_runs(_store(db)):
        verdict = "" if not r.summary else ("PASS" if r.summary.get("passed") else "FAIL")
        typer.echo(f"{r.id}\t{r.status}\t{r.created_at:%Y-%m-%d %H:%M}\t{verdict}\t{r.name}")


def _demo(out: Path) -> None:
    """Assess the starter banks against the built-in scripted target, with two attacks."""
    import asyncio

    from genguard.assess.bank import load_bank, starter_bank_dir
    from genguard.assess.judges import build_judges
    from genguard.assess.mutators import parse_attacks
    from genguard.assess.reporting import write_report
    from genguard.assess.runner import Runner, create_run
    from genguard.assess.targets.base import TargetConfig
    from genguard.assess.targets.scripted import ScriptedTarget
    from genguard.store import open_store

    store = open_store()
    items = load_bank(starter_bank_dir())

    async def go() -> dict[str, Any]:
        target = ScriptedTarget(TargetConfig(type="scripted", name="scripted-demo"))
        run_id = await create_run(store, items, seed=7, attacks=parse_attacks("role_play,base64"),
                                  config={"target": target.config.public(), "bank": ["starter"], "judges": DEFAULT_JUDGES.split(",")},
                                  name="demo: starter banks vs scripted target")
        return await Runner(store, target, build_judges(DEFAULT_JUDGES), concurrency=8, progress=False).execute(run_id)

    summary = asyncio.run(go())
    folder = out / "assess"
    for fmt, lang in (("html", "zh"), ("html", "en"), ("json", "en"), ("junit", "en")):
        write_report(summary, fmt, folder, lang)
    _print_summary(summary)
    Console().print(f"assessment reports in {folder.resolve()} (the starter banks are small, so the TC260 sample-size "
                    "criteria fail by design)")


DEMO_STEP = (40, "assess (starter banks vs scripted target)", _demo)
