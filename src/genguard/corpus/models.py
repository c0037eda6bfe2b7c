"""Ledger tables: corpus sources (provenance, licence, blacklist) and their audit history."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, DateTime, Float, ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from genguard.store.db import Base, utcnow


class CorpusSource(Base):
    """One corpus source, traceable per TC260-003: where it came from, under which licence, who owns it."""

    __tablename__ = "corpus_sources"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(200), unique=True, nullable=False)
    origin: Mapped[str] = mapped_column(Text, default="")
    licence: Mapped[str] = mapped_column(String(200), default="")
    collected_on: Mapped[str] = mapped_column(String(32), default="", doc="ISO date of collection")
    owner: Mapped[str] = mapped_column(String(200), default="")
    notes: Mapped[str] = mapped_column(Text, default="")
    blacklisted: Mapped[bool] = mapped_column(Boolean, default=False, nullable=False)
    blacklist_reason: Mapped[str] = mapped_column(Text, default="")
    blacklisted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, onupdate=utcnow)

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name, "origin": self.origin, "licence": self.licence, "collected_on": self.collected_on,
            "owner": self.owner, "notes": self.notes, "blacklisted": self.blacklisted,
            "blacklist_reason": self.blacklist_reason,
            "blacklisted_at": self.blacklisted_at.isoformat() if self.blacklisted_at else "",
            "created_at": self.created_at.isoformat() if self.created_at else "",
            "updated_at": self.updated_at.isoformat() if self.updated_at else "",
        }


class CorpusAudit(Base):
    """One audit verdict for a source (kept as history, newest last)."""

    __tablename__ = "corpus_audits"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("corpus_sources.id", ondelete="CASCADE"), index=True)
    run_id: Mapped[str] = mapped_column(String(64), default="")
    verdict: Mapped[str] = mapped_column(String(32))
    sampled: Mapped[int] = mapped_column(Integer, default=0)
    total: Mapped[int] = mapped_column(Integer, default=0)
    harmful_rate: Mapped[float] = mapped_column(Float, default=0.0)
    qualified_rate: Mapped[float] = mapped_column(Float, default=1.0)
    summary: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
