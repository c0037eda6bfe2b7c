"""A model's own token tables, for scoring its windows straight from the text (``score_windows``).

Why: the shared token count maps every n-gram and word of a text to an id among the tokens of
all loaded models (183,000 for the shipped four, a 6 MB table, though two of them never run on
output text) and writes each window's ids and counts out for every model to read back. A
model's own tables hold only its vocabulary (toxicity_en: 7,400 columns, a table that fits in
L2) and map a token straight to its column, so the compiled kernel counts and scores a window
in one pass without writing anything but the logits.

The tables are the classes the shared path uses (:class:`GramIndex`, :class:`WordIndex`) built
on ``model.vocab`` (token -> column) instead of the global token ids, so a token has a column
here exactly when its global id has one in the model; the bigrams and trigrams made only of
ASCII characters are taken out of the hash table into direct tables (:func:`ascii_tables`).
"""

from __future__ import annotations

import numpy as np

from genguard.detect.classifier import kernels
from genguard.detect.classifier.features import gram_key_items, keyed
from genguard.detect.classifier.model_io import UNIGRAM_LIMIT, GramIndex, TextModel
from genguard.detect.classifier.word_index import WordIndex

_CACHE_KEY = "_model_tables"


def model_tables(model: TextModel) -> kernels.ModelTables | None:
    """The model's tables (built once, cached on the model), or None when the compiled kernels
    cannot score it alone: they are off, its features have no integer keys (jieba, n-grams over
    3 characters), its coefficients are not float32, or two of its words share a hash."""
    if not kernels.active() or not keyed(model.features) or model.coef_t.dtype != np.float32:
        return None
    cached: tuple[kernels.ModelTables | None] | None = model.__dict__.get(_CACHE_KEY)
    if cached is None:
        cached = model.__dict__[_CACHE_KEY] = (_build(model),)
    return cached[0]


def _build(model: TextModel) -> kernels.ModelTables | None:
    feats = model.features
    arr = gram_key_items(model.vocab)
    words = WordIndex(model.vocab) if feats.words else None
    if words is not None and words.hash_table() is None:
        return None
    pairs, trigrams, direct = ascii_tables(arr[:, 0], arr[:, 1])
    if 2 * direct.sum() <= (arr[:, 0] >= UNIGRAM_LIMIT).sum():
        # a model of mostly non-ASCII n-grams (cold_zh: 1,186 of 78,202) scores mostly
        # non-ASCII text, where the direct tables only add a branch per position
        pairs = trigrams = np.zeros(0, dtype=np.int32)
        direct = np.zeros(len(arr), dtype=bool)
    rest = arr[~direct]
    packed = kernels.pack_columns(np.zeros(0, dtype=np.int32), model.idf, model.coef_t)
    return kernels.ModelTables(feats.char_min, feats.char_max, GramIndex(rest[:, 0], rest[:, 1]), words, packed,
                               (pairs, trigrams))


_MASK21 = UNIGRAM_LIMIT - 1  # a code point's 21 bits in a key (features.gram_key)


def ascii_tables(keys: np.ndarray, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The compiled kernel's direct tables of the bigrams and trigrams (``features.gram_key``
    keys) whose characters are all ASCII, and which keys they hold (bool per key).

    ``pairs`` (int32, 2 * 128 * 128): for the pair (a, b) at entry 2 * (a * 128 + b), its id (-1
    when unknown) and the row of ``trigrams`` holding the ids of (a, b, c) by c; ``trigrams``
    (int32, rows of 128; row 0 all -1 for the pairs no known trigram starts with). Why: English
    text is nearly all ASCII, and a position's two hash probes (bigram, trigram) in a table of
    a quarter megabyte were a third of toxicity_en's time; the direct tables answer with two
    reads of mostly cached memory (see ``ascii_from`` in _kernels.c)."""
    keys = np.asarray(keys, dtype=np.int64)
    ids = np.asarray(ids, dtype=np.int64)
    is_bi = (keys >= UNIGRAM_LIMIT) & (keys < 1 << 42)
    is_tri = keys >= 1 << 42
    c0 = np.where(is_tri, (keys >> 42) - 1, (keys >> 21) - 1)
    c1 = np.where(is_tri, (keys >> 21) & _MASK21, keys & _MASK21)
    c2 = np.where(is_tri, keys & _MASK21, 0)
    plain = (c0 < 128) & (c1 < 128) & (c2 < 128)
    bi, tri = is_bi & plain, is_tri & plain
    pairs = np.full((128 * 128, 2), -1, dtype=np.int32)
    pairs[:, 1] = 0
    pairs[c0[bi] * 128 + c1[bi], 0] = ids[bi]
    prefix = c0[tri] * 128 + c1[tri]
    starts, row = np.unique(prefix, return_inverse=True)
    pairs[starts, 1] = np.arange(1, len(starts) + 1)
    trigrams = np.full((len(starts) + 1, 128), -1, dtype=np.int32)
    trigrams[row + 1, c2[tri]] = ids[tri]
    return pairs.ravel(), trigrams.ravel(), bi | tri
