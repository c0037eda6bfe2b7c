"""Drop the Latin words of a pinyin view that no pinyin key can take part in, before the scan.

Why: the pinyin automaton (~78k keys) runs over the spelling of every Latin run, i.e. over all
the English of a mixed text. On corpus documents that scan and the Python checks of the
occurrences it finds inside English words (nearly all rejected) cost more than the main scan.

Why it is exact: every pinyin key entry is a Latin entry, so an accepted occurrence must sit on
word boundaries of the original text (``engine._on_boundaries``: the character before it and the
one after it, skipping invisible characters, are not word characters). Call a *word* a maximal
run of word characters (``normalize.is_word_char``) with nothing but invisible characters
between them. An occurrence that touches a word therefore covers all of it: starting (ending)
inside it would put a word character of the same word right before (after) it. Each word
character is one character of the view, so the word's folded letters are then a substring of the
key. A word whose letters are a substring of no key can be in no accepted occurrence; removing
it removes only occurrences the checks would reject. On a piece of the
view (``NormalizedText.pinyin_pieces``) a word cut at the piece's edge is a part of the real
word: if the part is in no key, neither is the word.

Then the rest of the view far from the kept words goes too: an accepted occurrence must cover an
ASCII letter of the original, i.e. a character of a kept word, so none of its characters lies
``reach`` (the longest key) or more positions away from every kept word. What is left of a mixed
document is the English that could spell pinyin and the Chinese right next to it; a long Chinese
stretch with no Latin word near it is not scanned at all.

Each run of removed characters becomes one space (no key holds a space, so no occurrence spans
one, and every occurrence that avoids the removed characters is still found); the engine maps
the occurrences back to view positions (:meth:`Pruned.to_view`) and checks them on the unpruned
view, with the same neighbours and offsets as before.

"Substring of a key" is decided with a bitmap of every string of at most :data:`WIDTH` letters
that occurs in a key: a word of that length is looked up, a longer one must have every window of
``WIDTH`` letters in the set (a necessary condition, so at worst a word is kept that need not
be). ``l`` folds to ``i`` and digits other than the leetspeak ones stay digits, which no key
holds. On the corpus bench about four fifths of the Latin letters go, and with the Chinese far
from the rest about three quarters of the view.

The compiled text kernel (``_fold.prune_words``) does the work; without it the view is scanned
as it is (same hits; in Python, finding the words would cost more than the scan saves).
"""

from __future__ import annotations

import functools
import re
from typing import NamedTuple, TypeVar

import numpy as np

from genguard.text.compiled import compiled_fold
from genguard.text.normalize import View, tables

_T = TypeVar("_T")

WIDTH = 4  # 27**4 bits = 66 KB; a width of 5 (1.8 MB) kept 18.5 % of the corpus letters against 20 %
_KEYS_RE = re.compile("[a-z]+(?:\0[a-z]+)*")
_BASE = 27  # letters a-z are the digits 1..26 (bijective base 27: lengths never collide)


@functools.cache
def _classes() -> np.ndarray:
    """uint8 per code point of the fold tables: bit 1 = word character, bit 2 = visible separator."""
    t = tables()
    return (t.word.astype(np.uint8) | (t.visible_sep.astype(np.uint8) << 1)).astype(np.uint8)


def gram_bitmap(keys: list[str], width: int = WIDTH) -> np.ndarray | None:
    """The bitmap (little-endian bit order, as ``_fold.prune_words`` reads it) of every string of
    at most ``width`` letters a-z found in ``keys``; None when some key holds anything else (then
    a word with such a character could be in a key, and nothing is pruned)."""
    joined = "\0".join(keys)
    if not keys or _KEYS_RE.fullmatch(joined) is None:
        return None
    raw = np.frombuffer(joined.encode("ascii"), dtype=np.uint8).astype(np.int64)
    digits = np.where(raw > 0, raw - ord("a") + 1, 0)
    bits = np.zeros(_BASE**width, dtype=bool)
    for size in range(1, width + 1):
        m = len(digits) - size + 1
        if m <= 0:
            break
        code = np.zeros(m, dtype=np.int64)
        valid = np.ones(m, dtype=bool)
        for j in range(size):
            d = digits[j : j + m]
            code = code * _BASE + d
            valid &= d > 0
        bits[code[valid]] = True
    return np.packbits(bits, bitorder="little")


class WordPruner:
    """Drops what no pinyin-key hit can use from a pinyin view (or piece); see the module doc."""

    __slots__ = ("_bits",)

    def __init__(self, bitmap: np.ndarray | None) -> None:
        """``bitmap``: :func:`gram_bitmap` of the pinyin keys (the engine's disk cache keeps it:
        computing it takes ~60 ms of a CLI run's start-up); None prunes nothing."""
        self._bits = bitmap

    @property
    def bitmap(self) -> np.ndarray | None:
        """The bitmap of key substrings (None when the keys cannot be pruned against)."""
        return self._bits

    def active(self) -> bool:
        """Whether :meth:`prune` blanks anything: the compiled kernel is on and the keys are all
        letters a-z. The engine asks first, so that without pruning it keeps not building the
        pinyin view's offsets for a text where no key occurs."""
        return self._bits is not None and compiled_fold.active() is not None

    def prune(self, view: View, original: str, reach: int = 0) -> Pruned:
        """``view.text`` without the words in no key, and with ``reach`` > 0 (the longest key's
        length) without everything at least ``reach`` characters from the kept words either;
        each run of removed characters becomes one space. The view itself when nothing goes or
        when pruning is not :meth:`active`."""
        kernel = compiled_fold.active()
        if kernel is None or self._bits is None or not view.text:
            return Pruned(view.text, None)
        offsets = np.ascontiguousarray(view.offsets, dtype=np.int64)
        text, where = kernel.prune_words(view.text, offsets, original, _classes(), self._bits, WIDTH, reach)
        return Pruned(text, None if where is None else np.frombuffer(where, dtype=np.int64))


class Pruned(NamedTuple):
    """A pruned view's text and, when something was removed, the view position of each of its
    characters (-1 for the spaces that stand for removed runs)."""

    text: str
    where: np.ndarray | None

    def to_view(self, found: list[tuple[int, int, _T]]) -> list[tuple[int, int, _T]]:
        """Occurrences ``(start, end, value)`` in :attr:`text` as positions in the view. An
        occurrence never holds one of the spaces (no key has one), so its characters were
        neighbours in the view too."""
        w = self.where
        if w is None or not found:
            return found
        return [(int(w[s]), int(w[e - 1]) + 1, v) for s, e, v in found]
