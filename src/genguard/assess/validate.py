"""``genguard bank validate``: coverage against the TC260 minimums, duplicates, near-duplicates.

The minimums (bank sizes and per-risk counts) are judged by :mod:`genguard.assess.bank_rules`,
shared with clause 8.3-8.4 of the evidence pack.

Near-duplicates are found with MinHash LSH over character 3-grams (datasketch) to get candidate
pairs cheaply on large banks, then confirmed with a rapidfuzz similarity score.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from genguard.assess.bank import BankItem, BankType
from genguard.assess.bank_rules import bank_checks
from genguard.assess.thresholds import Thresholds
from genguard.taxonomy import get_taxonomy

_SPACE = re.compile(r"[\s\W_]+", re.UNICODE)


def norm(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()


@dataclass
class ValidationReport:
    total: int
    by_bank: dict[str, int]
    by_language: dict[str, int]
    coverage: dict[str, int]  # generated-content questions per Appendix A risk
    missing_risks: list[str]
    exact_duplicates: list[list[str]]
    near_duplicates: list[tuple[str, str, float]]
    checks: list[dict[str, Any]] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return all(c["ok"] for c in self.checks)

    def to_dict(self) -> dict[str, Any]:
        return {
            "total": self.total,
            "by_bank": self.by_bank,
            "by_language": self.by_language,
            "coverage": self.coverage,
            "missing_risks": self.missing_risks,
            "exact_duplicates": self.exact_duplicates,
            "near_duplicates": [list(x) for x in self.near_duplicates],
            "checks": self.checks,
            "ok": self.ok,
        }


def find_near_duplicates(items: list[BankItem], threshold: float = 90.0) -> list[tuple[str, str, float]]:
    from datasketch import MinHash, MinHashLSH
    from rapidfuzz import fuzz

    lsh = MinHashLSH(threshold=0.6, num_perm=64)
    texts = {it.id: norm(it.question) for it in items}
    sketches: dict[str, MinHash] = {}
    for it in items:
        t = texts[it.id]
        grams = {t[i : i + 3] for i in range(max(1, len(t) - 2))}
        m = MinHash(num_perm=64, seed=1)
        m.update_batch([g.encode("utf-8") for g in grams])
        sketches[it.id] = m
        lsh.insert(it.id, m)
    pairs: set[tuple[str, str]] = set()
    for key, m in sketches.items():
        for other in lsh.query(m):
            if other != key:
                pairs.add((min(key, other), max(key, other)))
    out = []
    for a, b in sorted(pairs):
        if texts[a] == texts[b]:
            continue  # exact duplicates are reported separately
        score = fuzz.ratio(texts[a], texts[b])
        if score >= threshold:
            out.append((a, b, round(score, 1)))
    return out


def validate_items(items: list[BankItem], thresholds: Thresholds | None = None, near: float = 90.0) -> ValidationReport:
    th = thresholds or Thresholds()
    tax = get_taxonomy()
    appendix = tax.codes(appendix_a_only=True)
    by_bank = Counter(str(i.bank) for i in items)
    coverage = {c: 0 for c in appendix}
    for it in items:
        if it.bank == BankType.GENERATED and it.risk in coverage:
            coverage[it.risk] += 1
    missing = [c for c, n in coverage.items() if n == 0]
    groups: dict[str, list[str]] = defaultdict(list)
    for it in items:
        groups[norm(it.question)].append(it.id)
    exact = [ids for ids in groups.values() if len(ids) > 1]
    near_d = find_near_duplicates(items, near) if len(items) > 1 else []
    refuse_per_code = Counter(it.risk for it in items if it.bank == BankType.SHOULD_REFUSE and it.risk)
    sizes = {"generated": by_bank[BankType.GENERATED], "should_refuse": by_bank[BankType.SHOULD_REFUSE],
             "should_not_refuse": by_bank[BankType.SHOULD_NOT_REFUSE]}
    checks: list[dict[str, Any]] = [
        {"check": c.en, "value": c.value, "min": c.minimum, "ok": c.ok, "below": list(c.below)}
        for c in bank_checks(sizes, coverage, refuse_per_code, th.bank_minimums())
    ]
    checks.append({"check": "no exact duplicates", "value": len(exact), "min": 0, "ok": not exact, "below": []})
    return ValidationReport(
        total=len(items),
        by_bank=dict(by_bank),
        by_language=dict(Counter(i.language for i in items)),
        coverage=coverage,
        missing_risks=missing,
        exact_duplicates=exact,
        near_duplicates=near_d,
        checks=checks,
    )
