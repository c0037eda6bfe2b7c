"""Shared helpers: dataset paths, carrier sentences, span-level scoring."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data"

Span = tuple[int, int, int, str]  # (doc index, start, end, entity)


def cold_sentences(split: str = "dev") -> list[str]:
    path = DATA / "cold" / f"{split}.csv"
    if not path.is_file():
        raise SystemExit(f"COLD not found at {path} (the shared datasets live in ../shared/data)")
    with path.open(encoding="utf-8-sig") as fh:
        return [r["TEXT"].strip() for r in csv.DictReader(fh) if r["TEXT"].strip()]


@dataclass
class Scores:
    tp: Counter[str] = field(default_factory=Counter)
    fp: Counter[str] = field(default_factory=Counter)
    fn: Counter[str] = field(default_factory=Counter)

    def add(self, gold: Iterable[Span], pred: Iterable[Span]) -> None:
        g, p = set(gold), set(pred)
        for s in g & p:
            self.tp[s[3]] += 1
        for s in p - g:
            self.fp[s[3]] += 1
        for s in g - p:
            self.fn[s[3]] += 1

    def row(self, ent: str) -> tuple[float, float, float, int]:
        tp, fp, fn = self.tp[ent], self.fp[ent], self.fn[ent]
        p = tp / (tp + fp) if tp + fp else 0.0
        r = tp / (tp + fn) if tp + fn else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f, tp + fn

    def entities(self) -> list[str]:
        return sorted(set(self.tp) | set(self.fp) | set(self.fn))
