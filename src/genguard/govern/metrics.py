"""Where capability gates read metrics from.

``StoreMetricsSource`` asks the assessment module for the latest run's metrics; until an
assessment has been recorded it answers ``None`` (missing), which holds deployment.
``DictMetricsSource`` serves fixed values (imports from other tools, tests).
"""

from __future__ import annotations

from genguard.store import Store


class DictMetricsSource:
    def __init__(self, values: dict[tuple[str, str], tuple[float, str]]) -> None:
        self.values = values

    def latest(self, name: str, scope: str) -> tuple[float, str] | None:
        return self.values.get((name, scope))


class StoreMetricsSource:
    def __init__(self, store: Store) -> None:
        self.store = store

    def latest(self, name: str, scope: str) -> tuple[float, str] | None:
        try:
            from genguard.assess import metrics_api  # type: ignore[attr-defined,unused-ignore]
        except ImportError:
            return None
        result: tuple[float, str] | None = metrics_api.latest_metric(self.store, name, scope)
        return result
