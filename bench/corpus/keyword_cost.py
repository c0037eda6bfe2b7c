"""CPU time of the keyword detector alone on the first megabytes of a corpus file, best of N passes.

Why apart from ``detector_cost``: that bench times each detector once, and on a shared 2-core
machine one pass drifts by a fifth, more than a keyword-engine change moves it. Here the
normalisation (shared by every detector) is timed on its own and the detector's time is the
best and the median of ``--repeat`` passes, each over freshly normalised texts (so that no
per-text cache, such as the UTF-8 form the automaton reads, carries over from a pass to the next).
For an A/B against another checkout, alternate runs of the two (``PYTHONPATH=<checkout>/src:.``).

    PYTHONPATH=src:. python -m bench.corpus.keyword_cost --file /tmp/gg-corpus32/corpus-32mb/src0-part0.jsonl
"""

from __future__ import annotations

import argparse
import statistics
import time

from bench.corpus.detector_cost import first_documents

from genguard.detect.base import DetectContext
from genguard.findings import Direction
from genguard.guard import Guard


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", required=True, help="JSONL corpus file with a 'text' field")
    ap.add_argument("--mb", type=float, default=2.0, help="how much of the file to use")
    ap.add_argument("--repeat", type=int, default=9, help="passes over the documents")
    args = ap.parse_args()
    docs, size = first_documents(args.file, args.mb)
    guard = Guard.from_policy(None)
    detector = next(d for d, _ in guard._detectors if d.type_name == "keywords")
    for d in docs[:10]:  # warm-up: lazily built tables
        detector.detect(DetectContext(d, Direction.OUTPUT))
    norm_cpu: list[float] = []
    detect_cpu: list[float] = []
    for _ in range(args.repeat):
        contexts = [DetectContext(d, Direction.OUTPUT) for d in docs]
        t = time.process_time()
        for c in contexts:
            _ = c.normalized
        norm_cpu.append(time.process_time() - t)
        t = time.process_time()
        for c in contexts:
            detector.detect(c)
        detect_cpu.append(time.process_time() - t)
    print(f"{len(docs)} documents, {size / 1e6:.2f} MB: normalisation {min(norm_cpu) * 1e3:.1f} ms CPU (best); "
          f"keywords detect {min(detect_cpu) * 1e3:.1f} ms best, {statistics.median(detect_cpu) * 1e3:.1f} ms median "
          f"of {args.repeat}")


if __name__ == "__main__":
    main()
