"""Spell only the part of a pinyin view that a pinyin-key hit can use, and scan only that.

Why: the pinyin automaton (~78k keys) runs over the spelling of every Latin run, i.e. over all
the English of a mixed text, and over all the Chinese around it. On corpus documents that scan
and the Python checks of the occurrences it finds inside English words (nearly all rejected)
cost more than the main scan.

Why it is exact: every pinyin key entry is a Latin entry, so an accepted occurrence must sit on
word boundaries of the original text (``engine._on_boundaries``: the character before it and the
one after it, skipping invisible characters, are not word characters). Call a *word* a maximal
run of word characters (``normalize.is_word_char``) with nothing but invisible characters
between them. An occurrence that touches a word therefore covers all of it: starting (ending)
inside it would put a word character of the same word right before (after) it. Each word
character is one character of the view, so the word's folded letters are then a substring of the
key. A word whose letters are a substring of no key can be in no accepted occurrence; leaving it
out leaves out only occurrences the checks would reject.

Then what lies far from the kept words goes too: an accepted occurrence must cover an ASCII
letter of the original, i.e. a character of a kept word, so none of its characters lies
``reach`` (the longest key) or more view positions away from every kept word. A compact
character is left out when all the letters it spells are that far. What is left of a mixed
document is the English that could spell pinyin and the Chinese right next to it; a long Chinese
stretch with no Latin word near it is neither spelled nor scanned.

Each run of left-out characters becomes one space carrying the offset of its first character.
No key holds a space, so no occurrence spans one, and every occurrence that avoids the left-out
characters is still found, at the same characters and offsets. The engine's whole-syllable check
looks at an occurrence's neighbours: a space stands for other compact characters than the ones
next to it, so its offset differs from theirs, as the real neighbours' offsets did (compact
characters are left out whole, never one spelled letter of a character without the others).

"Substring of a key" is decided with a bitmap of every string of at most :data:`WIDTH` letters
that occurs in a key: a word of that length is looked up, a longer one must have every window of
``WIDTH`` letters in the set (a necessary condition, so at worst a word is kept that need not
be). ``l`` folds to ``i`` and digits other than the leetspeak ones stay digits, which no key
holds. On the corpus bench about four fifths of the Latin letters go, and with the Chinese far
from the rest about three quarters of the view.

The compiled text kernel (``_fold.spell_pruned``) does the work; without it the engine scans the
whole view or its pieces near the letters, as before (same hits; in Python, finding the words
would cost more than the scan saves).
"""

from __future__ import annotations

import functools
import re

import numpy as np

from genguard.text.compiled import compiled_fold
from genguard.text.normalize import NormalizedText, View, tables

WIDTH = 4  # 27**4 bits = 66 KB; a width of 5 (1.8 MB) kept 18.5 % of the corpus letters against 20 %
_KEYS_RE = re.compile("[a-z]+(?:\0[a-z]+)*")
_BASE = 27  # letters a-z are the digits 1..26 (bijective base 27: lengths never collide)


@functools.cache
def _classes() -> np.ndarray:
    """uint8 per code point of the fold tables: bit 1 = word character, bit 2 = visible separator."""
    t = tables()
    return (t.word.astype(np.uint8) | (t.visible_sep.astype(np.uint8) << 1)).astype(np.uint8)


@functools.cache
def _row_lengths() -> np.ndarray:
    """uint8 per code point: how many letters its row of ``tables().pinyin_wide`` spells (the
    entries before the first zero), so that the kernel need not search each row for its end."""
    wide = tables().pinyin_wide
    return np.cumprod(wide != 0, axis=1).sum(axis=1).astype(np.uint8)


def gram_bitmap(keys: list[str], width: int = WIDTH) -> np.ndarray | None:
    """The bitmap (little-endian bit order, as ``_fold.spell_pruned`` reads it) of every string of
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
    """Spells the part of a text's pinyin view that a pinyin-key hit can use; see the module doc."""

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
        """Whether :meth:`pinyin_view` can serve: the compiled kernel is on and the keys are all
        letters a-z (else the engine scans the whole pinyin view, or its pieces, as before)."""
        return self._bits is not None and compiled_fold.active() is not None

    def pinyin_view(self, norm: NormalizedText, reach: int) -> View:
        """The pinyin view of ``norm`` without the Latin words in no key and without what lies
        ``reach`` (the longest key's length) or more view positions from the kept words, each
        run left out replaced by one space (with the offset of its first character). Spelling
        only what stays, in the same pass, costs less than spelling the whole view first.
        Only when :meth:`active`."""
        kernel = compiled_fold.active()
        assert kernel is not None and self._bits is not None
        wide = tables().pinyin_wide
        offsets = np.ascontiguousarray(norm.offsets, dtype=np.int64)
        text, offs = kernel.spell_pruned(norm._codes, offsets, norm.original, wide, wide.shape[1], _row_lengths(),
                                         _classes(), self._bits, WIDTH, reach)
        return View(text, np.frombuffer(offs, dtype=np.int64), len(norm.original))
