"""Output registry: "was this produced here?" answered from fingerprints, never from stored content.

:func:`fingerprint` gives SHA-256 of the exact UTF-8 text and a SimHash of its normalised
form; :class:`OutputRegistry` records fingerprints with producer, model and time, and looks
up exact matches (same SHA-256) and near duplicates (SimHash within a Hamming distance,
found through the four indexed 16-bit bands, then checked exactly).
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select

from genguard.errors import InputError
from genguard.label import simhash as sh
from genguard.label.models import RegistryOutput
from genguard.store import Store

# Four 16-bit bands: a record within Hamming distance 7 of the query has some band within 1 bit of
# the query's (pigeonhole: 4 bands x 2 bits > 7), so probing each band's value and its 16 one-bit
# neighbours (68 indexed values) finds every such record; distance <= 3 needs only the 4 exact bands.
MAX_DISTANCE = 7
DEFAULT_DISTANCE = 7
MAX_TEXT_CHARS = 2_000_000


@dataclass(frozen=True)
class Fingerprint:
    sha256: str
    simhash: int  # unsigned 64-bit
    n_chars: int

    @property
    def simhash_hex(self) -> str:
        return f"{self.simhash:016x}"


def fingerprint(text: str) -> Fingerprint:
    if len(text) > MAX_TEXT_CHARS:
        raise InputError(f"registry: text of {len(text)} characters exceeds the {MAX_TEXT_CHARS} limit")
    return Fingerprint(hashlib.sha256(text.encode("utf-8")).hexdigest(), sh.simhash(text), len(text))


def has_content(text: str) -> bool:
    """Whether ``text`` has a word or character to fingerprint (else its SimHash is 0)."""
    return bool(sh.tokens(text))


def parse_simhash(value: str | int) -> int:
    try:
        h = int(value, 16) if isinstance(value, str) else int(value)
    except ValueError:
        raise InputError(f"registry: simhash must be 16 hex digits, got {value!r}") from None
    if not 0 <= h < 1 << 64:
        raise InputError("registry: simhash must be an unsigned 64-bit value")
    return h


@dataclass
class Match:
    id: int
    producer: str
    model: str
    produce_id: str
    created_at: str
    distance: int

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class LookupResult:
    sha256: str
    simhash: str
    exact: list[Match] = field(default_factory=list)
    near: list[Match] = field(default_factory=list)

    @property
    def produced_here(self) -> bool:
        return bool(self.exact or self.near)

    def to_dict(self) -> dict[str, Any]:
        return {
            "produced_here": self.produced_here,
            "sha256": self.sha256,
            "simhash": self.simhash,
            "exact": [m.to_dict() for m in self.exact],
            "near": [m.to_dict() for m in self.near],
        }


def _row_values(fp: Fingerprint, producer: str, model: str, produce_id: str, when: datetime, meta: dict[str, Any]) -> dict[str, Any]:
    b = sh.bands(fp.simhash)
    return {
        "sha256": fp.sha256,
        "simhash": sh.to_signed(fp.simhash),
        "band0": b[0],
        "band1": b[1],
        "band2": b[2],
        "band3": b[3],
        "n_chars": fp.n_chars,
        "producer": producer,
        "model": model,
        "produce_id": produce_id,
        "created_at": when,
        "meta": meta,
    }


def band_probes(h: int, max_distance: int) -> list[list[int]]:
    """For each band, the values a record within ``max_distance`` may have there (pigeonhole)."""
    radius = max_distance // sh.BANDS
    out = []
    for b in sh.bands(h):
        vals = [b]
        if radius >= 1:
            vals += [b ^ (1 << i) for i in range(sh.BAND_BITS)]
        out.append(vals)
    return out


class OutputRegistry:
    def __init__(self, store: Store) -> None:
        self.store = store

    def record(
        self,
        text: str,
        *,
        producer: str,
        model: str = "",
        produce_id: str | None = None,
        created_at: datetime | None = None,
        meta: dict[str, Any] | None = None,
    ) -> str:
        """Record a generated output's fingerprint; returns its produce id. The text is not stored.

        Text without a word or character (empty, blank, punctuation only) is refused: its SimHash
        is 0, which every sparse query fingerprint (``--simhash 0123``) would near-match."""
        if not has_content(text):
            raise InputError("registry: the text is empty (no word or character to fingerprint); nothing recorded")
        if not producer.strip():
            raise InputError("registry: the producer must not be empty (who produced the output?)")
        pid = produce_id or uuid.uuid4().hex
        self.record_fingerprints([(fingerprint(text), producer, model, pid, created_at, meta or {})])
        return pid

    def record_fingerprints(
        self, rows: Iterable[tuple[Fingerprint, str, str, str, datetime | None, dict[str, Any]]], *, batch: int = 5000
    ) -> int:
        """Bulk insert (used by the gateway's batch path and by the benchmark)."""
        n = 0
        buf: list[dict[str, Any]] = []
        with self.store.session() as s:
            for fp, producer, model, pid, when, meta in rows:
                buf.append(_row_values(fp, producer, model, pid, when or datetime.now(UTC), meta))
                if len(buf) >= batch:
                    s.execute(insert(RegistryOutput), buf)
                    n += len(buf)
                    buf = []
            if buf:
                s.execute(insert(RegistryOutput), buf)
                n += len(buf)
        return n

    def lookup(
        self,
        text: str | None = None,
        *,
        sha256: str | None = None,
        simhash: str | int | None = None,
        max_distance: int = DEFAULT_DISTANCE,
        limit: int = 20,
    ) -> LookupResult:
        """Exact and near-duplicate matches for ``text`` (or for a fingerprint computed elsewhere)."""
        if not 0 <= max_distance <= MAX_DISTANCE:
            raise InputError(f"registry: max_distance must be between 0 and {MAX_DISTANCE}")
        if text is not None:
            fp = fingerprint(text)
            # no word or character: SimHash 0 says nothing, so only an exact match counts
            digest, h = fp.sha256, fp.simhash if has_content(text) else -1
        elif sha256 is not None or simhash is not None:
            digest = (sha256 or "").lower()
            if digest and (len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest)):
                raise InputError("registry: sha256 must be 64 hex digits")
            h = parse_simhash(simhash) if simhash is not None else -1
        else:
            raise InputError("registry: give text, or a sha256 and/or simhash fingerprint")
        result = LookupResult(digest, f"{h:016x}" if h >= 0 else "")
        cols = (
            RegistryOutput.id,
            RegistryOutput.simhash,
            RegistryOutput.producer,
            RegistryOutput.model,
            RegistryOutput.produce_id,
            RegistryOutput.created_at,
        )
        exact_ids: set[int] = set()
        with self.store.session() as s:
            if digest:
                for row in s.execute(select(*cols).where(RegistryOutput.sha256 == digest).limit(limit)):
                    exact_ids.add(row.id)
                    result.exact.append(self._match(row, 0))
            if h >= 0:
                # stage 1: (id, simhash) candidates from the covering band indexes; stage 2: details of matches only
                near_ids: dict[int, int] = {}
                for col, probe in zip(
                    (RegistryOutput.band0, RegistryOutput.band1, RegistryOutput.band2, RegistryOutput.band3),
                    band_probes(h, max_distance),
                    strict=True,
                ):
                    for rid, sim in s.execute(select(RegistryOutput.id, RegistryOutput.simhash).where(col.in_(probe))):
                        # a stored SimHash 0 is a text without content (a row from before record()
                        # refused them, or from record_fingerprints): it near-matches every sparse
                        # fingerprint and says nothing, so it is matched by its sha256 only
                        if sim and rid not in exact_ids and rid not in near_ids:
                            d = sh.hamming(h, sh.to_unsigned(sim))
                            if d <= max_distance:
                                near_ids[rid] = d
                best = sorted(near_ids, key=lambda i: (near_ids[i], i))[:limit]
                if best:
                    rows = s.execute(select(*cols).where(RegistryOutput.id.in_(best))).all()
                    result.near = sorted((self._match(r, near_ids[r.id]) for r in rows), key=lambda m: (m.distance, m.id))
        return result

    @staticmethod
    def _match(row: Any, distance: int) -> Match:
        when = row.created_at
        if when.tzinfo is None:
            when = when.replace(tzinfo=UTC)
        return Match(row.id, row.producer, row.model, row.produce_id, when.isoformat(), distance)
