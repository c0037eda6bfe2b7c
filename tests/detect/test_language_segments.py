"""Language of each part of a long text (text/lang.py: segment_scripts, holds_language): the
classifiers route windows of mixed texts by these, so they must agree with the whole-text rule."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genguard.text.lang import (
    MIN_HAN_PHRASE,
    MIN_LATIN_PHRASE,
    detect_language,
    holds_language,
    segment_scripts,
)

_PARTS = st.sampled_from(["今天", "天气很好", "Hello", "the cat sat", "ＡＢ", "123", "，。", " ", "\u3400", "é", "😀"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.lists(_PARTS, min_size=1, max_size=30).map("".join), min_size=1, max_size=6))
def test_each_segment_is_counted_as_detect_language_counts_it(segments: list[str]) -> None:
    han, latin = segment_scripts("".join(segments), np.array([len(s) for s in segments]))
    for seg, h, la in zip(segments, han.tolist(), latin.tolist(), strict=True):
        assert la == sum(c.isascii() and c.isalpha() for c in seg)
        main = "zh" if (h > 0 and (h * 4 >= la or h >= 20)) else "en"
        assert main == detect_language(seg)  # segments are under the 2,000-character sample
        assert bool(holds_language(np.array([h]), np.array([la]), main)[0])


def test_a_segment_holds_the_other_language_from_a_phrase_of_it() -> None:
    han = np.array([0, MIN_HAN_PHRASE - 1, MIN_HAN_PHRASE, 30, 30])
    latin = np.array([300, 300, 300, MIN_LATIN_PHRASE - 1, MIN_LATIN_PHRASE])
    assert holds_language(han, latin, "zh").tolist() == [False, False, True, True, True]
    assert holds_language(han, latin, "en").tolist() == [True, True, True, False, True]
    assert not holds_language(han, latin, "ja").any()


def test_lengths_must_cover_the_text() -> None:
    with pytest.raises(ValueError, match="do not add up"):
        segment_scripts("abc", np.array([1, 1]))
    with pytest.raises(ValueError, match="do not add up"):
        segment_scripts("abc", np.array([], dtype=np.int64))
    han, latin = segment_scripts("", np.array([], dtype=np.int64))
    assert han.tolist() == [] and latin.tolist() == []
