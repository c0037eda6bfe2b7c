"""Tables of the incident registry.

The reporter's contact lives in its own table so it can be redacted (erased, keeping only a
salted hash for de-duplication) without touching the record, and so exports leave it out
unless explicitly asked. Timeline events are append-only: every status transition, assignment,
note and evidence attachment is a row with who / when / what.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from genguard.store.db import Base, utcnow


class IncidentRecord(Base):
    """One complaint, vulnerability report or incident."""

    __tablename__ = "incidents_record"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    ref: Mapped[str] = mapped_column(String(32), unique=True, index=True)
    kind: Mapped[str] = mapped_column(String(16), index=True)
    vuln_category: Mapped[str | None] = mapped_column(String(32), nullable=True)
    title: Mapped[str] = mapped_column(String(300))
    description: Mapped[str] = mapped_column(Text, default="")
    affected: Mapped[str] = mapped_column(String(200), default="")
    risk_codes: Mapped[list[str]] = mapped_column(JSON, default=list)
    severity: Mapped[str] = mapped_column(String(16), index=True)
    status: Mapped[str] = mapped_column(String(16), index=True)
    owner: Mapped[str | None] = mapped_column(String(120), nullable=True)
    serious_criteria: Mapped[list[str]] = mapped_column(JSON, default=list)
    channel: Mapped[str] = mapped_column(String(16), default="cli")
    source_event_id: Mapped[str | None] = mapped_column(String(200), unique=True, nullable=True)
    language: Mapped[str] = mapped_column(String(8), default="zh")
    extra: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    aware_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    reporter: Mapped[Reporter | None] = relationship(
        back_populates="record", uselist=False, cascade="all, delete-orphan", lazy="selectin"
    )
    evidence: Mapped[list[Evidence]] = relationship(
        back_populates="record", cascade="all, delete-orphan", lazy="selectin", order_by="Evidence.id"
    )
    events: Mapped[list[TimelineEvent]] = relationship(
        back_populates="record", cascade="all, delete-orphan", lazy="selectin", order_by="TimelineEvent.id"
    )


class Reporter(Base):
    """Who reported (optional). ``contact_hash`` survives redaction so repeat reporters can be linked."""

    __tablename__ = "incidents_reporter"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("incidents_record.id", ondelete="CASCADE"), unique=True)
    name: Mapped[str | None] = mapped_column(String(120), nullable=True)
    contact: Mapped[str | None] = mapped_column(String(200), nullable=True)
    contact_hash: Mapped[str | None] = mapped_column(String(64), nullable=True, index=True)
    consent_contact: Mapped[bool] = mapped_column(default=False)
    redacted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    record: Mapped[IncidentRecord] = relationship(back_populates="reporter")


class Evidence(Base):
    """A link to an audit-log entry, an assessment run, or a file identified by its SHA-256."""

    __tablename__ = "incidents_evidence"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("incidents_record.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(16))  # audit_log | assessment_run | file | url
    ref: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str | None] = mapped_column(String(64), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    added_by: Mapped[str] = mapped_column(String(120), default="")

    record: Mapped[IncidentRecord] = relationship(back_populates="evidence")


class TimelineEvent(Base):
    """Append-only history: created, transition (from -> to), assigned, note, evidence, redacted."""

    __tablename__ = "incidents_event"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("incidents_record.id", ondelete="CASCADE"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    actor: Mapped[str] = mapped_column(String(120), default="")
    kind: Mapped[str] = mapped_column(String(16))
    from_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    to_status: Mapped[str | None] = mapped_column(String(16), nullable=True)
    note: Mapped[str] = mapped_column(Text, default="")

    record: Mapped[IncidentRecord] = relationship(back_populates="events")


class IntakeLog(Base):
    """Every submission attempt that reached intake (accepted or refused), kept >= 6 months.

    The client address is stored only as a salted hash: enough to see abuse patterns, not to
    identify a reporter.
    """

    __tablename__ = "incidents_intake_log"
    __table_args__ = (Index("ix_incidents_intake_at", "at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    channel: Mapped[str] = mapped_column(String(16))
    outcome: Mapped[str] = mapped_column(String(16))  # accepted | rejected
    record_ref: Mapped[str | None] = mapped_column(String(32), nullable=True)
    client_hash: Mapped[str | None] = mapped_column(String(64), nullable=True)
    reason: Mapped[str] = mapped_column(Text, default="")
