"""Corpus-governance throughput and memory on a generated corpus (default 1 GB, written to /tmp).

Documents are built from real sentences (COLD zh + ToxiGen neutral en from ../shared/data when
present; generated text otherwise), 2 % with planted harmful phrases, 1 % with phone numbers,
3 % exact and 2 % near duplicates. Each measurement runs the real CLI in a subprocess; peak
memory is sampled from /proc for the whole process tree (driver + workers).

    python -m bench.corpus.bench_corpus --size-mb 1024 --workers 1 2
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import random
import shutil
import subprocess
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SHARED = ROOT.parent / "shared" / "data"
HARMFUL = ["有人在帖子里详细讨论了制作炸弹的方法。", "The thread describes how to make a bomb step by step."]


def carriers(lang: str = "mixed") -> list[str]:
    """The sentences documents are built from: ``mixed`` (COLD and ToxiGen together, so most
    documents hold both languages, the corpus the targets are measured on), ``zh`` or ``en``
    (one language each: where each language's share of the scan cost shows)."""
    out: list[str] = []
    cold = SHARED / "cold" / "train.csv"
    if cold.is_file():
        with cold.open(encoding="utf-8-sig", newline="") as fh:
            out += [r["TEXT"].replace("\n", " ") for r in csv.DictReader(fh)]
    tox = SHARED / "toxigen" / "prompts"
    if tox.is_dir():
        for f in sorted(tox.glob("neutral_*.txt")):
            out += [x.strip().lstrip("- ").strip() for x in f.read_text(encoding="utf-8").splitlines() if x.strip()]
    if lang != "mixed":
        out = [s for s in out if any("\u4e00" <= c <= "\u9fff" for c in s) == (lang == "zh")]
    if not out:
        rng = random.Random(0)
        out = [" ".join(f"w{rng.randrange(50000)}" for _ in range(20)) for _ in range(20000)]
    return out


def generate(folder: Path, size_mb: int, files: int = 8, seed: int = 0, lang: str = "mixed") -> dict[str, int]:
    folder.mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)
    sents = carriers(lang)
    target = size_mb * 1024 * 1024
    per_file = target // files
    stats = {"docs": 0, "bytes": 0, "harmful": 0, "pii": 0, "exact": 0, "near": 0}
    recent: list[str] = []
    for i in range(files):
        written = 0
        with (folder / f"src{i % 4}-part{i}.jsonl").open("w", encoding="utf-8") as fh:
            while written < per_file:
                roll = rng.random()
                if roll < 0.03 and recent:
                    text = rng.choice(recent)
                    stats["exact"] += 1
                elif roll < 0.05 and recent:
                    words = rng.choice(recent).split(" ")
                    words[len(words) // 2] = "变体"
                    text = " ".join(words)
                    stats["near"] += 1
                else:
                    text = " ".join(rng.choice(sents) for _ in range(rng.randint(8, 40)))
                    if roll < 0.07:
                        text += " " + rng.choice(HARMFUL)
                        stats["harmful"] += 1
                    elif roll < 0.08:
                        text += f" 联系电话 1{rng.choice('3589')}{rng.randrange(10**9):09d}"
                        stats["pii"] += 1
                    recent = [*recent, text][-200:]
                line = json.dumps({"text": text}, ensure_ascii=False) + "\n"
                fh.write(line)
                n = len(line.encode("utf-8"))
                written += n
                stats["docs"] += 1
                stats["bytes"] += n
    return stats


def _tree_rss(pid: int) -> tuple[int, int, int]:
    """(sum RSS, max RSS, sum PSS) in bytes over ``pid`` and its descendants.

    Forked workers share the driver's loaded models copy-on-write, so summed RSS counts those
    pages once per process; PSS (proportional set size) splits shared pages between the processes
    that map them and so sums to the memory the tree really uses.
    """
    total = biggest = pss = 0
    stack = [pid]
    while stack:
        p = stack.pop()
        try:
            with open(f"/proc/{p}/status") as fh:
                for line in fh:
                    if line.startswith("VmRSS:"):
                        rss = int(line.split()[1]) * 1024
                        total += rss
                        biggest = max(biggest, rss)
                        break
            with open(f"/proc/{p}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        pss += int(line.split()[1]) * 1024
                        break
            for t in os.listdir(f"/proc/{p}/task"):
                with open(f"/proc/{p}/task/{t}/children") as fh:
                    stack += [int(c) for c in fh.read().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total, biggest, pss


def measure(cmd: list[str], env: dict[str, str]) -> dict[str, float]:
    """Wall seconds, CPU seconds (user+sys of the whole reaped tree) and peak RSS.

    CPU seconds make the per-core rate meaningful on a shared machine: wall time there depends on
    what else runs, CPU time much less.
    """
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    peak = [0, 0, 0]

    def sample() -> None:
        while proc.poll() is None:
            s, m, pss = _tree_rss(proc.pid)
            peak[0], peak[1], peak[2] = max(peak[0], s), max(peak[1], m), max(peak[2], pss)
            time.sleep(0.2)

    th = threading.Thread(target=sample, daemon=True)
    th.start()
    _out, err = proc.communicate()
    th.join()
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err[-2000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return {"seconds": wall, "cpu_seconds": cpu, "peak_tree_rss_mb": peak[0] / 2**20, "peak_proc_rss_mb": peak[1] / 2**20,
            "peak_tree_pss_mb": peak[2] / 2**20}


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--size-mb", type=int, default=1024)
    ap.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    ap.add_argument("--dir", default="/tmp/genguard-corpus-bench")
    ap.add_argument("--keep", action="store_true", help="reuse an existing generated corpus")
    ap.add_argument("--lang", choices=["mixed", "zh", "en"], default="mixed",
                    help="carrier sentences: both languages (default) or one")
    ap.add_argument("--runs", nargs="*", default=["full", "sampled", "clean"],
                    help="full sampled clean (none: only generate the corpus)")
    args = ap.parse_args()
    base = Path(args.dir)
    data = base / (f"corpus-{args.size_mb}mb" + ("" if args.lang == "mixed" else f"-{args.lang}"))
    if not (args.keep and data.is_dir()):
        shutil.rmtree(data, ignore_errors=True)
        t = time.perf_counter()
        gen = generate(data, args.size_mb, lang=args.lang)
        print(f"generated {gen} in {time.perf_counter() - t:.1f}s", flush=True)
    size = sum(f.stat().st_size for f in data.glob("*.jsonl"))
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src"), "GENGUARD_HOME": str(base / "home")}
    sys.path.insert(0, str(ROOT / "src"))
    from genguard.guard import Guard

    detectors = [d.name for d in Guard.from_policy().detectors]
    py = [sys.executable, "-m", "genguard.cli.app", "corpus"]
    results = []
    runs = []
    if "full" in args.runs:
        runs.append(("audit --full", ["audit", str(data), "--full", "--no-record", "--no-resume"]))
    if "sampled" in args.runs:
        runs.append(("audit (sampled, 4000/source)", ["audit", str(data), "--no-record", "--no-resume"]))
    if "clean" in args.runs:
        runs.append(("clean", ["clean", str(data), "--no-resume", "--ignore-blacklist"]))
    for label, sub in runs:
        for w in args.workers:
            if label.startswith("audit (sampled") and w != max(args.workers):
                continue
            out = base / f"out-{label.split()[0]}-{w}"
            shutil.rmtree(out, ignore_errors=True)
            m = measure([*py, *sub, "--workers", str(w), "--out", str(out)], env)
            mbps = size / 1e6 / m["seconds"]
            row = {"run": label, "workers": w, "mb": round(size / 1e6, 1), **{k: round(v, 1) for k, v in m.items()},
                   "mb_per_s": round(mbps, 2), "mb_per_cpu_s": round(size / 1e6 / m["cpu_seconds"], 2),
                   "load_avg_1m": round(os.getloadavg()[0], 1)}
            if label == "clean":
                summ = json.loads((out / "clean.json").read_text(encoding="utf-8"))
                row["reasons"] = summ["reasons"]
                row["scan_s"], row["dedup_s"] = summ["timing"]["scan_seconds"], summ["timing"]["dedup_seconds"]
            else:
                # the audit's own clock starts once the guard is loaded and the shards planned: the
                # rate per worker from there is the steady state a larger corpus tends to (the
                # start-up before it is fixed, ~1.6 s, and idles every worker but the parent)
                row["scan_s"] = json.loads((out / "audit.json").read_text(encoding="utf-8"))["timing"]["seconds"]
                row["scan_mb_per_s_per_worker"] = round(size / 1e6 / row["scan_s"] / w, 2)
            results.append(row)
            print(json.dumps(row, ensure_ascii=False), flush=True)
    for label in ("audit --full", "clean"):
        by_w = {r["workers"]: r["seconds"] for r in results if r["run"] == label}
        if 1 in by_w and 2 in by_w:
            print(f"speedup {label} 1->2 workers: {by_w[1] / by_w[2]:.2f}x", flush=True)
    (base / f"results-{data.name.removeprefix('corpus-')}.json").write_text(json.dumps({"detectors": detectors, "results": results}, indent=2))
    print(f"detectors active: {detectors}")


if __name__ == "__main__":
    main()
