"""Vault table: one encrypted original per (session, placeholder).

Only ciphertext (Fernet) and a keyed lookup digest (HMAC-SHA256 of the value) are stored, so a
copy of the database without the vault key reveals neither the originals nor which sessions
share a value.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from genguard.store.db import Base, utcnow


class VaultEntry(Base):
    __tablename__ = "redact_vault_entries"
    __table_args__ = (
        UniqueConstraint("session", "placeholder", name="uq_vault_session_placeholder"),
        UniqueConstraint("session", "lookup", name="uq_vault_session_lookup"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    session: Mapped[str] = mapped_column(String(200), index=True)
    placeholder: Mapped[str] = mapped_column(String(100))
    entity: Mapped[str] = mapped_column(String(64))
    lookup: Mapped[str] = mapped_column(String(64), doc="HMAC-SHA256 hex of the original value")
    ciphertext: Mapped[str] = mapped_column(Text, doc="Fernet token of the original value")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
