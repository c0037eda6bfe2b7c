"""The keyword engine's fast paths give the same hits and spans as the straightforward algorithm.

Why: the engine spells the pinyin view without offsets and builds them only when a pinyin key
occurs, reads offsets per occurrence instead of converting the whole view, and spells ASCII with
a byte table. None of that may change what is detected. The reference below is the plain
algorithm the engine used before those fast paths (whole-view offsets, per-character spelling
with ``str.translate``), run on the same automata; hypothesis generates mixed zh/en text whose
Latin runs spell (parts of) pinyin and initials keys of the shipped banks, glued to Han
characters, separators, full-width and homoglyph letters. The engine scans only the pieces of
the pinyin view near the original's Latin letters (``NormalizedText.pinyin_pieces``); the
reference scans all of it.
"""

from __future__ import annotations

from functools import lru_cache
from typing import Any

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from genguard.detect.keywords.engine import (
    VIEW_LITERAL,
    Hit,
    KeywordEngine,
    _merge_overlaps,
    _on_boundaries,
    _segmentation_ok,
    _verify_literal,
    compile_engine,
)
from genguard.text.normalize import NormalizedText, View, is_visible_separator, normalize, tables


def _reference_pinyin(n: NormalizedText) -> View:
    """Per-character spelling with offsets repeated per letter (the definition of the view)."""
    spell = tables().pinyin
    text = n.text.translate(spell)
    offsets = [int(o) for ch, o in zip(n.text, n.offsets, strict=True) for _ in spell.get(ord(ch), ch)]
    return View(text, np.asarray(offsets, dtype=np.int64), len(n.original))


def _reference_chunks(original: str, offsets: list[int], s: int, e: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    start = 0
    for j in range(s + 1, e):
        a, b = offsets[j - 1], offsets[j]
        if b - a > 1 and any(is_visible_separator(c) for c in original[a + 1 : b]):
            out.append((start, j - s))
            start = j - s
    out.append((start, e - s))
    return out


def _reference_scan(auto: Any, view: View, norm: NormalizedText, out: list[Hit], *, pinyin: bool) -> None:
    original = norm.original
    offsets = [int(o) for o in view.offsets]
    for s, e, entries in auto.iter(view.text):
        n = e - s
        os_, oe = offsets[s], offsets[e - 1] + 1
        if pinyin:
            if (s > 0 and offsets[s - 1] == os_) or (e < len(offsets) and offsets[e] == offsets[e - 1]):
                continue
            if not any(c.isascii() and c.isalpha() for c in original[os_:oe]):
                continue
        for entry in entries:
            if entry.view == VIEW_LITERAL:
                hit = _verify_literal(norm, entry, os_, oe)
                if hit is not None:
                    out.append(hit)
                continue
            if entry.latin:
                if not _on_boundaries(original, os_, oe, view.text[s], view.text[e - 1]):
                    continue
                if not _segmentation_ok(_reference_chunks(original, offsets, s, e), entry.bounds, n):
                    continue
            out.append(Hit(entry.category, os_, oe, entry.term, entry.lang, entry.score, entry.view, entry.source))


def _reference_match(engine: KeywordEngine, text: str) -> list[Hit]:
    norm = normalize(text)
    raw: list[Hit] = []
    _reference_scan(engine._main, View(norm.text, norm.offsets, len(text)), norm, raw, pinyin=False)
    if engine._pinyin and any("a" <= c <= "z" for c in norm.text):
        _reference_scan(engine._pinyin, _reference_pinyin(norm), norm, raw, pinyin=True)
    for lkey, entry in engine._symbolic:
        i = text.find(lkey)
        while i >= 0:
            raw.append(Hit(entry.category, i, i + len(lkey), entry.term, entry.lang, entry.score, entry.view, entry.source))
            i = text.find(lkey, i + 1)
    # the views with their own scans (split characters, junk between characters) are pinned by
    # test_keywords_evasions; here they are taken from the engine, so the comparison is about the
    # compact and pinyin fast paths (the generated pinyin syllables make junk: 怎样tou运毒)
    if norm.has_han:
        runs = engine._main.scan(norm.text)[1]
        if runs:
            engine._check_split(norm, runs, raw)
        engine._check_interleaved(norm, raw)
    allowed = [h for h in raw if not h.category]
    hits = [h for h in raw if h.category]
    hits = [h for h in hits if not any(a.start < h.end and h.start < a.end for a in allowed)]
    return _merge_overlaps(hits) if hits else []


@pytest.fixture(scope="module")
def engine() -> KeywordEngine:
    return compile_engine(["default"])


# The bank samples are computed on first use inside a test, not at import: the autouse fixture
# that points GENGUARD_HOME at a temporary folder is only active then.
@lru_cache(maxsize=1)
def _bank_terms() -> list[str]:
    """A spread of Chinese bank terms that have pinyin keys (deterministic, ~150 terms)."""
    eng = compile_engine(["default"])
    terms = sorted({e.term for es in eng._pinyin.decoded().values() for e in es})
    return [*terms[:: max(1, len(terms) // 150)], "制作炸弹", "炸弹", "拐卖人口", "傻逼"]


@lru_cache(maxsize=1)
def _pinyin_keys() -> list[str]:
    keys = sorted(compile_engine(["default"])._pinyin.decoded())
    return keys[:: max(1, len(keys) // 300)]


@lru_cache(maxsize=1)
def _by_spelling() -> dict[str, list[str]]:
    """Up to three BMP Han characters per pinyin spelling."""
    out: dict[str, list[str]] = {}
    for cp, py in sorted(tables().pinyin.items()):
        if cp < 0x10000 and len(out.setdefault(py, [])) < 3:
            out[py].append(chr(cp))
    return out

_GLUE = st.sampled_from(["", "", "", " ", ".", "-", "\u200b", "，", "  "])
_NOISE = st.sampled_from(
    ["how to make a bomb", " the ", "Hello", "zha", "dan", "ZHA", "ｚｈａ", "d4n", "zzzd", "sha", "bi", "x", "s",
     "今天", "天气", "很好", "。", "，", "!", " ", "\u200b", "𠀀", "😀", "é", "ü", "ѕ", "ＡＢ", "l", "1", "0", "rm -rf /*",
     "\U000e0041", "炸", "彈", "制", "作",
     # spelled by the general paths: non-ASCII letters (uint32 rows), above the tables (translate)
     "ж", "あ", "한", "\U00030001", "\U00031350"]
)


@st.composite
def _term_variant(draw: st.DrawFn) -> str:
    """A bank term with each character either kept or spelled (full pinyin, initial, upper case)."""
    term = draw(st.sampled_from(_bank_terms()))
    spell = tables().pinyin
    out = []
    for ch in normalize(term).text:
        py = spell.get(ord(ch))
        how = draw(st.integers(0, 4)) if py else 0
        if how == 0:
            out.append(ch)
        elif how in (1, 2):
            out.append(py or ch)
        elif how == 3:
            out.append((py or ch)[0])
        else:
            out.append((py or ch).upper())
        out.append(draw(_GLUE))
    return "".join(out)


@st.composite
def _mid_syllable(draw: st.DrawFn) -> str:
    """A pinyin key whose first (or last) letters are spelled by a Han character that has more
    letters: the key then occurs in the view starting (ending) inside a syllable, which only
    the whole-syllable checks reject."""
    key = draw(st.sampled_from(_pinyin_keys()))
    by_spelling = _by_spelling()
    j = draw(st.integers(1, min(3, len(key) - 1)))
    at_start = draw(st.booleans())
    part = key[:j] if at_start else key[-j:]
    fits = [py for py in by_spelling if len(py) > j and (py.endswith(part) if at_start else py.startswith(part))]
    if not fits:
        return key
    han = draw(st.sampled_from(by_spelling[draw(st.sampled_from(sorted(fits)))]))
    return han + key[j:] if at_start else key[:-j] + han


_MIXED = st.lists(st.one_of(_term_variant(), _mid_syllable(), _NOISE), max_size=14).map("".join)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_MIXED)
def test_match_equals_the_reference_algorithm(engine: KeywordEngine, text: str) -> None:
    assert engine.match(text) == _reference_match(engine, text)


@settings(max_examples=150, deadline=None)
@given(_MIXED)
def test_pinyin_view_equals_the_per_character_definition(text: str) -> None:
    n = normalize(text)
    ref = _reference_pinyin(n)
    assert n.pinyin_text == ref.text
    assert n.pinyin.text == ref.text
    assert n.pinyin.offsets.tolist() == ref.offsets.tolist()


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(_MIXED, min_size=20, max_size=60).map("\n".join))
def test_long_texts_with_many_occurrences_equal_the_reference(engine: KeywordEngine, text: str) -> None:
    """Long texts with many key occurrences (the per-occurrence offset slices)."""
    assert engine.match(text) == _reference_match(engine, text)


def test_spelled_bank_terms_are_found_in_a_long_mixed_text(engine: KeywordEngine) -> None:
    """Sanity check that the generated texts exercise pinyin hits at all."""
    text = ("今天的天气很好。" * 40) + " zhi zuo zha dan " + ("Our team shipped the release. " * 40) + "制作zha弹"
    hits = engine.match(text)
    assert hits == _reference_match(engine, text)
    assert {h.view for h in hits} >= {"pinyin"}


_FILLER = st.sampled_from(["今天天气很好我们去公园散步吧" * 8, "。", "制作一个模型需要很多数据和耐心的调试过程" * 6, "\n"])


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(_MIXED, _FILLER, _FILLER), min_size=3, max_size=30).map("".join))
def test_sparse_latin_in_long_chinese_text_equals_the_reference(engine: KeywordEngine, text: str) -> None:
    """Long Chinese stretches between the Latin runs: the pinyin view is scanned in pieces
    whose edges fall in the middle of the text (and next to spelled Han characters)."""
    assert engine.match(text) == _reference_match(engine, text)


def test_pinyin_pieces_cover_the_letters_and_skip_the_rest() -> None:
    filler = "今天天气很好我们去公园散步吧" * 10
    n = normalize(filler + "zha弹" + filler + "ｚｈａ" + filler + "AB")
    pieces = n.pinyin_pieces(10, min_length=0)
    full = n.pinyin
    assert pieces is not None and len(pieces) == 2 and sum(len(p.text) for p in pieces) < len(full.text) // 4
    for p in pieces:
        i = full.text.find(p.text)
        while i >= 0 and p.offsets.tolist() != full.offsets[i : i + len(p.text)].tolist():
            i = full.text.find(p.text, i + 1)
        assert i >= 0
    assert "zhadan" in pieces[0].text and pieces[1].text.endswith("ab")  # full-width letters are not the writer's Latin
    assert normalize(filler + "ＡＢ").pinyin_pieces(10, min_length=0) == [] and n.pinyin_pieces(0) == []
    # None: scan the whole view (no Han characters; shorter than the default min_length)
    assert normalize("how to make a zhadan at home").pinyin_pieces(10, min_length=0) is None
    assert n.pinyin_pieces(10) is None


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(_NOISE, _FILLER.map(lambda f: f[:9])), max_size=12).map("".join), st.integers(1, 8))
def test_every_span_that_covers_a_latin_letter_lies_in_one_piece(text: str, reach: int) -> None:
    """What the engine relies on, checked span by span: every view span of at most ``reach``
    characters whose original span holds an ASCII letter is inside one piece, at the same
    characters and offsets; pieces never cut between characters of one original position."""
    n = normalize(text)
    full = n.pinyin
    po = full.offsets.tolist()
    pieces = n.pinyin_pieces(reach, min_length=0)
    if pieces is None:
        pieces = [full]
    where: list[int] = []  # start of each piece in the full view
    for p in pieces:
        i = full.text.find(p.text)  # the occurrence with the same offsets (the text may repeat)
        while i >= 0 and p.offsets.tolist() != po[i : i + len(p.text)]:
            i = full.text.find(p.text, i + 1)
        assert i >= 0 and (not where or i > where[-1])
        assert i == 0 or po[i - 1] != po[i]
        assert i + len(p.text) == len(po) or po[i + len(p.text) - 1] != po[i + len(p.text)]
        where.append(i)
    letters = [j for j, c in enumerate(text) if c.isascii() and c.isalpha()]
    for s in range(len(po)):
        for e in range(s + 1, min(len(po), s + reach) + 1):
            if any(po[s] <= a <= po[e - 1] for a in letters):
                assert any(w <= s and e <= w + len(p.text) for w, p in zip(where, pieces, strict=True)), (s, e)


@pytest.mark.parametrize("text", [
    "他在问手另卖人口的事，出售AK47步 木 仓！还有火乍弓单和制作炸弹",  # runs next to keys and to each other
    "扌另卖人口网非的量刑标准是什么" * 3,
    "plain English text with no Chinese at all, build a pipe bomb",
    "",  # filled in below: the first and last run and key (the index boundaries of the automaton)
])
def test_one_main_scan_finds_the_keys_and_the_component_runs_as_two_automata_would(
    engine: KeywordEngine, text: str,
) -> None:
    """The split-character component runs are extra patterns of the main automaton (one pass
    instead of two): its key occurrences must be those of an automaton of the keys alone, and
    the runs those of an automaton of the runs alone, with the runs' indexes into
    ``_split_chars``."""
    import ahocorasick_rs

    keys, runs = engine._main.key_list(), list(engine._split_keys)
    text = text or f"{runs[0]}，{keys[-1]}。{runs[-1]}{keys[0]}"
    norm = normalize(text)
    found, extra = engine._main.scan(norm.text)
    alone = ahocorasick_rs.AhoCorasick(keys).find_matches_as_indexes(norm.text, overlapping=True)
    assert sorted((s, e, keys[i]) for i, s, e in alone) == sorted((s, e, norm.text[s:e]) for s, e, _ in found)
    assert [es for _, _, es in found] == [engine._main._val(keys.index(norm.text[s:e])) for s, e, _ in found]
    runs_alone = ahocorasick_rs.AhoCorasick(runs).find_matches_as_indexes(norm.text, overlapping=True)
    assert sorted((s, e, engine._split_chars[i]) for i, s, e in runs_alone) == sorted(
        (s, e, engine._split_chars[j]) for s, e, j in extra
    )
    assert engine._main.iter(norm.text) == found
    if "木仓" in norm.text or "火乍" in norm.text or runs[0] in norm.text:
        assert extra  # the texts do exercise the runs
