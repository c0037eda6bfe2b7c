"""The answer bank: load, match, hot-reload, and record hits.

Reload is lock-free for readers: a new index is built off to the side and swapped in with one
attribute assignment, so lookups running during a reload see either the old or the new bank,
never a half-built one, and no request is lost.
"""

from __future__ import annotations

import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from genguard.answers.loader import load_entries
from genguard.answers.matcher import Candidate, QuestionIndex, canonical
from genguard.answers.model import AnswerEntry
from genguard.errors import ConfigError
from genguard.text.normalize import NormalizedText


@dataclass(frozen=True)
class Match:
    entry: AnswerEntry
    kind: str
    score: float
    matched: str

    def as_dict(self) -> dict[str, Any]:
        return {"entry_id": self.entry.id, "match": self.kind, "score": round(self.score, 4),
                "matched": self.matched, "risk": self.entry.risk, "owner": self.entry.owner}


@dataclass
class _Snapshot:
    index: QuestionIndex
    mtimes: dict[str, tuple[int, int]]
    loaded_at: float
    embedding: Any = None


Clock = Callable[[], datetime]


@dataclass
class HitRecord:
    at: datetime
    entry_id: str
    kind: str
    score: float


class AnswerBank:
    def __init__(
        self,
        paths: Sequence[str | Path] | None = None,
        *,
        entries: Sequence[AnswerEntry] | None = None,
        fuzzy_threshold: float = 0.88,
        reload_interval: float = 1.0,
        clock: Clock | None = None,
        embedder: Any = None,
        embedding_threshold: float = 0.9,
    ) -> None:
        if not 0 < fuzzy_threshold <= 1:
            raise ConfigError(f"answer bank: fuzzy_threshold must be in (0, 1], got {fuzzy_threshold}")
        self.paths = [Path(p) for p in paths or []]
        self._static = list(entries or [])
        self.fuzzy_threshold = fuzzy_threshold
        self.reload_interval = reload_interval
        self.clock: Clock = clock or (lambda: datetime.now(UTC))
        self.embedder = embedder
        self.embedding_threshold = embedding_threshold
        self._lock = threading.Lock()
        self._last_stat = time.monotonic()
        self.hits: deque[HitRecord] = deque(maxlen=10_000)
        self.on_hit: list[Callable[[Match, str], None]] = []
        self.reload_errors: list[str] = []
        self._snap = self._build()
        self._seen_mtimes = self._snap.mtimes

    # -- loading --------------------------------------------------------------------------
    def _mtimes(self) -> dict[str, tuple[int, int]]:
        """File signatures: (mtime, size). The size matters for in-place edits: truncation and
        the write that follows can share one coarse mtime tick, and a reload that caught the
        empty file must not make the finished write look already seen."""
        out: dict[str, tuple[int, int]] = {}
        for p in self.paths:
            try:
                st = p.stat()
                out[str(p)] = (st.st_mtime_ns, st.st_size)
            except FileNotFoundError:
                out[str(p)] = (-1, -1)
        return out

    def _build(self) -> _Snapshot:
        entries = list(self._static)
        mtimes = self._mtimes()
        for p in self.paths:
            entries.extend(load_entries(p))
        counts = Counter(e.id for e in entries)
        dupes = sorted(i for i, c in counts.items() if c > 1)
        if dupes:
            raise ConfigError(f"answer bank: duplicate entry ids across files: {', '.join(dupes)}")
        snap = _Snapshot(QuestionIndex(entries), mtimes, time.time())
        if self.embedder is not None:
            snap.embedding = self.embedder.build(entries)
        return snap

    def reload(self) -> bool:
        """Rebuild from the files now. A broken edit keeps the previous bank and is reported."""
        with self._lock:
            try:
                snap = self._build()
            except ConfigError as exc:
                self.reload_errors.append(str(exc))
                return False
            self._snap = snap
            return True

    def _maybe_reload(self) -> None:
        if not self.paths or self.reload_interval < 0:
            return
        now = time.monotonic()
        if now - self._last_stat < self.reload_interval:
            return
        self._last_stat = now
        current = self._mtimes()
        if current != self._seen_mtimes and not self._lock.locked():
            # a failed reload records its error and keeps serving the old snapshot; the same
            # broken file version is not retried on every request
            self._seen_mtimes = current
            self.reload()

    @property
    def entries(self) -> list[AnswerEntry]:
        return self._snap.index.entries

    # -- matching ---------------------------------------------------------------------------
    def match(self, text: str, *, language: str | None = None, normalized: NormalizedText | None = None) -> Match | None:
        """Best active entry for ``text`` (``normalized``: its normalisation, when already computed)."""
        self._maybe_reload()
        snap = self._snap
        now = self.clock()
        query = canonical(text, normalized)
        if not query:
            return None
        found: list[Candidate] = []
        for entry, q in snap.index.exact(query):
            found.append(Candidate(entry, "exact", 1.0, q))
        if not found:
            for entry, q, score in snap.index.fuzzy(query, self.fuzzy_threshold):
                found.append(Candidate(entry, "fuzzy", score, q))
        if not found and snap.embedding is not None:
            for entry, q, score in snap.embedding.search(text, self.embedding_threshold):
                found.append(Candidate(entry, "embedding", score, q))
        for c in found:
            if c.entry.active(now) and (language is None or c.entry.language == language):
                return Match(c.entry, c.kind, c.score, c.matched)
        # a language mismatch still beats no answer when the question itself matched
        for c in found:
            if c.entry.active(now):
                return Match(c.entry, c.kind, c.score, c.matched)
        return None

    def record_hit(self, match: Match, direction: str) -> None:
        self.hits.append(HitRecord(self.clock(), match.entry.id, match.kind, match.score))
        for cb in self.on_hit:
            cb(match, direction)


def default_bank_path() -> Path:
    from importlib import resources

    return Path(str(resources.files("genguard.answers").joinpath("data/starter_bank.yaml")))


__all__ = ["AnswerBank", "HitRecord", "Match", "canonical", "default_bank_path"]
