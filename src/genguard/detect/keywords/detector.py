"""The keyword detector: one Aho-Corasick automaton over every bank's normalised terms."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import ahocorasick

from genguard.detect.base import DetectContext, Detector, register_detector
from genguard.detect.keywords.banks import KeywordBank, load_banks
from genguard.findings import Finding
from genguard.text.normalize import normalize


@register_detector("keywords")
class KeywordDetector(Detector):
    type_name = "keywords"

    def __init__(
        self,
        name: str | None = None,
        banks: list[str | Path] | None = None,
        extra_terms: dict[str, list[str]] | None = None,
        allow: list[str] | None = None,
        score: float = 0.9,
    ) -> None:
        super().__init__(name)
        self.banks: list[KeywordBank] = load_banks(banks)
        for code, terms in (extra_terms or {}).items():
            self.banks.append(KeywordBank(code, {"any": list(terms)}, source="policy"))
        self.score = score
        self._auto: Any = ahocorasick.Automaton()
        entries: dict[str, list[tuple[str, str]]] = {}
        for bank in self.banks:
            for terms in bank.terms.values():
                for term in terms:
                    key = normalize(term).text
                    if key:
                        entries.setdefault(key, []).append((bank.category, term))
        for key, vals in entries.items():
            self._auto.add_word(key, (len(key), vals))
        if entries:
            self._auto.make_automaton()
        self._has = bool(entries)
        allows = [a for b in self.banks for a in b.allow] + list(allow or [])
        self._allow: Any = ahocorasick.Automaton()
        for a in allows:
            k = normalize(a).text
            if k:
                self._allow.add_word(k, len(k))
        self._has_allow = bool(allows)
        if allows:
            self._allow.make_automaton()

    def categories(self) -> set[str]:
        return {b.category for b in self.banks}

    def detect(self, ctx: DetectContext) -> list[Finding]:
        if not self._has:
            return []
        norm = ctx.normalized
        allowed: list[tuple[int, int]] = []
        if self._has_allow:
            allowed = [(end - n + 1, end + 1) for end, n in self._allow.iter(norm.text)]
        out: list[Finding] = []
        for end, (n, vals) in self._auto.iter(norm.text):
            s, e = end - n + 1, end + 1
            if any(a <= s and e <= b for a, b in allowed):
                continue
            os_, oe = norm.span(s, e)
            for category, term in vals:
                out.append(
                    Finding(
                        category=category, detector=self.name, score=self.score, start=os_, end=oe,
                        evidence=ctx.text[os_:oe], normalized=term,
                    )
                )
        return out
