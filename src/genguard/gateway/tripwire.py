"""Tripwire events: a key reaching ``suspend`` or a spike of blocks in one category.

An event is a plain dict. It goes to every hook in ``hooks`` and, when the incidents module is
installed, to ``genguard.incidents.auto`` (imported lazily) which opens an incident record.
"""

from __future__ import annotations

import importlib
import logging
import time
from collections import defaultdict, deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from genguard.gateway.config import TripwireConfig

log = logging.getLogger("genguard.gateway.tripwire")

TripwireHook = Callable[[dict[str, Any]], None]
_INCIDENT_FUNCS = ("open_from_tripwire", "open_from_event", "handle_tripwire", "handle_event")


def incidents_hook(event: dict[str, Any]) -> None:
    """Forward to the incidents module if present, else log the event."""
    try:
        auto = importlib.import_module("genguard.incidents.auto")
    except ImportError:
        log.warning("tripwire (no incidents module installed): %s", event)
        return
    for name in _INCIDENT_FUNCS:
        fn = getattr(auto, name, None)
        if callable(fn):
            fn(event)
            return
    log.warning("tripwire (genguard.incidents.auto has none of %s): %s", ", ".join(_INCIDENT_FUNCS), event)


class SpikeDetector:
    """Counts blocks per category in a sliding window; reports a spike once per window."""

    def __init__(self, config: TripwireConfig) -> None:
        self.config = config
        self._seen: dict[str, deque[float]] = defaultdict(deque)
        self._fired: dict[str, float] = {}

    def observe(self, category: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        q = self._seen[category]
        q.append(now)
        while q and now - q[0] > self.config.spike_window_s:
            q.popleft()
        if len(q) >= self.config.spike_count and now - self._fired.get(category, -1e18) > self.config.spike_window_s:
            self._fired[category] = now
            return True
        return False


def make_event(kind: str, **detail: Any) -> dict[str, Any]:
    return {"type": "tripwire", "kind": kind, "source": "gateway", "at": datetime.now(UTC).isoformat(), **detail}
