"""The dedup index of ``corpus clean``: exact keys and MinHash LSH bands, kept in a SQLite file.

Signatures come from ``datasketch.MinHash`` and the banding (b bands of r rows) from datasketch's
``MinHashLSH`` parameter optimisation; only the storage is ours. An in-memory index grows with
every distinct document (about 2.5 KB each with datasketch-style dicts, hundreds of MB at a few
hundred thousand documents), so clean could not promise bounded memory "whatever the corpus
size". Here the exact keys, the band buckets and the signatures live in a SQLite file next to the
output; SQLite's page cache (``cache_mb``) is the only memory the index holds, and candidate pairs
are still verified against the exact Jaccard threshold on the stored signatures.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np

_SCHEMA = """
CREATE TABLE exact (digest BLOB PRIMARY KEY, id TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE docs (seq INTEGER PRIMARY KEY, id TEXT NOT NULL, sig BLOB NOT NULL);
CREATE TABLE bands (band INTEGER NOT NULL, key INTEGER NOT NULL, seq INTEGER NOT NULL,
                    PRIMARY KEY (band, key, seq)) WITHOUT ROWID;
"""


class DedupIndex:
    """Documents kept so far: their exact keys and their MinHash signatures in LSH bands."""

    def __init__(self, path: Path, threshold: float, num_perm: int, weights: tuple[float, float] = (0.5, 0.5),
                 *, cache_mb: int = 64) -> None:
        from datasketch import MinHashLSH

        params = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=weights)
        self.b, self.r = int(params.b), int(params.r)
        self.num_perm = num_perm
        self.path = path
        path.unlink(missing_ok=True)  # a leftover of an interrupted run: the merge starts over
        # one writer, a scratch file that is deleted afterwards: no journal, no fsync
        self.db = sqlite3.connect(path, isolation_level=None)
        self.db.executescript(
            f"PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF; PRAGMA cache_size=-{cache_mb * 1024};"
            "PRAGMA temp_store=MEMORY;" + _SCHEMA
        )
        self.db.execute("BEGIN")
        # one indexed point lookup per band (a row-value IN list is not planned as an index search)
        self._band_query = " UNION ".join(["SELECT seq FROM bands WHERE band = ? AND key = ?"] * self.b)
        self.size = 0

    def _keys(self, hv: np.ndarray) -> list[int]:
        r = self.r
        return [hash(hv[i * r : (i + 1) * r].tobytes()) for i in range(self.b)]

    def first_exact(self, digest: bytes, doc_id: str) -> str | None:
        """The id of the earlier document with this exact key; None if this is the first (recorded)."""
        cur = self.db.execute("INSERT OR IGNORE INTO exact (digest, id) VALUES (?, ?)", (digest, doc_id))
        if cur.rowcount == 1:
            return None
        row = self.db.execute("SELECT id FROM exact WHERE digest = ?", (digest,)).fetchone()
        return str(row[0])

    def best_match(self, hv: np.ndarray) -> tuple[str | None, float]:
        """The indexed document most similar to ``hv`` among LSH candidates, and its similarity."""
        flat = [v for band, key in enumerate(self._keys(hv)) for v in (band, key)]
        cands = sorted(seq for (seq,) in self.db.execute(self._band_query, flat))
        if not cands:
            return None, 0.0
        rows = self.db.execute(
            f"SELECT id, sig FROM docs WHERE seq IN ({','.join('?' * len(cands))}) ORDER BY seq", cands
        ).fetchall()
        sigs = np.frombuffer(b"".join(sig for _, sig in rows), dtype=np.uint32).reshape(len(rows), self.num_perm)
        sims = (sigs == hv).mean(axis=1)
        best = int(np.argmax(sims))  # first maximum = lowest document number on ties
        return str(rows[best][0]), float(sims[best])

    def insert(self, hv: np.ndarray, doc_id: str) -> None:
        seq = self.size
        self.db.execute("INSERT INTO docs (seq, id, sig) VALUES (?, ?, ?)",
                        (seq, doc_id, np.ascontiguousarray(hv, dtype=np.uint32).tobytes()))
        self.db.executemany("INSERT OR IGNORE INTO bands (band, key, seq) VALUES (?, ?, ?)",
                            [(band, key, seq) for band, key in enumerate(self._keys(hv))])
        self.size += 1

    def close(self) -> None:
        """Close and delete the index file (scratch space for one merge: nothing to commit)."""
        self.db.close()
        self.path.unlink(missing_ok=True)
