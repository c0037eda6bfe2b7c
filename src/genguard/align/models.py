"""Alignment tables: one job per assessment run, its candidate answers, and prompt variants.

``(run_id, key, sample)`` is unique for candidates and ``(candidate_id, attack)`` for variants,
so interrupted generation or diversification resumes without losing or duplicating work. The
run id and assessment item key are kept verbatim (not as foreign keys): exports must still
trace back to them even if an assessment run is later pruned.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from genguard.store.db import Base, utcnow


class AlignJob(Base):
    """Generation settings for one assessment run (reused when generation is resumed)."""

    __tablename__ = "align_jobs"

    run_id: Mapped[str] = mapped_column(String(40), primary_key=True)
    status: Mapped[str] = mapped_column(String(20), default="created")  # created/running/interrupted/finished
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AlignCandidate(Base):
    """One generated candidate answer for one failed assessment item, and its review."""

    __tablename__ = "align_candidates"
    __table_args__ = (
        UniqueConstraint("run_id", "key", "sample", name="uq_align_candidates_run_key_sample"),
        Index("ix_align_candidates_run_status", "run_id", "status"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(40))
    key: Mapped[str] = mapped_column(String(200))
    item_id: Mapped[str] = mapped_column(String(200))
    attack: Mapped[str] = mapped_column(String(100), default="none")
    bank: Mapped[str] = mapped_column(String(40))
    risk: Mapped[str | None] = mapped_column(String(16), nullable=True)
    language: Mapped[str] = mapped_column(String(8))
    expected: Mapped[str] = mapped_column(String(16))
    failure: Mapped[str] = mapped_column(String(20))  # harmful / missed_refusal / wrong_refusal
    question: Mapped[str] = mapped_column(Text)
    turns: Mapped[list[str]] = mapped_column(JSON, default=list)
    rejected: Mapped[str] = mapped_column(Text, default="")  # the failed answer from the run
    sample: Mapped[int] = mapped_column(Integer)
    candidate: Mapped[str] = mapped_column(Text, default="")
    generator: Mapped[str] = mapped_column(String(200), default="")
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    passed: Mapped[bool] = mapped_column(Boolean, default=False)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    verdicts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    rank: Mapped[int | None] = mapped_column(Integer, nullable=True)
    # generated -> (ranked) queued | not_queued -> accepted | rewritten | rejected
    status: Mapped[str] = mapped_column(String(16), default="generated")
    final: Mapped[str | None] = mapped_column(Text, nullable=True)
    reviewer: Mapped[str | None] = mapped_column(String(120), nullable=True)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    review_note: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class AlignVariant(Base):
    """A reviewed answer paired with a mutated (diversified) version of its prompt."""

    __tablename__ = "align_variants"
    __table_args__ = (UniqueConstraint("candidate_id", "attack", name="uq_align_variants_candidate_attack"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    candidate_id: Mapped[int] = mapped_column(Integer, ForeignKey("align_candidates.id", ondelete="CASCADE"), index=True)
    attack: Mapped[str] = mapped_column(String(100))
    turns: Mapped[list[str]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
