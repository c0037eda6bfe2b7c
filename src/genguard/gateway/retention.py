"""Retention purge: stored prompts/answers are reduced to their hash after ``text_days``; audit
rows are deleted after ``audit_days``. ``genguard serve`` runs it periodically, and
``genguard gateway purge`` runs it on demand."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import CursorResult, delete, update

from genguard.gateway.config import RetentionConfig
from genguard.gateway.models import AuditRecord
from genguard.store import Store


@dataclass
class PurgeResult:
    texts_cleared: int
    rows_deleted: int


def purge(store: Store, retention: RetentionConfig, *, now: datetime | None = None) -> PurgeResult:
    now = now or datetime.now(UTC)
    with store.session() as s:
        text_cutoff = now - timedelta(days=retention.text_days)
        cleared: CursorResult = s.execute(  # type: ignore[assignment]
            update(AuditRecord)
            .where(AuditRecord.at < text_cutoff, AuditRecord.text.is_not(None))
            .values(text=None)
        )
        deleted = 0
        if retention.audit_days is not None:
            row_cutoff = now - timedelta(days=retention.audit_days)
            res: CursorResult = s.execute(delete(AuditRecord).where(AuditRecord.at < row_cutoff))  # type: ignore[assignment]
            deleted = res.rowcount
    return PurgeResult(texts_cleared=int(cleared.rowcount or 0), rows_deleted=int(deleted or 0))
