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

import itertools
import re
import string
import threading
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any, NamedTuple, cast

import ahocorasick_rs

from genguard.detect.keywords.banks import KeywordBank, Term, bank_files, load_bank_file
from genguard.detect.keywords.prune import WordPruner, gram_bitmap
from genguard.disk_cache import cache_file, read_cached, write_cached
from genguard.text import split_chars
from genguard.text.compiled import compiled_fold
from genguard.text.normalize import (
    NormalizedText,
    View,
    is_invisible,
    is_visible_separator,
    is_word_char,
    literal_fold,
    mark_separators,
    normalize,
    normalize_term,
    tables,
)
from genguard.text.runs import AsciiRuns

VIEW_COMPACT = "compact"
VIEW_PINYIN = "pinyin"
VIEW_INITIALS = "pinyin_initials"
VIEW_LITERAL = "literal"
VIEW_SPLIT = "split"  # hits found with split characters recombined (text/split_chars.py)
VIEW_INTERLEAVED = "interleaved"  # hits of Chinese keys whose characters have junk between them

# Junk between Chinese characters (制1作2炸3弹): the letters and digits the compact view keeps (it
# drops separators, symbols and emoji already). Found as runs (one compiled pass; a regex looking
# for a Chinese character, junk and another cost about ten times as much on corpus text).
_JUNK_RUNS = AsciiRuns(string.ascii_lowercase + string.digits, 1)
_HAN_CHAR = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_MAX_GAP = 3

_MIN_PINYIN_LEN = 5  # shorter full-pinyin strings collide with ordinary Latin words
_MIN_INITIALS_TERM = 3  # initials only for Chinese terms of at least 3 characters


def _has_han(s: str) -> bool:
    return any("\u3400" <= c <= "\u9fff" or "\uf900" <= c <= "\ufaff" or c >= "\U00020000" for c in s)


def _has_latin(s: str) -> bool:
    return any(c.isascii() and c.isalnum() for c in s)


class Entry(NamedTuple):
    """One thing the automaton can report for a key (a named tuple: ~100k of them are built or
    unpickled at start-up, several times faster than frozen dataclasses)."""

    category: str
    term: str  # the bank term as written (expanded)
    lang: str
    score: float
    view: str
    latin: bool  # needs word-boundary/segmentation checks
    bounds: frozenset[int]  # word boundaries inside the key (positions in the key)
    source: str
    literal_key: str = ""  # for literal terms: the width/case-folded term, verified on the literal view


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
    for ch in mark_separators(term):
        if ch == " ":
            if n:
                out.add(n)
        else:
            n += 1
    out.discard(n)
    return frozenset(out)


@lru_cache(maxsize=4096)
def _toneless(reading: str) -> str:
    plain = "".join(c for c in unicodedata.normalize("NFKD", reading) if not unicodedata.combining(c))
    return normalize_term(plain.replace("ü", "v").lower())


def _phrase_syllables(han: str) -> list[str]:
    """Phrase-aware pinyin (pypinyin's phrase dictionary, longest match first), toneless."""
    from pypinyin.phrases_dict import phrases_dict

    t = tables()
    out: list[str] = []
    i = 0
    while i < len(han):
        for size in (4, 3, 2):
            chunk = han[i : i + size]
            if len(chunk) == size and chunk in phrases_dict:
                out.extend(_toneless(r[0]) for r in phrases_dict[chunk])
                i += size
                break
        else:
            out.append(t.pinyin.get(ord(han[i]), ""))
            i += 1
    return out


def _pinyin_forms(term: str) -> list[tuple[str, frozenset[int], str]]:
    """Full pinyin (phrase-aware and first-reading) and initials of a Chinese term."""
    from genguard.text.normalize import tables

    compact = normalize_term(term)
    if len(compact) < 2 or not all(_has_han(c) for c in compact):
        return []
    t = tables()
    out: list[tuple[str, frozenset[int], str]] = []
    per_char = [t.pinyin.get(ord(c), "") for c in compact]
    if not all(per_char):
        return []
    phrase = _phrase_syllables(compact)
    for sylls in (per_char, phrase):
        key = "".join(sylls)
        if len(key) >= _MIN_PINYIN_LEN and len(sylls) == len(compact) and key.isascii():
            bounds, n = set(), 0
            for s in sylls[:-1]:
                n += len(s)
                bounds.add(n)
            out.append((key, frozenset(bounds), VIEW_PINYIN))
    if len(compact) >= _MIN_INITIALS_TERM:
        for sylls in (per_char, phrase):
            if len(sylls) == len(compact) and all(sylls):
                ini = "".join(s[0] for s in sylls)
                out.append((ini, frozenset(range(1, len(ini))), VIEW_INITIALS))
    seen: set[str] = set()
    uniq = []
    for k, b, v in out:
        if k not in seen:
            seen.add(k)
            uniq.append((k, b, v))
    return uniq


# (start, end, entries) of each key occurrence in a view, as _Automaton.iter lists them
Occurrences = list[tuple[int, int, tuple[Entry, ...]]]


class _Automaton:
    """Keys -> entries, compiled into one Rust Aho-Corasick automaton (overlapping matches).

    Loaded from the disk cache, the entries stay encoded (plain tuples) and are turned into
    :class:`Entry` objects only for keys that are actually hit, so start-up does not build
    ~100k objects."""

    def __init__(self) -> None:
        self.entries: dict[str, list[Entry]] = {}
        self._keys: list[str] = []
        self._vals: list[tuple[Entry, ...] | None] = []
        self._raw: list[tuple[tuple[Any, ...], ...]] | None = None
        self._ac: Any = None
        self._extra = 0  # patterns after the keys (see build)

    def add(self, key: str, entry: Entry) -> None:
        if key:
            self.entries.setdefault(key, []).append(entry)

    def load(self, encoded: dict[str, tuple[tuple[Any, ...], ...]]) -> None:
        self._keys = list(encoded)
        self._raw = list(encoded.values())
        self._vals = [None] * len(self._keys)

    def freeze(self) -> None:
        """Fix the key order (the automaton's pattern indexes) of a built-up automaton."""
        if self._raw is None:
            self._keys = list(self.entries)
            self._vals = [tuple(self.entries[k]) for k in self._keys]

    def build(self, extra: list[str] | None = None) -> None:
        """Compile the keys, followed by ``extra`` patterns without entries: occurrences of those
        are reported apart by :meth:`scan` (the engine's split-character component runs, found in
        the same pass over the text as the keys instead of a second one)."""
        self.freeze()
        self._extra = len(extra or ())
        if self._keys or self._extra:
            self._ac = ahocorasick_rs.BytesAhoCorasick(
                [k.encode("utf-8", "surrogatepass") for k in (*self._keys, *(extra or ()))],
                matchkind=ahocorasick_rs.MatchKind.Standard,
                implementation=ahocorasick_rs.Implementation.ContiguousNFA,
            )

    def _val(self, i: int) -> tuple[Entry, ...]:
        v = self._vals[i]
        if v is None:
            assert self._raw is not None
            new = tuple.__new__  # skips the generated __new__
            v = tuple(new(Entry, (*t[:6], frozenset(t[6]), *t[7:])) for t in self._raw[i])
            self._vals[i] = v
        return v

    def decoded(self) -> dict[str, list[Entry]]:
        """Every key's entries (decodes all of a cache-loaded automaton)."""
        if self._raw is not None and not self.entries:
            self.entries = {k: list(self._val(i)) for i, k in enumerate(self._keys)}
        return self.entries

    def encoded(self) -> dict[str, tuple[tuple[Any, ...], ...]]:
        """Tuples of tuples of atoms, not lists: the garbage collector stops tracking those, and
        the ~150k per-key lists of the shipped banks made every full collection of a gateway
        worker take 80-90 ms (p99 spikes)."""
        if self._raw is not None:
            return dict(zip(self._keys, self._raw, strict=True))
        return {k: tuple((*e[:6], tuple(sorted(e.bounds)), *e[7:]) for e in es) for k, es in self.entries.items()}

    def __bool__(self) -> bool:
        return bool(self._keys) if self._raw is not None else bool(self.entries)

    def key_list(self) -> list[str]:
        """Every key (built or loaded)."""
        return self._keys

    def longest(self) -> int:
        """Length of the longest key (0 when there is none)."""
        return max(map(len, self._keys), default=0)

    def iter(self, text: str) -> list[tuple[int, int, tuple[Entry, ...]]]:
        """``(start, end, entries)`` of every (overlapping) key occurrence in ``text``."""
        return self.scan(text)[0]

    def scan(self, text: str) -> tuple[list[tuple[int, int, tuple[Entry, ...]]], list[tuple[int, int, int]]]:
        """The key occurrences as :meth:`iter` gives them, and ``(start, end, j)`` of every
        occurrence of extra pattern ``j`` (see :meth:`build`), from one pass over ``text``."""
        if self._ac is None or not text:
            return [], []
        found = _find(self._ac, text)
        n = len(self._keys)
        extra = [(s, e, i - n) for i, s, e in found if i >= n] if self._extra else []
        if self._raw is None:  # built here: freeze() filled every key's entries
            vals = cast("list[tuple[Entry, ...]]", self._vals)
            return [(s, e, vals[i]) for i, s, e in found if i < n], extra
        val = self._val
        return [(s, e, val(i)) for i, s, e in found if i < n], extra


def _find(ac: Any, text: str) -> list[tuple[int, int, int]]:
    """``(pattern, start, end)`` of every overlapping occurrence in ``text``, in characters.

    The automaton is compiled over UTF-8 keys and scans the text's UTF-8 (no key holds part of a
    character, so occurrences match those of the keys in the text itself); the byte offsets of the
    few occurrences are then turned into character offsets (``_fold.utf8_spans``). Why not the
    library's str interface: it maps every byte of every text it scans to its character first
    (8 bytes written per byte: more memory traffic per corpus document than the scan's own)."""
    data = text.encode("utf-8", "surrogatepass")
    found: list[tuple[int, int, int]] = ac.find_matches_as_indexes(data, overlapping=True)
    if not found or len(data) == len(text):  # none, or all ASCII: bytes are characters
        return found
    kernel = compiled_fold.active()
    if kernel is not None:
        return kernel.utf8_spans(data, found)
    chars: dict[int, int] = {}

    def at(b: int) -> int:
        c = chars.get(b)
        if c is None:
            c = chars[b] = len(data[:b].decode("utf-8", "surrogatepass"))
        return c

    return [(i, at(a), at(b)) for i, a, b in found]


_CACHE_LOCK = threading.Lock()
_MAIN, _PINYIN, _LITERAL = 0, 1, 2
KeyList = tuple[tuple[int, str, Entry], ...]
_BANK_KEYS: dict[tuple[Any, ...], KeyList] = {}


def _allow_keys(phrase: str) -> KeyList:
    key = normalize_term(phrase)
    if not key:
        return ()
    entry = Entry("", phrase, "", 0.0, VIEW_COMPACT, _has_latin(phrase), _word_bounds(phrase), "allow")
    return ((_MAIN, key, entry),)


def _term_keys(bank: KeywordBank, t: Term, pinyin: bool) -> list[tuple[int, str, Entry]]:
    if t.literal:
        # literal terms are found through their compact form (a cheap prefilter on the main
        # scan) and then verified symbol for symbol on the literal view; terms without letters
        # or digits are searched for directly
        lkey = literal_fold(t.text)
        entry = Entry(bank.category, t.text, t.lang, t.score, VIEW_LITERAL, True, frozenset(), bank.source, lkey)
        ckey = normalize_term(t.text)
        return [(_MAIN, ckey, entry)] if ckey else [(_LITERAL, lkey, entry)]
    key = normalize_term(t.text)
    if not key:
        return []
    latin = _has_latin(t.text)
    out = [(_MAIN, key, Entry(bank.category, t.text, t.lang, t.score, VIEW_COMPACT, latin, _word_bounds(t.text), bank.source))]
    if pinyin and not latin:
        for pkey, bounds, view in _pinyin_forms(t.text):
            out.append((_PINYIN, pkey, Entry(bank.category, t.text, t.lang, t.score, view, True, bounds, bank.source)))
    return out


def _bank_keys(bank: KeywordBank, pinyin: bool) -> KeyList:
    """Every automaton key of one bank, cached per file version: compiling the shipped banks
    takes seconds, and policies combine them with user banks in many ways."""
    cache_key: tuple[Any, ...] | None = None
    path = Path(bank.source) if bank.source and bank.source != "policy" else None
    if path is not None and path.is_file():
        st = path.stat()
        cache_key = (str(path.resolve()), st.st_mtime_ns, st.st_size, pinyin, bank.category)
        hit = _BANK_KEYS.get(cache_key)
        if hit is not None:
            return hit
    keys: list[tuple[int, str, Entry]] = []
    for t in bank.entries():
        keys.extend(_term_keys(bank, t, pinyin))
    for phrase in bank.allow:
        keys.extend(_allow_keys(phrase))
    result = tuple(keys)
    if cache_key is not None:
        with _CACHE_LOCK:
            if len(_BANK_KEYS) > 256:
                _BANK_KEYS.clear()
            _BANK_KEYS[cache_key] = result
    return result


class KeywordEngine:
    """Compiled banks: ``match(text)`` returns hits with spans in the original text."""

    def __init__(
        self, banks: list[KeywordBank], *, allow: list[str] | None = None, pinyin: bool = True,
        state: tuple[Any, ...] | None = None,
    ) -> None:
        self.banks = banks
        # allow-list phrases live in the main automaton as entries with an empty category, so
        # one scan finds hits and the benign phrases that cancel them
        self._main = _Automaton()
        self._pinyin = _Automaton()
        self._literal = _Automaton()
        split: dict[str, str] | None = None
        if state is not None:  # keys computed by an earlier process (see compile_engine)
            for auto, enc in zip((self._main, self._pinyin, self._literal), state[:3], strict=True):
                auto.load(enc)
            split = state[3]
        else:
            for bank in banks:
                for which, key, entry in _bank_keys(bank, pinyin and bank.pinyin):
                    (self._main, self._pinyin, self._literal)[which].add(key, entry)
            for phrase in list(allow or []):
                for _which, key, entry in _allow_keys(phrase):
                    self._main.add(key, entry)
        self._main.freeze()
        # split characters (拆字): component runs of the characters the Chinese keys use, compiled
        # into the main automaton after its keys, so that the main scan finds them too (a second
        # automaton's pass over every Chinese text cost about a tenth of the engine's time)
        self._split_keys = split if split is not None else _split_keys(self._main)
        self._split_chars = list(self._split_keys.values())
        self._main.build(extra=list(self._split_keys))
        self._main_reach = self._main.longest()
        self._gap_pairs: frozenset[str] | None = None  # see _interleaved_pairs
        self._gap_reach = 0
        self._pinyin.build()
        self._has_pinyin = bool(self._pinyin)  # read per text: a plain attribute, not __bool__
        self._pinyin_reach = self._pinyin.longest()  # the longest pinyin key, in characters
        # the pinyin pruning bitmap (prune.py): computed once, then kept in the disk cache
        cached = state[4] if state is not None and len(state) > 4 else gram_bitmap(self._pinyin.key_list())
        self._pruner = WordPruner(cached)
        self._symbolic = [(k, e) for k, es in self._literal.decoded().items() for e in es]

    def state(self) -> tuple[Any, ...]:
        """The computed keys and entries as plain tuples (fast to pickle), the split-character
        table and the pinyin pruning bitmap (prune.py), for the disk cache."""
        return (self._main.encoded(), self._pinyin.encoded(), self._literal.encoded(), self._split_keys,
                self._pruner.bitmap)

    @property
    def size(self) -> int:
        """Number of (key, category) entries, allow-list phrases excluded."""
        return sum(1 for a in (self._main, self._literal) for v in a.decoded().values() for e in v if e.category)

    def categories(self) -> set[str]:
        return {b.category for b in self.banks}

    # -- matching -------------------------------------------------------------------------
    def match(self, text: str | NormalizedText) -> list[Hit]:
        norm = text if isinstance(text, NormalizedText) else normalize(text)
        main = self._main.scan(norm.text)
        return self._hits(norm, main, self._pinyin_found(norm, self._pruned_view(norm)))

    def match_many(self, texts: Sequence[str | NormalizedText]) -> list[list[Hit]]:
        """:meth:`match` of each text: the automata scan every text first, one automaton at a
        time, then each text's occurrences are checked. Why: the main and pinyin automata are
        several megabytes each, and scanning text by text made each evict the other (and the
        pinyin view's tables) between two texts: the grouped scan of the corpus bench's 10 MB
        took ~5 % less CPU this way. The hits are the same, in the same order."""
        norms = [t if isinstance(t, NormalizedText) else normalize(t) for t in texts]
        views = [norm.text for norm in norms]
        mains = [self._main.scan(v) for v in views]
        pruned = [self._pruned_view(norm) for norm in norms]
        pinyins = [self._pinyin_found(norm, view) for norm, view in zip(norms, pruned, strict=True)]
        return [self._hits(norm, main, pinyin) for norm, main, pinyin in zip(norms, mains, pinyins, strict=True)]

    def _pruned_view(self, norm: NormalizedText) -> View | None:
        """The text's pruned pinyin view (prune.py), or None when the pinyin keys are not
        scanned in one (no pinyin keys, no Latin letters, or no compiled pruner)."""
        if not (self._has_pinyin and norm.has_latin and self._pruner.active()):
            return None
        # a pinyin key counts only where it covers a Latin letter of the original: the pruned
        # view keeps only the Latin words some key holds and what lies near them
        return self._pruner.pinyin_view(norm, self._pinyin_reach)

    def _pinyin_found(self, norm: NormalizedText, pruned: View | None) -> list[tuple[Occurrences, View]]:
        """The pinyin keys' occurrences in the text's pinyin views (``pruned``: its pruned view,
        :meth:`_pruned_view`), with the view each is in (none when there is nothing to scan)."""
        if pruned is not None:
            found = self._pinyin.iter(pruned.text)
            return [(found, pruned)] if found else []
        if not (self._has_pinyin and norm.has_latin):
            return []
        # in a long text with Han characters, scan the spelling near the letters only
        pieces = norm.pinyin_pieces(self._pinyin_reach)
        if pieces is None:  # the whole spelling; its offsets are built only when a key occurs
            found = self._pinyin.iter(norm.pinyin_text)
            return [(found, norm.pinyin)] if found else []
        out: list[tuple[Occurrences, View]] = []
        for piece in pieces:
            found = self._pinyin.iter(piece.text)
            if found:
                out.append((found, piece))
        return out

    def _hits(
        self, norm: NormalizedText,
        main: tuple[Occurrences, list[tuple[int, int, int]]],
        pinyin: list[tuple[Occurrences, View]],
    ) -> list[Hit]:
        """One text's hits from its automata occurrences (:meth:`match_many`)."""
        original = norm.original
        raw: list[Hit] = []
        found, runs = main
        if found:
            self._check(found, norm.compact, original, raw, pinyin=False, norm=norm)
        if runs and norm.has_han:
            self._check_split(norm, runs, raw)
        if norm.has_han:
            self._check_interleaved(norm, raw)
        for pfound, view in pinyin:
            self._check(pfound, view, original, raw, pinyin=True, norm=norm)
        for lkey, entry in self._symbolic:
            i = original.find(lkey)
            while i >= 0:
                raw.append(Hit(entry.category, i, i + len(lkey), entry.term, entry.lang, entry.score, entry.view, entry.source))
                i = original.find(lkey, i + 1)
        if not raw:
            return []
        allowed = [h for h in raw if not h.category]
        hits = [h for h in raw if h.category]
        if allowed:
            # a benign phrase that overlaps a hit cancels it ("kill a python process")
            hits = [h for h in hits if not any(a.start < h.end and h.start < a.end for a in allowed)]
        return _merge_overlaps(hits)

    def _check(
        self, found: list[tuple[int, int, tuple[Entry, ...]]], view: View, original: str, out: list[Hit], *,
        pinyin: bool, norm: NormalizedText,
    ) -> None:
        """Turn key occurrences in ``view`` into hits on the original text (boundary checks)."""
        offs = view.offsets
        size = len(offs)
        vtext = view.text
        for s, e, entries in found:
            n = e - s
            # the offsets of view[s - 1 : e + 1] as plain ints: one small slice per occurrence,
            # so the cost does not grow with the length of the view (converting a 64 KB view's
            # offsets with tolist() for a handful of occurrences cost about a millisecond)
            lo = s - 1 if s > 0 else 0
            seg: list[int] = offs[lo : e + 1].tolist()
            first = s - lo  # index of view[s] in seg
            os_, oe = seg[first], seg[first + n - 1] + 1
            if pinyin:
                # whole syllables only, and at least one Latin character from the original
                if (s > 0 and seg[0] == os_) or (e < size and seg[first + n] == oe - 1):
                    continue
                if not any(c.isascii() and c.isalpha() for c in original[os_:oe]):
                    continue
            chunks: list[tuple[int, int]] | None = None
            bounds_ok: bool | None = None
            for entry in entries:
                if entry.view == VIEW_LITERAL:
                    hit = _verify_literal(norm, entry, os_, oe)
                    if hit is not None:
                        out.append(hit)
                    continue
                if entry.latin:
                    if bounds_ok is None:
                        bounds_ok = _on_boundaries(original, os_, oe, vtext[s], vtext[e - 1])
                    if not bounds_ok:
                        continue
                    if chunks is None:
                        chunks = _chunks(original, seg[first : first + n])
                    if not _segmentation_ok(chunks, entry.bounds, n):
                        continue
                out.append(Hit(entry.category, os_, oe, entry.term, entry.lang, entry.score, entry.view, entry.source))

    def _check_split(self, norm: NormalizedText, runs: list[tuple[int, int, int]], out: list[Hit]) -> None:
        """Hits of Chinese keys in the text with its component runs recombined (``火乍弓单`` ->
        ``炸弹``); only occurrences that cover a recombined character count (the others were
        found on the compact view already). ``runs``: ``(start, end, j)`` of the component runs
        in the compact view, ``j`` indexing ``_split_chars`` (the main scan's extra patterns).
        Literal entries are left out (they have their own view); a key with Latin letters
        (出售AK47步枪) must sit on word boundaries, as on the compact view."""
        chars = self._split_chars
        rec = split_chars.recombine(norm.text, norm.offsets, [(s, e, chars[j]) for s, e, j in runs])
        merged = rec.merged
        original = norm.original
        # a key occurrence that covers a recombined character lies within one key length of it:
        # scan only those pieces of the recombined text (rescanning a whole document for a run or
        # two cost as much as the first scan)
        reach = self._main_reach
        found: list[tuple[int, int, tuple[Entry, ...]]] = []
        lo = hi = -1
        for p in [*merged.nonzero()[0].tolist(), -1]:
            if p >= 0 and lo >= 0 and p - reach + 1 <= hi:
                hi = min(len(rec.text), p + reach)
                continue
            if lo >= 0:
                found += [(a + lo, b + lo, es) for a, b, es in self._main.iter(rec.text[lo:hi])]
            lo, hi = max(0, p - reach + 1), min(len(rec.text), p + reach)
        for s, e, entries in found:
            if not merged[s:e].any():
                continue
            os_, oe = rec.span(s, e)
            for entry in entries:
                if entry.view == VIEW_LITERAL:
                    continue
                if entry.latin and not _on_boundaries(original, os_, oe, rec.text[s], rec.text[e - 1]):
                    continue
                out.append(Hit(entry.category, os_, oe, entry.term, entry.lang, entry.score, VIEW_SPLIT, entry.source))


    def _interleaved_pairs(self) -> frozenset[str]:
        """Every pair of adjacent characters in the Chinese keys of 3+ characters (computed on
        first use: most texts never need it, and start-up stays as it was)."""
        if self._gap_pairs is None:
            keys = [k for k in self._main.key_list() if len(k) >= 3 and len(_HAN_CHAR.findall(k)) == len(k)]
            self._gap_reach = max(map(len, keys), default=0)
            self._gap_pairs = frozenset(k[i : i + 2] for k in keys for i in range(len(k) - 1))
        return self._gap_pairs

    def _check_interleaved(self, norm: NormalizedText, out: list[Hit]) -> None:
        """Hits of Chinese keys written with junk between their characters (制1作2炸3弹, 制a作b炸c弹):
        separators and symbols are dropped by the compact view already, but it keeps letters and
        digits, which keys may hold (AK47). Ordinary text has digits and Latin words between
        Chinese characters too (2024年3月5日), so a hit must be a key of 3+ characters whose every
        gap is at most three characters, with junk in two of its gaps (a key of 3 characters) or
        in at least one (4 and more); two-character keys never count. Only gaps whose two
        characters are adjacent in some key are looked at, and only the Chinese characters within
        one key length of them are scanned."""
        text = norm.text
        size = len(text)
        gaps: list[int] = []
        pairs: frozenset[str] | None = None
        for a, b in _JUNK_RUNS.spans(text):  # a handful per text: plain ints, no array work
            if b - a <= _MAX_GAP and a > 0 and b < size:
                if pairs is None:
                    pairs = self._interleaved_pairs()
                if text[a - 1] + text[b] in pairs:  # both Chinese: the pairs hold Chinese characters only
                    gaps.append(a)
        if not gaps:
            return
        margin = (_MAX_GAP + 1) * self._gap_reach  # compact characters that can hold one key
        pieces: list[tuple[int, int]] = []
        for g in gaps:
            lo, hi = max(0, g - margin), min(len(text), g + margin)
            if pieces and lo <= pieces[-1][1]:
                pieces[-1] = (pieces[-1][0], hi)
            else:
                pieces.append((lo, hi))
        offs = norm.offsets
        for lo, hi in pieces:
            idx = [m.start() for m in _HAN_CHAR.finditer(text, lo, hi)]  # compact index of each
            han = "".join(text[i] for i in idx)
            for s, e, entries in self._main.iter(han):
                n = e - s
                if n < 3:
                    continue
                steps = [idx[k + 1] - idx[k] - 1 for k in range(s, e - 1)]
                junk = sum(1 for d in steps if d)
                if not junk or max(steps) > _MAX_GAP or (n == 3 and junk < 2):
                    continue
                os_, oe = int(offs[idx[s]]), int(offs[idx[e - 1]]) + 1
                for entry in entries:
                    if entry.view == VIEW_LITERAL or entry.latin:
                        continue
                    out.append(Hit(entry.category, os_, oe, entry.term, entry.lang, entry.score, VIEW_INTERLEAVED,
                                   entry.source))


def _split_keys(main: _Automaton) -> dict[str, str]:
    """Component runs -> character for every Han character of the automaton's keys."""
    chars = {c for k in main.key_list() for c in k if _has_han(c)}
    return split_chars.compositions(chars, normalize_term)


def _verify_literal(norm: NormalizedText, entry: Entry, os_: int, oe: int) -> Hit | None:
    """Find the literal term around the span where its compact form matched."""
    lkey = entry.literal_key
    lit = norm.literal.text
    i = lit.find(lkey, max(0, os_ - len(lkey)), oe + len(lkey))
    if i < 0:
        return None
    j = i + len(lkey)
    if not _on_boundaries(norm.original, i, j, lkey[0], lkey[-1]):
        return None
    return Hit(entry.category, i, j, entry.term, entry.lang, entry.score, entry.view, entry.source)


def _merge_overlaps(hits: list[Hit]) -> list[Hit]:
    """One hit per category per overlapping cluster: the longest span (then the highest score).

    ``怎么制作炸弹`` and ``制作炸弹`` on the same text are one finding, not two."""
    if len(hits) == 1:
        return hits
    out: list[Hit] = []
    by_cat: dict[str, list[Hit]] = {}
    for h in hits:
        by_cat.setdefault(h.category, []).append(h)
    for group in by_cat.values():
        group.sort(key=lambda h: (h.start, -h.end))
        cluster: list[Hit] = []
        cluster_end = -1
        for h in group:
            if h.start < cluster_end:
                cluster.append(h)
                cluster_end = max(cluster_end, h.end)
                continue
            if cluster:
                out.append(max(cluster, key=lambda c: (c.end - c.start, c.score)))
            cluster, cluster_end = [h], h.end
        if cluster:
            out.append(max(cluster, key=lambda c: (c.end - c.start, c.score)))
    return sorted(out, key=lambda h: (h.start, h.end, h.category))


def _on_boundaries(original: str, os_: int, oe: int, first: str, last: str) -> bool:
    """Latin ends of a hit must not continue a word in the original text."""
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


def _chunks(original: str, seg: list[int]) -> list[tuple[int, int]]:
    """Runs of a key occurrence separated by visible separators, as ``(start, end)`` positions in
    the key; ``seg`` holds the original offsets of the occurrence's view characters."""
    out: list[tuple[int, int]] = []
    start = 0
    for j in range(1, len(seg)):
        a, b = seg[j - 1], seg[j]
        if b - a > 1 and any(is_visible_separator(c) for c in original[a + 1 : b]):
            out.append((start, j))
            start = j
    out.append((start, len(seg)))
    return out


def _segmentation_ok(chunks: list[tuple[int, int]], bounds: frozenset[int], n: int) -> bool:
    if len(chunks) == 1:
        return True
    edges = bounds | {0, n}
    return all(b - a <= 2 or (a in edges and b in edges) for a, b in chunks)


# -- compiled-engine cache ----------------------------------------------------------------
_CACHE: dict[tuple[Any, ...], KeywordEngine] = {}
_DISK_CACHE_KEEP = 8


def _disk_cache_file(key: tuple[Any, ...]) -> Path | None:
    """``$GENGUARD_HOME/cache/keywords/<hash>.pkl`` (``genguard.disk_cache``). Computing the keys
    of the shipped banks (normalised, pinyin and initials forms) takes seconds; a CLI run that only
    checks one text should not pay that every time. The hash covers the bank files (path, mtime,
    size), the options and this package's matching code, so any change rebuilds."""
    here = Path(__file__).resolve()
    code = [here, here.parent / "banks.py", here.parent / "prune.py", here.parents[2] / "text" / "normalize.py"]
    return cache_file("keywords", "", itertools.chain([repr(key).encode("utf-8")], (f.read_bytes() for f in code)))


def _load_cached(path: Path | None) -> tuple[list[KeywordBank], tuple[Any, ...]] | None:
    got = read_cached(path, lambda v: isinstance(v, tuple) and len(v) == 2)
    return None if got is None else (list(got[0]), tuple(got[1]))


def _store_cached(path: Path | None, engine: KeywordEngine) -> None:
    write_cached(path, (engine.banks, engine.state()), keep=_DISK_CACHE_KEEP)


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
    disk = _disk_cache_file(key)
    cached = _load_cached(disk)
    if cached is not None:
        engine = KeywordEngine(cached[0], allow=allow, pinyin=pinyin, state=cached[1])
    else:
        banks = [load_bank_file(f) for f in files]
        for code, terms in (extra_terms or {}).items():
            banks.append(KeywordBank(code, {"any": list(terms)}, source="policy"))
        engine = KeywordEngine(banks, allow=allow, pinyin=pinyin)
        _store_cached(disk, engine)
    with _CACHE_LOCK:
        if len(_CACHE) > 16:
            _CACHE.clear()
        _CACHE[key] = engine
    return engine
