"""Answer-bank matching latency with 100,000 entries (exact/normalised and fuzzy).

Run from the repo root:  .venv/bin/python -m bench.answers.run
"""

from __future__ import annotations

import random
import statistics
import time

from genguard.answers import AnswerBank, AnswerEntry

ZH_WORDS = list("的一是在不了有和人这中大为上个国我以要他时来用们生到作地于出就分对成会可也你说年")
EN_WORDS = ["how", "what", "why", "can", "should", "is", "the", "a", "of", "to", "in", "for", "on", "with", "safe", "legal", "allowed", "risk", "money", "health", "tax", "bank", "phone", "child", "drug", "law", "police", "travel", "work", "school", "food", "water", "fire", "car"]


def make_entries(n: int, seed: int = 7) -> list[AnswerEntry]:
    rng = random.Random(seed)
    out = []
    for i in range(n):
        if i % 2:
            q = "".join(rng.choice(ZH_WORDS) for _ in range(rng.randint(8, 24))) + "吗"
            lang = "zh"
        else:
            q = " ".join(rng.choice(EN_WORDS) for _ in range(rng.randint(5, 12))) + f" {i}?"
            lang = "en"
        out.append(AnswerEntry(id=f"e{i}", question=q, language=lang, risk="A5.2", answer="vetted"))
    return out


def pct(xs: list[float], p: float) -> float:
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(p * len(xs)))]


def main() -> None:
    n = 100_000
    entries = make_entries(n)
    t0 = time.perf_counter()
    bank = AnswerBank(entries=entries, fuzzy_threshold=0.88, reload_interval=-1)
    build = time.perf_counter() - t0
    rng = random.Random(1)
    sample = rng.sample(entries, 2000)
    exact, fuzzy, miss = [], [], []
    for e in sample:
        q = e.question.upper() + "  ？"
        t = time.perf_counter()
        m = bank.match(q)
        exact.append((time.perf_counter() - t) * 1000)
        assert m is not None and m.kind == "exact"
    hits = 0
    for e in sample[:1000]:
        s = e.question
        k = len(s) // 2
        q = s[:k] + s[k + 1 :]  # one character deleted: only the fuzzy path can match
        t = time.perf_counter()
        m = bank.match(q)
        fuzzy.append((time.perf_counter() - t) * 1000)
        hits += m is not None and m.entry.id == e.id
    for i in range(1000):
        q = f"completely unrelated question number {i} about astronomy"
        t = time.perf_counter()
        bank.match(q)
        miss.append((time.perf_counter() - t) * 1000)
    print(f"entries={n} build_s={build:.2f}")
    print(f"exact/normalised: p50={statistics.median(exact):.3f} ms p99={pct(exact, 0.99):.3f} ms")
    print(f"fuzzy (1 char deleted): p50={statistics.median(fuzzy):.3f} ms p99={pct(fuzzy, 0.99):.3f} ms "
          f"recall={hits / 1000:.3f}")
    print(f"no match (full fuzzy scan): p50={statistics.median(miss):.3f} ms p99={pct(miss, 0.99):.3f} ms")


if __name__ == "__main__":
    main()
