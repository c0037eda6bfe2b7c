"""The SQLite-backed dedup index of ``corpus clean``: same answers as an in-memory scan, file removed."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from genguard.corpus.lsh import DedupIndex


def test_exact_keys_first_writer_wins(tmp_path: Path) -> None:
    idx = DedupIndex(tmp_path / "i.sqlite", 0.8, 128)
    assert idx.first_exact(b"k1", "doc-a") is None
    assert idx.first_exact(b"k2", "doc-b") is None
    assert idx.first_exact(b"k1", "doc-c") == "doc-a"
    idx.close()


def test_near_duplicates_match_brute_force_and_ties_go_to_the_earliest(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    idx = DedupIndex(tmp_path / "i.sqlite", 0.8, 128, weights=(0.05, 0.95))
    base = rng.integers(0, 2**32, 128, dtype=np.uint64).astype(np.uint32)
    stored: list[np.ndarray] = []
    for i in range(300):
        hv = rng.integers(0, 2**32, 128, dtype=np.uint64).astype(np.uint32)
        if i in (10, 20):  # two documents equally close to `base` (90% of the signature shared)
            hv = base.copy()
            hv[:13] = rng.integers(0, 2**32, 13, dtype=np.uint64).astype(np.uint32)
        idx.insert(hv, f"doc-{i}")
        stored.append(hv)
    probe = base.copy()
    best, sim = idx.best_match(probe)
    sims = [float((s == probe).mean()) for s in stored]
    assert sim == max(sims) and sim >= 0.8
    assert best == f"doc-{int(np.argmax(sims))}"  # first maximum: doc-10, not doc-20
    assert best == "doc-10"
    unrelated = rng.integers(0, 2**32, 128, dtype=np.uint64).astype(np.uint32)
    assert idx.best_match(unrelated) == (None, 0.0)
    path = idx.path
    assert path.exists()
    idx.close()
    assert not path.exists()
