"""The ``pii`` detector alone on generated corpus documents: MB per CPU-second.

``corpus audit --full`` runs the default guard on every document (issue 7); this is the PII
detector's share, measured on the documents themselves (~7 KB of mixed Chinese and English web
text) rather than on short texts. CPU time (``time.process_time``), so it holds on a shared
machine; run the versions to compare alternately.

    PYTHONPATH=src:. python -m bench.pii.corpus --file /tmp/gg-corpus32/corpus-32mb/src0-part0.jsonl
"""

from __future__ import annotations

import argparse
import time

from bench.corpus.detector_cost import first_documents
from genguard.detect.base import DetectContext
from genguard.detect.pii import PiiDetector


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--file", required=True, help="JSONL corpus file with a 'text' field")
    ap.add_argument("--mb", type=float, default=2.0, help="how much of the file to use")
    ap.add_argument("--rounds", type=int, default=3, help="passes over the documents")
    args = ap.parse_args()
    docs, size = first_documents(args.file, args.mb)
    det = PiiDetector(min_score=0.5)  # as the default policy configures it
    for d in docs[:10]:
        det.detect(DetectContext(d))
    t = time.process_time()
    for _ in range(args.rounds):
        for d in docs:
            det.detect(DetectContext(d))
    cpu = time.process_time() - t
    mb = args.rounds * size / 1e6
    print(f"pii detect(): {len(docs)} documents, {size / 1e6:.2f} MB x {args.rounds}: "
          f"{mb / cpu:.1f} MB per CPU-s ({1e3 * cpu / mb:.1f} ms per MB)")


if __name__ == "__main__":
    main()
