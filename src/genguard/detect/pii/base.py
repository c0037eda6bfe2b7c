"""Shared pieces of the PII recognisers: the folded text, candidate matches, context scoring.

Recognisers run on a *folded* copy of the text in which full-width ASCII (``１３８``, ``：``)
is mapped to half-width one character for one character, so every offset found on the folded
text is also an offset into the original; findings therefore always cite the original text.
"""

from __future__ import annotations

import re
from array import array
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from functools import cached_property
from types import ModuleType
from typing import ClassVar

import ahocorasick_rs

from genguard.text.compiled import compiled_fold

# Full-width digits, letters and the symbols that occur inside identifiers (+ - . @ : _), plus the
# ideographic space. Other full-width punctuation (，！？) is left alone: it never sits inside a value.
_FOLDABLE = re.compile("[\uff10-\uff1a\uff21-\uff3a\uff41-\uff5a\uff0b\uff0d\uff0e\uff20\uff3f\uff08\uff09\u3000]")


def _fold_char(m: re.Match[str]) -> str:
    c = m.group(0)
    return " " if c == "\u3000" else chr(ord(c) - 0xFEE0)


# Characters that may not touch a digit/letter token on either side (CJK may: "身份证号1101...").
NB = r"(?<![0-9A-Za-z])"
NA = r"(?![0-9A-Za-z])"


def fold(text: str) -> str:
    """Full-width ASCII -> half-width, length-preserving (so spans stay valid).

    The compiled text kernel does it in one pass over the text (the regex search and the
    substitution with a Python call per character were a tenth of the PII time on corpus text);
    without it the regex serves, with the same result."""
    kernel = compiled_fold.active()
    if kernel is not None:
        return kernel.fold_fullwidth(text)
    return fold_python(text)


def fold_python(text: str) -> str:
    """:func:`fold` without the compiled kernel: the reference the kernel is tested against."""
    return _FOLDABLE.sub(_fold_char, text) if _FOLDABLE.search(text) else text


class Doc:
    """One text as the recognisers see it."""

    __slots__ = ("__dict__", "original", "text")

    def __init__(self, original: str) -> None:
        self.original = original
        self.text = fold(original)

    @cached_property
    def lower(self) -> str:
        """``text.lower()``; the compiled text kernel gives the same string in a third of the time
        (and leaves the two characters with a longer or context-dependent lower case to it)."""
        kernel = compiled_fold.active()
        low = kernel.lower(self.text) if kernel is not None else None
        return self.text.lower() if low is None else low

    @cached_property
    def flags(self) -> int:
        """The :data:`HAS_DIGIT`, :data:`HAS_CJK` and ``MAC_*`` shape bits of the folded text.

        Why: the recognisers' gates were seven passes over each text; the compiled text kernel
        answers them all in one (:func:`pii_flags_python` is the reference and the fallback)."""
        kernel = compiled_fold.active()
        return kernel.pii_flags(self.text) if kernel is not None else pii_flags_python(self.text)

    @property
    def has_digit(self) -> bool:
        """Whether an ASCII digit occurs."""
        return bool(self.flags & HAS_DIGIT)

    @cached_property
    def windows(self) -> list[tuple[int, int, int, int]]:
        """Regions around digit clusters; digit-bearing recognisers scan only these.

        One scan replaces a dozen full-text scans. Each window reaches 16 characters either side
        (prefix letters such as ``E`` or ``GB``, ``+86``, month names) and then to the end of the
        ASCII token it stops in, so look-aheads at the window's end see a real boundary. The
        compiled text kernel finds them in one pass (the cluster regex alone tested a character
        class at each character, a tenth of the PII time on corpus text); :func:`windows_python`
        is the reference and the fallback.
        """
        kernel = compiled_fold.active()
        if kernel is not None:
            return kernel.digit_windows(self.text, WINDOW_MARGIN)
        return windows_python(self.text)

    def scan_around(self, rx: re.Pattern[str], char: str, before: int, after: int) -> Iterator[re.Match[str]]:
        """``rx.finditer`` near each occurrence of ``char`` (e.g. '@' for emails)."""
        text = self.text
        i = text.find(char)
        last_end = -1
        while i != -1:
            s, e = max(last_end, i - before, 0), min(len(text), i + after)
            while e < len(text) and text[e].isascii() and text[e].isalnum():
                e += 1
            for m in rx.finditer(text, s, e):
                if m.start() >= last_end:
                    last_end = m.end()
                    yield m
            last_end = max(last_end, s)
            i = text.find(char, max(i + 1, last_end))

    def scan(
        self, rx: re.Pattern[str], min_digits: int = 3, min_run: int = 1, needs: str | None = None
    ) -> Iterator[re.Match[str]]:
        """``rx.finditer`` over the digit windows that hold at least ``min_digits`` digits (in one
        cluster), a run of ``min_run`` consecutive digits and (if given) the character ``needs``;
        look-behinds still see the whole text."""
        last_end = -1
        text = self.text
        for s, e, ndig, run in self.windows:
            if ndig < min_digits or run < min_run or (needs is not None and text.find(needs, s, e) == -1):
                continue
            for m in rx.finditer(self.text, s, e):
                if m.start() >= last_end:
                    yield m
            last_end = e

    @property
    def has_cjk(self) -> bool:
        """Whether a CJK unified ideograph (U+4E00..U+9FFF) occurs."""
        return bool(self.flags & HAS_CJK)

    def word_hits(self) -> list[list[tuple[int, int, int]]]:
        """The shared word index's answer for this document, computed once."""
        got: list[list[tuple[int, int, int]]] | None = self.__dict__.get("_word_hits")
        if got is None or len(got) != len(SHARED_WORDS.finders):  # a finder joined the index since
            got = self.__dict__["_word_hits"] = SHARED_WORDS.hits(self.text, self.lower)
        return got


HAS_DIGIT, HAS_CJK, MAC_COLON, MAC_DASH, MAC_DOT = 1, 2, 4, 8, 16
# where every separated or dotted MAC address has its separators (a MAC pattern can only match
# where its bit is set)
_MAC_SHAPES = ((MAC_COLON, re.compile("(?s):" + ".{2}:" * 4)), (MAC_DASH, re.compile("(?s)-" + ".{2}-" * 4)),
               (MAC_DOT, re.compile(r"(?s)\..{4}\.")))
_DIGITS = "0123456789"
_RUNS = re.compile(r"[0-9]+")
WINDOW_MARGIN = 16
# A digit-bearing token and following tokens that carry a digit, joined by short separators.
_CLUSTER = re.compile(r"[0-9][0-9A-Za-z]*(?:[ ()+.\-/:·•年月日号]{1,3}[A-Za-z]*[0-9][0-9A-Za-z]*)*")
_CJK = re.compile(r"[\u4e00-\u9fff]")


def pii_flags_python(text: str) -> int:
    """:attr:`Doc.flags` without the compiled kernel."""
    flags = HAS_DIGIT if any(d in text for d in _DIGITS) else 0
    if _CJK.search(text) is not None:
        flags |= HAS_CJK
    for bit, shape in _MAC_SHAPES:
        if shape.search(text) is not None:
            flags |= bit
    return flags


def windows_python(text: str) -> list[tuple[int, int, int, int]]:
    """:attr:`Doc.windows` without the compiled kernel: (start, end, digits, longest digit run)."""
    n = len(text)
    out: list[tuple[int, int, int, int]] = []
    for m in _CLUSTER.finditer(text):
        g = m.group(0)
        if len(g) < 3:  # no recogniser needs fewer than three digits ("25", "1")
            continue
        if g.isdigit():
            ndig = run = len(g)
        else:
            runs = [len(r) for r in _RUNS.findall(g)]
            ndig, run = sum(runs), max(runs)
            if ndig < 3:
                continue
        s, e = max(0, m.start() - WINDOW_MARGIN), min(n, m.end() + WINDOW_MARGIN)
        while e < n and text[e].isascii() and text[e].isalnum():
            e += 1
        e = min(n, e + 2)
        if out and s <= out[-1][1]:
            ps, pe, pd, pr = out[-1]
            out[-1] = (ps, max(pe, e), max(pd, ndig), max(pr, run))
        else:
            out.append((s, e, ndig, run))
    return out


@dataclass(frozen=True, slots=True)
class Match:
    """A recogniser's candidate that passed its validation."""

    entity: str
    start: int
    end: int
    score: float
    category: str = "S4"
    validated: str | None = None  # which check it passed (e.g. "mod11-2", "luhn")
    context: str | None = None  # the context word that changed the score


_SURROGATE = re.compile("[\ud800-\udfff]")


class WordFinder:
    """Every occurrence of a fixed set of words, found in one Aho-Corasick pass.

    Why: a regex alternation of many words without a common prefix makes ``re`` try it at every
    position of a long text; the recognisers use this instead to find their cue and anchor words
    and run their patterns only there. ``longest=True`` gives what ``re.finditer`` of the words
    sorted longest first gives (leftmost, longest, non-overlapping); the default gives every
    occurrence, overlapping ones included. Positions are character indices.

    A finder made with ``view`` ("text": the words as they are in the folded text, "lower": in
    its lower-cased copy) also joins the shared index, and :meth:`find_in` then answers from one
    automaton pass per document over the words of all such finders."""

    def __init__(self, words: Sequence[str], *, longest: bool = False, view: str | None = None) -> None:
        self.words = list(words)
        self.longest = longest
        self.view = view
        kind = ahocorasick_rs.MatchKind.LeftmostLongest if longest else ahocorasick_rs.MatchKind.Standard
        self._ac = ahocorasick_rs.AhoCorasick(self.words, matchkind=kind)
        self._overlapping = not longest
        self._slot = -1
        if view is not None:
            if view not in ("text", "lower"):
                raise ValueError(f"view must be 'text' or 'lower', not {view!r}")
            self._slot = SHARED_WORDS.add(self)

    def find(self, text: str) -> list[tuple[int, int, int]]:
        """(word index, start, end) of each occurrence, by start (then end)."""
        try:
            hits = self._ac.find_matches_as_indexes(text, overlapping=self._overlapping)
        except UnicodeEncodeError:  # lone surrogates, which no word contains: replaced one for one
            hits = self._ac.find_matches_as_indexes(_SURROGATE.sub("\ufffd", text), overlapping=self._overlapping)
        # overlapping matches come in the order they end; callers walk them by start
        return sorted(hits, key=lambda h: (h[1], h[2])) if self._overlapping and len(hits) > 1 else hits

    def find_in(self, doc: Doc) -> list[tuple[int, int, int]]:
        """What :meth:`find` gives on the finder's view of ``doc``, from the shared pass."""
        if self.view is None:
            raise ValueError("find_in needs a finder made with a view")
        return doc.word_hits()[self._slot]


class WordIndex:
    """Tables for the compiled word scan (``_fold.word_scan``): every occurrence of every word,
    overlapping ones included, as ``ahocorasick_rs`` finds them with ``overlapping=True`` (the
    order aside).

    Why: on corpus documents the library's automaton pass cost 4 ns a character, a chain of
    dependent loads (a compiled automaton was no faster); the scan reads each position's first
    two characters' classes, independent reads, and compares words only where those two start
    one. Characters map to classes (0: in no word) by a table over the BMP, so the words must be
    two or more BMP characters without U+FFFD (a lone surrogate, which the library cannot read, is
    class 0 here as U+FFFD is there); :meth:`build` gives None otherwise."""

    def __init__(self, tables: tuple[bytes, bytes, array[int], array[int], array[int], array[int]]) -> None:
        self.tables = tables

    @classmethod
    def build(cls, words: Sequence[str]) -> WordIndex | None:
        chars = sorted({c for w in words for c in w})
        if not words or min(map(len, words)) < 2 or len(chars) > 255 or any(
            ord(c) > 0xFFFF or c == "\ufffd" for c in chars
        ):
            return None
        klass = {c: i + 1 for i, c in enumerate(chars)}
        by_pair: dict[int, list[int]] = {}
        for wi, w in enumerate(words):
            by_pair.setdefault(klass[w[0]] << 8 | klass[w[1]], []).append(wi)
        classes = bytearray(0x10000)
        for c, x in klass.items():
            classes[ord(c)] = x
        pairs = bytearray(0x10000 // 8)  # pair b = 256 * first class + second
        pair_first, pair_words = array("i", [0]), array("i")
        for b in range(0x10000):
            got = by_pair.get(b, [])
            if got:
                pairs[b >> 3] |= 1 << (b & 7)
            pair_words.extend(got)
            pair_first.append(len(pair_words))
        word_first, word_chars = array("i", [0]), array("i")
        for w in words:
            word_chars.extend(map(ord, w))
            word_first.append(len(word_chars))
        return cls((bytes(classes), bytes(pairs), pair_first, pair_words, word_first, word_chars))

    def find(self, kernel: ModuleType, text: str) -> list[tuple[int, int, int]]:
        """(word index, start, end) of every occurrence, by start."""
        found: list[tuple[int, int, int]] = kernel.word_scan(text, *self.tables)
        return found


class SharedWords:
    """The words of every finder made with a view, found in one automaton pass over the
    lower-cased text.

    Why: the address, name, birth-date and password recognisers each looked for their cue words
    in a pass of their own over the whole text (six passes per document, a fifth of the PII
    time on corpus text). One pass finds every occurrence of all their words, lower-cased; a
    word of the "text" view counts where the text itself holds it (the slice is compared), which
    is exact while lower-casing keeps every character one character (else each finder searches
    its own view). From every occurrence each finder's own answer follows: all occurrences by
    start (then end) for an overlapping finder, and for a ``longest`` one the leftmost-longest
    walk over them, which is what its own LeftmostLongest automaton reports (pinned by tests)."""

    def __init__(self) -> None:
        self.finders: list[WordFinder] = []
        self._ac: ahocorasick_rs.AhoCorasick | None = None
        self._index: WordIndex | None = None
        # lower-cased word -> [(finder slot, index in its words, the word when the text must hold it)]
        self._owners: list[list[tuple[int, int, str | None]]] = []

    def add(self, finder: WordFinder) -> int:
        self.finders.append(finder)
        self._ac = None
        return len(self.finders) - 1

    def _build(self) -> ahocorasick_rs.AhoCorasick:
        ids: dict[str, int] = {}
        owners: list[list[tuple[int, int, str | None]]] = []
        for slot, f in enumerate(self.finders):
            for i, w in enumerate(f.words):
                key = w.lower()
                if key not in ids:
                    ids[key] = len(owners)
                    owners.append([])
                owners[ids[key]].append((slot, i, w if f.view == "text" else None))
        self._owners = owners
        self._index = WordIndex.build(list(ids))
        # a DFA: with a hundred words the library would pick an NFA, twice as slow to run
        self._ac = ahocorasick_rs.AhoCorasick(
            list(ids), matchkind=ahocorasick_rs.MatchKind.Standard, implementation=ahocorasick_rs.Implementation.DFA
        )
        return self._ac

    def hits(self, text: str, low: str) -> list[list[tuple[int, int, int]]]:
        """For each finder (by slot), what its :meth:`WordFinder.find` returns on its view."""
        if len(low) != len(text):  # a character lower-cases to two (U+0130): offsets differ
            return [f.find(low if f.view == "lower" else text) for f in self.finders]
        ac = self._ac or self._build()
        kernel = compiled_fold.active()
        if kernel is not None and self._index is not None:
            raw = self._index.find(kernel, low)
        else:
            try:
                raw = ac.find_matches_as_indexes(low, overlapping=True)
            except UnicodeEncodeError:  # as in WordFinder.find
                raw = ac.find_matches_as_indexes(_SURROGATE.sub("\ufffd", low), overlapping=True)
        found: list[list[tuple[int, int, int]]] = [[] for _ in self.finders]  # (start, end, index)
        owners = self._owners
        for w, s, e in raw:
            for slot, i, exact in owners[w]:
                if exact is None or text[s:e] == exact:
                    found[slot].append((s, e, i))
        out: list[list[tuple[int, int, int]]] = []
        for f, hits in zip(self.finders, found, strict=True):
            if not hits:  # most finders on most texts
                out.append(hits)
                continue
            hits.sort()  # by start, then end (a finder's words differ, so no two share both)
            by_start = [(i, s, e) for s, e, i in hits]
            out.append(_leftmost_longest(by_start) if f.longest and by_start else by_start)
        return out


def _leftmost_longest(hits: list[tuple[int, int, int]]) -> list[tuple[int, int, int]]:
    """From every occurrence (by start, then end): the leftmost, longest, non-overlapping ones."""
    hits = sorted(hits, key=lambda h: (h[1], -h[2]))
    kept: list[tuple[int, int, int]] = []
    end = -1
    for h in hits:
        if h[1] >= end:
            kept.append(h)
            end = h[2]
    return kept


SHARED_WORDS = SharedWords()


class CueStarts:
    """Where the literal words that start (or sit at a fixed place in) some regex's matches occur,
    found by one Aho-Corasick pass over a text; the regexes then run only there.

    Why: each of these regexes is an alternation without a common prefix, so ``re`` tests it at
    every position of a long text (such scans were most of the name recogniser's time and a
    third of the secret recogniser's on corpus documents); the shared automaton pass finds all
    the words. :func:`match_at_starts` then gives
    exactly ``rx.finditer(text)``, because every match of those regexes starts at one of the
    offsets listed for its words (pinned by tests against the plain regex scans)."""

    def __init__(self, starts: dict[str, tuple[int, ...]], view: str) -> None:
        self._finder = WordFinder(list(starts), view=view)
        self._starts = [starts[w] for w in self._finder.words]

    def find(self, doc: Doc) -> dict[str, list[int]]:
        """Each word occurring in the finder's view of ``doc`` -> the match starts its occurrences imply."""
        out: dict[str, list[int]] = {}
        words = self._finder.words
        for i, s, _ in self._finder.find_in(doc):
            out.setdefault(words[i], []).extend(s + o for o in self._starts[i] if s + o >= 0)
        return out


def match_at_starts(rx: re.Pattern[str], found: dict[str, list[int]], words: Collection[str], text: str) -> Iterator[re.Match[str]]:
    """``rx.finditer(text)``, tried only at the starts that ``words`` have in ``found``."""
    # walk the (few) words found rather than all the words asked for
    starts = sorted({j for w, js in found.items() if w in words for j in js})
    last_end = 0
    for j in starts:
        if j < last_end:
            continue
        m = rx.match(text, j)
        if m:
            last_end = m.end()
            yield m



def _alternation(words: Iterable[str]) -> re.Pattern[str] | None:
    ws = sorted({w.lower() for w in words}, key=len, reverse=True)
    return re.compile("|".join(re.escape(w) for w in ws)) if ws else None


class ContextWords:
    """Words near a candidate that raise (``positive``) or lower (``negative``) its score."""

    def __init__(
        self, positive: Sequence[str] = (), negative: Sequence[str] = (), *, before: int = 32, after: int = 16,
        neg_before: int = 10,
    ) -> None:
        self.pos = _alternation(positive)
        self.neg = _alternation(negative)
        # the positive words as a finder: what ``pos.finditer`` finds on a whole text
        self.pos_words = WordFinder(sorted({w.lower() for w in positive}), longest=True) if positive else None
        self.before = before
        self.after = after
        self.neg_before = neg_before

    def look(self, doc: Doc, start: int, end: int) -> tuple[int, str | None]:
        """+1 with the positive word found, -1 with the negative word, or (0, None).

        Negative cues count only just before the value ("订单号 1381234..."), because the text
        after a value usually starts the next field ("手机138..., 卡号6222...").
        """
        low = doc.lower
        if self.neg is not None:
            m = self.neg.search(low, max(0, start - self.neg_before), start)
            if m:
                return -1, m.group(0)
        if self.pos is not None:
            m = self.pos.search(low, max(0, start - self.before), start) or self.pos.search(low, end, end + self.after)
            if m:
                return 1, m.group(0)
        return 0, None

    def score(self, doc: Doc, start: int, end: int, base: float, up: float = 0.1, down: float = 0.4) -> tuple[float, str | None]:
        sign, word = self.look(doc, start, end)
        if sign > 0:
            return min(1.0, base + up), word
        if sign < 0:
            return max(0.0, base - down), word
        return base, None


class Recognizer:
    """One family of entities (e.g. Chinese phone numbers). Stateless after construction."""

    entities: ClassVar[tuple[str, ...]] = ()

    def __init__(self, selected: Collection[str] | None = None) -> None:
        """``selected``: the entities the detector reports (default: all of this recogniser's).
        Why: a recogniser of several entities can then skip the work whose matches the detector
        would drop (URLs are not reported by default, URL credentials are)."""
        self.selected = frozenset(self.entities) if selected is None else frozenset(self.entities) & set(selected)

    def find(self, doc: Doc) -> Iterable[Match]:
        raise NotImplementedError
