"""Throughput of PII detection on ~1 KB texts, one core (CPU time of this single thread).

Corpora: Chinese COLD sentences joined to 1 KB (as is, and with one generated PII value per
text), English ToxiGen neutral statements joined to 1 KB (as is, and with a phone number and an
e-mail per text), and English presidio-synth sentences joined to 1 KB (their own, very dense,
PII: several entities per sentence). Measures
``PiiDetector.matches`` (resolved spans) and ``PiiDetector.detect`` (Finding objects, what the
Guard consumes).

    PYTHONPATH=src python -m bench.pii.throughput [--seconds 3]
"""

from __future__ import annotations

import argparse
import json
import random
import time

from bench.pii.chinese import TYPES
from bench.pii.common import DATA, cold_sentences
from genguard.detect.base import DetectContext
from genguard.detect.pii import PiiDetector


def _join_1k(parts: list[str], n: int) -> list[str]:
    out, i = [], 0
    while len(out) < n:
        buf = ""
        while len(buf.encode()) < 1024:
            buf += parts[i % len(parts)] + " "
            i += 1
        out.append(buf)
    return out


def _rate(fn, texts: list[str], seconds: float) -> float:  # type: ignore[no-untyped-def]
    nbytes = sum(len(t.encode()) for t in texts)
    for t in texts[:20]:
        fn(t)
    t0 = time.process_time()
    rounds = 0
    while time.process_time() - t0 < seconds:
        for t in texts:
            fn(t)
        rounds += 1
    return rounds * nbytes / (time.process_time() - t0) / 1e6


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=3.0)
    args = ap.parse_args()
    rng = random.Random(3)
    zh = _join_1k(cold_sentences("dev"), 400)
    makers = [m for m, _ in TYPES.values()]
    zh_pii = [t[:150] + "电话" + makers[i % len(makers)](rng) + "，" + t[150:] for i, t in enumerate(zh)]
    synth = json.loads((DATA / "presidio-synth" / "synth_dataset_v2.json").read_text(encoding="utf-8"))
    en = _join_1k([d["full_text"] for d in synth], 400)
    neutral = sorted((DATA / "toxigen" / "prompts").glob("neutral_*_1k.txt"))
    lines = [ln.strip("- ").strip() for f in neutral for ln in f.read_text(encoding="utf-8").split("\\n") if ln.strip()]
    en_plain = _join_1k(lines, 400)
    en_pii = [t[:300] + " call +1 415-555-" + f"{i % 10000:04d}" + " or mail j.doe@example.com " + t[300:]
              for i, t in enumerate(en_plain)]
    det = PiiDetector()
    print(f"{'corpus':34} {'matches() MB/s':>15} {'detect() MB/s':>14}")
    corpora = (
        ("zh COLD, as is", zh),
        ("zh COLD + 1 PII value / KB", zh_pii),
        ("en ToxiGen neutral, as is", en_plain),
        ("en ToxiGen neutral + 2 PII / KB", en_pii),
        ("en presidio-synth (dense PII)", en),
    )
    for name, texts in corpora:
        m = _rate(det.matches, texts, args.seconds)
        d = _rate(lambda t: det.detect(DetectContext(t)), texts, args.seconds)
        print(f"{name:34} {m:15.1f} {d:14.1f}")


if __name__ == "__main__":
    main()
