"""Blank out the Latin words of a pinyin view that no pinyin key can take part in.

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
key. A word whose letters are a substring of no key can be in no accepted occurrence; blanking
it (one space per character, offsets untouched) removes only occurrences the checks would
reject, and keeps every other occurrence with the same neighbours and offsets. On a piece of the
view (``NormalizedText.pinyin_pieces``) a word cut at the piece's edge is a part of the real
word: if the part is in no key, neither is the word.

"Substring of a key" is decided with a bitmap of every string of at most :data:`WIDTH` letters
that occurs in a key: a word of that length is looked up, a longer one must have every window of
``WIDTH`` letters in the set (a necessary condition, so at worst a word is kept that need not
be). ``l`` folds to ``i`` and digits other than the leetspeak ones stay digits, which no key
holds. On the corpus bench about four fifths of the Latin letters go.

The compiled text kernel (``_fold.prune_words``) does the work; without it the view is scanned
as it is (same hits; in Python, finding the words would cost more than the scan saves).
"""

from __future__ import annotations

import functools
import re

import numpy as np

from genguard.text.compiled import compiled_fold
from genguard.text.normalize import View, tables

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
    """Blanks the words of a pinyin view (or piece) that are in no key; see the module doc."""

    __slots__ = ("_bits",)

    def __init__(self, keys: list[str], bitmap: np.ndarray | None | bool = False) -> None:
        """``bitmap``: one computed earlier for the same keys (the engine's disk cache keeps it:
        computing it takes ~60 ms of a CLI run's start-up), None for "no pruning", False to
        compute it from ``keys``."""
        self._bits = gram_bitmap(keys) if bitmap is False else bitmap if isinstance(bitmap, np.ndarray) else None

    @property
    def bitmap(self) -> np.ndarray | None:
        """The bitmap of key substrings (None when the keys cannot be pruned against)."""
        return self._bits

    def active(self) -> bool:
        """Whether :meth:`prune` blanks anything: the compiled kernel is on and the keys are all
        letters a-z. The engine asks first, so that without pruning it keeps not building the
        pinyin view's offsets for a text where no key occurs."""
        return self._bits is not None and compiled_fold.active() is not None

    def prune(self, view: View, original: str) -> str:
        """``view.text`` with the words in no key blanked (the text itself when nothing goes, or
        when pruning is not :meth:`active`)."""
        kernel = compiled_fold.active()
        if kernel is None or self._bits is None or not view.text:
            return view.text
        offsets = np.ascontiguousarray(view.offsets, dtype=np.int64)
        return kernel.prune_words(view.text, offsets, original, _classes(), self._bits, WIDTH)
