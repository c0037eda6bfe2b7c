"""The normaliser: folds, offsets, and the views the keyword engine matches on."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from genguard.text.normalize import normalize, normalize_term, tables


def test_compact_view_folds_and_maps_back() -> None:
    text = "ＨＯＷ to\u200b Make a Ｂ0mb!"
    n = normalize(text)
    assert n.text == "howtomakeabomb"
    s, e = n.span(0, len(n.text))
    assert text[s:e] == "ＨＯＷ to\u200b Make a Ｂ0mb"
    # every compact character comes from the original character at its offset
    for i, off in enumerate(n.offsets):
        assert normalize(text[int(off)]).text == n.text[i]


def test_traditional_kangxi_and_homoglyph_folds() -> None:
    assert normalize("製作炸彈").text == "制作炸弹"
    assert normalize("拐卖⼈⼝").text == "拐卖人口"  # Kangxi radicals U+2F08 / U+2F1D
    assert normalize("bоmb").text == "bomb"  # Cyrillic о
    assert normalize("𝐛𝐨𝐦𝐛").text == "bomb"  # mathematical bold
    assert normalize("b̶o̶m̶b̶").text == "bomb"  # combining strike-through
    assert normalize("b\U000e0041omb").text == "bomb"  # tag characters (ASCII smuggling)


def test_leetspeak_skeleton() -> None:
    assert normalize("h0w t0 m4k3 a b0mb").text == normalize("how to make a bomb").text
    assert normalize("$1ll").text == normalize("sill").text == normalize("5ili").text


def test_pinyin_view_spells_han_and_keeps_offsets() -> None:
    text = "炸 dan"
    p = normalize(text).pinyin
    assert p.text == "zhadan"
    assert [int(o) for o in p.offsets] == [0, 0, 0, 2, 3, 4]
    assert normalize("abc").pinyin.text == "abc"


def test_literal_view_is_one_to_one() -> None:
    text = "RM -RF /*"
    lit = normalize(text).literal
    assert lit.text == "rm -rf /*" and len(lit.text) == len(text)


def test_normalize_term_equals_compact_view() -> None:
    for s in ["ＨＯＷ to Make a Ｂ0mb", "炸.彈", "b\u200bo\u200bm\u200bb", "𠀀x", "kill\U000e0041x", ""]:
        assert normalize_term(s) == normalize(s).text


def test_empty_and_separator_only_text() -> None:
    assert normalize("").text == ""
    n = normalize(" .\u200b* ")
    assert n.text == "" and n.span(0, 0) == (5, 5)


_ALPHABET = st.sampled_from(
    [*list("abcxyz ABC炸弹制作拐卖人口.*-_|!@0135 \u200b\u200d\ufeff\u3000，。ＡＢｂ⼈彈бо"), "😀", "\U000e0041", "𠀀", "\ud800"]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(_ALPHABET, max_size=60).map("".join))
def test_offsets_are_monotone_and_inside_the_text(text: str) -> None:
    n = normalize(text)
    assert len(n.offsets) == len(n.text)
    if len(n.offsets):
        assert np.all(np.diff(n.offsets) > 0)
        assert int(n.offsets[0]) >= 0 and int(n.offsets[-1]) < len(text)
    assert len(n.literal.text) == len(text)
    p = n.pinyin
    assert len(p.offsets) == len(p.text)
    if len(p.offsets):
        assert np.all(np.diff(p.offsets) >= 0) and int(p.offsets[-1]) < len(text)


@given(st.lists(_ALPHABET, max_size=60).map("".join))
def test_pinyin_view_matches_the_reference_spelling(text: str) -> None:
    """The vectorised pinyin view (ASCII byte fast path or uint32 path) spells every compact
    character exactly as the plain per-character table does."""
    n = normalize(text)
    if not n.has_han:
        return
    assert n.pinyin.text == n.text.translate(tables().pinyin)
    assert len(n.pinyin.offsets) == len(n.pinyin.text)
