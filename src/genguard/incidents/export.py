"""Exports: JSON (lossless, re-importable), AIID-compatible CSV, Markdown and HTML reports.

Every rendering escapes user text for its format: HTML through Jinja2 autoescaping (no
user-controlled links), Markdown by escaping HTML and Markdown syntax, CSV by neutralising
spreadsheet formulas. ``redact=True`` produces a public summary in every format alike: each
renderer then renders :func:`genguard.incidents.redaction.public_record` (no reporter, owner,
actors, notes, internal evidence references or extras; personal data masked in the text).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from pydantic import ValidationError

from genguard.errors import InputError
from genguard.incidents.deadlines import Rules, deadlines_for
from genguard.incidents.labels import SeriousCriterion, event_text, label
from genguard.incidents.models import Evidence, IncidentRecord, Reporter, TimelineEvent
from genguard.incidents.redaction import public_record
from genguard.incidents.registry import aware, to_dict, utcnow
from genguard.incidents.schema import CONTROL_CHARS, ImportedRecord, validation_reasons
from genguard.report.markdown import md_escape
from genguard.store import Store

EXPORT_VERSION = 1
_MAX_PROBLEMS = 20  # bad records named in one import error; the rest are counted

# ---------------------------------------------------------------- JSON (lossless round trip)


def to_json(records: list[IncidentRecord], *, include_reporter: bool = False, redact: bool = False) -> str:
    """The export document; ``redact`` writes public records (see :func:`public_record`), which
    ``incidents import`` still accepts."""
    if redact:
        records, include_reporter = [public_record(r) for r in records], False
    return json.dumps(
        {"genguard_incidents": EXPORT_VERSION, "records": [to_dict(r, include_reporter=include_reporter) for r in records]},
        ensure_ascii=False, indent=2,
    )


def _record_row(r: ImportedRecord) -> IncidentRecord:
    rec = IncidentRecord(
        ref=r.ref, kind=r.kind.value, vuln_category=r.category.value if r.category else None, title=r.title,
        description=r.description, affected=r.affected, risk_codes=list(r.risk_codes), severity=r.severity.value,
        status=r.status.value, owner=r.owner, serious_criteria=[c.value for c in r.serious_criteria], channel=r.channel,
        source_event_id=r.source_event_id, language=r.language, extra=r.extra, received_at=r.received_at,
        aware_at=r.aware_at, updated_at=r.updated_at or r.received_at, closed_at=r.closed_at,
    )
    if r.reporter is not None:
        rec.reporter = Reporter(name=r.reporter.name, contact=r.reporter.contact, contact_hash=r.reporter.contact_hash,
                                consent_contact=r.reporter.consent_contact,
                                redacted_at=r.updated_at if r.reporter.redacted else None)
    for e in r.evidence:
        rec.evidence.append(Evidence(kind=e.kind, ref=e.ref, sha256=e.sha256, note=e.note, data=e.data,
                                     added_at=e.added_at, added_by=e.added_by))
    for ev in r.timeline:
        rec.events.append(TimelineEvent(at=ev.at, actor=ev.actor, kind=ev.kind, note=ev.note,
                                        from_status=ev.from_status.value if ev.from_status else None,
                                        to_status=ev.to_status.value if ev.to_status else None))
    return rec


def import_json(store: Store, text: str, *, where: str = "JSON export") -> list[str]:
    """Restore records from :func:`to_json` output (refs, timeline and evidence preserved).

    Every record is validated first with the rules of ``incidents new`` plus those of a stored
    record (real status, timeline states, timezones); if any record is bad nothing is imported and
    the error names each bad record and field, so a file can be fixed and imported again in one go.
    Records whose reference already exists are skipped, so importing twice is harmless.
    Returns the references imported.
    """
    from sqlalchemy import select

    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(f"{where}: not valid JSON: {exc}") from None
    if not isinstance(data, dict) or data.get("genguard_incidents") != EXPORT_VERSION or not isinstance(data.get("records"), list):
        raise InputError(f"{where}: not a genguard incidents export (version {EXPORT_VERSION})")
    valid: list[ImportedRecord] = []
    problems: list[str] = []
    for i, d in enumerate(data["records"]):
        name = f"records[{i}]" + (f" ({d['ref']})" if isinstance(d, dict) and isinstance(d.get("ref"), str) else "")
        if not isinstance(d, dict):
            problems.append(f"{name}: not a JSON object")
            continue
        try:
            valid.append(ImportedRecord.model_validate(d))
        except ValidationError as exc:
            problems.append(f"{name}: " + "; ".join(validation_reasons(exc)))
    if problems:
        shown = problems[:_MAX_PROBLEMS] + ([f"... and {len(problems) - _MAX_PROBLEMS} more bad record(s)"]
                                            if len(problems) > _MAX_PROBLEMS else [])
        raise InputError(f"{where}: {len(problems)} of {len(data['records'])} record(s) invalid, nothing imported: "
                         + " | ".join(shown))
    imported: list[str] = []
    with store.session() as sess:
        for r in valid:
            if sess.scalars(select(IncidentRecord.id).where(IncidentRecord.ref == r.ref)).first() is not None:
                continue
            sess.add(_record_row(r))
            imported.append(r.ref)
    return imported


# ---------------------------------------------------------------- CSV (AI Incident Database submission fields)

AIID_FIELDS = [
    "url", "source_domain", "title", "authors", "submitters", "incident_date", "date_published", "date_downloaded",
    "image_url", "text", "description", "language", "tags", "deployers", "developers", "harmed_parties",
    "implicated_systems", "editor_notes",
]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\uff1d", "\uff0b", "\uff0d", "\uff20")


def csv_guard(value: str) -> str:
    """Neutralise spreadsheet formula injection: a value that (after any leading quotes) starts with a
    formula trigger gets one more leading quote. Reversible by :func:`csv_unguard`."""
    if value.lstrip("'").startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_unguard(value: str) -> str:
    if value.startswith("'") and value.lstrip("'").startswith(_FORMULA_START):
        return value[1:]
    return value


def _tags(rec: IncidentRecord) -> list[str]:
    tags = [f"genguard:{rec.ref}", f"kind:{rec.kind}", f"severity:{rec.severity}", f"status:{rec.status}"]
    if rec.vuln_category:
        tags.append(f"category:{rec.vuln_category}")
    tags += [f"risk:{c}" for c in rec.risk_codes or []]
    return tags


def to_aiid_csv(records: list[IncidentRecord], *, redact: bool = True, now: datetime | None = None) -> str:
    """One row per record in the AIID submission field set; reporters appear as 'Anonymous'
    unless ``redact=False`` and the reporter gave a name."""
    from genguard.taxonomy import get_taxonomy

    now = now or utcnow()
    tax = get_taxonomy()
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=AIID_FIELDS, lineterminator="\n")
    w.writeheader()
    for rec in records:
        if redact:
            rec = public_record(rec)
        text = rec.description
        author = rec.reporter.name if (rec.reporter and rec.reporter.name) else "Anonymous"
        row = {
            "url": f"urn:genguard:{rec.ref}",
            "source_domain": "genguard",
            "title": rec.title,
            "authors": author,
            "submitters": "genguard",
            "incident_date": (aware(rec.aware_at) or aware(rec.received_at) or now).date().isoformat(),
            "date_published": (aware(rec.received_at) or now).date().isoformat(),
            "date_downloaded": now.date().isoformat(),
            "image_url": "",
            "text": text,
            "description": text[:500],
            "language": rec.language,
            "tags": ";".join(_tags(rec)),
            "deployers": "",
            "developers": "",
            "harmed_parties": "",
            "implicated_systems": rec.affected,
            "editor_notes": "; ".join(f"{c} {tax.name(c, 'en')}" for c in rec.risk_codes or [] if tax.has(c)),
        }
        w.writerow({k: csv_guard(str(v)) for k, v in row.items()})
    return buf.getvalue()


def read_aiid_csv(text: str) -> list[dict[str, Any]]:
    """Parse :func:`to_aiid_csv` output back (formula guards removed, tags split)."""
    rows = []
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames != AIID_FIELDS:
        raise InputError(f"CSV header does not match the AIID submission fields: {reader.fieldnames}")
    for row in reader:
        d: dict[str, Any] = {k: csv_unguard(v or "") for k, v in row.items()}
        d["tags"] = [t for t in d["tags"].split(";") if t]
        rows.append(d)
    return rows


# ---------------------------------------------------------------- Markdown and HTML reports

def report_view(rec: IncidentRecord, *, lang: str = "en", redact: bool = False, rules: Rules | None = None,
                now: datetime | None = None) -> dict[str, Any]:
    """Display strings for one record (shared by the Markdown and HTML renderers)."""
    from genguard.taxonomy import get_taxonomy

    tax = get_taxonomy()
    now = now or utcnow()
    if redact:
        rec = public_record(rec)

    def fmt(dt: datetime | None) -> str:
        d = aware(dt)
        return d.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC") if d else "-"

    fields = [
        (label("ref", lang), rec.ref),
        (label("kind", lang), label(rec.kind, lang)),
        (label("status", lang), label(rec.status, lang)),
        (label("severity", lang), label(rec.severity, lang)),
    ]
    if rec.vuln_category:
        fields.append((label("category", lang), label(rec.vuln_category, lang)))
    fields.append((label("affected", lang), rec.affected or "-"))
    fields.append((label("risk_codes", lang),
                   ", ".join(f"{c} {tax.name(c, lang)}" if tax.has(c) else c for c in rec.risk_codes or []) or "-"))
    fields.append((label("received_at", lang), fmt(rec.received_at)))
    fields.append((label("aware_at", lang), fmt(rec.aware_at)))
    if not redact:
        fields.append((label("owner", lang), rec.owner or "-"))
        if rec.reporter is None or (rec.reporter.name is None and rec.reporter.contact is None):
            rep = label("anonymous", lang) if rec.reporter is None else label("redacted", lang)
        else:
            rep = " / ".join(x for x in (rec.reporter.name, rec.reporter.contact) if x)
        fields.append((label("reporter", lang), rep))
    criteria = []
    if rec.kind == "incident":
        criteria = [(label(c.value, lang), c.value in (rec.serious_criteria or [])) for c in SeriousCriterion]
    deadlines = [
        {"label": d.rule.label(lang), "due": fmt(d.due), "met": fmt(d.met_at) if d.met_at else "",
         "state": label(d.state, lang), "state_key": d.state}
        for d in deadlines_for(rec, rules, now=now)
    ]
    evidence = []
    for e in rec.evidence:
        evidence.append({"kind": label(f"evidence_{e.kind}", lang), "ref": label("redacted", lang) if redact and e.kind != "file" else e.ref,
                         "sha256": e.sha256 or "", "note": e.note})
    timeline = []
    for ev in rec.events:
        what, note = event_text(ev.kind, ev.note, rec.channel, lang)
        if ev.kind == "transition":
            what = f"{label(ev.from_status or '', lang)} → {label(ev.to_status or '', lang)}"
        elif ev.kind == "created":
            what = label("received", lang)
        timeline.append({"at": fmt(ev.at), "actor": ev.actor, "what": what, "note": note})
    return {
        "lang": lang, "redact": redact, "ref": rec.ref, "title": rec.title, "description": rec.description,
        "fields": fields, "criteria": criteria, "deadlines": deadlines, "evidence": evidence, "timeline": timeline,
        "heading": label("public_summary" if redact else f"report_{rec.kind}", lang),
        "labels": {k: label(k, lang) for k in ("description", "serious_criteria", "deadlines", "evidence", "timeline",
                                                "due", "met", "status", "at", "actor", "event", "note", "none", "kind")},
        "generated": fmt(now),
    }


def terminal_safe(text: str) -> str:
    """Text as typed, for a terminal: no Markdown/HTML escaping (``a < b & c`` stays readable),
    only control and bidi-override characters removed so nothing stored can drive the terminal
    (the intake refuses them already; records from older versions or the database may not)."""
    return CONTROL_CHARS.sub("", text)


def to_text(rec: IncidentRecord, *, lang: str = "en", redact: bool = False, rules: Rules | None = None,
            now: datetime | None = None) -> str:
    """The Markdown report's layout for reading in a terminal (``incidents show``): the same
    sections and tables, user text shown as written instead of entity-escaped."""
    return to_markdown(rec, lang=lang, redact=redact, rules=rules, now=now, escape=terminal_safe)


def to_markdown(rec: IncidentRecord, *, lang: str = "en", redact: bool = False, rules: Rules | None = None,
                now: datetime | None = None, escape: Callable[[str], str] = md_escape) -> str:
    """The report as Markdown; every piece of text goes through ``escape`` (Markdown/HTML escaping
    for files a renderer will show; :func:`to_text` passes :func:`terminal_safe`)."""
    v = report_view(rec, lang=lang, redact=redact, rules=rules, now=now)
    L = v["labels"]
    e = escape
    out = [f"# {e(v['heading'])}: {e(v['title'])}", "", "| | |", "|---|---|"]
    out += [f"| {e(k)} | {e(val)} |" for k, val in v["fields"]]
    out += ["", f"## {e(L['description'])}", ""]
    out += [e(line) for line in (v["description"] or L["none"]).splitlines()] or [e(L["none"])]
    if v["criteria"]:
        out += ["", f"## {e(L['serious_criteria'])}", ""]
        out += [f"- [{'x' if checked else ' '}] {e(name)}" for name, checked in v["criteria"]]
    if v["deadlines"]:
        out += ["", f"## {e(L['deadlines'])}", "", f"| | {e(L['due'])} | {e(L['met'])} | {e(L['status'])} |", "|---|---|---|---|"]
        out += [f"| {e(d['label'])} | {e(d['due'])} | {e(d['met'] or '-')} | {e(d['state'])} |" for d in v["deadlines"]]
    out += ["", f"## {e(L['evidence'])}", ""]
    out += [f"- {e(x['kind'])}: {e(x['ref'])}" + (f" sha256:{x['sha256']}" if x["sha256"] else "")
            + (f" ({e(x['note'])})" if x["note"] else "") for x in v["evidence"]] or [e(L["none"])]
    out += ["", f"## {e(L['timeline'])}", "", f"| {e(L['at'])} | {e(L['actor'])} | {e(L['event'])} | {e(L['note'])} |",
            "|---|---|---|---|"]
    out += [f"| {e(t['at'])} | {e(t['actor'])} | {e(t['what'])} | {e(t['note']).replace(chr(10), ' ')} |" for t in v["timeline"]]
    out += ["", f"_genguard {e(v['generated'])}_", ""]
    return "\n".join(out)


def to_html(rec: IncidentRecord, *, lang: str = "en", redact: bool = False, rules: Rules | None = None,
            now: datetime | None = None) -> str:
    from genguard.report import render_html

    return render_html("incidents/report.html", v=report_view(rec, lang=lang, redact=redact, rules=rules, now=now), lang=lang)
