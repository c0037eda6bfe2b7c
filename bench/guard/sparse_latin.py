"""Keyword check of long Chinese documents with a few Latin words (the pinyin-piece scan).

    python -m bench.guard.sparse_latin [--data ../shared/data] [--docs 200] [--repeats 4]

Builds documents of 60 COLD dev sentences (about 8.6 KB) with three short Latin phrases
("我用iPhone拍的", "下载这个APP", ...) inserted at seeded random places, normalises them, and
times ``KeywordEngine.match`` on the normalised texts (CPU time, best of ``--repeats``). Such
documents have Latin letters, so the pinyin view is searched; only the parts near the letters
can hold a pinyin-key hit (docs/keywords.md). Prints ms per document.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import time
from pathlib import Path

from genguard.detect.keywords.engine import compile_engine
from genguard.text.normalize import normalize

ROOT = Path(__file__).resolve().parents[2]
PHRASES = ["我用iPhone拍的", "下载这个APP", "5G网络", "看了NBA比赛"]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("--docs", type=int, default=200)
    ap.add_argument("--repeats", type=int, default=4)
    args = ap.parse_args()
    dev = args.data / "cold" / "dev.csv"
    if not dev.is_file():
        sys.exit(f"COLD dev split not found at {dev} (pass --data)")
    with dev.open(encoding="utf-8-sig", newline="") as fh:
        rows = [r["TEXT"] for r in csv.DictReader(fh)]
    rng = random.Random(0)
    docs = []
    for _ in range(args.docs):
        parts = [rng.choice(rows) for _ in range(60)]
        for _ in range(3):
            parts.insert(rng.randrange(len(parts)), rng.choice(PHRASES))
        docs.append("。".join(parts))
    engine = compile_engine(["default"])
    best = float("inf")
    for _ in range(args.repeats):
        texts = [normalize(d) for d in docs]  # fresh views each round: no cached spelling
        t = time.process_time()
        for n in texts:
            engine.match(n)
        best = min(best, (time.process_time() - t) / len(docs))
    size = sum(len(d.encode("utf-8")) for d in docs) / len(docs)
    print(f"keyword match, {len(docs)} documents of {size / 1024:.1f} KB: best of {args.repeats} "
          f"{best * 1e3:.4f} ms per document (CPU)")


if __name__ == "__main__":
    main()
