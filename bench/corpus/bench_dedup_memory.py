"""Memory and speed of the clean step's dedup index (the only part of audit/clean that could grow
with the corpus). Inserts N random 128-permutation signatures plus the exact-dup keys and ids that
``clean`` keeps into the SQLite-backed index, and reports the resident-set growth and the time per
document.

    python -m bench.corpus.bench_dedup_memory --docs 150000 350000
"""

from __future__ import annotations

import argparse
import hashlib
import resource
import sys
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[2] / "src"))


def rss_mb() -> float:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return 0.0


def main() -> None:
    import tempfile
    import time

    from genguard.corpus.lsh import DedupIndex

    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, nargs="+", default=[150_000, 350_000])
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    for n in args.docs:
        base = rss_mb()
        index = DedupIndex(Path(tempfile.mkdtemp()) / "dedup.sqlite", 0.8, 128, weights=(0.05, 0.95))
        t0 = time.process_time()
        for i in range(n):
            hv = rng.integers(0, 2**32, 128, dtype=np.uint64).astype(np.uint32)
            doc_id = f"/data/corpus/src{i % 4}-part{i % 8}.jsonl:{i}"
            index.first_exact(hashlib.blake2b(doc_id.encode(), digest_size=16).digest(), doc_id)
            index.best_match(hv)
            index.insert(hv, doc_id)
        cpu_us = (time.process_time() - t0) / n * 1e6
        grown = rss_mb() - base
        size_mb = index.path.stat().st_size / 2**20
        print(f"docs={n:,} bands={index.b} rows={index.r} index_rss_mb={grown:.0f} index_file_mb={size_mb:.0f} "
              f"cpu_us_per_doc={cpu_us:.0f} "
              f"peak_rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}", flush=True)
        index.close()


if __name__ == "__main__":
    main()
