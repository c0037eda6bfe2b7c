"""Assessment tables: runs, the items of a run (question x attack), and their results.

``(run_id, key)`` is unique for items and for results, so a resumed run can neither lose nor
duplicate work: it only executes items without a result row.
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


class AssessRun(Base):
    __tablename__ = "assess_runs"

    id: Mapped[str] = mapped_column(String(40), primary_key=True)
    name: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="created")  # created/running/interrupted/stopped/finished
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    config: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    summary: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)


class AssessItem(Base):
    __tablename__ = "assess_items"
    __table_args__ = (UniqueConstraint("run_id", "key", name="uq_assess_items_run_key"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(40), ForeignKey("assess_runs.id", ondelete="CASCADE"), index=True)
    key: Mapped[str] = mapped_column(String(200))
    ordinal: Mapped[int] = mapped_column(Integer)
    item_id: Mapped[str] = mapped_column(String(200))
    bank: Mapped[str] = mapped_column(String(40))
    risk: Mapped[str | None] = mapped_column(String(16), nullable=True)
    language: Mapped[str] = mapped_column(String(8))
    attack: Mapped[str] = mapped_column(String(100), default="none")
    expected: Mapped[str] = mapped_column(String(16))
    question: Mapped[str] = mapped_column(Text)
    turns: Mapped[list[str]] = mapped_column(JSON, default=list)


class AssessResult(Base):
    __tablename__ = "assess_results"
    __table_args__ = (
        UniqueConstraint("run_id", "key", name="uq_assess_results_run_key"),
        Index("ix_assess_results_run", "run_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(String(40), ForeignKey("assess_runs.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(String(200))
    answer: Mapped[str] = mapped_column(Text, default="")
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    refusal: Mapped[str | None] = mapped_column(String(20), nullable=True)
    harmful: Mapped[bool | None] = mapped_column(Boolean, nullable=True)
    passed: Mapped[bool] = mapped_column(Boolean, default=False)
    score: Mapped[float] = mapped_column(Float, default=0.0)
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    verdicts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    latency_ms: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
