"""Store-level bookkeeping table (key/value facts about the database itself)."""

from __future__ import annotations

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from genguard.store.db import Base


class Meta(Base):
    __tablename__ = "genguard_meta"

    key: Mapped[str] = mapped_column(String(128), primary_key=True)
    value: Mapped[str] = mapped_column(Text, default="")
