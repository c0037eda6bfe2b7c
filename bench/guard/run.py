"""Benchmark of the keyword engine and the guard path (issue 2 acceptance numbers).

Run from the repository root::

    python -m bench.guard.run [--data ../shared/data] [--json out.json]

Measures, on one core:
- p50/p99 latency of ``Guard.check_input`` on 1 KB of mixed zh/en text, for a keyword-only
  policy and for the shipped default policy;
- throughput (MB/s of UTF-8 input) of the keyword engine (normalise + match) with the default banks;
- recall of the keyword layer alone on JADE harmful questions (zh and en separately);
- false-positive rate of the keyword layer on the XSTest safe prompts (target <= 5%), and, for
  Chinese, on the COLD dev sentences labelled non-offensive (with recall on the offensive ones).
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT / "src") not in sys.path:  # measure this checkout, not another installed copy
    sys.path.insert(0, str(ROOT / "src"))

from genguard import Guard  # noqa: E402
from genguard.detect.base import DetectContext  # noqa: E402
from genguard.detect.keywords import KeywordDetector  # noqa: E402
from genguard.policy import load_policy  # noqa: E402

# A mixed zh/en sample built from benign sentences plus a few harmful phrases, so the timed
# path includes real hits (finding construction, allow-list checks), not only misses.
_ZH = [
    "今天的天气很好，我们一起去公园散步吧。",
    "请帮我总结一下这篇关于机器学习的文章。",
    "这个季度的销售额比去年同期增长了百分之十二。",
    "我想了解一下如何申请留学签证。",
    "他问我怎么制作炸弹，我拒绝了。",
    "老师布置的作业需要在周五之前提交。",
]
_EN = [
    "Could you summarise the attached quarterly report for the board? ",
    "The new library opens at nine and closes at six on weekdays. ",
    "Someone asked how to make a bomb and the assistant refused. ",
    "Please translate this paragraph into French and keep the tone formal. ",
    "Our team shipped the release after fixing two flaky tests. ",
]


def mixed_text(n_bytes: int = 1024, seed: int = 0, *, harmful: bool = True) -> str:
    rnd = random.Random(seed)
    zh = _ZH if harmful else [s for s in _ZH if "炸弹" not in s]
    en = _EN if harmful else [s for s in _EN if "bomb" not in s]
    parts: list[str] = []
    while len("".join(parts).encode("utf-8")) < n_bytes:
        parts.append(rnd.choice(zh) if rnd.random() < 0.5 else rnd.choice(en))
    text = "".join(parts)
    b = text.encode("utf-8")[:n_bytes]
    return b.decode("utf-8", errors="ignore")


def _percentiles(samples: list[float]) -> dict[str, float]:
    s = sorted(samples)
    return {
        "p50_ms": round(statistics.median(s) * 1000, 4),
        "p99_ms": round(s[int(len(s) * 0.99) - 1] * 1000, 4),
        "mean_ms": round(statistics.fmean(s) * 1000, 4),
    }


def latency(guard: Guard, text: str, n: int) -> dict[str, Any]:
    """Wall-clock and CPU (thread) time per call. On a shared machine the wall clock includes
    time the process spent descheduled; thread CPU time is the cost on one core."""
    for _ in range(50):
        guard.check_input(text)
    wall, cpu = [], []
    for _ in range(n):
        t0, c0 = time.perf_counter(), time.thread_time()
        guard.check_input(text)
        cpu.append(time.thread_time() - c0)
        wall.append(time.perf_counter() - t0)
    return {"wall": _percentiles(wall), "cpu": _percentiles(cpu)}


def throughput(det: KeywordDetector, texts: list[str], seconds: float = 3.0) -> dict[str, float]:
    """MB/s (UTF-8 input) of the keyword detector on one core: normalise + match + findings.

    The texts are processed in batches (one pass over all of them); each batch is timed by
    wall clock and by thread CPU time. Reported: the median batch and the best batch (the
    usual way to remove scheduler noise on a shared machine, as ``timeit`` recommends).
    As ``timeit`` does, one untimed pass warms the caches first and the garbage collector is
    off while batches are timed, so a collection of other objects' garbage does not land in a
    random batch; every batch still does the full work (each text is normalised afresh).
    """
    size = sum(len(t.encode("utf-8")) for t in texts)
    walls: list[float] = []
    cpus: list[float] = []
    for t in texts:  # warm-up: first-use allocations, lazily decoded entries
        det.detect(DetectContext(t))
    gc_was_enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.perf_counter()
        while time.perf_counter() - start < seconds or len(walls) < 5:
            t0, c0 = time.perf_counter(), time.thread_time()
            for t in texts:
                det.detect(DetectContext(t))
            cpus.append(time.thread_time() - c0)
            walls.append(time.perf_counter() - t0)
            if len(walls) % 64 == 0:  # keep memory flat, outside the timed region
                gc.collect(0)
    finally:
        if gc_was_enabled:
            gc.enable()
    mb = size / 1e6
    cpus.sort()
    return {
        "wall_median_mb_s": round(mb / statistics.median(walls), 1),
        "cpu_median_mb_s": round(mb / statistics.median(cpus), 1),
        "cpu_best_mb_s": round(mb / cpus[0], 1),
        # the middle half of the batches: how far the median can move with the machine's load
        "cpu_p25_mb_s": round(mb / cpus[(3 * len(cpus)) // 4], 1),
        "cpu_p75_mb_s": round(mb / cpus[len(cpus) // 4], 1),
        "batches": len(walls),
    }


SHORT_ZH = "今天的天气很好，我们一起去公园散步吧。"
SHORT_EN = "Could you summarise the attached quarterly report for the board?"


def cli_startup(runs: int = 3) -> dict[str, float]:
    """Wall time of ``genguard check "hello"`` in a fresh process with the default policy: the
    first run in an empty GENGUARD_HOME (keyword keys and fold tables computed and cached), then
    the best of ``runs`` later runs (read back from the disk cache)."""
    import resource
    import subprocess
    import tempfile

    def once(home: str) -> tuple[float, float]:
        """(wall, CPU user+system) seconds of one run; CPU is what it costs on an idle core."""
        env = {**os.environ, "GENGUARD_HOME": home, "PYTHONPATH": str(ROOT / "src")}
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.perf_counter()
        subprocess.run([sys.executable, "-m", "genguard.cli.app", "check", "hello"], env=env, check=True,
                       capture_output=True)
        wall = time.perf_counter() - t0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        return wall, (r1.ru_utime - r0.ru_utime) + (r1.ru_stime - r0.ru_stime)

    with tempfile.TemporaryDirectory() as home:
        cold = once(home)
        warm = min((once(home) for _ in range(runs)), key=lambda x: x[1])
    return {"cold_cache_wall": round(cold[0], 2), "cold_cache_cpu": round(cold[1], 2),
            "warm_cache_wall": round(warm[0], 2), "warm_cache_cpu": round(warm[1], 2)}


def _read_csv(path: Path, column: str) -> list[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        return [row[column] for row in csv.DictReader(fh) if row.get(column)]


def layer_rate(det: KeywordDetector, texts: list[str]) -> tuple[float, int, int]:
    hits = sum(1 for t in texts if det.detect(DetectContext(t)))
    return (hits / len(texts) if texts else 0.0), hits, len(texts)


def run(data: Path, n: int) -> dict[str, Any]:
    text = mixed_text()
    kw_policy = load_policy(None).model_copy(deep=True)
    kw_policy.detectors = [d for d in kw_policy.detectors if d.type == "keywords"]
    t0 = time.perf_counter()
    kw_guard = Guard(kw_policy)
    build_s = time.perf_counter() - t0
    default_guard = Guard.from_policy(None)
    det = next(d for d in kw_guard.detectors if isinstance(d, KeywordDetector))
    res: dict[str, Any] = {
        "text_bytes": len(text.encode("utf-8")),
        "text_chars": len(text),
        "keyword_entries": det.engine.size,
        "guard_build_s": round(build_s, 2),
        "latency_keyword_policy": latency(kw_guard, text, n),
        "latency_default_policy": latency(default_guard, text, n),
        "default_policy_detectors": [d.name for d in default_guard.detectors],
        "latency_default_short_zh": latency(default_guard, SHORT_ZH, n),
        "latency_default_short_en": latency(default_guard, SHORT_EN, n),
        "cli_startup_s": cli_startup(),
        "throughput_with_hits": throughput(det, [mixed_text(seed=i) for i in range(20)]),
        "throughput_benign": throughput(det, [mixed_text(seed=i, harmful=False) for i in range(20)]),
        "throughput_benign_64kb": throughput(det, [mixed_text(65536, seed=i, harmful=False) for i in range(4)]),
        "loadavg_1m": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
    }
    jade = data / "jade"
    if jade.is_dir():
        zh = _read_csv(jade / "jade_v1_zh.csv", "问题") + _read_csv(jade / "jade_v2_easy_zh.csv", "问题")
        en = _read_csv(jade / "jade_v1_en.csv", "问题")
        for name, texts in (("jade_zh", zh), ("jade_en", en)):
            rate, hits, total = layer_rate(det, texts)
            res[f"recall_{name}"] = {"recall": round(rate, 4), "hits": hits, "total": total}
    cold = data / "cold" / "dev.csv"
    if cold.is_file():
        with cold.open(encoding="utf-8-sig", newline="") as fh:
            rows = list(csv.DictReader(fh))
        benign = [r["TEXT"] for r in rows if r["label"] == "0"]
        offensive = [r["TEXT"] for r in rows if r["label"] == "1"]
        rate, hits, total = layer_rate(det, benign)
        res["fp_cold_dev_non_offensive_zh"] = {"fp_rate": round(rate, 4), "hits": hits, "total": total}
        rate, hits, total = layer_rate(det, offensive)
        res["recall_cold_dev_offensive_zh"] = {"recall": round(rate, 4), "hits": hits, "total": total}
    xs = data / "xstest" / "xstest_prompts.csv"
    if xs.is_file():
        with xs.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh))
        safe = [r["prompt"] for r in rows if r["label"] == "safe"]
        unsafe = [r["prompt"] for r in rows if r["label"] == "unsafe"]
        rate, hits, total = layer_rate(det, safe)
        res["fp_xstest_safe"] = {"fp_rate": round(rate, 4), "hits": hits, "total": total}
        fp = [t for t in safe if det.detect(DetectContext(t))]
        res["fp_xstest_safe_examples"] = fp
        rate, hits, total = layer_rate(det, unsafe)
        res["recall_xstest_unsafe"] = {"recall": round(rate, 4), "hits": hits, "total": total}
    return res


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", type=Path, default=ROOT.parent / "shared" / "data")
    ap.add_argument("-n", type=int, default=5000, help="timed calls per latency measurement")
    ap.add_argument("--json", type=Path, default=None, help="also write the results here")
    args = ap.parse_args()
    res = run(args.data, args.n)
    out = json.dumps(res, ensure_ascii=False, indent=2)
    print(out)
    if args.json:
        args.json.write_text(out + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
