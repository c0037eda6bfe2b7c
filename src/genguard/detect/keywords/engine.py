"""The keyword engine: Aho-Corasick automata over normalised bank terms, with allow-lists.

Why two automata: Chinese and English terms are matched on the *compact* view (folded text,
separators dropped), which defeats width/case/NFKC/traditional/invisible/separator/homoglyph/
leetspeak evasions in one pass; pinyin and pinyin-initial forms of Chinese terms are matched
on the *pinyin* view, which is only built when the text contains Latin letters.

Dropping separators could glue neighbouring words together (``the rapist`` would read as
``therapist``), so a hit of a Latin term is accepted only if (a) it sits on word boundaries in
the original text and (b) each run of characters between visible separators inside it either
starts and ends on a word boundary of the term, or is at most two characters long (the
``b o m b`` / ``b.o.m.b`` evasion). Chinese terms need neither check.
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ahocorasick

from genguard.detect.keywords.banks import KeywordBank, Term, bank_files, load_bank_file
from genguard.text.normalize import (
    NormalizedText,
    View,
    is_invisible,
    is_visible_separator,
    is_word_char,
    normalize,
    normalize_term,
)

VIEW_COMPACT = "compact"
VIEW_PINYIN = "pinyin"
VIEW_INITIALS = "pinyin_initials"

_MIN_PINYIN_LEN = 5  # shorter full-pinyin strings collide with ordinary Latin words
_MIN_INITIALS_TERM = 3  # initials only for Chinese terms of at least 3 characters


def _has_han(s: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" or c >= "\U00020000" for c in s)


def _has_latin(s: str) -> bool:
    return any(c.isascii() and c.isalnum() for c in s)


@dataclass(frozen=True)
class Entry:
    """One thing the automaton can report for a key."""

    category: str
    term: str  # the bank term as written (expanded)
    lang: str
    score: float
    view: str
    latin: bool  # needs word-boundary/segmentation checks
    bounds: frozenset[int]  # word boundaries inside the key (positions in the key)
    source: str


@dataclass(frozen=True)
class Hit:
    category: str
    start: int
    end: int
    term: str
    lang: str
    score: float
    view: str
    source: str


def _word_bounds(term: str) -> frozenset[int]:
    """Positions in the compact key where the written term has a visible separator."""
    out: set[int] = set()
    n = 0
    prev_sep = False
    for ch in term:
        if is_visible_separator(ch):
            prev_sep = True
            continue
        if normalize_term(ch):
            if prev_sep and n:
                out.add(n)
            prev_sep = False
            n += len(normalize_term(ch))
    return frozenset(out)


def _pinyin_forms(term: str) -> list[tuple[str, frozenset[int], str]]:
    """Full pinyin (phrase-aware and per-character) and initials of a Chinese term."""
    from pypinyin import Style, lazy_pinyin

    from genguard.text.normalize import tables

    han = [c for c in term if _has_han(c)]
    if len(han) < 2 or _has_latin(term):
        return []
    t = tables()
    out: list[tuple[str, frozenset[int], str]] = []
    compact = normalize_term(term)
    per_char = [t.pinyin.get(ord(c), "") for c in compact]
    variants = [lazy_pinyin(compact, errors="ignore"), per_char]
    for sylls in variants:
        sylls = [normalize_term(s) for s in sylls if s]
        key = "".join(sylls)
        if len(key) >= _MIN_PINYIN_LEN and key.isascii():
            bounds, n = set(), 0
            for s in sylls[:-1]:
                n += len(s)
                bounds.add(n)
            out.append((key, frozenset(bounds), VIEW_PINYIN))
    if len(han) >= _MIN_INITIALS_TERM and len(han) == len(compact):
        ini = "".join(normalize_term(s) for s in lazy_pinyin(compact, style=Style.FIRST_LETTER, errors="ignore"))
        if len(ini) == len(han) and ini.isascii():
            out.append((ini, frozenset(range(1, len(ini))), VIEW_INITIALS))
    seen: set[str] = set()
    uniq = []
    for k, b, v in out:
        if k not in seen:
            seen.add(k)
            uniq.append((k, b, v))
    return uniq


class _Automaton:
    def __init__(self) -> None:
        self.auto: Any = ahocorasick.Automaton()
        self.entries: dict[str, list[Entry]] = {}

    def add(self, key: str, entry: Entry) -> None:
        if key:
            self.entries.setdefault(key, []).append(entry)

    def build(self) -> None:
        for key, vals in self.entries.items():
            self.auto.add_word(key, (len(key), tuple(vals)))
        if self.entries:
            self.auto.make_automaton()

    def __bool__(self) -> bool:
        return bool(self.entries)

    def iter(self, text: str) -> Iterable[tuple[int, tuple[int, tuple[Entry, ...]]]]:
        if not self.entries or not text:
            return ()
        return self.auto.iter(text)  # type: ignore[no-any-return]


class KeywordEngine:
    """Compiled banks: ``match(text)`` returns hits with spans in the original text."""

    def __init__(
        self, banks: list[KeywordBank], *, allow: list[str] | None = None, pinyin: bool = True
    ) -> None:
        self.banks = banks
        self._main = _Automaton()
        self._pinyin = _Automaton()
        self._allow = _Automaton()
        for bank in banks:
            for t in bank.entries():
                self._add_term(bank, t, pinyin and bank.pinyin)
        for phrase in [a for b in banks for a in b.allow] + list(allow or []):
            key = normalize_term(phrase)
            latin = _has_latin(phrase)
            self._allow.add(key, Entry("", phrase, "", 0.0, VIEW_COMPACT, latin, _word_bounds(phrase), "allow"))
        self._main.build()
        self._pinyin.build()
        self._allow.build()

    def _add_term(self, bank: KeywordBank, t: Term, pinyin: bool) -> None:
        key = normalize_term(t.text)
        if not key:
            return
        latin = _has_latin(t.text)
        self._main.add(
            key, Entry(bank.category, t.text, t.lang, t.score, VIEW_COMPACT, latin, _word_bounds(t.text), bank.source)
        )
        if pinyin and not latin:
            for pkey, bounds, view in _pinyin_forms(t.text):
                self._pinyin.add(pkey, Entry(bank.category, t.text, t.lang, t.score, view, True, bounds, bank.source))

    @property
    def size(self) -> int:
        return sum(len(v) for v in self._main.entries.values())

    def categories(self) -> set[str]:
        return {b.category for b in self.banks}

    # -- matching -------------------------------------------------------------------------
    def match(self, text: str | NormalizedText) -> list[Hit]:
        norm = text if isinstance(text, NormalizedText) else normalize(text)
        original = norm.original
        compact = norm.compact
        raw: list[Hit] = []
        self._scan(self._main, compact, original, raw, pinyin=False)
        if self._pinyin and norm.has_latin:
            self._scan(self._pinyin, norm.pinyin, original, raw, pinyin=True)
        if not raw:
            return []
        if self._allow:
            allowed: list[Hit] = []
            self._scan(self._allow, compact, original, allowed, pinyin=False)
            if allowed:
                raw = [h for h in raw if not any(a.start <= h.start and h.end <= a.end for a in allowed)]
        best: dict[tuple[str, int, int], Hit] = {}
        for h in raw:
            k = (h.category, h.start, h.end)
            if k not in best or h.score > best[k].score:
                best[k] = h
        return sorted(best.values(), key=lambda h: (h.start, h.end, h.category))

    def _scan(self, auto: _Automaton, view: View, original: str, out: list[Hit], *, pinyin: bool) -> None:
        offsets = view.offsets
        for end, (n, entries) in auto.iter(view.text):
            s, e = end - n + 1, end + 1
            os_, oe = int(offsets[s]), int(offsets[e - 1]) + 1
            if pinyin:
                # whole syllables only, and at least one Latin character from the original
                if (s > 0 and offsets[s - 1] == offsets[s]) or (e < len(offsets) and offsets[e] == offsets[e - 1]):
                    continue
                if not any(c.isascii() and c.isalpha() for c in original[os_:oe]):
                    continue
            chunks: list[tuple[int, int]] | None = None
            for entry in entries:
                if entry.latin:
                    if not self._on_boundaries(original, os_, oe, view.text[s], view.text[end]):
                        break  # same key => same boundary outcome for every entry
                    if chunks is None:
                        chunks = _chunks(original, offsets, s, e)
                    if not _segmentation_ok(chunks, entry.bounds, n):
                        continue
                out.append(Hit(entry.category, os_, oe, entry.term, entry.lang, entry.score, entry.view, entry.source))

    @staticmethod
    def _on_boundaries(original: str, os_: int, oe: int, first: str, last: str) -> bool:
        if first.isascii() and first.isalnum():
            i = os_ - 1
            while i >= 0 and is_invisible(original[i]):
                i -= 1
            if i >= 0 and is_word_char(original[i]):
                return False
        if last.isascii() and last.isalnum():
            j = oe
            while j < len(original) and is_invisible(original[j]):
                j += 1
            if j < len(original) and is_word_char(original[j]):
                return False
        return True


def _chunks(original: str, offsets: Any, s: int, e: int) -> list[tuple[int, int]]:
    """Runs of the key (positions relative to ``s``) separated by visible separators."""
    out: list[tuple[int, int]] = []
    start = 0
    for j in range(s + 1, e):
        a, b = int(offsets[j - 1]), int(offsets[j])
        if b - a > 1 and any(is_visible_separator(c) for c in original[a + 1 : b]):
            out.append((start, j - s))
            start = j - s
    out.append((start, e - s))
    return out


def _segmentation_ok(chunks: list[tuple[int, int]], bounds: frozenset[int], n: int) -> bool:
    if len(chunks) == 1:
        return True
    edges = bounds | {0, n}
    return all(b - a <= 2 or (a in edges and b in edges) for a, b in chunks)


# -- compiled-engine cache ----------------------------------------------------------------
_CACHE: dict[tuple[Any, ...], KeywordEngine] = {}
_CACHE_LOCK = threading.Lock()


def compile_engine(
    paths: list[str | Path] | None = None,
    *,
    extra_terms: dict[str, list[str]] | None = None,
    allow: list[str] | None = None,
    pinyin: bool = True,
) -> KeywordEngine:
    """Load and compile banks, reusing a compiled engine while the files are unchanged."""
    files = bank_files(paths)
    key = (
        tuple((str(f.resolve()), f.stat().st_mtime_ns, f.stat().st_size) for f in files),
        tuple(sorted((k, tuple(v)) for k, v in (extra_terms or {}).items())),
        tuple(allow or ()),
        pinyin,
    )
    with _CACHE_LOCK:
        hit = _CACHE.get(key)
    if hit is not None:
        return hit
    banks = [load_bank_file(f) for f in files]
    for code, terms in (extra_terms or {}).items():
        banks.append(KeywordBank(code, {"any": list(terms)}, source="policy"))
    engine = KeywordEngine(banks, allow=allow, pinyin=pinyin)
    with _CACHE_LOCK:
        if len(_CACHE) > 16:
            _CACHE.clear()
        _CACHE[key] = engine
    return engine
