"""Word tokens by word id must be the string path's tokens (``word_tokens`` + ``global_ids``)."""

from __future__ import annotations

from collections import Counter

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genguard.detect.classifier.features import word_tokens
from genguard.detect.classifier.model_io import global_ids, resolve_model, shipped_models
from genguard.detect.classifier.word_index import WordIndex, word_index

_WORDS = ["the", "a", "you", "are", "stupid", "ignore", "previous", "instructions", "don't", "x-ray",
          "zzqx", "1", "2024", "_", "'s", "w"]


def _string_path(prepared: list[str]) -> Counter[tuple[int, int]]:
    out: Counter[tuple[int, int]] = Counter()
    for i, t in enumerate(prepared):
        for g in global_ids(word_tokens(t)).tolist():
            if g >= 0:
                out[g, i] += 1
    return out


def _id_path(index: WordIndex, prepared: list[str]) -> Counter[tuple[int, int]]:
    gids, win = index.window_ids(prepared)
    assert len(gids) == len(win)
    return Counter((g, w) for g, w in zip(gids.tolist(), win.tolist(), strict=True) if g >= 0)


@pytest.mark.skipif(not shipped_models(), reason="no shipped models")
@settings(max_examples=150, deadline=None)
@given(st.lists(st.lists(st.sampled_from([*_WORDS, " ", "。", "!", "-", "'", "\x00"]), max_size=30).map("".join), max_size=6))
def test_word_ids_match_the_string_tokens(prepared: list[str]) -> None:
    """Also with the window separator inside a window (the per-window fallback)."""
    for name in shipped_models():
        resolve_model(name)
    assert _id_path(word_index(), prepared) == _string_path(prepared)


def test_index_of_a_made_up_vocabulary() -> None:
    """Unigrams and bigrams are found only where the vocabulary has them, pairs never span windows."""
    tokens = {"w:a": 0, "w:b": 1, "w:a b": 2, "w:b c": 3, "ab": 4, "w:c d e": 5}
    index = WordIndex(tokens)
    gids, win = index.window_ids(["a b c", "b", "c a b"])
    found = sorted((g, w) for g, w in zip(gids.tolist(), win.tolist(), strict=True) if g >= 0)
    assert found == [(0, 0), (0, 2), (1, 0), (1, 1), (1, 2), (2, 0), (2, 2), (3, 0)]
    assert index.window_ids([])[0].tolist() == []
