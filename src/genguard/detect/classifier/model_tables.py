"""A model's own token tables, for scoring its windows straight from the text (``score_windows``).

Why: the shared token count maps every n-gram and word of a text to an id among the tokens of
all loaded models (183,000 for the shipped four, a 6 MB table, though two of them never run on
output text) and writes each window's ids and counts out for every model to read back. A
model's own tables hold only its vocabulary (toxicity_en: 7,400 columns, a table that fits in
L2) and map a token straight to its column, so the compiled kernel counts and scores a window
in one pass without writing anything but the logits.

The tables are the classes the shared path uses (:class:`GramIndex`, :class:`WordIndex`) built
on ``model.vocab`` (token -> column) instead of the global token ids, so a token has a column
here exactly when its global id has one in the model.
"""

from __future__ import annotations

import numpy as np

from genguard.detect.classifier import kernels
from genguard.detect.classifier.features import gram_key, keyed
from genguard.detect.classifier.model_io import GramIndex, TextModel
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
    items = [(k, col) for t, col in model.vocab.items() if (k := gram_key(t)) is not None]
    arr = np.array(items, dtype=np.int64).reshape(-1, 2)
    words = WordIndex(model.vocab) if feats.words else None
    if words is not None and words.hash_table() is None:
        return None
    packed = kernels.pack_columns(np.zeros(0, dtype=np.int32), model.idf, model.coef_t)
    return kernels.ModelTables(feats.char_min, feats.char_max, GramIndex(arr[:, 0], arr[:, 1]), words, packed)
