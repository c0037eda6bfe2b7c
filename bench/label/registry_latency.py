"""Output-registry lookup latency at 1 million records (SQLite by default, any URL with --db).

    /work/main/.venv/bin/python -m bench.label.registry_latency [--records 1000000] [--db sqlite:////tmp/gg-registry-bench.db]

Fills the registry with ``--records`` fingerprints (random SHA-256 and uniformly random 64-bit
SimHash values, i.e. the band distribution of diverse texts) plus 1,000 real generated-like
passages, then times: exact lookups of recorded passages, near-duplicate lookups of passages
with one word changed, misses, and fingerprint-only lookups. Latency includes fingerprinting
the text. Re-running reuses an already filled database.
"""

from __future__ import annotations

import argparse
import hashlib
import random
import statistics
import time
from datetime import UTC, datetime

from sqlalchemy import func, select

from genguard.label.models import RegistryOutput
from genguard.label.registry import Fingerprint, OutputRegistry, fingerprint
from genguard.store import open_store

WORDS = [f"word{i}" for i in range(20_000)]


def passage(rng: random.Random, n: int = 80) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(n))


def pct(xs: list[float], p: float) -> float:
    s = sorted(xs)
    return s[min(len(s) - 1, round(p / 100 * (len(s) - 1)))]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--records", type=int, default=1_000_000)
    ap.add_argument("--db", default="sqlite:////tmp/gg-registry-bench.db")
    ap.add_argument("--queries", type=int, default=500)
    args = ap.parse_args()
    store = open_store(args.db)
    reg = OutputRegistry(store)
    rng = random.Random(42)
    planted = [passage(rng) for _ in range(1000)]
    with store.session() as s:
        have = s.execute(select(func.count()).select_from(RegistryOutput)).scalar_one()
    fill_s = None
    if have < args.records:
        t0 = time.perf_counter()
        now = datetime.now(UTC)
        frng = random.Random(have)

        def rows():  # type: ignore[no-untyped-def]
            for i in range(have, args.records - len(planted)):
                fp = Fingerprint(hashlib.sha256(i.to_bytes(8, "big")).hexdigest(), frng.getrandbits(64), 400)
                yield fp, "bench", "synthetic", f"syn-{i}", now, {}
            for j, text in enumerate(planted):
                yield fingerprint(text), "genguard", "bench-model", f"planted-{j}", now, {}

        reg.record_fingerprints(rows(), batch=10_000)
        fill_s = time.perf_counter() - t0
    with store.session() as s:
        total = s.execute(select(func.count()).select_from(RegistryOutput)).scalar_one()

    def timed(fn):  # type: ignore[no-untyped-def]
        lat, hits = [], 0
        for q in range(args.queries):
            t = time.perf_counter()
            res = fn(q)
            lat.append((time.perf_counter() - t) * 1000)
            hits += res
        return lat, hits

    qrng = random.Random(7)
    targets = [qrng.randrange(len(planted)) for _ in range(args.queries)]
    exact = timed(lambda q: int(bool(reg.lookup(planted[targets[q]]).exact)))

    def edited(q: int) -> int:
        words = planted[targets[q]].split()
        words[qrng.randrange(len(words))] = "changed"
        res = reg.lookup(" ".join(words))
        return int(any(m.produce_id == f"planted-{targets[q]}" for m in res.near))

    near = timed(edited)
    miss = timed(lambda q: int(reg.lookup(passage(qrng)).produced_here))
    fps = [fingerprint(planted[t]) for t in targets]
    fp_only = timed(lambda q: int(bool(reg.lookup(sha256=fps[q].sha256, simhash=fps[q].simhash_hex).exact)))
    print(f"records: {total:,} ({store.dialect}); fill: {'reused' if fill_s is None else f'{fill_s:.0f} s'}")
    print("| query | n | found | p50 ms | p95 ms | p99 ms | mean ms |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for name, (lat, hits) in [
        ("exact (text, incl. fingerprinting)", exact),
        ("near duplicate (1 word of 80 changed)", near),
        ("miss (unrelated text)", miss),
        ("fingerprint only (sha256 + simhash)", fp_only),
    ]:
        print(
            f"| {name} | {len(lat)} | {hits} | {pct(lat, 50):.2f} | {pct(lat, 95):.2f} | {pct(lat, 99):.2f} | {statistics.mean(lat):.2f} |"
        )
    store.dispose()


if __name__ == "__main__":
    main()
