"""Output registry table: fingerprints of generated outputs, never the outputs themselves.

SimHash is stored whole (signed 64-bit) and as four 16-bit bands, each indexed: any record
within Hamming distance 3 of a query shares at least one band with it (pigeonhole), so a
near-duplicate lookup reads a few index entries instead of scanning the table. Each band index
also holds the SimHash (covering index), so candidates are screened without touching the table.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, BigInteger, DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from genguard.store.db import Base


class RegistryOutput(Base):
    __tablename__ = "label_outputs"

    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    sha256: Mapped[str] = mapped_column(String(64), nullable=False)
    simhash: Mapped[int] = mapped_column(BigInteger, nullable=False)
    band0: Mapped[int] = mapped_column(Integer, nullable=False)
    band1: Mapped[int] = mapped_column(Integer, nullable=False)
    band2: Mapped[int] = mapped_column(Integer, nullable=False)
    band3: Mapped[int] = mapped_column(Integer, nullable=False)
    n_chars: Mapped[int] = mapped_column(Integer, nullable=False, default=0)
    producer: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    model: Mapped[str] = mapped_column(String(200), nullable=False, default="")
    produce_id: Mapped[str] = mapped_column(String(128), nullable=False, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), nullable=False)
    meta: Mapped[dict[str, Any]] = mapped_column(JSON, nullable=False, default=dict)

    __table_args__ = (
        Index("ix_label_outputs_sha256", "sha256"),
        Index("ix_label_outputs_band0", "band0", "simhash", "id"),
        Index("ix_label_outputs_band1", "band1", "simhash", "id"),
        Index("ix_label_outputs_band2", "band2", "simhash", "id"),
        Index("ix_label_outputs_band3", "band3", "simhash", "id"),
        Index("ix_label_outputs_produce_id", "produce_id"),
    )
