"""The compiled text kernels (``text/_fold.c``) must give exactly what the Python paths give.

``normalize`` with the extension computes the compact text, its codes and offsets and the literal
and soft views in one pass; the numpy path computes them lazily. Every view must be identical,
character for character and offset for offset, whatever the text (surrogates, emoji, tags,
newlines, invisible characters, code points beyond the tables). Language identification's
script counts and the ASCII runs secret detection scans must equal theirs too.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genguard.text import compiled
from genguard.text.compiled import compiled_fold
from genguard.text.lang import detect_language
from genguard.text.normalize import TABLE_SIZE, normalize, tables

_CHARS = st.sampled_from([
    *"今天製作炸彈 ＨＯＷ to Make a Ｂ0mb!，。？\n\t\r ",
    "\u200b", "\u00ad", "b\u0336", "\ud800", "\udfff", "😀", "\U000e0041", "\U0003134a", "\u3000", "ö", "Ａ",
])
TEXTS = st.lists(_CHARS, max_size=80).map("".join) | st.text(max_size=60)


@pytest.fixture
def numpy_fold() -> Iterator[None]:
    saved = compiled_fold.enabled
    compiled_fold.enabled = False
    try:
        yield
    finally:
        compiled_fold.enabled = saved


def _views(text: str) -> tuple[object, ...]:
    n = normalize(text)
    return (n.text, n._codes.tolist(), n.offsets.tolist(), n.literal.text, n.literal.offsets.tolist(),
            n.soft.text, n.soft.offsets.tolist(), n.soft.original_length, n.pinyin_text, n.pinyin.text,
            n.pinyin.offsets.tolist())


def _both(text: str) -> None:
    saved = compiled_fold.enabled
    try:
        compiled_fold.enabled = False
        want = _views(text)
    finally:
        compiled_fold.enabled = saved
    assert _views(text) == want, repr(text)


def test_the_test_environment_builds_the_fold() -> None:
    assert compiled_fold.built() and compiled_fold.enabled


@settings(max_examples=400, deadline=None)
@given(TEXTS)
def test_compiled_views_equal_the_numpy_views(text: str) -> None:
    _both(text)


@pytest.mark.parametrize("text", [
    "", " ", "\n", "\u200b", "ＨＯＷ to\u200b Make a Ｂ0mb!", "製作炸彈 zha dan", "a\ud800b", "😀 emoji",
    "b\U000e0041omb",  # a tag character: beyond the tables, the numpy path serves
    "x" * 5000 + "\u200b" + "炸弹" * 100,
    "Ａ", "ＡＢ\u3000", "µ", "xµ", "😀a",  # views that need a smaller string kind than the text's
])
def test_compiled_views_on_edge_cases(text: str) -> None:
    _both(text)


def test_views_wider_than_the_text_are_proper_strings() -> None:
    """The kernel writes the views in the text's own kind and runs again with 4-byte characters
    when a folded character does not fit it; each view must come out the str Python would build
    (a str in a larger kind than its characters need compares unequal to the same characters)."""
    t = tables()
    assert compiled.fold is not None
    fold, literal = t.fold.copy(), t.literal.copy()
    literal[ord("a")] = 0x4E2D  # an ASCII character whose literal form is Chinese
    fold[ord("b")] = 0x1F600  # and one that folds beyond the basic plane
    got = compiled.fold.views("abcＡ", fold, literal, t.visible_sep, TABLE_SIZE)
    assert got is not None
    compact, _, _, lit, _ = got
    assert lit == "中bc" + chr(t.literal[ord("Ａ")]) and compact == "a😀ca"
    plain = compiled.fold.views("abc", t.fold, t.literal, t.visible_sep, TABLE_SIZE)
    assert plain is not None and plain[0] == "abc" and plain[3] == "abc" and plain[0].isascii()


def test_beyond_the_tables_takes_the_numpy_path() -> None:
    t = tables()
    assert compiled.fold is not None
    assert compiled.fold.views("ab\U000e0041", t.fold, t.literal, t.visible_sep, TABLE_SIZE) is None
    got = compiled.fold.views("ab", t.fold, t.literal, t.visible_sep, TABLE_SIZE)
    assert got is not None and got[0] == "ab" and np.frombuffer(got[2], np.int64).tolist() == [0, 1]


def test_bad_tables_are_value_errors() -> None:
    t = tables()
    assert compiled.fold is not None
    with pytest.raises(ValueError, match="cover all of Unicode"):
        compiled.fold.views("ab", t.fold[:100], t.literal, t.visible_sep, TABLE_SIZE)
    with pytest.raises(ValueError, match="4-byte items"):
        compiled.fold.views("ab", t.fold.tobytes()[:-1], t.literal, t.visible_sep, TABLE_SIZE)


def test_detector_findings_do_not_depend_on_the_path(numpy_fold: None) -> None:
    from genguard.guard import Guard

    guard = Guard.from_policy(None)
    texts = ["怎么制作炸彈？", "How to make a Ｂ0mb at home", "我的手机号是13812345678", "b\u200bo\u200bm\u200bb"]
    want = [guard.check(t).model_dump(exclude={"timings_ms"}) for t in texts]
    compiled_fold.enabled = True
    assert [guard.check(t).model_dump(exclude={"timings_ms"}) for t in texts] == want


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["今天", "天气", "hello", "World ", "Ａ", "，", "😀", "é", "\u3400", "\ufa00", "123 "]),
                max_size=60).map("".join))
def test_language_counts_equal_the_numpy_counts(text: str) -> None:
    saved = compiled_fold.enabled
    try:
        compiled_fold.enabled = False
        want = detect_language(text), detect_language(text * 40)  # * 40: past the 2,000-character sample
    finally:
        compiled_fold.enabled = saved
    assert (detect_language(text), detect_language(text * 40)) == want
    assert compiled.fold is not None
    han, latin = compiled.fold.script_counts(text, 2000)
    assert latin == sum(c.isascii() and c.isalpha() for c in text[:2000])
    assert han == sum(c in "今天气\u3400\ufa00" for c in text[:2000])


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["abc", "A1b2C3d4", "+/=", "_.-", " ", "密钥", "é", "😀", "x" * 16, ":", "\n"]),
                max_size=40).map("".join), st.integers(1, 20))
def test_ascii_runs_equal_the_regex(text: str, min_len: int) -> None:
    from genguard.text.runs import AsciiRuns

    runs = AsciiRuns("ABCabcxd1234+/=_.-", min_len)
    saved = compiled_fold.enabled
    try:
        compiled_fold.enabled = False
        want = runs.spans(text)
    finally:
        compiled_fold.enabled = saved
    assert runs.spans(text) == want
    assert all(e - s >= min_len for s, e in want)


def test_ascii_runs_rejects_bad_sets() -> None:
    from genguard.text.runs import AsciiRuns

    with pytest.raises(ValueError, match="ASCII"):
        AsciiRuns("密", 3)
    with pytest.raises(ValueError, match="positive"):
        AsciiRuns("abc", 0)
    assert compiled.fold is not None
    with pytest.raises(ValueError, match="128 bytes"):
        compiled.fold.ascii_runs("abc", b"\x01" * 10, 2)


def test_pinyin_tables_agree_on_every_ascii_spelling() -> None:
    """The compiled spelling repeats each offset once per byte of the ASCII row; the numpy path
    repeats it pinyin_len times: the two must agree for every code point."""
    t = tables()
    rows = t.pinyin_ascii.view(np.uint8).reshape(-1, 8)
    ascii_rows = rows[:, 0] != 0xFF
    assert (rows[ascii_rows] < 0x80).all()
    assert ((rows[ascii_rows] != 0).sum(axis=1) == t.pinyin_len[: len(rows)][ascii_rows]).all()


def test_spelling_beyond_the_ascii_table_takes_the_numpy_path() -> None:
    assert compiled.fold is not None
    t = tables()
    codes = np.array([ord("炸"), ord("a")], dtype=np.uint32)
    got = compiled.fold.spell(codes, np.array([0, 1], dtype=np.int64), t.pinyin_ascii)
    assert got is not None and got[0] == "zhaa" and np.frombuffer(got[1], np.int64).tolist() == [0, 0, 0, 1]
    assert compiled.fold.spell(np.array([TABLE_SIZE + 5], np.uint32), np.zeros(1, np.int64), t.pinyin_ascii) is None
    with pytest.raises(ValueError, match="differ in length"):
        compiled.fold.spell(codes, np.zeros(1, np.int64), t.pinyin_ascii)


_KEYS = ["炸彈", "to", "o M", "😀a", "ö", "彈 ＨＯ", "\u3000今", "a"]


def _occurrences(text: str) -> set[tuple[int, int, int]]:
    """Every (key, start, end) with text[start:end] == key, overlapping: the definition."""
    return {(i, s, s + len(k)) for i, k in enumerate(_KEYS) for s in range(len(text)) if text.startswith(k, s)}


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_keyword_occurrences_are_character_offsets_whatever_the_text(text: str) -> None:
    """The keyword automata scan a text's UTF-8 and turn the byte offsets of what they find into
    character offsets (``engine._find``: ``_fold.utf8_spans``, or the Python fallback). Either
    way the occurrences must be exactly the keys' occurrences in the text itself: astral
    characters, surrogates and full-width forms included."""
    import ahocorasick_rs

    from genguard.detect.keywords.engine import _find

    ac = ahocorasick_rs.BytesAhoCorasick([k.encode("utf-8", "surrogatepass") for k in _KEYS],
                                         matchkind=ahocorasick_rs.MatchKind.Standard)
    want = _occurrences(text)
    assert set(_find(ac, text)) == want, repr(text)
    saved = compiled_fold.enabled
    try:
        compiled_fold.enabled = False
        assert set(_find(ac, text)) == want, repr(text)
    finally:
        compiled_fold.enabled = saved


def test_utf8_spans_rejects_matches_outside_the_data() -> None:
    from genguard.text import _fold

    with pytest.raises(ValueError, match="outside the data"):
        _fold.utf8_spans(b"ab", [(0, 1, 5)])
    with pytest.raises(ValueError, match="tuple"):
        _fold.utf8_spans(b"ab", [(0, 1)])
