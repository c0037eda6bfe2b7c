"""``genguard corpus``: training-corpus governance (source ledger, audit, clean, annotation QA)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import typer
from rich.console import Console
from rich.table import Table

from genguard.errors import InputError

app = typer.Typer(name="corpus", help="Training-corpus governance: source ledger, audit, cleaning, annotation QA. 训练语料治理。",
                  no_args_is_help=True)
sources_app = typer.Typer(name="sources", help="Source ledger: provenance, licence, blacklist. 语料来源台账。", no_args_is_help=True)
app.add_typer(sources_app, name="sources")
console = Console()
err = Console(stderr=True)

DB_OPT = typer.Option(None, "--db", help="database URL (default: $GENGUARD_DB_URL or the embedded SQLite)")


def _ledger(db: str | None) -> Any:
    from genguard.corpus.ledger import SourceLedger

    return SourceLedger(url=db)


@sources_app.command("add")
def sources_add(
    name: str = typer.Argument(..., help="source name (matches the source field / file stem in the corpus)"),
    origin: str = typer.Option("", "--origin", help="URL or path it was collected from"),
    licence: str = typer.Option("", "--licence", "--license", help="licence, e.g. CC-BY-4.0"),
    collected: str = typer.Option("", "--collected", help="collection date, YYYY-MM-DD"),
    owner: str = typer.Option("", "--owner", help="who is responsible for the source"),
    notes: str = typer.Option("", "--notes"),
    update: bool = typer.Option(False, "--update", help="change an existing source"),
    db: str | None = DB_OPT,
) -> None:
    """Register a corpus source in the ledger."""
    row = _ledger(db).add(name, origin=origin, licence=licence, collected_on=collected, owner=owner, notes=notes, update=update)
    console.print(f"source [bold]{row['name']}[/] {'updated' if update else 'added'}", highlight=False)


@sources_app.command("list")
def sources_list(as_json: bool = typer.Option(False, "--json"), db: str | None = DB_OPT) -> None:
    """List the ledger's sources with licence, blacklist state and last audit verdict."""
    rows = _ledger(db).list()
    if as_json:
        typer.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    table = Table(title="corpus sources / 语料来源")
    for col in ("name", "origin", "licence", "collected", "owner", "blacklisted", "last verdict"):
        table.add_column(col)
    for r in rows:
        bl = f"[red]yes[/]: {r['blacklist_reason']}" if r["blacklisted"] else "no"
        table.add_row(r["name"], r["origin"], r["licence"], r["collected_on"], r["owner"], bl, r["last_verdict"])
    console.print(table)


@sources_app.command("blacklist")
def sources_blacklist(
    name: str = typer.Argument(...), reason: str = typer.Option("", "--reason", help="why (required; kept in the ledger)"),
    create: bool = typer.Option(False, "--create", help="add the source if it is not in the ledger yet"),
    remove: bool = typer.Option(False, "--remove", help="take the source off the blacklist instead"),
    db: str | None = DB_OPT,
) -> None:
    """Put a source on (or with --remove take it off) the blacklist."""
    ledger = _ledger(db)
    if remove:
        row = ledger.unblacklist(name)
        console.print(f"source [bold]{row['name']}[/] removed from the blacklist", highlight=False)
        return
    row = ledger.blacklist(name, reason, create=create)
    console.print(f"source [bold]{row['name']}[/] blacklisted: {row['blacklist_reason']}", highlight=False)


@sources_app.command("export")
def sources_export(
    path: Path = typer.Argument(..., help="output file (.json or .csv)"),
    fmt: str | None = typer.Option(None, "--format", help="json or csv (default: from the suffix)"),
    db: str | None = DB_OPT,
) -> None:
    """Export the ledger (sources, licences, blacklist, last verdicts) as JSON or CSV."""
    n = _ledger(db).export(path, fmt)
    console.print(f"exported {n} sources -> {path}", highlight=False)


def _out_dir(out: Path) -> Path:
    """Create the output folder up front: an unwritable path is a one-line error, not a traceback."""

    try:
        out.mkdir(parents=True, exist_ok=True)
        probe = out / ".genguard-write-test"
        probe.write_bytes(b"")
        probe.unlink()
    except OSError as exc:
        raise InputError(f"output folder {out}: cannot write there ({exc.strerror or exc})") from None
    return out


def _reader(text_field: str, source_field: str | None, source: str | None, text_mode: str, fmt: str | None,
            encoding: str) -> Any:
    from genguard.corpus.readers import ReaderConfig

    if text_mode not in ("line", "file"):
        raise InputError("--text-mode must be 'line' or 'file'")
    if fmt is not None and fmt not in ("jsonl", "csv", "tsv", "parquet", "text"):
        raise InputError("--format must be one of jsonl, csv, tsv, parquet, text")
    return ReaderConfig(text_field=text_field, source_field=source_field, default_source=source,
                        text_mode=text_mode, format=fmt, encoding=encoding)


def _settings(policy: str | None, **overrides: Any) -> Any:
    from genguard.corpus.settings import CorpusSettings
    from genguard.corpus.tasks import guard_for

    g = guard_for(policy)
    return CorpusSettings.from_policy_extensions(g.policy.extensions, policy or "default policy").with_overrides(**overrides)


SHOWN = 5  # files named in a console summary line; the rest are counted


def _by_file(counts: dict[str, int]) -> str:
    """``file: n, ...`` for the first files, then how many more files and records there are,
    so a long list never reads as if those few files were all."""
    items = list(counts.items())
    text = ", ".join(f"{k}: {v:,}" for k, v in items[:SHOWN])
    rest = items[SHOWN:]
    if rest:
        text += f" ... and {len(rest):,} more files ({sum(v for _, v in rest):,} records)"
    return text


def _print_skipped(skipped: list[dict[str, str]], listed_in: Path) -> None:
    """Say which files under the inputs were not read (hidden, output folders, unknown type)."""
    if not skipped:
        return
    shown = ", ".join(f"{k['path']} ({k['reason']})" for k in skipped[:SHOWN])
    more = f" ... and {len(skipped) - SHOWN:,} more" if len(skipped) > SHOWN else ""
    what = "path" if len(skipped) == 1 else "paths"
    err.print(f"[yellow]{len(skipped):,} {what} under the inputs not read[/]: {shown}{more}; listed in {listed_in}",
              highlight=False)


TEXT_FIELD = typer.Option("text", "--text-field", help="JSON key / column with the document text")
SOURCE_FIELD = typer.Option(None, "--source-field", help="JSON key / column with the source name")
SOURCE = typer.Option(None, "--source", help="source name for every document (default: file name stem)")
TEXT_MODE = typer.Option("line", "--text-mode", help="plain text: 'line' (one doc per line) or 'file'")
FORMAT = typer.Option(None, "--format", help="force the input format: jsonl, csv, tsv, parquet, text")
ENCODING = typer.Option("utf-8", "--encoding", help="text encoding of the input files")
BACKEND = typer.Option("local", "--backend", help="local (processes) or ray (Ray Data, optional extra)")
WORKERS = typer.Option(1, "--workers", "-w", min=1, help="parallel workers")
POLICY = typer.Option(None, "--policy", "-p", help="policy YAML (default: shipped policy)")
RESUME = typer.Option(True, "--resume/--no-resume", help="reuse finished shards from an interrupted run")


@app.command("audit")
def audit(
    paths: list[str] = typer.Argument(..., help="files, directories or glob patterns"),
    out: Path = typer.Option(..., "--out", "-o", help="report folder"),
    text_field: str = TEXT_FIELD, source_field: str | None = SOURCE_FIELD, source: str | None = SOURCE,
    text_mode: str = TEXT_MODE, fmt: str | None = FORMAT, encoding: str = ENCODING,
    full: bool = typer.Option(False, "--full", help="scan every document instead of sampling"),
    sample: int | None = typer.Option(None, "--sample", help="items sampled per source (default 4000)"),
    technical_rate: float | None = typer.Option(None, "--technical-rate", help="machine-scanned share (default 0.10)"),
    harmful_max: float | None = typer.Option(None, "--harmful-max", help="blacklist above this harmful share (default 0.05)"),
    qualified_min: float | None = typer.Option(None, "--qualified-min", help="minimum qualified share (default 0.96)"),
    seed: int = typer.Option(0, "--seed", help="sampling seed (same seed -> same sample)"),
    backend: str = BACKEND, workers: int = WORKERS, policy: str | None = POLICY, resume: bool = RESUME,
    record: bool = typer.Option(True, "--record/--no-record", help="store verdicts in the ledger (blacklist verdicts blacklist)"),
    db: str | None = DB_OPT,
) -> None:
    """Audit a corpus per source: sample (or --full), scan with the Guard, verdict qualified/blacklist."""
    from genguard.corpus.audit import run_audit

    reader = _reader(text_field, source_field, source, text_mode, fmt, encoding)
    _out_dir(out)
    settings = _settings(policy, sample_size=sample, technical_rate=technical_rate, harmful_max=harmful_max,
                         qualified_min=qualified_min)
    report = run_audit(paths, out=out, reader=reader, settings=settings, policy=policy, seed=seed, full=full,
                       backend=backend, workers=workers, resume=resume)
    if record:
        ledger = _ledger(db)
        for s in report["sources"]:
            ledger.record_audit(report["run_id"], s)
    table = Table(title=f"corpus audit ({report['mode']}) / 语料评估")
    for col in ("source", "verdict", "docs", "sampled", "harmful", "qualified", "reasons"):
        table.add_column(col)
    colour = {"qualified": "green", "not_qualified": "yellow", "blacklist": "red"}
    for s in report["sources"]:
        table.add_row(s["source"], f"[{colour[s['verdict']]}]{s['verdict']}[/]", f"{s['total']:,}", f"{s['sampled']:,}",
                      f"{s['harmful_rate']:.2%}", f"{s['qualified_rate']:.2%}", "; ".join(s["reasons"]))
    console.print(table)
    if report["inputs"]["malformed"]:
        err.print(f"[yellow]{report['inputs']['malformed']:,} malformed records[/] (by file: "
                  f"{_by_file(report['malformed_by_file'])}); listed in {out / 'malformed.jsonl'}", highlight=False)
    _print_skipped(report["skipped_files"], out / "audit.json")
    console.print(f"reports: {out / 'audit.html'}, {out / 'audit.md'}, {out / 'audit.json'} "
                  f"({report['timing']['mb_per_s']} MB/s)", highlight=False)
    first = report["malformed"][0] if report["malformed"] else None
    _fail_if_nothing_read(paths, report["inputs"]["docs"], report["inputs"]["malformed"], first,
                          len(report["skipped_files"]), out / "malformed.jsonl")


@app.command("clean")
def clean(
    paths: list[str] = typer.Argument(..., help="files, directories or glob patterns"),
    out: Path = typer.Option(..., "--out", "-o", help="output folder (cleaned.jsonl, manifest.jsonl, reports)"),
    text_field: str = TEXT_FIELD, source_field: str | None = SOURCE_FIELD, source: str | None = SOURCE,
    text_mode: str = TEXT_MODE, fmt: str | None = FORMAT, encoding: str = ENCODING,
    eval_sets: list[str] = typer.Option([], "--eval", help="evaluation set file(s) to decontaminate against"),
    eval_field: str = typer.Option("text", "--eval-field", help="text field of the evaluation files"),
    eval_ngram: int | None = typer.Option(None, "--eval-ngram", help="token n-gram length for overlap (default 13)"),
    near_dup: float | None = typer.Option(None, "--near-dup-threshold", help="Jaccard threshold for near-duplicates (default 0.8)"),
    no_dedup: bool = typer.Option(False, "--no-dedup", help="skip exact/near-duplicate removal"),
    pii_operator: str | None = typer.Option(None, "--pii-operator", help="redaction operator for personal data (default: the policy's)"),
    drop_flagged: bool = typer.Option(False, "--drop-flagged", help="also drop documents the policy only flags"),
    respect_blacklist: bool = typer.Option(True, "--respect-blacklist/--ignore-blacklist", help="drop documents of blacklisted sources"),
    backend: str = BACKEND, workers: int = WORKERS, policy: str | None = POLICY, resume: bool = RESUME,
    db: str | None = DB_OPT,
) -> None:
    """Write a cleaned copy: drop harmful, de-identify PII, dedup, decontaminate; manifest of every change."""
    from genguard.corpus.clean import run_clean
    from genguard.findings import Action

    reader = _reader(text_field, source_field, source, text_mode, fmt, encoding)
    _out_dir(out)
    drop = [Action.FLAG, Action.REFUSE, Action.BLOCK] if drop_flagged else None
    settings = _settings(policy, eval_ngram=eval_ngram, near_dup_threshold=near_dup, pii_operator=pii_operator,
                         drop_actions=drop)
    if pii_operator:
        from genguard.redact import get_operator

        get_operator(pii_operator)
    ledger = _ledger(db)
    blacklisted = ledger.blacklisted() if respect_blacklist else set()
    summary = run_clean(paths, out=out, reader=reader, settings=settings, policy=policy, eval_paths=list(eval_sets),
                        eval_field=eval_field, backend=backend, workers=workers, resume=resume,
                        blacklisted=blacklisted, dedup=not no_dedup)
    c = summary["counts"]
    console.print(f"{c['records']:,} records -> {summary['output_docs']:,} kept ({c['redacted']:,} redacted), "
                  f"{c['dropped']:,} dropped, {c['skipped']:,} malformed; reasons: {summary['reasons']}", highlight=False)
    _warn_blacklisted(ledger, summary["by_source"], blacklisted, named=source is not None or source_field is not None)
    _print_skipped(summary["skipped_files"], out / "clean.json")
    bad_eval = summary["eval"]["malformed"]
    if bad_eval:
        e = bad_eval[0]
        err.print(f"[yellow]warning:[/] {len(bad_eval):,} malformed evaluation record(s) not used for decontamination "
                  f"(first: {e['file']}:{e['line']}: {e['problem']}); listed in {out / 'clean.json'}", highlight=False)
    console.print(f"output: {out / 'cleaned.jsonl'}, manifest: {out / 'manifest.jsonl'}, report: {out / 'clean.html'} "
                  f"({summary['timing']['mb_per_s']} MB/s)", highlight=False)
    _fail_if_nothing_read(paths, c["records"] - summary["malformed"], summary["malformed"],
                          _first_malformed(out / "manifest.jsonl") if summary["malformed"] else None,
                          len(summary["skipped_files"]), out / "manifest.jsonl")


def _first_malformed(manifest: Path) -> dict[str, Any] | None:
    """The first malformed record the manifest lists (file, line, problem), for the error line."""
    with manifest.open(encoding="utf-8") as fh:
        for line in fh:
            row = json.loads(line)
            if row.get("reason") == "malformed":
                return {"file": row["file"], "line": row["line"], "problem": row["detail"]["problem"]}
    return None


def _fail_if_nothing_read(paths: list[str], docs: int, malformed: int, first: dict[str, Any] | None, skipped: int,
                          listed_in: Path) -> None:
    """A run that read not one document, though the inputs held records or files (all malformed,
    e.g. GBK text read as UTF-8 or a wrong --text-field, or every file skipped), ends with an
    error and exit 2 after its reports are written: an empty table with exit 0 read as if the
    corpus had been checked. (Inputs with no records at all are an empty result, as for
    ``genguard check --file``.)"""
    if docs or not (malformed or skipped):
        return
    parts = []
    if malformed:
        eg = f" (first: {first['file']}:{first['line']}: {first['problem']})" if first else ""
        parts.append(f"{malformed:,} malformed record(s){eg}, listed in {listed_in}")
    if skipped:
        parts.append(f"{skipped:,} file(s) skipped")
    raise InputError(f"no document could be read from {', '.join(paths)}: {'; '.join(parts)}; "
                     "check --encoding, --format and --text-field / 未能读取任何文档")


def _warn_blacklisted(ledger: Any, by_source: dict[str, dict[str, int]], blacklisted: set[str], *, named: bool) -> None:
    """Say which blacklisted sources lost their documents, with the ledger's reason and origin.

    Why: a source is matched by name, and without --source / --source-field a file's name is its
    file name's stem, so an unrelated ``projB/train.jsonl`` matches the blacklisted ``train`` of an
    earlier ``projA/train.jsonl`` audit and all its documents are dropped (listed in the manifest,
    but easy to miss)."""
    hit = sorted(name for name in by_source if name.strip() in blacklisted)
    if not hit:
        return
    parts = []
    for name in hit:
        row = ledger.get(name.strip()) or {}
        origin = row.get("origin") or "not recorded"
        parts.append(f"{name} ({by_source[name]['records']:,} documents; {row.get('blacklist_reason') or 'no reason'}; "
                     f"origin {origin})")
    hint = "" if named else (" Source names default to each file name's stem, so a different dataset with the same "
                             "file name matches: name the sources with --source or --source-field, or pass "
                             "--ignore-blacklist.")
    console.print(f"[yellow]warning:[/] dropped as blacklisted in the ledger: {'; '.join(parts)}.{hint}",
                  highlight=False)


@app.command("annotate-qa")
def annotate_qa(
    paths: list[str] = typer.Argument(..., help="annotated JSONL file(s)"),
    out: Path = typer.Option(..., "--out", "-o"),
    kind: str = typer.Option("auto", "--kind", help="sft, preference or auto"),
    prompt_field: str = typer.Option("prompt", "--prompt-field"),
    response_field: str = typer.Option("response", "--response-field"),
    chosen_field: str = typer.Option("chosen", "--chosen-field"),
    rejected_field: str = typer.Option("rejected", "--rejected-field"),
    label_field: str = typer.Option("label", "--label-field"),
    sample: int = typer.Option(4000, "--sample", min=1), seed: int = typer.Option(0, "--seed"),
    policy: str | None = POLICY,
) -> None:
    """Sample annotated SFT/preference data; check answer safety and label consistency with the Guard."""
    from genguard.corpus.annotation import run_annotation_qa

    if kind not in ("auto", "sft", "preference"):
        raise InputError("--kind must be sft, preference or auto")
    _out_dir(out)
    r = run_annotation_qa(paths, out=out, kind=kind, prompt_field=prompt_field, response_field=response_field,
                          chosen_field=chosen_field, rejected_field=rejected_field, label_field=label_field,
                          sample=sample, seed=seed, policy=policy)
    table = Table(title=f"annotation QA ({r['kind']}, {r['sampled']:,} of {r['records']:,})")
    for col in ("check", "hits", "n", "rate"):
        table.add_column(col)
    for k, v in r["checks"].items():
        table.add_row(k, str(v["hits"]), str(v["n"]), f"{v['rate']:.2%}")
    console.print(table)
    if r["malformed"]:
        err.print(f"[yellow]{len(r['malformed'])} malformed records[/], e.g. "
                  f"{r['malformed'][0]['file']}:{r['malformed'][0]['line']}: {r['malformed'][0]['problem']}", highlight=False)
    _print_skipped(r["skipped_files"], out / "annotation_qa.json")
    console.print(f"report: {out / 'annotation_qa.html'}", highlight=False)


def _demo(out: Path) -> None:
    """Small mixed corpus (3 sources, one with planted harmful text), full audit, HTML report."""
    from genguard.corpus.audit import run_audit
    from genguard.corpus.demo_data import write_demo_corpus

    corpus = write_demo_corpus(out / "corpus-demo" / "data")
    report = run_audit([corpus], out=out / "corpus-demo" / "report", full=True, workers=1, resume=False,
                       show_progress=False)
    ledger = _ledger(None)  # recorded like `genguard corpus audit` does, so governance sees the audit
    for s in report["sources"]:
        ledger.record_audit(report["run_id"], s)
    table = Table(title="corpus audit / 语料评估 (demo)")
    for col in ("source", "verdict", "docs", "harmful", "reasons"):
        table.add_column(col)
    for s in report["sources"]:
        table.add_row(s["source"], s["verdict"], str(s["total"]), f"{s['harmful_rate']:.1%}", "; ".join(s["reasons"]))
    console.print(table)
    console.print(f"corpus audit report: {out / 'corpus-demo' / 'report' / 'audit.html'}", highlight=False)


DEMO_STEP = (50, "corpus audit", _demo)
