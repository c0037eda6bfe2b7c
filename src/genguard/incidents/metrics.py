"""Prometheus collector: open records and overdue deadlines, computed at scrape time.

Registered once in the default ``prometheus_client`` registry (which the gateway's /metrics
serves). It reads the store it was bound to: the incidents router's lifespan binds
``app.state.store`` when the gateway starts; the CLI or other hosts call :func:`bind`.
"""

from __future__ import annotations

import threading
from collections import Counter as Tally
from collections.abc import Iterator
from typing import Any

from prometheus_client import REGISTRY, Counter
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector, CollectorRegistry

from genguard.incidents.registry import Clock, utcnow
from genguard.store import Store

INTAKE = Counter(
    "genguard_incidents_intake", "Public intake attempts by outcome (accepted, rejected, rate_limited, too_large)", ["outcome"]
)


class IncidentsCollector(Collector):
    def __init__(self) -> None:
        self.store: Store | None = None
        self.clock: Clock = utcnow

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from sqlalchemy import func, select
        from sqlalchemy.exc import SQLAlchemyError

        from genguard.incidents.deadlines import overdue
        from genguard.incidents.models import IncidentRecord
        from genguard.incidents.state import CLOSED

        open_g = GaugeMetricFamily("genguard_incidents_open", "Open incident records", labels=["kind", "severity", "status"])
        over_g = GaugeMetricFamily("genguard_incidents_overdue", "Overdue deadlines", labels=["kind", "rule"])
        oldest = GaugeMetricFamily("genguard_incidents_overdue_max_seconds", "Longest time a deadline is overdue", labels=[])
        store = self.store
        if store is not None:
            try:
                q = (
                    select(IncidentRecord.kind, IncidentRecord.severity, IncidentRecord.status, func.count())
                    .where(IncidentRecord.status.not_in([s.value for s in CLOSED]))
                    .group_by(IncidentRecord.kind, IncidentRecord.severity, IncidentRecord.status)
                )
                with store.session() as sess:
                    for kind, sev, status, n in sess.execute(q):
                        open_g.add_metric([kind, sev, status], float(n))
                items = overdue(store, clock=self.clock)
                tally = Tally((rec.kind, d.rule.name) for rec, d in items)
                for (kind, rule), n in sorted(tally.items()):
                    over_g.add_metric([kind, rule], float(n))
                oldest.add_metric([], max((d.overdue_by.total_seconds() for _, d in items), default=0.0))
            except SQLAlchemyError:
                pass  # an unmigrated or unreachable store shows as no samples, never breaks /metrics
        yield open_g
        yield over_g
        yield oldest


COLLECTOR = IncidentsCollector()
_lock = threading.Lock()
_registered: set[int] = set()


def register(registry: CollectorRegistry | Any = REGISTRY) -> None:
    """Register the collector in ``registry`` once (repeat calls are no-ops)."""
    with _lock:
        if id(registry) in _registered:
            return
        registry.register(COLLECTOR)
        _registered.add(id(registry))


def bind(store: Store, *, clock: Clock = utcnow, registry: CollectorRegistry | Any = REGISTRY) -> None:
    """Point the collector at ``store`` (and register it)."""
    COLLECTOR.store = store
    COLLECTOR.clock = clock
    register(registry)
