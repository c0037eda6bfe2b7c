"""Incident registry views (``genguard.incidents``): counts, lists, one record, moves."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from genguard.incidents import deadlines as dl
from genguard.incidents import registry
from genguard.incidents.labels import Kind, Severity
from genguard.incidents.models import IncidentRecord
from genguard.incidents.state import CLOSED, Status, allowed_targets
from genguard.store import Store

KINDS = [k.value for k in Kind]
STATUSES = [s.value for s in Status]
SEVERITIES = [s.value for s in Severity]


def open_count(store: Store) -> int:
    q = select(func.count()).select_from(IncidentRecord).where(IncidentRecord.status.not_in([s.value for s in CLOSED]))
    with store.session() as s:
        return int(s.scalar(q) or 0)


def overdue(store: Store) -> list[dict[str, Any]]:
    """Every unmet, past-due deadline of an unfinished record, earliest due first."""
    return [{"ref": rec.ref, "title": rec.title, "kind": rec.kind, "severity": rec.severity, "status": rec.status,
             "owner": rec.owner, **d.as_dict()} for rec, d in dl.overdue(store)]


_LIST_COLS = (IncidentRecord.ref, IncidentRecord.title, IncidentRecord.kind, IncidentRecord.severity,
              IncidentRecord.status, IncidentRecord.owner, IncidentRecord.received_at)


def list_records(store: Store, *, kind: str | None = None, status: str | None = None, severity: str | None = None,
                 open_only: bool = False, limit: int = 200) -> list[dict[str, Any]]:
    """The list columns only (newest first, the registry's order): a list page needs no timelines,
    evidence or reporters, which loading whole records would fetch for every row."""
    q = select(*_LIST_COLS).order_by(IncidentRecord.received_at.desc(), IncidentRecord.id.desc()).limit(limit)
    if kind:
        q = q.where(IncidentRecord.kind == kind)
    if status:
        q = q.where(IncidentRecord.status == status)
    if severity:
        q = q.where(IncidentRecord.severity == severity)
    if open_only:
        q = q.where(IncidentRecord.status.not_in([s.value for s in CLOSED]))
    with store.engine.connect() as conn:
        return [dict(r._mapping) for r in conn.execute(q)]


def record(store: Store, ref: str) -> dict[str, Any]:
    """One record (reporter contact left out), its deadlines and the statuses it may move to.
    Raises :class:`~genguard.errors.InputError` for an unknown reference."""
    rec = registry.get(store, ref)
    d = registry.to_dict(rec, include_reporter=False)
    d["deadlines"] = [x.as_dict() for x in dl.deadlines_for(rec)]
    d["allowed_moves"] = [s.value for s in allowed_targets(rec.status)]
    return d


def move(store: Store, ref: str, to: str, *, actor: str, note: str = "") -> None:
    registry.move(store, ref, to, actor=actor, note=note)


def assign(store: Store, ref: str, owner: str, *, actor: str) -> None:
    registry.assign(store, ref, owner, actor=actor)


def report_html(store: Store, ref: str, lang: str) -> str:
    from genguard.incidents import export

    return export.to_html(registry.get(store, ref), lang=lang, redact=False)
