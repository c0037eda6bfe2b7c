"""A compact MinHash LSH index for corpus-scale deduplication.

Signatures come from ``datasketch.MinHash`` and the banding (b bands of r rows) from
datasketch's ``MinHashLSH`` parameter optimisation; only the storage differs: datasketch keeps
every band as a bytes key in per-band dicts of sets (~3.4 KB per document at 128 permutations),
which is too much for hundreds of thousands of documents. Here each band maps a 64-bit hash to a
document number, and signatures sit in one growing ``uint32`` matrix (~1.2 KB per document in
all), so candidate pairs can be verified against the exact threshold.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class CompactLSH:
    def __init__(self, threshold: float, num_perm: int, weights: tuple[float, float] = (0.5, 0.5)) -> None:
        from datasketch import MinHashLSH

        params = MinHashLSH(threshold=threshold, num_perm=num_perm, weights=weights)
        self.b, self.r = int(params.b), int(params.r)
        self.num_perm = num_perm
        self.tables: list[dict[int, Any]] = [{} for _ in range(self.b)]
        self._sigs = np.empty((1024, num_perm), dtype=np.uint32)
        self.size = 0

    def _keys(self, hv: np.ndarray) -> list[int]:
        r = self.r
        return [hash(hv[i * r : (i + 1) * r].tobytes()) for i in range(self.b)]

    def best_match(self, hv: np.ndarray) -> tuple[int | None, float]:
        """The indexed document most similar to ``hv`` among LSH candidates, and its similarity."""
        cands: set[int] = set()
        for table, key in zip(self.tables, self._keys(hv), strict=True):
            hit = table.get(key)
            if hit is None:
                continue
            if isinstance(hit, list):
                cands.update(hit)
            else:
                cands.add(hit)
        if not cands:
            return None, 0.0
        idx = np.fromiter(sorted(cands), dtype=np.int64)
        sims = (self._sigs[idx] == hv).mean(axis=1)
        best = int(np.argmax(sims))  # first maximum = lowest document number on ties
        return int(idx[best]), float(sims[best])

    def insert(self, hv: np.ndarray) -> int:
        seq = self.size
        if seq == len(self._sigs):
            grown = np.empty((len(self._sigs) * 2, self.num_perm), dtype=np.uint32)
            grown[:seq] = self._sigs[:seq]
            self._sigs = grown
        self._sigs[seq] = hv
        for table, key in zip(self.tables, self._keys(hv), strict=True):
            hit = table.get(key)
            if hit is None:
                table[key] = seq
            elif isinstance(hit, list):
                hit.append(seq)
            else:
                table[key] = [hit, seq]
        self.size += 1
        return seq
