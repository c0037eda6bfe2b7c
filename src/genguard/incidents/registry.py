"""Create, find and change records; every change is written to the record's timeline.

All functions take the :class:`~genguard.store.Store` and an injectable ``clock`` so tests can
control time. Records come back detached but fully loaded (reporter, evidence, events).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from genguard.errors import InputError
from genguard.incidents.labels import Kind, Severity
from genguard.incidents.models import Evidence, IncidentRecord, IntakeLog, Reporter, TimelineEvent
from genguard.incidents.schema import EvidenceIn, NewRecord
from genguard.incidents.state import CLOSED, Status, check_transition
from genguard.store import Store, utcnow

Clock = Callable[[], datetime]

_PREFIX = {Kind.complaint: "CMP", Kind.vulnerability: "VUL", Kind.incident: "INC"}



def aware(dt: datetime | None) -> datetime | None:
    """SQLite hands timezone-aware columns back naive; everything here is UTC."""
    if dt is None:
        return None
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def _salt(sess: Session) -> str:
    """Per-database secret salt for contact / client hashes (created on first use)."""
    from genguard.store.meta import Meta

    row = sess.get(Meta, "incidents.salt")
    if row is None:
        row = Meta(key="incidents.salt", value=secrets.token_hex(16))
        sess.add(row)
        sess.flush()
    return row.value


def salted_hash(sess: Session, value: str) -> str:
    return hashlib.sha256((_salt(sess) + "\x00" + value.strip().lower()).encode("utf-8")).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def file_evidence(path: str | Path, note: str = "") -> EvidenceIn:
    """Evidence for a local file: its name, size and SHA-256 (the file itself is not copied)."""
    p = Path(path)
    if not p.is_file():
        raise InputError(f"evidence file {p} does not exist or is not a file")
    return EvidenceIn(kind="file", ref=p.name, sha256=sha256_file(p), note=note, data={"bytes": p.stat().st_size})


def _new_ref(kind: Kind, now: datetime) -> str:
    return f"{_PREFIX[kind]}-{now:%Y%m%d}-{secrets.token_hex(4)}"


def _load(sess: Session, ref: str) -> IncidentRecord:
    rec = sess.scalars(select(IncidentRecord).where(IncidentRecord.ref == ref)).first()
    if rec is None:
        raise InputError(f"no incident record with reference {ref!r}")
    return rec


def _event(rec: IncidentRecord, at: datetime, actor: str, kind: str, note: str = "",
           from_status: str | None = None, to_status: str | None = None) -> None:
    rec.events.append(TimelineEvent(at=at, actor=actor, kind=kind, note=note, from_status=from_status, to_status=to_status))
    rec.updated_at = at


def _add_evidence(sess: Session, rec: IncidentRecord, ev: EvidenceIn, actor: str, at: datetime) -> None:
    rec.evidence.append(Evidence(kind=ev.kind, ref=ev.ref, sha256=ev.sha256, note=ev.note, data=ev.data, added_at=at, added_by=actor))


def create(
    store: Store,
    new: NewRecord,
    *,
    actor: str = "cli",
    channel: str = "cli",
    source_event_id: str | None = None,
    extra: dict[str, Any] | None = None,
    clock: Clock = utcnow,
) -> IncidentRecord:
    """Store a new record in status ``received`` with a ``created`` timeline event."""
    now = clock()
    with store.session() as sess:
        rec = IncidentRecord(
            ref=_new_ref(new.kind, now),
            kind=new.kind.value,
            vuln_category=new.category.value if new.category else None,
            title=new.title,
            description=new.description,
            affected=new.affected,
            risk_codes=list(new.risk_codes),
            severity=new.severity.value,
            status=Status.received.value,
            owner=new.owner,
            serious_criteria=[c.value for c in new.serious_criteria],
            channel=channel,
            source_event_id=source_event_id,
            language=new.language,
            extra=extra or {},
            received_at=now,
            aware_at=new.aware_at,
            updated_at=now,
            evidence=[],  # initialised collections count as loaded, so the detached record stays readable
            events=[],
        )
        if new.reporter is not None and (new.reporter.name or new.reporter.contact):
            rec.reporter = Reporter(
                name=new.reporter.name,
                contact=new.reporter.contact,
                contact_hash=salted_hash(sess, new.reporter.contact) if new.reporter.contact else None,
                consent_contact=new.reporter.consent_contact,
            )
        else:
            rec.reporter = None  # marks the relationship loaded, so the detached record can be read
        _event(rec, now, actor, "created", note=f"via {channel}", to_status=Status.received.value)
        for ev in new.evidence:
            _add_evidence(sess, rec, ev, actor, now)
        sess.add(rec)
    return rec


def get(store: Store, ref: str) -> IncidentRecord:
    with store.session() as sess:
        return _load(sess, ref)


def find_by_source(store: Store, source_event_id: str) -> IncidentRecord | None:
    with store.session() as sess:
        return sess.scalars(select(IncidentRecord).where(IncidentRecord.source_event_id == source_event_id)).first()


def create_once(store: Store, new: NewRecord, *, source_event_id: str, **kw: Any) -> tuple[IncidentRecord, bool]:
    """Idempotent create keyed by ``source_event_id``: (record, created?). Safe under races."""
    existing = find_by_source(store, source_event_id)
    if existing is not None:
        return existing, False
    try:
        return create(store, new, source_event_id=source_event_id, **kw), True
    except IntegrityError:
        again = find_by_source(store, source_event_id)
        if again is None:
            raise
        return again, False


def list_records(
    store: Store,
    *,
    kind: str | None = None,
    status: str | None = None,
    severity: str | None = None,
    open_only: bool = False,
    limit: int = 1000,
) -> list[IncidentRecord]:
    q = select(IncidentRecord).order_by(IncidentRecord.received_at.desc(), IncidentRecord.id.desc()).limit(limit)
    if kind:
        q = q.where(IncidentRecord.kind == Kind(kind).value)
    if status:
        q = q.where(IncidentRecord.status == Status(status).value)
    if severity:
        q = q.where(IncidentRecord.severity == Severity(severity).value)
    if open_only:
        q = q.where(IncidentRecord.status.not_in([s.value for s in CLOSED]))
    with store.session() as sess:
        return list(sess.scalars(q))


def move(store: Store, ref: str, to: str, *, actor: str, note: str = "", clock: Clock = utcnow) -> IncidentRecord:
    """Apply a status transition (refused with a clear message when illegal) and record it."""
    now = clock()
    with store.session() as sess:
        rec = _load(sess, ref)
        dst = check_transition(rec.status, to, ref=ref)
        src = rec.status
        rec.status = dst.value
        rec.closed_at = now if dst in CLOSED else None
        _event(rec, now, actor, "transition", note=note, from_status=src, to_status=dst.value)
        return rec


def assign(store: Store, ref: str, owner: str, *, actor: str, clock: Clock = utcnow) -> IncidentRecord:
    owner = owner.strip()
    if not owner or len(owner) > 120:
        raise InputError("owner must be 1..120 characters")
    now = clock()
    with store.session() as sess:
        rec = _load(sess, ref)
        old = rec.owner
        rec.owner = owner
        _event(rec, now, actor, "assigned", note=f"{old or '-'} -> {owner}")
        return rec


def add_note(store: Store, ref: str, note: str, *, actor: str, clock: Clock = utcnow) -> IncidentRecord:
    now = clock()
    with store.session() as sess:
        rec = _load(sess, ref)
        _event(rec, now, actor, "note", note=note)
        return rec


def add_evidence(store: Store, ref: str, ev: EvidenceIn, *, actor: str, clock: Clock = utcnow) -> IncidentRecord:
    now = clock()
    with store.session() as sess:
        rec = _load(sess, ref)
        _add_evidence(sess, rec, ev, actor, now)
        _event(rec, now, actor, "evidence", note=f"{ev.kind}: {ev.ref}")
        return rec


def redact_reporter(store: Store, ref: str, *, actor: str, clock: Clock = utcnow) -> IncidentRecord:
    """Erase the reporter's name and contact, keeping only the salted contact hash."""
    now = clock()
    with store.session() as sess:
        rec = _load(sess, ref)
        if rec.reporter is not None:
            rec.reporter.name = None
            rec.reporter.contact = None
            rec.reporter.redacted_at = now
        _event(rec, now, actor, "redacted", note="reporter identity erased")
        return rec


def log_intake(
    store: Store, *, channel: str, outcome: str, record_ref: str | None = None,
    client: str | None = None, reason: str = "", clock: Clock = utcnow,
) -> None:
    with store.session() as sess:
        sess.add(IntakeLog(
            at=clock(), channel=channel, outcome=outcome, record_ref=record_ref,
            client_hash=salted_hash(sess, client) if client else None, reason=reason[:2000],
        ))


def intake_log(store: Store, limit: int = 1000) -> list[IntakeLog]:
    with store.session() as sess:
        return list(sess.scalars(select(IntakeLog).order_by(IntakeLog.id.desc()).limit(limit)))


def _iso(dt: datetime | None) -> str | None:
    d = aware(dt)
    return d.isoformat() if d else None


def to_dict(rec: IncidentRecord, *, include_reporter: bool = True) -> dict[str, Any]:
    """A JSON-ready view of a record (reporter identity only when ``include_reporter``)."""
    reporter: dict[str, Any] | None = None
    if rec.reporter is not None:
        reporter = {"contact_hash": rec.reporter.contact_hash, "redacted": rec.reporter.redacted_at is not None}
        if include_reporter:
            reporter.update(name=rec.reporter.name, contact=rec.reporter.contact, consent_contact=rec.reporter.consent_contact)
    return {
        "ref": rec.ref,
        "kind": rec.kind,
        "category": rec.vuln_category,
        "title": rec.title,
        "description": rec.description,
        "affected": rec.affected,
        "risk_codes": list(rec.risk_codes or []),
        "severity": rec.severity,
        "status": rec.status,
        "owner": rec.owner,
        "serious_criteria": list(rec.serious_criteria or []),
        "channel": rec.channel,
        "source_event_id": rec.source_event_id,
        "language": rec.language,
        "extra": dict(rec.extra or {}),
        "received_at": _iso(rec.received_at),
        "aware_at": _iso(rec.aware_at),
        "updated_at": _iso(rec.updated_at),
        "closed_at": _iso(rec.closed_at),
        "reporter": reporter,
        "evidence": [
            {"kind": e.kind, "ref": e.ref, "sha256": e.sha256, "note": e.note, "data": dict(e.data or {}),
             "added_at": _iso(e.added_at), "added_by": e.added_by}
            for e in rec.evidence
        ],
        "timeline": [
            {"at": _iso(ev.at), "actor": ev.actor, "kind": ev.kind, "from": ev.from_status, "to": ev.to_status, "note": ev.note}
            for ev in rec.events
        ],
    }
