"""Evasion-resistant normalisation with an exact offset map back to the original text.

Why this shape: keyword matching must survive the usual evasions (full-width letters, case,
compatibility forms, traditional characters, zero-width characters, separators between every
character, homoglyphs, leetspeak, pinyin) yet stay well under a millisecond per kilobyte.
So every per-character fold is precomputed ONCE into a code-point lookup table and applied
with numpy in a single vectorised gather:

``fold`` (1:1 per character)
    NFKC single-character folds (full-width -> half-width, ``①`` -> ``1``, Kangxi radicals ->
    ideographs, mathematical alphanumerics -> ASCII), case folding, accents stripped
    (``ö`` -> ``o``), Cyrillic/Greek look-alikes -> Latin, traditional -> simplified Chinese
    (OpenCC ``t2s`` per character), leetspeak skeleton (``0``->o, ``1``/``l``->i, ``3``->e,
    ``4``/``@``->a, ``5``/``$``->s, ``7``->t), and every separator, punctuation mark, symbol,
    invisible/format character and combining mark -> a sentinel (0).

``compact`` view
    The folded text with sentinels dropped; ``offsets[i]`` is the original index of
    ``text[i]`` (``np.flatnonzero``). Matching on it survives separators between characters.

``pinyin`` view (lazy)
    The compact view with every Han character replaced by its toneless pinyin (first reading),
    offsets repeated per letter, so ``zha dan`` / ``炸dan`` can be matched against pinyin forms
    of Chinese terms.

Word boundaries are not encoded in the views; the keyword detector checks them in the
ORIGINAL text with :func:`is_word_char` / :func:`is_visible_separator`.
"""

from __future__ import annotations

import functools
import os
import re
import string
import sys
import threading
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Generic, TypeVar, overload

import numpy as np

from genguard.disk_cache import cache_file, read_cached, write_cached
from genguard.text.compiled import compiled_fold
from genguard.text.runs import AsciiRuns

SENTINEL = 0
# The lookup tables cover the BMP and the supplementary ideographic planes; code points above
# are kept as they are, except the tag/variation-selector block (U+E0000..U+E0FFF), which is
# invisible and used to smuggle text, and so folds to the sentinel.
TABLE_SIZE = 0x30000
_UNICODE_SIZE = 0x110000
_TAGS = (0xE0000, 0xE0FFF)

# Cyrillic / Greek / other Latin look-alikes (lower case; input is case-folded first).
_HOMOGLYPHS: dict[str, str] = {
    # Cyrillic
    "а": "a", "б": "b", "в": "b", "г": "r", "д": "d", "е": "e", "ё": "e", "з": "3", "и": "u",
    "й": "u", "к": "k", "л": "n", "м": "m", "н": "h", "о": "o", "п": "n", "р": "p", "с": "c",
    "т": "t", "у": "y", "ф": "f", "х": "x", "ц": "u", "ч": "4", "ш": "w", "щ": "w", "ъ": "b",
    "ь": "b", "ы": "bi", "э": "e", "ю": "io", "я": "r", "є": "e", "ѕ": "s", "і": "i", "ї": "i",
    "ј": "j", "ԁ": "d", "ԛ": "q", "ԝ": "w", "һ": "h", "ӏ": "l", "ѵ": "v", "ү": "y", "ҙ": "3",
    # Greek
    "α": "a", "β": "b", "γ": "y", "δ": "d", "ε": "e", "ζ": "z", "η": "n", "θ": "o", "ι": "i",
    "κ": "k", "λ": "a", "μ": "u", "ν": "v", "ξ": "e", "ο": "o", "π": "n", "ρ": "p", "σ": "o",
    "ς": "c", "τ": "t", "υ": "u", "φ": "f", "χ": "x", "ψ": "w", "ω": "w", "ϲ": "c", "ϳ": "j",
    # Latin extensions and IPA look-alikes
    "ı": "i", "ȷ": "j", "ɑ": "a", "ɡ": "g", "ɩ": "i", "ɪ": "i", "ʟ": "l", "ɴ": "n", "ʀ": "r",
    "ᴀ": "a", "ʙ": "b", "ᴄ": "c", "ᴅ": "d", "ᴇ": "e", "ғ": "f", "ɢ": "g", "ʜ": "h", "ᴊ": "j",
    "ᴋ": "k", "ᴍ": "m", "ᴏ": "o", "ᴘ": "p", "ꜱ": "s", "ᴛ": "t", "ᴜ": "u", "ᴠ": "v", "ᴡ": "w",
    "ʏ": "y", "ᴢ": "z", "ø": "o", "đ": "d", "ħ": "h", "ł": "l", "ŧ": "t", "ß": "b", "þ": "p",
    "ð": "d", "æ": "a", "œ": "o",
}
# Leetspeak skeleton, applied after every other fold (so ``１`` and ``1`` both become ``i``).
# ``!`` and ``|`` stay separators: they separate characters far more often than they spell them.
_LEET: dict[str, str] = {
    "0": "o", "1": "i", "l": "i", "3": "e", "4": "a", "@": "a", "5": "s", "$": "s", "7": "t",
}
_KEEP_CATEGORIES = ("L", "N")  # letters and numbers survive; everything else is a separator
_INVISIBLE_CATEGORIES = {"Cf", "Mn", "Me", "Cc", "Co", "Cs"}


_LATIN_RE = re.compile("[a-z]")
_HAN_RE = re.compile("[\u3400-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")


def _is_han(cp: int) -> bool:
    return (
        0x3400 <= cp <= 0x4DBF
        or 0x4E00 <= cp <= 0x9FFF
        or 0xF900 <= cp <= 0xFAFF
        or 0x20000 <= cp <= 0x2FFFF
    )


@dataclass(frozen=True)
class FoldTables:
    """The precomputed per-code-point tables (built once per process)."""

    fold: np.ndarray  # uint32 code point after folding, 0 = sentinel (covers all of Unicode)
    word: np.ndarray  # bool: base form is an ASCII letter or digit (word boundaries)
    visible_sep: np.ndarray  # bool: folds to the sentinel and is visible (space, punctuation...)
    pinyin: dict[int, str]  # folded Han code point -> folded toneless pinyin
    pinyin_len: np.ndarray  # number of characters each folded code point becomes in the pinyin view
    pinyin_wide: np.ndarray  # (TABLE_SIZE, W) uint32: each code point's spelling, 0-padded
    pinyin_ascii: np.ndarray  # (TABLE_SIZE,) uint64: 8 bytes, the ASCII spelling 0-padded, or 0xFF 0...
    translate_compact: dict[int, int | None]  # ``fold`` as a str.translate table (sentinel -> deleted)
    translate_marked: dict[int, int | None]  # as above, but visible separators -> one space
    translate_literal: dict[int, int]  # width + case only, 1:1, symbols kept (code, markup)
    literal: np.ndarray  # the same as a uint32 gather table


def _single(s: str) -> str | None:
    return s if len(s) == 1 else None


def _base_fold(ch: str) -> str:
    """NFKC + case fold + accent strip + homoglyph, staying 1:1 (else the character itself)."""
    c = _single(unicodedata.normalize("NFKC", ch)) or ch
    low = c.casefold()
    c = low if len(low) == 1 else (_single(c.lower()) or c)
    if c in _HOMOGLYPHS:
        h = _HOMOGLYPHS[c]
        return h if len(h) == 1 else c
    if not c.isascii() and c.isalpha():
        decomposed = unicodedata.normalize("NFKD", c)
        base = decomposed[0]
        if base.isascii() and base.isalpha():
            return base.lower()
        if base in _HOMOGLYPHS and len(_HOMOGLYPHS[base]) == 1:
            return _HOMOGLYPHS[base]
    return c


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


def _t2s_table() -> dict[int, int]:
    """Traditional -> simplified per character, from OpenCC ``t2s`` (one conversion call), and
    Japanese shinjitai -> simplified (OpenCC ``jp2t`` then ``t2s``: ``製作炸弾`` reads as
    ``制作炸弹``) for characters outside GB 2312 only, because some shinjitai are also ordinary
    simplified characters with another meaning (``予``, ``芸``)."""
    import opencc

    cps = [cp for cp in range(0x3400, 0xA000) if unicodedata.category(chr(cp)) == "Lo"]
    cps += list(range(0xF900, 0xFB00)) + list(range(0x20000, 0x2A6E0))
    src = "\n".join(chr(cp) for cp in cps)
    t2s = opencc.OpenCC("t2s")
    dst = t2s.convert(src).split("\n")
    jp = t2s.convert(opencc.OpenCC("jp2t").convert(src)).split("\n")
    out: dict[int, int] = {}
    if len(dst) != len(cps) or len(jp) != len(cps):  # pragma: no cover - OpenCC keeps line structure
        return out
    for cp, d, j in zip(cps, dst, jp, strict=True):
        if len(d) == 1 and ord(d) != cp and ord(d) < TABLE_SIZE:
            out[cp] = ord(d)
        elif len(j) == 1 and ord(j) != cp and ord(j) < TABLE_SIZE and not _in_gb2312(chr(cp)):
            out[cp] = ord(j)
    return out


def _pinyin_of(cp: int, raw: dict[int, str]) -> str | None:
    readings = raw.get(cp)
    if not readings:
        return None
    first = readings.split(",")[0]
    plain = "".join(c for c in unicodedata.normalize("NFKD", first) if not unicodedata.combining(c))
    plain = plain.replace("ü", "v").lower()
    return plain if plain.isascii() and plain.isalpha() else None


def _build() -> FoldTables:
    from pypinyin.pinyin_dict import pinyin_dict

    fold = np.arange(TABLE_SIZE, dtype=np.uint32)
    word = np.zeros(TABLE_SIZE, dtype=bool)
    visible_sep = np.zeros(TABLE_SIZE, dtype=bool)
    t2s = _t2s_table()
    for cp in range(TABLE_SIZE):
        if 0xD800 <= cp <= 0xDFFF:
            fold[cp] = SENTINEL
            continue
        ch = chr(cp)
        if _is_han(cp):
            # ideographs: NFKC folds compatibility forms, then traditional -> simplified
            c = _single(unicodedata.normalize("NFKC", ch)) or ch
            fold[cp] = t2s.get(ord(c), ord(c))
            continue
        cat = unicodedata.category(ch)
        if cat == "Cn":  # unassigned: keep as is
            continue
        if 0x1F1E6 <= cp <= 0x1F1FF:  # regional indicator letters
            fold[cp] = ord("a") + cp - 0x1F1E6
            word[cp] = True
            continue
        base = _base_fold(ch)
        if base in _LEET:
            fold[cp] = ord(_LEET[base])
            word[cp] = base.isascii() and base.isalnum()
            continue
        bcat = unicodedata.category(base)
        if bcat[0] not in _KEEP_CATEGORIES:
            fold[cp] = SENTINEL
            visible_sep[cp] = cat not in _INVISIBLE_CATEGORIES and bcat not in _INVISIBLE_CATEGORIES
            continue
        if _is_han(ord(base)):
            fold[cp] = t2s.get(ord(base), ord(base))
            continue
        fold[cp] = ord(base)
        word[cp] = base.isascii() and base.isalnum()
    # Hangul fillers and similar "letters" that render as nothing
    for cp in (0x115F, 0x1160, 0x3164, 0xFFA0, 0x2800):
        fold[cp] = SENTINEL
        visible_sep[cp] = False
    raw = {int(k): v for k, v in pinyin_dict.items()}
    pinyin: dict[int, str] = {}
    for cp, _ in raw.items():
        if cp >= TABLE_SIZE or not _is_han(cp):
            continue
        target = int(fold[cp])
        if target in pinyin:
            continue
        py = _pinyin_of(target, raw) or _pinyin_of(cp, raw)
        if py:
            pinyin[target] = "".join(chr(int(fold[ord(c)])) for c in py)
    pinyin_len = np.ones(TABLE_SIZE, dtype=np.int64)
    for cp, py in pinyin.items():
        pinyin_len[cp] = len(py)
    changed = np.flatnonzero(fold != np.arange(TABLE_SIZE, dtype=np.uint32))
    translate: dict[int, int | None] = {
        int(cp): (int(fold[cp]) or None) for cp in changed.tolist()
    }
    translate.update(dict.fromkeys(range(_TAGS[0], _TAGS[1] + 1)))
    marked = dict(translate)
    marked.update(dict.fromkeys(np.flatnonzero(visible_sep).tolist(), 32))
    literal: dict[int, int] = {}
    for cp in range(0x80, TABLE_SIZE):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        n = _single(unicodedata.normalize("NFKC", chr(cp)))
        if n is not None and n.isascii():
            low = n.lower()
            if low != chr(cp):
                literal[cp] = ord(low)
    literal.update({cp: cp + 32 for cp in range(0x41, 0x5B)})
    literal_arr = np.arange(TABLE_SIZE, dtype=np.uint32)
    for cp, v in literal.items():
        literal_arr[cp] = v
    literal_arr[0xD800:0xE000] = 0xFFFD  # lone surrogates cannot be decoded; keep length 1:1
    # the fold table covers every code point, so folding needs no range check per text:
    # above TABLE_SIZE everything is kept as is except the invisible tag block
    full = np.arange(_UNICODE_SIZE, dtype=np.uint32)
    full[:TABLE_SIZE] = fold
    full[_TAGS[0] : _TAGS[1] + 1] = SENTINEL
    fold = full
    width = max((len(p) for p in pinyin.values()), default=1)
    wide = np.zeros((TABLE_SIZE, width), dtype=np.uint32)
    wide[:, 0] = np.arange(TABLE_SIZE, dtype=np.uint32)
    for cp, py in pinyin.items():
        wide[cp, : len(py)] = [ord(c) for c in py]
    # the usual mixed zh/en text spells to pure ASCII: a byte table makes its gather, mask and
    # decode several times cheaper than the uint32 one. One 8-byte row per code point, read as a
    # uint64 so that the gather is one-dimensional (~3x cheaper than a 2-D row gather); a row that does not spell to ASCII (or would
    # not fit) starts with 0xFF, which NormalizedText.pinyin_text takes as "use the general path".
    # The last row is such a marker too: code points above the table are clipped onto it.
    ascii_ok = np.zeros(TABLE_SIZE, dtype=bool)
    ascii_ok[1:128] = True
    ascii_ok[[cp for cp, py in pinyin.items() if py.isascii() and len(py) <= 8]] = True
    ascii_ok[TABLE_SIZE - 1] = False
    rows = np.zeros((TABLE_SIZE, 8), dtype=np.uint8)
    ok = np.flatnonzero(ascii_ok)
    rows[ok, : min(width, 8)] = wide[ok, : min(width, 8)]
    rows[~ascii_ok, 0] = 0xFF
    narrow = rows.view(np.uint64).ravel()
    return FoldTables(
        fold, word, visible_sep, pinyin, pinyin_len, wide, narrow, translate, marked, literal, literal_arr
    )


_TABLES: FoldTables | None = None
_LOCK = threading.Lock()


def tables() -> FoldTables:
    """The shared fold tables, built lazily once per process (one to two seconds), or read back
    from the on-disk cache (tens of milliseconds) so that short CLI runs start fast."""
    global _TABLES
    if _TABLES is None:
        with _LOCK:
            if _TABLES is None:
                _TABLES = _cached_build()
    return _TABLES


_FOLD_CACHE_KEEP = 4  # fold-table files of earlier code or library versions beyond these go


def _cache_path() -> Path | None:
    """``$GENGUARD_HOME/cache/fold-tables-<key>.pkl`` (``genguard.disk_cache``); the key changes
    with this module's code, the Unicode database and the pinyin/OpenCC/numpy/Python versions."""
    return cache_file("", "fold-tables-", _fold_cache_inputs())


def _fold_cache_inputs() -> Iterator[bytes]:
    from importlib.util import find_spec

    yield from (Path(__file__).read_bytes(), unicodedata.unidata_version.encode(), sys.version.encode(),
                np.__version__.encode())
    for mod in ("pypinyin", "opencc"):  # installed files (importlib.metadata is much slower)
        spec = find_spec(mod)
        if spec is not None and spec.origin:
            st = os.stat(spec.origin)
            yield f"{spec.origin}:{st.st_mtime_ns}:{st.st_size}".encode()


def _cached_build() -> FoldTables:
    path = _cache_path()
    cached = read_cached(path, lambda v: isinstance(v, FoldTables))
    if cached is not None:
        return cached
    built = _build()
    write_cached(path, built, keep=_FOLD_CACHE_KEEP)
    return built


_T = TypeVar("_T")


class lazy_attribute(Generic[_T]):
    """``functools.cached_property`` without its lock.

    Why: on Python < 3.12 ``cached_property`` takes one lock shared by every instance on the
    first access of each instance: ~0.75 us against ~0.3 us here (measured on 3.11), paid for
    several views of every checked text, and it serialises the gateway's worker threads. The per-text views are pure functions of the text,
    so two threads computing the same one at once is harmless (one result wins)."""

    def __init__(self, func: Callable[[Any], _T]) -> None:
        self.func = func
        self.name = func.__name__
        self.__doc__ = func.__doc__

    def __set_name__(self, owner: type, name: str) -> None:
        self.name = name

    @overload
    def __get__(self, obj: None, owner: type | None = None) -> lazy_attribute[_T]: ...
    @overload
    def __get__(self, obj: object, owner: type | None = None) -> _T: ...
    def __get__(self, obj: object | None, owner: type | None = None) -> lazy_attribute[_T] | _T:
        if obj is None:
            return self
        value = self.func(obj)
        obj.__dict__[self.name] = value  # a non-data descriptor: later reads skip __get__
        return value


@functools.cache
def _ascii_letters() -> AsciiRuns:
    """Runs of ASCII letters (the compiled text kernel's run finder; a regex without it)."""
    return AsciiRuns(string.ascii_letters, 1)


def _codes(text: str) -> np.ndarray:
    return np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)


def fold_codes(text: str) -> np.ndarray:
    """Fold every character of ``text`` (same length as the text; 0 = sentinel)."""
    t = tables()
    return t.fold[_codes(text)]


def _decode(codes: np.ndarray) -> str:
    if codes.dtype != np.uint32:
        codes = codes.astype(np.uint32)
    return codes.tobytes().decode("utf-32-le")


@dataclass(frozen=True)
class View:
    """One normalised view: ``text`` plus ``offsets[i]`` = original index of ``text[i]``."""

    text: str
    offsets: np.ndarray = field(repr=False)
    original_length: int = 0

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a view span ``[start, end)`` back to the original text."""
        if start >= end:
            o = int(self.offsets[start]) if start < len(self.offsets) else self.original_length
            return o, o
        return int(self.offsets[start]), int(self.offsets[end - 1]) + 1


class NormalizedText:
    """The compact view of a text (``.text``/``.offsets``) plus lazily computed other views."""

    __slots__ = ("__dict__", "_codes", "_folded", "original", "text")

    def __init__(self, original: str, text: str, codes: np.ndarray, folded: np.ndarray | None) -> None:
        """``folded`` (the fold of every character) feeds the lazy ``offsets`` and ``soft``; the
        compiled fold passes None and sets those views itself."""
        self.original = original
        self.text = text
        self._codes = codes
        self._folded = folded

    @lazy_attribute
    def offsets(self) -> np.ndarray:
        """``offsets[i]`` = index in the original text of compact character ``i``.

        Lazy: a keyword scan needs them only for texts where some key occurs."""
        assert self._folded is not None  # the compiled fold sets offsets itself
        return self._folded.nonzero()[0]

    def __repr__(self) -> str:
        return f"NormalizedText(text={self.text!r})"

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a compact-view span ``[start, end)`` back to the original text."""
        if start >= end:
            o = int(self.offsets[start]) if start < len(self.offsets) else len(self.original)
            return o, o
        return int(self.offsets[start]), int(self.offsets[end - 1]) + 1

    @property
    def compact(self) -> View:
        return View(self.text, self.offsets, len(self.original))

    @lazy_attribute
    def literal(self) -> View:
        """The original text with only width and case folded (1:1): for code and markup terms."""
        n = len(self.original)
        codes = _codes(self.original)
        if n and int(codes.max()) < TABLE_SIZE:
            text = _decode(tables().literal[codes])
        else:
            text = literal_fold(self.original)
        return View(text, _identity(n), n)

    @lazy_attribute
    def soft(self) -> View:
        """Width- and case-folded text with invisible/format characters and combining marks
        removed, but spaces and punctuation kept: the view for the learned classifiers and the
        injection phrase rules, which need word and sentence boundaries (the compact view drops
        them). Offsets map back to the original."""
        lit = self.literal.text
        n = len(self.original)
        if not n:
            return View("", _identity(0), 0)
        t = tables()
        codes = _codes(self.original)
        small = codes < TABLE_SIZE
        visible = np.zeros(n, dtype=bool)
        visible[small] = t.visible_sep[codes[small]]
        # self._folded is t.fold[codes], computed by normalize() already (the compiled fold
        # sets soft itself)
        assert self._folded is not None
        drop = (self._folded == SENTINEL) & ~visible & (codes != 0x0A) & (codes != 0x09)
        if not drop.any():
            return View(lit, _identity(n), n)
        keep = np.flatnonzero(~drop)
        return View(_decode(_codes(lit)[keep]), keep, n)

    @lazy_attribute
    def has_latin(self) -> bool:
        return _LATIN_RE.search(self.text) is not None

    @lazy_attribute
    def has_han(self) -> bool:
        return _HAN_RE.search(self.text) is not None

    @lazy_attribute
    def pinyin_text(self) -> str:
        """The text of :attr:`pinyin` alone, without its offsets.

        Why separate: the keyword engine scans the pinyin view of every text with Latin letters
        but needs offsets only for the rare text where a pinyin key occurs; the offsets (a gather
        and an ``np.repeat``) cost about as much as the spelling itself."""
        if not self.has_han:
            return self.text
        t = tables()
        c = self._codes
        kernel = compiled_fold.active()
        if kernel is not None:  # the spelling and its offsets in one compiled pass
            got = kernel.spell(c, self.offsets, t.pinyin_ascii)
            if got is not None:
                self.__dict__["_pinyin_offsets"] = np.frombuffer(got[1], dtype=np.int64)
                return got[0]
        # fast path: one gather of 8-byte rows (the code point's 0-padded ASCII spelling) with the
        # padding deleted by bytes.translate; a code point that does not spell to ASCII, or lies
        # above the table (clipped onto its last row), has the row b"\xff\0..." there, so one
        # memchr tells when a general path must run
        narrow = t.pinyin_ascii.take(c, mode="clip").tobytes().translate(None, b"\0")
        if b"\xff" not in narrow:
            return narrow.decode("ascii")
        if int(c.max()) >= TABLE_SIZE:  # rare: supplementary-plane characters
            return self.text.translate(t.pinyin)
        flat = np.take(t.pinyin_wide, c, axis=0).ravel()
        return _decode(flat[flat != 0])

    @lazy_attribute
    def pinyin(self) -> View:
        """Compact view with Han characters spelled in toneless pinyin (first reading); each
        letter of a spelling carries the original index of its Han character."""
        if not self.has_han:
            return self.compact
        text = self.pinyin_text
        spelled = self.__dict__.get("_pinyin_offsets")  # set by the compiled spelling
        if spelled is not None:
            return View(text, spelled, len(self.original))
        t = tables()
        c = self._codes
        if c.size and int(c.max()) >= TABLE_SIZE:  # rare: supplementary-plane characters
            lens = np.where(c < TABLE_SIZE, t.pinyin_len[np.where(c < TABLE_SIZE, c, 0)], 1)
        else:
            lens = t.pinyin_len[c]
        return View(text, np.repeat(self.offsets, lens), len(self.original))

    def pinyin_pieces(self, reach: int, min_length: int = 2048) -> list[View] | None:
        """The parts of :attr:`pinyin` that can hold an occurrence of at most ``reach``
        characters whose original span has an ASCII letter, as views of their own; None when
        the whole view is to be scanned (then its offsets are not even built here).

        Why: the keyword engine only accepts a pinyin-key occurrence that covers at least one
        Latin letter typed by the writer ("zha弹"), yet scanning all of a long Chinese text's
        spelling was about half of a keyword check of a document with a few Latin words. An
        occurrence spanning view positions [s, e) covers letter ``a`` exactly when
        ``offsets[s] <= a <= offsets[e - 1]``, so it lies within ``reach - 1`` positions of the
        positions whose offset is ``a`` (or of where they would be); pieces are cut only between
        characters of different original positions, so a piece's edges behave as the view's
        neighbours did for the engine's whole-syllable checks. A view shorter than
        ``min_length`` is scanned whole: finding the letters (~2 us) costs more than scanning a
        short view saves (measured on 1 KB texts, BENCHMARKS.md)."""
        n = len(self.pinyin_text)
        if not n or reach < 1:
            return []
        if n < min_length or not self.has_han:  # not worth it / nothing spelled (letters throughout)
            return None
        # runs of letters: the pieces around a run's letters join up (no view position lies
        # between two consecutive original positions), so a run is one piece
        first, last = _ascii_letters().bounds(self.original)
        if not len(first):
            return []
        if 2 * reach * len(first) >= n:  # letters throughout: the pieces would cover about all
            return None
        view = self.pinyin
        po = view.offsets
        lo = np.maximum(np.searchsorted(po, first, "left") - reach + 1, 0)
        hi = np.minimum(np.searchsorted(po, last - 1, "right") + reach - 1, n)
        # widen each piece to whole original positions (all view characters sharing an offset)
        inner = lo < n
        lo[inner] = np.searchsorted(po, po[lo[inner]], "left")
        inner = (hi > 0) & (hi < n)
        hi[inner] = np.searchsorted(po, po[hi[inner] - 1], "right")
        # both stay non-decreasing (runs and offsets are sorted): join pieces that touch
        starts = np.flatnonzero(np.concatenate(([True], lo[1:] > hi[:-1])))
        ends = np.concatenate((starts[1:] - 1, [len(lo) - 1]))
        spans = [[a, b] for a, b in zip(lo[starts].tolist(), hi[ends].tolist(), strict=True) if a < b]
        if len(spans) == 1 and spans[0] == [0, n]:
            return None
        return [View(view.text[a:b], po[a:b], view.original_length) for a, b in spans]


_IDENTITY = np.arange(0)


def _identity(n: int) -> np.ndarray:
    """``np.arange(n)`` as a read-only slice of one shared array (grown by doubling): the offsets
    of the literal view, and of the soft view of most texts (compiled fold and numpy path alike). Why: a fresh ``arange`` wrote 8 bytes
    per character of every checked text for offsets that are read only where a key occurs."""
    global _IDENTITY
    ids = _IDENTITY
    if len(ids) < n:
        ids = np.arange(max(n, 2 * len(ids), 1 << 16))
        ids.flags.writeable = False
        _IDENTITY = ids
    return ids[:n]


def normalize(text: str) -> NormalizedText:
    """Fold ``text`` and drop separators; see the module docstring for what is folded.

    With the compiled fold (``_fold.c``) one pass also gives the offsets and the literal and soft
    views, which every check needs (keywords read the compact and literal views, the classifiers
    the soft one): about 40 % of the numpy path's time for a long text. Texts with code points beyond the tables
    take the numpy path, which folds those the same way the lazy views below always have."""
    t = _TABLES or tables()
    kernel = compiled_fold.active()
    if kernel is not None:
        got = kernel.views(text, t.fold, t.literal, t.visible_sep, TABLE_SIZE)
        if got is not None:
            compact, codes_b, offsets_b, lit, soft = got
            nt = NormalizedText(text, compact, np.frombuffer(codes_b, dtype=np.uint32), None)
            n = len(text)
            identity = _identity(n)
            nt.__dict__.update(
                offsets=np.frombuffer(offsets_b, dtype=np.int64),
                literal=View(lit, identity, n),
                soft=View(lit, identity, n) if soft is None else View(soft[0], np.frombuffer(soft[1], dtype=np.int64), n),
            )
            return nt
    # fold_codes and _decode inlined: this runs once per checked text, and each Python call
    # level costs about as much as folding a hundred characters
    folded = t.fold[np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)]
    codes = folded[folded != 0]  # the offsets (nonzero indices) are computed only when needed
    return NormalizedText(text, codes.tobytes().decode("utf-32-le"), codes, folded)


def normalize_term(term: str) -> str:
    """The compact form of a short string (same result as ``normalize(term).text``).

    Uses ``str.translate`` instead of numpy: for the tens of thousands of short bank terms
    compiled at start-up the per-call overhead of numpy would dominate.
    """
    return term.translate(tables().translate_compact)


def literal_fold(text: str) -> str:
    """Full-width -> ASCII and lower case, one character for one (offsets unchanged)."""
    return text.translate(tables().translate_literal)


def mark_separators(term: str) -> str:
    """Fold ``term`` like :func:`normalize_term` but keep one space per visible separator."""
    return term.translate(tables().translate_marked)


def is_word_char(ch: str) -> bool:
    """True when ``ch`` folds to an ASCII letter/digit (so it cannot sit on a word boundary)."""
    cp = ord(ch)
    return bool(tables().word[cp]) if cp < TABLE_SIZE else False


def is_visible_separator(ch: str) -> bool:
    """True for visible separators (spaces, punctuation, symbols); false for invisible ones."""
    cp = ord(ch)
    return bool(tables().visible_sep[cp]) if cp < TABLE_SIZE else False


def is_invisible(ch: str) -> bool:
    cp = ord(ch)
    if cp >= TABLE_SIZE:
        return _TAGS[0] <= cp <= _TAGS[1]
    t = tables()
    return int(t.fold[cp]) == SENTINEL and not bool(t.visible_sep[cp])
