"""Corpus test helpers: generators that plant harmful / personal-data documents at exact, known rates."""

from __future__ import annotations

import json
import random
from pathlib import Path

HARMFUL_ZH = "有人在帖子里详细讨论了制作炸弹的方法。"
HARMFUL_EN = "The thread describes how to make a bomb step by step."
PHONES = [f"1{n}" for n in (3812345678, 3900001111, 5011112222, 8622223333, 3533334444)]


def benign(rng: random.Random, i: int) -> str:
    a = rng.choice(["春天的公园", "城市的地铁", "学校的图书馆", "山间的小路", "海边的清晨", "The river path",
                    "A quiet library", "Our small garden", "The morning train"])
    b = rng.choice(["让人感到安静", "总是很热闹", "适合周末散步", "is busy on weekdays", "changes with the seasons",
                    "keeps many local stories"])
    # a unique tail keeps documents from being near-duplicates of each other
    tail = " ".join(f"w{rng.randrange(10**9)}" for _ in range(12))
    return f"{a} {b} {i} {tail}"


def write_source(path: Path, n: int, *, harmful: int = 0, pii: int = 0, seed: int = 0, carriers: list[str] | None = None,
                 source_field: str | None = None, source: str = "") -> dict[str, set[str]]:
    """JSONL with exactly ``harmful`` harmful and ``pii`` personal-data documents among ``n``.

    Returns the planted document ids (``file:line``) by kind.
    """
    rng = random.Random(seed)
    idx = list(range(n))
    rng.shuffle(idx)
    harm_idx = set(idx[:harmful])
    pii_idx = set(idx[harmful : harmful + pii])
    planted: dict[str, set[str]] = {"harmful": set(), "pii": set(), "all": set()}
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            text = carriers[i % len(carriers)] + f" #{i}" if carriers else benign(rng, i)
            if i in harm_idx:
                text = f"{text} {rng.choice([HARMFUL_ZH, HARMFUL_EN])}"
            elif i in pii_idx:
                text = f"{text} 联系电话 {rng.choice(PHONES)}。"
            rec: dict[str, str] = {"text": text}
            if source_field:
                rec[source_field] = source
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
            doc_id = f"{path}:{i + 1}"
            planted["all"].add(doc_id)
            if i in harm_idx:
                planted["harmful"].add(doc_id)
            if i in pii_idx:
                planted["pii"].add(doc_id)
    return planted


def cold_sentences(shared_data: Path, limit: int = 3000) -> list[str]:
    import csv

    out = []
    with (shared_data / "cold" / "dev.csv").open(encoding="utf-8-sig", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["label"] == "0" and "炸弹" not in row["TEXT"]:
                out.append(row["TEXT"].replace("\n", " "))
            if len(out) >= limit:
                break
    return out


def strip_volatile(report: dict) -> dict:
    r = dict(report)
    for k in ("run_id", "created_at", "timing", "backend", "workers"):
        r.pop(k, None)
    return r
