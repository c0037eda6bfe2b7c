"""Gateway tables: API keys (hashed), key events (ladder actions, appeals) and the audit log."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, DateTime, Float, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from genguard.store.db import Base, utcnow


class ApiKey(Base):
    """An API key. Only the SHA-256 of the secret is stored; ``prefix`` helps people recognise it."""

    __tablename__ = "gateway_keys"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True, index=True)
    prefix: Mapped[str] = mapped_column(String(16), default="")
    name: Mapped[str] = mapped_column(String(200), default="")
    tier: Mapped[str] = mapped_column(String(64), default="standard")
    roles: Mapped[list[str]] = mapped_column(JSON, default=list)
    model_map: Mapped[dict[str, str]] = mapped_column(JSON, default=dict)
    status: Mapped[str] = mapped_column(String(16), default="active")  # active | suspended | revoked
    strikes: Mapped[int] = mapped_column(Integer, default=0)
    level: Mapped[str] = mapped_column(String(16), default="none")  # none | warn | throttle | stricter | suspend
    last_strike_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class KeyEvent(Base):
    """Every action on a key: created, strike, warn/throttle/stricter/suspend, appeal, reinstate, revoke."""

    __tablename__ = "gateway_key_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    key_id: Mapped[str] = mapped_column(String(64), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    event: Mapped[str] = mapped_column(String(32))
    actor: Mapped[str] = mapped_column(String(64), default="system")
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)


class AuditRecord(Base):
    """One checked text (a prompt or an answer) passing through the gateway."""

    __tablename__ = "gateway_audit"
    __table_args__ = (Index("ix_gateway_audit_at", "at"), Index("ix_gateway_audit_key", "key_id", "at"))

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    request_id: Mapped[str] = mapped_column(String(64))
    key_id: Mapped[str] = mapped_column(String(64), default="anonymous")
    route: Mapped[str] = mapped_column(String(64))
    direction: Mapped[str] = mapped_column(String(8))
    action: Mapped[str] = mapped_column(String(16))
    categories: Mapped[list[str]] = mapped_column(JSON, default=list)
    scores: Mapped[dict[str, float]] = mapped_column(JSON, default=dict)
    latency_ms: Mapped[float] = mapped_column(Float, default=0.0)
    model: Mapped[str | None] = mapped_column(String(200), nullable=True)
    status: Mapped[int] = mapped_column(Integer, default=200)
    text: Mapped[str | None] = mapped_column(Text, nullable=True)
    text_sha256: Mapped[str] = mapped_column(String(64), default="")
    text_chars: Mapped[int] = mapped_column(Integer, default=0)
    detail: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
