"""``genguard incidents``: complaints, vulnerability reports and incidents from the command line."""

from __future__ import annotations

import getpass
import json
from datetime import timedelta
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer
from rich.console import Console
from rich.table import Table

from genguard.cli._input import require_writable_out

if TYPE_CHECKING:
    from genguard.store import Store

app = typer.Typer(name="incidents", help="Complaints (投诉举报), vulnerability reports and incidents: intake, triage, deadlines, exports.",
                  no_args_is_help=True)
console = Console()

DB = typer.Option(None, "--db", help="database URL (default: $GENGUARD_DB_URL or the embedded SQLite)")


class OutFormat(StrEnum):
    table = "table"
    json = "json"


class ShowFormat(StrEnum):
    text = "text"
    md = "md"
    json = "json"
    html = "html"
    csv = "csv"


class ExportFormat(StrEnum):
    json = "json"
    csv = "csv"
    md = "md"
    html = "html"


def _store(db: str | None) -> Store:
    from genguard.store import open_store

    return open_store(db)


def _actor(actor: str | None) -> str:
    if actor:
        return actor
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "cli"


@app.command("new")
def new(
    kind: str = typer.Option(..., "--kind", "-k", help="complaint | vulnerability | incident"),
    title: str = typer.Option(..., "--title", "-t"),
    description: str = typer.Option("", "--description", "-d"),
    category: str | None = typer.Option(None, "--category", "-c", help="vulnerability category (jailbreak, prompt_injection, ...)"),
    severity: str = typer.Option("moderate", "--severity", "-s", help="low | moderate | important | critical"),
    risk: list[str] = typer.Option([], "--risk", "-r", help="risk code from `genguard taxonomy` (repeatable)"),
    affected: str = typer.Option("", "--affected", "-a", help="affected model or service"),
    serious: list[str] = typer.Option([], "--serious", help="EU AI Act criterion met (repeatable): death, serious_harm_to_health, "
                                      "critical_infrastructure_disruption, fundamental_rights_infringement, widespread_infringement, "
                                      "property_or_environment_damage"),
    reporter_name: str | None = typer.Option(None, "--reporter-name"),
    reporter_contact: str | None = typer.Option(None, "--reporter-contact"),
    evidence_file: list[Path] = typer.Option([], "--evidence-file", help="file to hash and link (repeatable)"),
    audit_id: list[str] = typer.Option([], "--audit-id", help="audit-log entry id (repeatable)"),
    run_id: list[str] = typer.Option([], "--run-id", help="assessment run id (repeatable)"),
    owner: str | None = typer.Option(None, "--owner"),
    aware_at: str | None = typer.Option(None, "--aware-at", help="when you became aware, ISO 8601 with timezone "
                                        "(2026-11-20T09:00:00+08:00); serious-incident clocks start here (default: now)"),
    lang: str = typer.Option("zh", "--lang", help="the record's language: zh or en"),
    actor: str | None = typer.Option(None, "--actor"),
    db: str | None = DB,
) -> None:
    """File a new record (status: received)."""
    from genguard.incidents import registry
    from genguard.incidents.labels import parse_lang
    from genguard.incidents.schema import parse_new_record

    lang = parse_lang(lang)
    evidence: list[dict[str, Any]] = [registry.file_evidence(p).model_dump() for p in evidence_file]
    evidence += [{"kind": "audit_log", "ref": a} for a in audit_id] + [{"kind": "assessment_run", "ref": r} for r in run_id]
    data: dict[str, Any] = {"kind": kind, "title": title, "description": description, "severity": severity, "risk_codes": risk,
                            "affected": affected, "serious_criteria": serious, "evidence": evidence, "language": lang, "owner": owner}
    if category:
        data["category"] = category
    if aware_at is not None:
        data["aware_at"] = aware_at
    if reporter_name or reporter_contact:
        data["reporter"] = {"name": reporter_name, "contact": reporter_contact}
    rec_in = parse_new_record(data, where="incidents new")
    store = _store(db)
    rec = registry.create(store, rec_in, actor=_actor(actor), channel="cli")
    registry.log_intake(store, channel="cli", outcome="accepted", record_ref=rec.ref)
    typer.echo(rec.ref)


@app.command("list")
def list_(
    kind: str | None = typer.Option(None, "--kind"),
    status: str | None = typer.Option(None, "--status"),
    severity: str | None = typer.Option(None, "--severity"),
    open_only: bool = typer.Option(False, "--open", help="only records not yet resolved / disclosed / rejected"),
    format: OutFormat = typer.Option(OutFormat.table, "--format", "-f"),
    lang: str = typer.Option("en", "--lang", help="zh or en (zh-CN, en-US also accepted)"),
    db: str | None = DB,
) -> None:
    """List records, newest first."""
    from genguard.errors import InputError
    from genguard.incidents import registry
    from genguard.incidents.labels import Kind, Severity, label, parse_lang
    from genguard.incidents.state import Status

    lang = parse_lang(lang)

    for opt, value, enum in (("--kind", kind, Kind), ("--status", status, Status), ("--severity", severity, Severity)):
        allowed = [e.value for e in enum]
        if value is not None and value not in allowed:
            raise InputError(f"incidents list: {opt} {value!r} is not one of {', '.join(allowed)}")
    recs = registry.list_records(_store(db), kind=kind, status=status, severity=severity, open_only=open_only)
    if format == OutFormat.json:
        typer.echo(json.dumps([registry.to_dict(r, include_reporter=False) for r in recs], ensure_ascii=False, indent=2))
        return
    table = Table(title=label("n_records", lang).format(n=len(recs)))
    table.add_column(label("ref", lang), no_wrap=True, min_width=21)
    for col in ("kind", "severity", "status", "owner_col", "title"):
        table.add_column(label(col, lang))
    for r in recs:
        table.add_row(r.ref, label(r.kind, lang), label(r.severity, lang), label(r.status, lang), r.owner or "-", r.title)
    console.print(table, highlight=False)


@app.command("show")
def show(
    ref: str = typer.Argument(...),
    format: ShowFormat = typer.Option(ShowFormat.text, "--format", "-f",
                                      help="text (terminal: the report as written), md (escaped Markdown), json, html, csv (AIID fields)"),
    lang: str = typer.Option("en", "--lang", help="zh or en (zh-CN, en-US also accepted)"),
    deadlines: Path | None = typer.Option(None, "--deadlines", help="deadline rules YAML"),
    db: str | None = DB,
) -> None:
    """Show one record with its deadlines and timeline."""
    from genguard.incidents import deadlines as dl
    from genguard.incidents import export, registry
    from genguard.incidents.labels import parse_lang

    lang = parse_lang(lang)
    rec = registry.get(_store(db), ref)
    rules = dl.load_rules(deadlines)
    if format == ShowFormat.json:
        d = registry.to_dict(rec)
        d["deadlines"] = [x.as_dict() for x in dl.deadlines_for(rec, rules)]
        typer.echo(json.dumps(d, ensure_ascii=False, indent=2))
    elif format == ShowFormat.html:
        typer.echo(export.to_html(rec, lang=lang, rules=rules))
    elif format == ShowFormat.csv:
        typer.echo(export.to_aiid_csv([rec], redact=False), nl=False)
    elif format == ShowFormat.md:
        typer.echo(export.to_markdown(rec, lang=lang, rules=rules))
    elif format == ShowFormat.text:
        typer.echo(export.to_text(rec, lang=lang, rules=rules))
    else:  # a format added to ExportFormat must be handled above, not fall back to another one
        raise AssertionError(f"unhandled format {format}")


@app.command("move")
def move(
    ref: str = typer.Argument(...),
    to: str = typer.Argument(..., help="received | triaged | mitigating | resolved | disclosed | rejected"),
    note: str = typer.Option("", "--note", "-n"),
    actor: str | None = typer.Option(None, "--actor"),
    db: str | None = DB,
) -> None:
    """Change a record's status (illegal transitions are refused and the allowed ones named)."""
    from genguard.incidents import registry

    rec = registry.move(_store(db), ref, to, actor=_actor(actor), note=note)
    typer.echo(f"{rec.ref}: {rec.status}")


@app.command("assign")
def assign(ref: str = typer.Argument(...), owner: str = typer.Argument(...), actor: str | None = typer.Option(None, "--actor"),
           db: str | None = DB) -> None:
    """Set a record's owner."""
    from genguard.incidents import registry

    rec = registry.assign(_store(db), ref, owner, actor=_actor(actor))
    typer.echo(f"{rec.ref}: owner {rec.owner}")


@app.command("redact-reporter")
def redact_reporter(ref: str = typer.Argument(...), actor: str | None = typer.Option(None, "--actor"), db: str | None = DB) -> None:
    """Erase a reporter's name and contact (a salted hash of the contact is kept)."""
    from genguard.incidents import registry

    rec = registry.redact_reporter(_store(db), ref, actor=_actor(actor))
    typer.echo(f"{rec.ref}: reporter redacted")


@app.command("export")
def export_(
    format: ExportFormat = typer.Option(ExportFormat.json, "--format", "-f", help="json | csv (AIID fields) | md | html"),
    out: Path | None = typer.Option(None, "--out", "-o", help="file to write (default: stdout)"),
    ref: list[str] = typer.Option([], "--ref", help="only these records (md/html need exactly one)"),
    redact: bool = typer.Option(False, "--redact/--no-redact", help="public summary (every format): no reporter, owner, actors, notes or internal refs; personal data masked"),
    lang: str = typer.Option("en", "--lang", help="zh or en (md/html; zh-CN, en-US also accepted)"),
    db: str | None = DB,
) -> None:
    """Export records: JSON (re-importable), AIID-compatible CSV, or a Markdown / HTML report."""
    from genguard.errors import InputError
    from genguard.incidents import export, registry
    from genguard.incidents.labels import parse_lang

    lang = parse_lang(lang)
    if out is not None:
        require_writable_out(out, "--out", f"incidents.{format.value}")
    store = _store(db)
    recs = [registry.get(store, r) for r in ref] if ref else registry.list_records(store, limit=1_000_000)
    if format == ExportFormat.json:
        text = export.to_json(recs, include_reporter=not redact, redact=redact)
    elif format == ExportFormat.csv:
        text = export.to_aiid_csv(recs, redact=redact)
    else:
        if len(ref) != 1:
            raise InputError(f"--format {format.value} renders one record: pass exactly one --ref")
        text = export.to_markdown(recs[0], lang=lang, redact=redact) if format == ExportFormat.md else \
            export.to_html(recs[0], lang=lang, redact=redact)
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        console.print(f"wrote {out}", highlight=False)


@app.command("import")
def import_(path: Path = typer.Argument(..., help="JSON written by `incidents export -f json`"), db: str | None = DB) -> None:
    """Import records from a JSON export (existing references are skipped)."""
    from genguard.errors import InputError
    from genguard.incidents import export

    try:
        text = path.read_text("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"{path}: cannot read: {exc}") from None
    refs = export.import_json(_store(db), text, where=str(path))
    typer.echo(f"imported {len(refs)} records")


def print_overdue(items: list[Any], lang: str = "en", title: str | None = None) -> None:
    from genguard.incidents.labels import label

    table = Table(title=f"{title or label('overdue_title', lang)}: {len(items)}")
    table.add_column(label("ref", lang), no_wrap=True, min_width=21)
    for col in ("kind", "severity", "status", "deadline", "due", "overdue_by"):
        table.add_column(label(col, lang))
    for rec, d in items:
        by = d.overdue_by
        table.add_row(rec.ref, label(rec.kind, lang), label(rec.severity, lang), label(rec.status, lang), d.rule.label(lang),
                      d.due.strftime("%Y-%m-%d %H:%M"), f"{by.days}d {by.seconds // 3600}h")
    console.print(table, highlight=False)


@app.command("overdue")
def overdue(
    format: OutFormat = typer.Option(OutFormat.table, "--format", "-f"),
    lang: str = typer.Option("en", "--lang", help="zh or en (zh-CN, en-US also accepted)"),
    deadlines: Path | None = typer.Option(None, "--deadlines", help="deadline rules YAML"),
    fail: bool = typer.Option(False, "--fail", help="exit with status 1 when anything is overdue (for cron / CI)"),
    db: str | None = DB,
) -> None:
    """List every overdue deadline (acknowledgement, response, 2/10/15-day EU AI Act serious incident, 90-day disclosure)."""
    from genguard.incidents import deadlines as dl
    from genguard.incidents.labels import parse_lang

    lang = parse_lang(lang)
    items = dl.overdue(_store(db), dl.load_rules(deadlines))
    if format == OutFormat.json:
        typer.echo(json.dumps([{"ref": r.ref, "kind": r.kind, "status": r.status, **d.as_dict()} for r, d in items],
                              ensure_ascii=False, indent=2))
    else:
        print_overdue(items, lang)
    if fail and items:
        raise typer.Exit(1)


@app.command("purge")
def purge(
    days: int | None = typer.Option(None, "--days", help="retention in days (default: $GENGUARD_INCIDENTS_RETENTION_DAYS or 183)"),
    allow_below_legal_minimum: bool = typer.Option(False, "--allow-below-legal-minimum",
                                                   help="explicit override: permit a retention below 6 months"),
    dry_run: bool = typer.Option(False, "--dry-run", help="count only"),
    db: str | None = DB,
) -> None:
    """Delete closed records and intake logs older than the retention period (never below 6 months by default)."""
    from genguard.incidents import retention

    res = retention.purge(_store(db), days=days, allow_below_minimum=allow_below_legal_minimum, dry_run=dry_run)
    verb = "would delete" if res.dry_run else "deleted"
    typer.echo(f"{verb} {res.records} records and {res.intake_logs} intake-log rows older than {res.retention_days} days")


def _demo(out: Path) -> None:
    """File a complaint and a vulnerability report, open one from a tripwire, move states, print overdue."""
    from genguard.incidents import auto, export, registry
    from genguard.incidents import deadlines as dl
    from genguard.incidents.schema import parse_new_record
    from genguard.store import open_store

    store = open_store()
    cmp_ = registry.create(store, parse_new_record({
        "kind": "complaint", "title": "回答中含有地域歧视内容", "description": "模型在回答招聘问题时贬低某地区的求职者。",
        "risk_codes": ["A2.4"], "severity": "moderate", "reporter": {"name": "张三", "contact": "zhangsan@example.com"}}), actor="demo")
    vul = registry.create(store, parse_new_record({
        "kind": "vulnerability", "category": "jailbreak", "title": "Role-play jailbreak bypasses refusal",
        "description": "A 'grandma' role-play prompt yields explosive instructions.", "risk_codes": ["S2", "A1.4"],
        "severity": "important", "language": "en"}), actor="demo")
    inc, _ = auto.open_from_tripwire(store, {"event_id": "demo-1", "type": "key_suspended", "key_id": "k_demo",
                                            "audit_ids": ["audit-1", "audit-2"], "service": "chat-demo"})
    registry.move(store, cmp_.ref, "triaged", actor="demo", note="acknowledged")
    registry.move(store, vul.ref, "triaged", actor="demo")
    registry.move(store, vul.ref, "mitigating", actor="demo", note="filter update in progress")
    for rec in registry.list_records(store):
        console.print(f"{rec.ref}  {rec.kind:13} {rec.status:10} {rec.title}", highlight=False)
    later = registry.utcnow() + timedelta(days=20)
    print_overdue(dl.overdue(store, clock=lambda: later), title="overdue 20 days from now (simulated clock)")
    folder = out / "incidents"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{vul.ref}.html").write_text(export.to_html(registry.get(store, vul.ref), lang="zh"), encoding="utf-8")
    (folder / f"{cmp_.ref}-public.md").write_text(export.to_markdown(registry.get(store, cmp_.ref), lang="zh", redact=True), "utf-8")
    (folder / "aiid.csv").write_text(export.to_aiid_csv(registry.list_records(store)), encoding="utf-8")
    console.print(f"incident reports in {folder}  ({inc.ref} opened from a simulated tripwire)", highlight=False)


DEMO_STEP = (90, "incidents / 投诉与事件", _demo)
