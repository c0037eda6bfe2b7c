"""Memory of the clean step's dedup index per distinct document (the only part of audit/clean
that grows with the corpus). Inserts N random 128-permutation signatures plus the exact-dup keys
and ids that ``clean`` keeps, and reports the resident-set growth.

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
    from genguard.corpus.lsh import CompactLSH

    ap = argparse.ArgumentParser()
    ap.add_argument("--docs", type=int, nargs="+", default=[150_000, 350_000])
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    for n in args.docs:
        base = rss_mb()
        lsh = CompactLSH(0.8, 128, weights=(0.05, 0.95))
        exact: dict[bytes, str] = {}
        ids: list[str] = []
        for i in range(n):
            hv = rng.integers(0, 2**32, 128, dtype=np.uint64).astype(np.uint32)
            lsh.best_match(hv)
            lsh.insert(hv)
            doc_id = f"/data/corpus/src{i % 4}-part{i % 8}.jsonl:{i}"
            exact[hashlib.blake2b(doc_id.encode(), digest_size=16).digest()] = doc_id
            ids.append(doc_id)
        grown = rss_mb() - base
        print(f"docs={n:,} bands={lsh.b} rows={lsh.r} index_rss_mb={grown:.0f} bytes_per_doc={grown * 2**20 / n:.0f} "
              f"peak_rss_mb={resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f}", flush=True)
        del lsh, exact, ids


if __name__ == "__main__":
    main()
