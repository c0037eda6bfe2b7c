"""Retention: closed records and intake logs are kept at least six months, then may be purged.

China's network-product vulnerability rules require intake logs to be kept for at least six
months; genguard applies the same floor to closed records. A shorter period is refused unless
the caller passes an explicit override (for e.g. a court-ordered erasure), and open records are
never purged.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import delete, func, select

from genguard.errors import ConfigError
from genguard.incidents.models import IncidentRecord, IntakeLog
from genguard.incidents.registry import Clock, utcnow
from genguard.incidents.state import CLOSED
from genguard.store import Store

LEGAL_MINIMUM_DAYS = 183  # six months, rounded up
RETENTION_ENV = "GENGUARD_INCIDENTS_RETENTION_DAYS"


@dataclass(frozen=True)
class PurgeResult:
    records: int
    intake_logs: int
    retention_days: int
    dry_run: bool


def retention_days(days: int | None = None, *, allow_below_minimum: bool = False) -> int:
    """The retention period in days: ``days``, else $GENGUARD_INCIDENTS_RETENTION_DAYS, else the legal minimum."""
    if days is None:
        raw = os.environ.get(RETENTION_ENV)
        if raw:
            try:
                days = int(raw)
            except ValueError:
                raise ConfigError(f"${RETENTION_ENV}: not a whole number of days: {raw!r}") from None
        else:
            days = LEGAL_MINIMUM_DAYS
    if days < 0:
        raise ConfigError(f"retention period must not be negative (got {days} days)")
    if days < LEGAL_MINIMUM_DAYS and not allow_below_minimum:
        raise ConfigError(
            f"retention of {days} days is below the legal minimum of {LEGAL_MINIMUM_DAYS} days (6 months) for "
            "vulnerability intake logs and records; pass the explicit override (--allow-below-legal-minimum) "
            "only if you have a legal basis"
        )
    return days


def purge(store: Store, *, days: int | None = None, allow_below_minimum: bool = False, dry_run: bool = False,
          clock: Clock = utcnow) -> PurgeResult:
    """Delete closed records closed before the cut-off and intake-log rows older than it."""
    keep = retention_days(days, allow_below_minimum=allow_below_minimum)
    cutoff = clock() - timedelta(days=keep)
    rec_where = (IncidentRecord.status.in_([s.value for s in CLOSED]), IncidentRecord.closed_at.is_not(None),
                 IncidentRecord.closed_at < cutoff)
    log_where = (IntakeLog.at < cutoff,)
    with store.session() as sess:
        n_rec = sess.scalar(select(func.count()).select_from(IncidentRecord).where(*rec_where)) or 0
        n_log = sess.scalar(select(func.count()).select_from(IntakeLog).where(*log_where)) or 0
        if not dry_run:
            # ORM delete per record so reporter / evidence / events cascade on every backend
            for rec in sess.scalars(select(IncidentRecord).where(*rec_where)):
                sess.delete(rec)
            sess.execute(delete(IntakeLog).where(*log_where))
    return PurgeResult(records=int(n_rec), intake_logs=int(n_log), retention_days=keep, dry_run=dry_run)
