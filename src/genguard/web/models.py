"""Hourly rollup of the gateway's audit log, kept by the dashboard (see ``providers/rollup.py``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from genguard.store.db import Base


class TrafficHour(Base):
    """Texts per closed UTC hour and decision; ``code`` = '' counts all texts, otherwise the texts
    of that category (intervened texts carry categories)."""

    __tablename__ = "web_traffic_hourly"

    hour: Mapped[datetime] = mapped_column(DateTime(timezone=True), primary_key=True)
    action: Mapped[str] = mapped_column(String(16), primary_key=True)
    code: Mapped[str] = mapped_column(String(16), primary_key=True)
    n: Mapped[int] = mapped_column(Integer, nullable=False)
