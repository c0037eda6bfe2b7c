"""Where capability gates read metrics from.

``StoreMetricsSource`` answers from the latest finished assessment run in the database through
``genguard.assess.metrics_api`` (the assessment module owns the metric definitions: names,
scopes, which items count). A metric that the latest finished run did not measure is ``None``
(missing), which holds deployment. ``DictMetricsSource`` serves fixed values (imports from other
tools, tests).
"""

from __future__ import annotations

from genguard.store import Store


class DictMetricsSource:
    def __init__(self, values: dict[tuple[str, str], tuple[float, str]]) -> None:
        self.values = values

    def latest(self, name: str, scope: str) -> tuple[float, str] | None:
        return self.values.get((name, scope))


def check_metric(name: str, scope: str) -> str | None:
    """The problem with a metric reference in a gate file, or None when assess can compute it."""
    from genguard.assess.metrics_api import metric_problem

    return metric_problem(name, scope)


class StoreMetricsSource:
    def __init__(self, store: Store) -> None:
        self.store = store

    def latest(self, name: str, scope: str) -> tuple[float, str] | None:
        from genguard.assess.metrics_api import latest_metric

        return latest_metric(self.store, name, scope)
