"""The n-gram hash table must answer exactly like a dict (value, or -1 for an absent key)."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genguard.detect.classifier.features import gram_key
from genguard.detect.classifier.keytable import KeyTable
from genguard.detect.classifier.model_io import GLOBAL_TOKENS, gram_ids, resolve_model, shipped_models

_KEY = st.integers(min_value=0, max_value=2**63 - 1)


def _reference(mapping: dict[int, int], queries: list[int]) -> list[int]:
    return [mapping.get(q, -1) for q in queries]


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(_KEY, st.integers(0, 2**31 - 1), max_size=300), st.lists(_KEY, max_size=200))
def test_lookup_matches_a_dict(mapping: dict[int, int], extra: list[int]) -> None:
    table = KeyTable(np.array(list(mapping), dtype=np.int64), np.array(list(mapping.values()), dtype=np.int64))
    queries = list(mapping) + extra
    assert table.get(np.array(queries, dtype=np.int64)).tolist() == _reference(mapping, queries)
    assert len(table) == len(mapping)


@settings(max_examples=100, deadline=None)
@given(st.sets(st.integers(0, 64), max_size=60), st.lists(st.integers(0, 64), max_size=100))
def test_colliding_keys_probe_past_each_other(keys: set[int], queries: list[int]) -> None:
    """Small dense keys fill long probe runs (and wrap around the end of the table)."""
    mapping = {k: 1000 + k for k in keys}
    table = KeyTable(np.array(sorted(keys), dtype=np.int64), np.array([mapping[k] for k in sorted(keys)], dtype=np.int64))
    assert table.get(np.array(queries, dtype=np.int64)).tolist() == _reference(mapping, queries)


def test_rejects_bad_keys() -> None:
    with pytest.raises(ValueError, match="distinct"):
        KeyTable(np.array([3, 3]), np.array([1, 2]))
    with pytest.raises(ValueError, match="non-negative"):
        KeyTable(np.array([-1]), np.array([1]))
    with pytest.raises(ValueError, match="0..2"):
        KeyTable(np.array([1]), np.array([2**31]))
    with pytest.raises(ValueError, match="length"):
        KeyTable(np.array([1, 2]), np.array([1]))
    assert KeyTable(np.zeros(0, np.int64), np.zeros(0, np.int64)).get(np.array([0, 5])).tolist() == [-1, -1]


@pytest.mark.skipif(not shipped_models(), reason="no shipped models")
def test_shipped_vocabularies_n_grams_all_found() -> None:
    for name in shipped_models():
        resolve_model(name)
    grams = [(k, i) for t, i in GLOBAL_TOKENS.items() if (k := gram_key(t)) is not None]
    keys = np.array([k for k, _ in grams], dtype=np.int64)
    assert gram_ids(keys).tolist() == [i for _, i in grams]
    assert (gram_ids(keys * 0 + (2**62 + 12345)) == -1).all()  # a trigram key no vocabulary holds


@pytest.mark.skipif(not shipped_models(), reason="no shipped models")
def test_unknown_code_points_have_no_id() -> None:
    """Unigrams are read from a dense array: code points past its end are clipped onto -1."""
    for name in shipped_models():
        resolve_model(name)
    known = {k for t in GLOBAL_TOKENS if (k := gram_key(t)) is not None}
    unknown = [cp for cp in (0x10FFFF, 0x10FFFE, 0xE0041) if cp not in known]
    assert unknown and gram_ids(np.array(unknown, dtype=np.int64)).tolist() == [-1] * len(unknown)
