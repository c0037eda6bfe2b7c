"""Governance tables: recorded gate decisions (with sign-off) and dated self-assessments."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import JSON, Date, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from genguard.store.db import Base, utcnow


class GateDecisionRow(Base):
    __tablename__ = "govern_gate_decisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    decided_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    decision: Mapped[str] = mapped_column(String(16))
    continue_development: Mapped[bool] = mapped_column()
    signed_off_by: Mapped[str] = mapped_column(String(200), default="")
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)


class SelfAssessmentRow(Base):
    __tablename__ = "govern_self_assessments"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    assessed_on: Mapped[date] = mapped_column(Date, index=True)
    assessor: Mapped[str] = mapped_column(String(200), default="")
    total: Mapped[int] = mapped_column(Integer)
    max_total: Mapped[int] = mapped_column(Integer)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    recorded_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
