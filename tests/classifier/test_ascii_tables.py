"""The direct tables of all-ASCII bigrams and trigrams (``model_tables.ascii_tables``) must give
the ids the hash table gives: ``score_windows`` with them equals ``score_windows`` with every
n-gram in the hash table, bit for bit, whatever mix of ASCII and other characters a text has."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genguard.detect.classifier import kernels
from genguard.detect.classifier.features import gram_key
from genguard.detect.classifier.model_io import GramIndex, resolve_model
from genguard.detect.classifier.model_tables import ascii_tables, model_tables

pytestmark = pytest.mark.skipif(not kernels.active(), reason="needs the compiled kernels")

# n-grams of a made-up model: ASCII ones, an ASCII pair followed by a non-ASCII character, and
# pairs and trigrams past ASCII, so every branch of the kernel's lookup has known n-grams
_TOKENS = ["a", "b", " ", "é", "中", "ab", "ba", "a ", " b", "aa", "abc", "ab ", "aba", " ab", "abé", "aé", "éa",
           "中国", "国中", "a中", "中a", "ab中", "é b", "\x7fa", "a\x7f", "\x7f\x7f\x7f", "\x80a"]
_ALPHABET = st.sampled_from(list("abc \x7f\x80é中国"))


def _tables(direct: bool, rows: int = 3) -> kernels.ModelTables:
    keys = np.array([gram_key(t) for t in _TOKENS], dtype=np.int64)
    ids = np.arange(len(_TOKENS), dtype=np.int64)
    rng = np.random.default_rng(7)
    packed = kernels.pack_columns(np.zeros(0, np.int32), rng.uniform(1, 3, len(ids)),
                                  rng.standard_normal((len(ids), rows)).astype(np.float32))
    if not direct:
        none = np.zeros(0, np.int32)
        return kernels.ModelTables(1, 3, GramIndex(keys, ids), None, packed, (none, none))
    pairs, trigrams, held = ascii_tables(keys, ids)
    return kernels.ModelTables(1, 3, GramIndex(keys[~held], ids[~held]), None, packed, (pairs, trigrams))


def test_the_direct_tables_hold_each_ascii_ngram_at_its_characters() -> None:
    keys = np.array([gram_key(t) for t in _TOKENS], dtype=np.int64)
    pairs, trigrams, held = ascii_tables(keys, np.arange(len(keys)))
    pairs = pairs.reshape(128 * 128, 2)
    trigrams = trigrams.reshape(-1, 128)
    assert (trigrams[0] == -1).all()
    for i, t in enumerate(_TOKENS):
        assert held[i] == (len(t) in (2, 3) and t.isascii()), t
        if held[i] and len(t) == 2:
            assert pairs[ord(t[0]) * 128 + ord(t[1]), 0] == i
        if held[i] and len(t) == 3:
            assert trigrams[pairs[ord(t[0]) * 128 + ord(t[1]), 1], ord(t[2])] == i
    known = {t for t in _TOKENS if len(t) == 2 and t.isascii()}
    assert int((pairs[:, 0] >= 0).sum()) == len(known)  # nothing else answers
    assert pairs[ord("b") * 128 + ord("b"), 1] == 0  # no trigram starts with "bb": row 0


@settings(max_examples=300, deadline=None)
@given(st.lists(st.text(_ALPHABET, max_size=40), min_size=1, max_size=6))
def test_scores_with_the_direct_tables_equal_the_hash_tables(windows: list[str]) -> None:
    lens = np.array([len(w) for w in windows], dtype=np.int64)
    joined = "".join(windows)
    for rows in (3, 20):  # the row sums in registers and in memory
        direct = kernels.score_windows(_tables(True, rows), joined, lens, None)
        hashed = kernels.score_windows(_tables(False, rows), joined, lens, None)
        assert np.array_equal(direct, hashed), windows


def test_a_mostly_english_model_takes_the_direct_tables_a_chinese_one_does_not() -> None:
    en, zh = model_tables(resolve_model("toxicity_en")), model_tables(resolve_model("cold_zh"))
    assert en is not None and zh is not None
    assert len(en.ascii[0]) == 2 * 128 * 128 and len(zh.ascii[0]) == 0
    text = "You are a stupid idiot, I hate you. 你这个骗子！ naïve café, ok?" * 20
    lens = np.array([len(text)], dtype=np.int64)
    m = resolve_model("toxicity_en")
    items = [(k, c) for t, c in m.vocab.items() if (k := gram_key(t)) is not None]
    arr = np.array(items, dtype=np.int64)
    none = np.zeros(0, np.int32)
    hashed = dataclasses.replace(en, grams=GramIndex(arr[:, 0], arr[:, 1]), ascii=(none, none))
    assert np.array_equal(kernels.score_windows(en, text, lens, None), kernels.score_windows(hashed, text, lens, None))


def test_bad_direct_tables_are_value_errors() -> None:
    good = _tables(True)
    pairs, trigrams = good.ascii
    lens = np.array([3], dtype=np.int64)
    past = pairs.copy()
    past[2 * (ord("a") * 128 + ord("b")) + 1] = len(trigrams) // 128  # one row past the last
    dirty = trigrams.copy()
    dirty[5] = 0  # row 0 must answer -1 for every character
    for bad, match in (((pairs[:-2], trigrams), "pair entries"), ((pairs, trigrams[:-1]), "pair entries"),
                       ((pairs, np.zeros(0, np.int32)), "pair entries"), ((past, trigrams), "past the rows"),
                       ((pairs, dirty), "row 0")):
        with pytest.raises(ValueError, match=match):
            kernels.score_windows(dataclasses.replace(good, ascii=bad), "abc", lens, None)
