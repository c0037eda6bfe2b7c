"""A small, seeded, self-written mixed corpus for the demo and quick checks (no external data)."""

from __future__ import annotations

import gzip
import json
import random
from pathlib import Path

SUBJECTS_ZH = ["春天的公园", "城市的地铁", "家里的小猫", "学校的图书馆", "山间的小路", "海边的清晨", "老街的茶馆", "秋天的稻田"]
VERBS_ZH = ["让人感到安静", "总是很热闹", "适合周末散步", "值得慢慢欣赏", "记录了很多故事", "充满了生活气息"]
SUBJECTS_EN = ["The river path", "A quiet library", "Our small garden", "The morning train", "An old bakery", "The city museum"]
VERBS_EN = ["feels calm in the evening", "is busy on weekdays", "is a good place to read", "changes with the seasons",
            "keeps many local stories", "opens early for visitors"]
HARMFUL = ["有人在论坛上询问制作炸弹的详细步骤。", "The post explained how to make a bomb with household items."]


def benign(rng: random.Random, i: int) -> str:
    if rng.random() < 0.5:
        return f"{rng.choice(SUBJECTS_ZH)}{rng.choice(VERBS_ZH)}，第{i}篇随笔。"
    return f"{rng.choice(SUBJECTS_EN)} {rng.choice(VERBS_EN)} (note {i})."


def write_demo_corpus(folder: Path, seed: int = 7, per_source: int = 300) -> Path:
    """Three sources: ``forum`` with 10% planted harmful posts (-> blacklist), ``news`` and
    ``books`` clean; one file gzip-compressed and one malformed line, to show the reporting."""
    rng = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "news.jsonl").open("w", encoding="utf-8") as fh:
        for i in range(per_source):
            fh.write(json.dumps({"text": benign(rng, i)}, ensure_ascii=False) + "\n")
        fh.write('{"text": "a truncated record\n')
    with gzip.open(folder / "forum.jsonl.gz", "wt", encoding="utf-8") as fh:
        for i in range(per_source):
            text = rng.choice(HARMFUL) if i % 10 == 3 else benign(rng, i)
            fh.write(json.dumps({"text": text}, ensure_ascii=False) + "\n")
    with (folder / "books.txt").open("w", encoding="utf-8") as fh:
        for i in range(per_source):
            fh.write(benign(rng, i) + "\n")
    return folder
