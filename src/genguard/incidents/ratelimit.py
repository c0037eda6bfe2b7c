"""Sliding-window rate limiter keyed by client address (in-process, thread-safe, bounded memory).

The public complaint form is anonymous, so the only handle on floods is the client address;
the window is per process, which is what a single gateway instance needs. Keys idle for a full
window are evicted so a spray of addresses cannot grow memory without bound.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable


class RateLimiter:
    def __init__(self, limit: int, window_s: float, *, clock: Callable[[], float] = time.monotonic, max_keys: int = 100_000) -> None:
        if limit < 1 or window_s <= 0:
            raise ValueError("rate limit needs limit >= 1 and window > 0")
        self.limit, self.window, self.clock, self.max_keys = limit, window_s, clock, max_keys
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> float:
        """Record an attempt; return 0 when allowed, else seconds until the next attempt is allowed."""
        now = self.clock()
        with self._lock:
            q = self._hits.get(key)
            if q is None:
                if len(self._hits) >= self.max_keys:
                    self._evict(now)
                q = self._hits[key] = deque()
            while q and q[0] <= now - self.window:
                q.popleft()
            if len(q) >= self.limit:
                return max(0.001, q[0] + self.window - now)
            q.append(now)
            return 0.0

    def _evict(self, now: float) -> None:
        for k in [k for k, q in self._hits.items() if not q or q[-1] <= now - self.window]:
            del self._hits[k]
        if len(self._hits) >= self.max_keys:  # still full of active keys: drop the oldest half
            for k in sorted(self._hits, key=lambda k: self._hits[k][-1])[: self.max_keys // 2]:
                del self._hits[k]
