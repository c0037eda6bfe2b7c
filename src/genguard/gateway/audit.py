"""Audit log writer: rows are queued on the request path and written in batches by one thread.

Writing off the request path keeps the database out of the gateway's latency; ``close()`` drains
the queue before returning, so a clean shutdown never loses rows. The same thread runs other
background jobs (tripwire hooks) so they never block a request either.
"""

from __future__ import annotations

import hashlib
import logging
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert

from genguard.findings import Decision
from genguard.gateway.config import AuditConfig, RetentionConfig
from genguard.gateway.models import AuditRecord
from genguard.store import Store

log = logging.getLogger("genguard.gateway.audit")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def audit_row(
    *,
    request_id: str,
    key_id: str,
    route: str,
    decision: Decision,
    text: str,
    latency_ms: float,
    retention: RetentionConfig,
    model: str | None = None,
    status: int = 200,
    detail: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The row for one checked text; the text itself is kept only in ``full`` retention mode."""
    scores: dict[str, float] = {}
    for f in decision.findings:
        scores[f.category] = max(scores.get(f.category, 0.0), round(f.score, 4))
    return {
        "at": datetime.now(UTC),
        "request_id": request_id,
        "key_id": key_id,
        "route": route,
        "direction": decision.direction.value,
        "action": decision.action.value,
        "categories": decision.categories,
        "scores": scores,
        "latency_ms": round(latency_ms, 3),
        "model": model,
        "status": status,
        "text": text if retention.mode == "full" and retention.text_days > 0 else None,
        "text_sha256": sha256(text),
        "text_chars": len(text),
        "detail": {"policy": decision.policy, "language": decision.language, **(detail or {})},
    }


class AuditWriter:
    """Batched background writer for audit rows (and a runner for background jobs).

    The request path only appends to a deque (no lock hand-off, no thread wake-up per row); the
    writer thread wakes every ``flush_interval_s`` and writes everything queued in one executemany.
    Waking the writer per row would make it fight the event loop for the GIL on every request.
    """

    def __init__(self, store: Store, config: AuditConfig) -> None:
        self.store = store
        self.config = config
        self._q: deque[Any] = deque()
        self._wake = threading.Event()
        self._stop = False
        self._thread: threading.Thread | None = None
        self.written = 0
        self.failed = 0
        self._io = threading.Lock()  # one writer at a time (thread or inline drain)

    def start(self) -> None:
        if self._thread is None:
            self._stop = False
            self._thread = threading.Thread(target=self._run, name="genguard-audit", daemon=True)
            self._thread.start()

    @property
    def alive(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def submit(self, row: dict[str, Any]) -> None:
        if self.config.enabled:
            self._q.append(row)
            if len(self._q) >= self.config.batch_size * 4:
                self._wake.set()  # a backlog: do not wait for the interval

    def submit_job(self, fn: Callable[[], None]) -> None:
        """Run ``fn`` on the background thread (in order with audit rows)."""
        self._q.append(fn)
        self._wake.set()

    def flush(self, timeout: float = 10.0) -> None:
        """Block until everything queued so far is written (tests and shutdown use it)."""
        if not self.alive:
            self._drain()
            return
        done = threading.Event()
        self._q.append(done)
        self._wake.set()
        done.wait(timeout)

    def close(self) -> None:
        if self._thread is not None:
            self._stop = True
            self._wake.set()
            self._thread.join(timeout=30)
            self._thread = None
        self._drain()

    # -- internals -----------------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop:
            self._wake.wait(self.config.flush_interval_s)
            self._wake.clear()
            self._drain()
        self._drain()

    def _drain(self) -> None:
        with self._io:
            while self._q:
                items: list[Any] = []
                while self._q and len(items) < self.config.batch_size:
                    items.append(self._q.popleft())
                self._process(items)

    def _process(self, items: list[Any]) -> None:
        rows: list[dict[str, Any]] = []
        for item in items:
            if isinstance(item, dict):
                rows.append(item)
                continue
            self._write(rows)
            rows = []
            if isinstance(item, threading.Event):
                item.set()
            elif callable(item):
                try:
                    item()
                except Exception:
                    log.exception("background job failed")
        self._write(rows)

    def _write(self, rows: list[dict[str, Any]]) -> None:
        if not rows:
            return
        for attempt in range(3):
            try:
                with self.store.engine.begin() as conn:
                    conn.execute(insert(AuditRecord), rows)
                self.written += len(rows)
                return
            except Exception as exc:
                log.warning("audit write failed (attempt %d): %s", attempt + 1, exc)
                time.sleep(0.2 * (attempt + 1))
        self.failed += len(rows)
        log.error("dropped %d audit rows after 3 failed writes", len(rows))
