"""Tripwire events: a key reaching ``suspend`` or a spike of blocks in one category.

An event is a plain dict in the shape :func:`genguard.incidents.auto.open_from_tripwire` reads. It
goes to every hook on ``Gateway.tripwire_hooks``; the first one, :func:`incidents_hook`, opens
(once per event id) an incident record with the audit-log request ids of the requests that
tripped the wire attached as evidence.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections import defaultdict, deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from genguard.gateway.config import TripwireConfig
from genguard.incidents.auto import open_from_tripwire
from genguard.store import Store

log = logging.getLogger("genguard.gateway.tripwire")

TripwireHook = Callable[[dict[str, Any]], None]


def incidents_hook(store: Store) -> TripwireHook:
    """A hook that opens an incident record for each event (``genguard.incidents.auto``)."""

    def hook(event: dict[str, Any]) -> None:
        record, created = open_from_tripwire(store, event)
        log.warning("tripwire %s -> incident %s (%s)", event["type"], record.ref, "opened" if created else "already open")

    return hook


class SpikeDetector:
    """Counts blocks per category in a sliding window; reports a spike once per window, with the
    request ids (audit-log evidence) of the blocks inside the window."""

    def __init__(self, config: TripwireConfig) -> None:
        self.config = config
        self._seen: dict[str, deque[tuple[float, str]]] = defaultdict(deque)
        self._fired: dict[str, float] = {}

    def observe(self, category: str, request_id: str = "", now: float | None = None) -> list[str] | None:
        """Record one block; returns the window's request ids when this block completes a spike."""
        now = time.monotonic() if now is None else now
        q = self._seen[category]
        q.append((now, request_id))
        while q and now - q[0][0] > self.config.spike_window_s:
            q.popleft()
        if len(q) >= self.config.spike_count and now - self._fired.get(category, -1e18) > self.config.spike_window_s:
            self._fired[category] = now
            return list(dict.fromkeys(rid for _, rid in q if rid))
        return None


def make_event(kind: str, **detail: Any) -> dict[str, Any]:
    """A tripwire event in the shape ``genguard.incidents.auto.open_from_tripwire`` reads."""
    return {"event_id": f"tw-{uuid.uuid4().hex}", "type": kind, "source": "gateway",
            "at": datetime.now(UTC).isoformat(), **detail}
