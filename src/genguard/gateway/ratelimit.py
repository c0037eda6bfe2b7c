"""In-process token buckets, one per key (or per client address for anonymous calls)."""

from __future__ import annotations

import time


class TokenBuckets:
    """Not thread-safe on purpose: it is only touched from the event loop."""

    def __init__(self) -> None:
        self._b: dict[str, tuple[float, float]] = {}

    def take(self, ident: str, rate: float, burst: int) -> float:
        """Take one token; returns 0 if allowed, else seconds until a token is available."""
        now = time.monotonic()
        tokens, last = self._b.get(ident, (float(burst), now))
        tokens = min(float(burst), tokens + (now - last) * rate)
        if tokens >= 1.0:
            self._b[ident] = (tokens - 1.0, now)
            return 0.0
        self._b[ident] = (tokens, now)
        return (1.0 - tokens) / rate
