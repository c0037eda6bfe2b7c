"""Decisions of chat messages the gateway has already checked, so a conversation's history is
checked once instead of on every turn.

OpenAI-style clients resend the whole conversation with each request, and the proxy checks every
user and tool message in it: without this, turn *n* re-runs the guard on *n* messages (a long
agent session re-checks every tool result it ever saw). Such messages are checked by the policy's
detectors alone (the answer bank only answers the question awaiting an answer, and its file can
change under a running gateway), which are deterministic for a given policy, text and message
role, so the earlier decision is reused. Entries are keyed by the guard
object (one per tier and strictness level, built once per gateway), the message's role/context
and the SHA-256 of the text (the texts themselves are not kept), bounded in number (LRU) and in
age (``ttl_s``: a detector that asks a remote guard model could answer differently later).
"""

from __future__ import annotations

import hashlib
import threading
import time
from collections import OrderedDict
from collections.abc import Hashable, Mapping
from typing import Any

from genguard.findings import Decision

CacheKey = tuple[int, str, Hashable, bytes]


class DecisionCache:
    """A bounded, thread-safe LRU of input decisions (the guard may run in the thread pool)."""

    def __init__(self, size: int, ttl_s: float) -> None:
        self.size = size
        self.ttl_s = ttl_s
        self._items: OrderedDict[CacheKey, tuple[float, Decision]] = OrderedDict()
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    @property
    def enabled(self) -> bool:
        return self.size > 0

    @staticmethod
    def key(guard: object, direction: str, text: str, context: Mapping[str, Any] | None) -> CacheKey | None:
        """The entry's key, or None when the context is not hashable (then nothing is cached)."""
        try:
            ctx_key: Hashable = tuple(sorted((context or {}).items()))
            hash(ctx_key)
        except TypeError:
            return None
        return (id(guard), direction, ctx_key, hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest())

    def get(self, key: CacheKey) -> Decision | None:
        now = time.monotonic()
        with self._lock:
            item = self._items.get(key)
            if item is None or now - item[0] > self.ttl_s:
                if item is not None:
                    del self._items[key]
                self.misses += 1
                return None
            self._items.move_to_end(key)
            self.hits += 1
        # a copy marked as reused: callers may attach request-specific data to what they get
        return item[1].model_copy(update={"metadata": {**item[1].metadata, "cached": True}, "timings_ms": {}})

    def put(self, key: CacheKey, decision: Decision) -> None:
        with self._lock:
            self._items[key] = (time.monotonic(), decision)
            self._items.move_to_end(key)
            while len(self._items) > self.size:
                self._items.popitem(last=False)

    def __len__(self) -> int:
        return len(self._items)
