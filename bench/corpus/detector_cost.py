"""Where a corpus full scan spends its time: MB per CPU-second of each detector of a policy.

Reads the first ``--mb`` of a generated corpus file (``bench_corpus`` writes one), runs every
detector of the policy on each document alone, then the whole Guard one document at a time
(``scan_text``) and in groups as ``corpus audit`` does (``scan_texts``: detector by detector over
32 documents), direction output. CPU time (``time.process_time``), so the numbers hold on a
shared machine.

    python -m bench.corpus.detector_cost --file /tmp/genguard-corpus-bench/corpus-32mb/src0-part0.jsonl
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from genguard.corpus.tasks import guard_for
from genguard.corpus.textops import scan_text, scan_texts
from genguard.detect.base import DetectContext
from genguard.findings import Direction


def first_documents(path: str, mb: float) -> tuple[list[str], int]:
    """The 'text' of the first documents of a JSONL corpus file up to ``mb`` megabytes of UTF-8
    text, and their size in bytes (the documents every corpus speed bench measures on)."""
    docs: list[str] = []
    size = 0
    with Path(path).open(encoding="utf-8") as fh:
        for line in fh:
            docs.append(json.loads(line)["text"])
            size += len(docs[-1].encode("utf-8"))
            if size >= mb * 1e6:
                break
    return docs, size


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", required=True, help="JSONL corpus file with a 'text' field")
    ap.add_argument("--mb", type=float, default=2.0, help="how much of the file to use")
    ap.add_argument("--policy", default=None, help="policy YAML (default: the shipped default policy)")
    args = ap.parse_args()
    docs, size = first_documents(args.file, args.mb)
    t = time.process_time()
    # built and warmed as a corpus worker's guard is before its first shard (lazy tables: the name
    # recogniser's common-word list alone is a 1 s load, which ten documents of one language may
    # not reach, and the first timed pass then paid it), then ten documents of the file
    guard = guard_for(args.policy)
    for d in docs[:10]:
        scan_text(guard, d, Direction.OUTPUT)
    print(f"policy {guard.policy.name}: start-up + warm-up {time.process_time() - t:.1f} CPU-s; "
          f"{len(docs)} documents, {size / 1e6:.2f} MB")
    rows = []
    for det, spec in guard._detectors:
        runs_on_output = Direction.OUTPUT in spec.directions
        t = time.process_time()
        for d in docs:
            det.detect(DetectContext(d, Direction.OUTPUT))
        cpu = time.process_time() - t
        rows.append((det.name, runs_on_output, size / 1e6 / cpu))
    t = time.process_time()
    for d in docs:
        scan_text(guard, d, Direction.OUTPUT)
    one_by_one = size / 1e6 / (time.process_time() - t)
    inside: dict[str, float] = {}  # each detector's own time within the grouped scan (Decision.timings_ms)
    t = time.process_time()
    for i in range(0, len(docs), 32):
        for dec in scan_texts(guard, docs[i : i + 32], Direction.OUTPUT):
            for name, ms in dec.timings_ms.items():
                inside[name] = inside.get(name, 0.0) + ms
    grouped = size / 1e6 / (time.process_time() - t)
    print("| detector | runs on corpus text (output direction) | MB per CPU-s alone |")
    print("|---|---|---:|")
    for name, used, rate in rows:
        print(f"| {name} | {'yes' if used else 'no (input only)'} | {rate:.2f} |")
    print(f"| whole guard, one document at a time (`scan_text`) | | {one_by_one:.2f} |")
    print(f"| **whole guard in groups of 32 (`scan_texts`, as in `corpus audit --full`)** | | **{grouped:.2f}** |")
    print("within the grouped scan, ms (wall clock of each detector, shared work such as normalisation counted "
          "where it first happens): " + ", ".join(f"{k} {v:.0f}" for k, v in inside.items()))


if __name__ == "__main__":
    main()
