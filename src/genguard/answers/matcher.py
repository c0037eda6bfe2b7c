"""Indexes for exact/normalised and fuzzy matching over every question and paraphrase.

Exact matching uses the canonical form (the shared evasion-resistant normalisation, with
separators removed), so width, case, traditional/simplified and punctuation differences still
match. Fuzzy matching uses rapidfuzz's normalised Indel ratio, scored only on candidates that
can reach the threshold: (1) the length window (for ratio >= t the longer string is at most
(2 - t) / t times the shorter) and (2) the q-gram lemma (after k insertions/deletions at least
(n - 1) - 2k of the query's bigrams survive), counted with a bigram inverted index. Both filters
are exact bounds, so they speed lookups up on large banks without losing a single match.
"""

from __future__ import annotations

import bisect
import math
import re
from dataclasses import dataclass

import numpy as np
from rapidfuzz import fuzz, process

from genguard.answers.model import AnswerEntry
from genguard.text.normalize import NormalizedText, normalize

# Everything but letters and digits: ``\w`` is str.isalnum() plus "_" (same Unicode classes).
_NOT_ALNUM = re.compile(r"[\W_]+")


def canonical(text: str, normalized: NormalizedText | None = None) -> str:
    """Canonical form for matching: normalised text with only letters and digits kept.

    ``normalized`` is ``normalize(text)`` when the caller already has it (the guard's pre-check
    reuses the detect context's), so a check normalises its text once."""
    return _NOT_ALNUM.sub("", (normalized or normalize(text)).text)


@dataclass(frozen=True)
class Candidate:
    entry: AnswerEntry
    kind: str  # "exact" | "fuzzy" | "embedding"
    score: float  # 0..1
    matched: str  # the bank question/paraphrase that matched


class QuestionIndex:
    def __init__(self, entries: list[AnswerEntry]) -> None:
        self.entries = entries
        self._exact: dict[str, list[tuple[AnswerEntry, str]]] = {}
        rows: list[tuple[int, str, AnswerEntry, str]] = []
        for e in entries:
            for q in e.questions:
                c = canonical(q)
                if not c:
                    continue
                self._exact.setdefault(c, []).append((e, q))
                rows.append((len(c), c, e, q))
        rows.sort(key=lambda r: r[0])
        self._lengths = np.array([r[0] for r in rows], dtype=np.int32)
        self._strings = [r[1] for r in rows]
        self._refs = [(r[2], r[3]) for r in rows]
        postings: dict[str, list[int]] = {}
        for i, s in enumerate(self._strings):
            for g in {s[j : j + 2] for j in range(len(s) - 1)}:
                postings.setdefault(g, []).append(i)
        self._postings = {g: np.array(ix, dtype=np.int32) for g, ix in postings.items()}

    def exact(self, query: str) -> list[tuple[AnswerEntry, str]]:
        return self._exact.get(query, [])

    def _candidates(self, query: str, t: float) -> np.ndarray:
        n = len(query)
        lo = bisect.bisect_left(self._lengths, math.floor(n * t / (2 - t)))
        hi = bisect.bisect_right(self._lengths, math.ceil(n * (2 - t) / t))
        if lo >= hi:
            return np.zeros(0, dtype=np.int32)
        max_len = int(self._lengths[hi - 1])
        # most insertions+deletions a match can need (epsilon: 1 - 0.8 is 0.19999... in floats)
        k_max = math.floor((1 - t) * (n + max_len) + 1e-9)
        need = (n - 1) - 2 * k_max
        if need <= 0:
            return np.arange(lo, hi, dtype=np.int32)
        lists = [self._postings[query[j : j + 2]] for j in range(n - 1) if query[j : j + 2] in self._postings]
        if not lists:
            return np.zeros(0, dtype=np.int32)
        counts = np.bincount(np.concatenate(lists), minlength=len(self._strings))
        idx = np.nonzero(counts[lo:hi] >= need)[0] + lo
        return idx.astype(np.int32)

    def fuzzy(self, query: str, threshold: float) -> list[tuple[AnswerEntry, str, float]]:
        """Bank questions with ratio >= threshold (best first, at most 5)."""
        if not query or not self._strings:
            return []
        t = min(max(threshold, 1e-6), 1.0)
        cand = self._candidates(query, t)
        if len(cand) == 0:
            return []
        hits = process.extract(
            query, [self._strings[i] for i in cand], scorer=fuzz.ratio, score_cutoff=t * 100, limit=5
        )
        return [(*self._refs[int(cand[j])], score / 100) for _, score, j in hits]
