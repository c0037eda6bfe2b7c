"""Prometheus metrics, one registry per app so several apps (tests) never collide."""

from __future__ import annotations

import os

from prometheus_client import REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.multiprocess import MultiProcessCollector

_BUCKETS = (0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.requests = Counter(
            "genguard_requests", "HTTP requests by route and status", ["route", "status"], registry=self.registry
        )
        self.decisions = Counter(
            "genguard_decisions", "Guard decisions by direction and action", ["direction", "action"], registry=self.registry
        )
        self.blocks = Counter(
            "genguard_blocks", "Refused/blocked texts by category and direction", ["category", "direction"],
            registry=self.registry,
        )
        self.latency = Histogram(
            "genguard_request_seconds", "Request latency by route", ["route"], buckets=_BUCKETS, registry=self.registry
        )
        self.guard_latency = Histogram(
            "genguard_guard_seconds", "Guard check latency by direction", ["direction"], buckets=_BUCKETS,
            registry=self.registry,
        )
        self.upstream_latency = Histogram(
            "genguard_upstream_seconds", "Upstream call latency", ["upstream"], buckets=_BUCKETS, registry=self.registry
        )
        self.upstream_errors = Counter(
            "genguard_upstream_errors", "Upstream failures by kind", ["upstream", "kind"], registry=self.registry
        )
        self.history_hits = Counter(
            "genguard_history_cache_hits", "Chat messages whose earlier input decision was reused (history resent "
            "by the client)", registry=self.registry,
        )
        self.ladder = Counter("genguard_ladder_actions", "Strike-ladder actions", ["action"], registry=self.registry)
        self.rate_limited = Counter("genguard_rate_limited", "Requests rejected by rate limit", ["tier"], registry=self.registry)

    def exposition(self) -> bytes:
        """The text exposition for ``/metrics``: this app's metrics plus the process-wide default
        registry, where other modules register theirs (the incidents module's open records and
        overdue deadlines, its intake counter) along with the process and GC metrics.

        Under ``serve --workers`` (prometheus_client's multi-process mode, PROMETHEUS_MULTIPROC_DIR
        set) every worker writes its counters and histograms to files and this sums them over all
        workers, so any worker answers for the whole gateway; the incident gauges are computed
        from the database at scrape time, so they are the same from any worker."""
        if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
            from genguard.incidents.metrics import COLLECTOR

            registry = CollectorRegistry()
            MultiProcessCollector(registry)
            registry.register(COLLECTOR)
            return generate_latest(registry)
        return generate_latest(self.registry) + generate_latest(REGISTRY)
