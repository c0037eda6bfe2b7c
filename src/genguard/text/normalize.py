"""Normalisation for matching, with an offset map back to the original text.

Placeholder implementation (NFKC + casefold + invisible-character removal); the full evasion
pipeline (separators, traditional->simplified, homoglyphs, leetspeak, pinyin) replaces it.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field


@dataclass(frozen=True)
class NormalizedText:
    """``text`` is the normalised form; ``offsets[i]`` is the original index of ``text[i]``."""

    original: str
    text: str
    offsets: list[int] = field(repr=False)

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalised span ``[start, end)`` back to the original text."""
        if start >= end:
            o = self.offsets[start] if start < len(self.offsets) else len(self.original)
            return o, o
        return self.offsets[start], self.offsets[end - 1] + 1


_INVISIBLE = {"Cf", "Mn", "Cc"}


def normalize(text: str) -> NormalizedText:
    out: list[str] = []
    offsets: list[int] = []
    for i, ch in enumerate(text):
        if unicodedata.category(ch) in _INVISIBLE and ch not in "\n\t":
            continue
        for c in unicodedata.normalize("NFKC", ch).casefold():
            out.append(c)
            offsets.append(i)
    return NormalizedText(text, "".join(out), offsets)
