"""Tripwire events: a key reaching ``suspend`` or a spike of blocks in one category.

An event is a plain dict. It goes to every hook in ``hooks`` and, when the incidents module is
installed, to ``genguard.incidents.auto`` (imported lazily) which opens an incident record.
"""

from __future__ import annotations

import importlib
import logging
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from genguard.gateway.config import TripwireConfig
from genguard.store import Store

log = logging.getLogger("genguard.gateway.tripwire")

TripwireHook = Callable[[dict[str, Any]], None]


def incidents_hook(store: Store) -> TripwireHook:
    """A hook that opens an incident record (``genguard.incidents.auto.open_from_tripwire``, imported
    lazily) for each event, or logs the event when the incidents module is not installed."""

    def hook(event: dict[str, Any]) -> None:
        try:
            auto = importlib.import_module("genguard.incidents.auto")
        except ImportError:
            log.warning("tripwire (no incidents module installed): %s", event)
            return
        record, created = auto.open_from_tripwire(store, event)
        log.warning("tripwire %s -> incident %s (%s)", event["type"], getattr(record, "id", "?"),
                    "opened" if created else "already open")

    return hook


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
    """A tripwire event in the shape ``genguard.incidents.auto.open_from_tripwire`` reads."""
    return {"event_id": f"tw-{uuid.uuid4().hex}", "type": kind, "source": "gateway",
            "at": datetime.now(UTC).isoformat(), **detail}
