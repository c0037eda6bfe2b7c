"""Keyword-library statistics against the TC260-003 keyword-library minimums.

The minimums (at least 10,000 entries in total, covering the 17 risks of A1 and A2, at least
200 entries per A1 risk and 100 per A2 risk) come from secondary summaries of TC260-003, so
they are defaults that callers can override. The governance module calls
:func:`keyword_stats` to show whether a deployment's library meets them.

Counting: an *entry* is one distinct phrase the engine matches (after ``{a|b}`` expansion),
per language; a *pattern* is one line as written in a bank file. Both are reported, so a
reader can see how much of a count comes from alternation.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from genguard.detect.keywords.banks import bank_files, load_bank_file
from genguard.taxonomy import get_taxonomy


@dataclass(frozen=True)
class Minimums:
    total: int = 10_000
    per_a1_risk: int = 200
    per_a2_risk: int = 100


@dataclass
class CategoryStats:
    code: str
    name_zh: str
    name_en: str
    entries: dict[str, int] = field(default_factory=dict)  # language -> expanded entries
    patterns: dict[str, int] = field(default_factory=dict)  # language -> lines as written
    allow: int = 0
    minimum: int | None = None
    basis: str = "entries"

    @property
    def counts(self) -> dict[str, int]:
        return self.entries if self.basis == "entries" else self.patterns

    @property
    def total(self) -> int:
        return sum(self.counts.values())

    @property
    def met(self) -> bool | None:
        return None if self.minimum is None else self.total >= self.minimum


@dataclass
class KeywordStats:
    categories: list[CategoryStats]
    minimums: Minimums
    files: list[str]
    basis: str = "entries"

    @property
    def total(self) -> int:
        return sum(c.total for c in self.categories)

    @property
    def total_a1_a2(self) -> int:
        return sum(c.total for c in self.categories if c.code.startswith(("A1.", "A2.")))

    @property
    def missing_required(self) -> list[str]:
        """A1/A2 risks with no entries at all."""
        have = {c.code for c in self.categories if c.total}
        return [c for c in get_taxonomy().codes(appendix_a_only=True) if c.startswith(("A1.", "A2.")) and c not in have]

    @property
    def total_met(self) -> bool:
        return self.total >= self.minimums.total

    @property
    def all_met(self) -> bool:
        return self.total_met and not self.missing_required and all(c.met is not False for c in self.categories)

    def to_dict(self) -> dict[str, Any]:
        return {
            "basis": self.basis,
            "total": self.total,
            "total_a1_a2": self.total_a1_a2,
            "total_entries": sum(sum(c.entries.values()) for c in self.categories),
            "total_patterns": sum(sum(c.patterns.values()) for c in self.categories),
            "minimums": asdict(self.minimums),
            "total_met": self.total_met,
            "missing_a1_a2_risks": self.missing_required,
            "all_met": self.all_met,
            "files": self.files,
            "categories": [
                {
                    "code": c.code,
                    "name_zh": c.name_zh,
                    "name_en": c.name_en,
                    "entries": c.entries,
                    "patterns": c.patterns,
                    "total": c.total,
                    "allow": c.allow,
                    "minimum": c.minimum,
                    "met": c.met,
                }
                for c in self.categories
            ],
        }


def keyword_stats(
    paths: list[str | Path] | None = None, minimums: Minimums | None = None, *, basis: str = "entries"
) -> KeywordStats:
    """Count bank entries per risk code and language and compare them with the minimums.

    ``basis`` = ``entries`` (distinct expanded phrases, what the engine matches) or
    ``patterns`` (lines as written in the bank files, before ``{a|b}`` expansion).
    """
    if basis not in ("entries", "patterns"):
        raise ValueError(f"basis must be 'entries' or 'patterns', got {basis!r}")
    mins = minimums or Minimums()
    tax = get_taxonomy()
    files = bank_files(paths)
    by_code: dict[str, CategoryStats] = {}
    for f in files:
        bank = load_bank_file(f)
        cs = by_code.get(bank.category)
        if cs is None:
            cat = tax.get(bank.category)
            cs = CategoryStats(bank.category, cat.name("zh"), cat.name("en"), basis=basis)
            by_code[bank.category] = cs
        for lang, n in bank.count_by_lang().items():
            cs.entries[lang] = cs.entries.get(lang, 0) + n
        for src in (bank.terms, bank.literal):
            for lang, items in src.items():
                cs.patterns[lang] = cs.patterns.get(lang, 0) + len(items)
        cs.allow += len(bank.allow)
    for code in tax.codes(appendix_a_only=True):
        if code.startswith(("A1.", "A2.")) and code not in by_code:
            cat = tax.get(code)
            by_code[code] = CategoryStats(code, cat.name("zh"), cat.name("en"), basis=basis)
    for cs in by_code.values():
        if cs.code.startswith("A1."):
            cs.minimum = mins.per_a1_risk
        elif cs.code.startswith("A2."):
            cs.minimum = mins.per_a2_risk
    order = {c: i for i, c in enumerate(tax.codes())}
    cats = sorted(by_code.values(), key=lambda c: order.get(c.code, 10_000))
    return KeywordStats(cats, mins, [str(f) for f in files], basis)
