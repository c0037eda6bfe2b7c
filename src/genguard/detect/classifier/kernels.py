"""The compiled classifier kernels (``_kernels.c``) when they were built, else the numpy path.

Why: cutting a long text into windows, counting their n-gram and word tokens and summing their
TF-IDF logits are the classifiers' whole cost, and in Python/numpy they take a regex pass and a
string per window, a few dozen array operations and a dict lookup per word (~2.5 ms for a 7 KB
corpus document). The C extension does each in one pass. It is an optional build (``setup.py``):
installed without a compiler, genguard runs the Python/numpy path, which gives the same windows,
ids and counts and the same logits up to float rounding.

``GENGUARD_PURE_PYTHON=1`` turns the kernels off (for comparisons); :data:`state` holds the
switch so tests can flip it.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType
from typing import TYPE_CHECKING

import numpy as np

from genguard.text.compiled import pure_python_requested

if TYPE_CHECKING:
    from genguard.detect.classifier.model_io import GramIndex
    from genguard.detect.classifier.word_index import WordIndex

_compiled: ModuleType | None
try:
    from genguard.detect.classifier import _kernels as _compiled
except ImportError:  # built without a C compiler: the numpy path serves
    _compiled = None


@dataclass
class _State:
    enabled: bool


state = _State(enabled=_compiled is not None and not pure_python_requested())


def built() -> bool:
    """Whether the compiled extension is importable (whatever the switch says)."""
    return _compiled is not None


def active() -> bool:
    """Whether the classifiers use the compiled kernels now."""
    return _compiled is not None and state.enabled


def word_hash(word: str) -> int:
    """The compiled kernels' key of a word (63-bit FNV-1a over its code points)."""
    if _compiled is None:
        raise RuntimeError("the compiled classifier kernels are not built")
    return int(_compiled.word_hash(word))


_NO_WORDS = np.full(1, -1, dtype=np.int64)
_EMPTY_TABLE = (np.full((16, 2), -1, dtype=np.int64), 4)


def prepare_windows(text: str, size: int) -> tuple[np.ndarray, str, np.ndarray, np.ndarray] | None:
    """``detector.windows(text, size)`` as a (k, 2) int64 array, the windows' whitespace-collapsed
    texts joined, each one's collapsed length, and each one's (Han characters, ASCII letters) as
    a (k, 2) array (``lang.segment_scripts`` of the joined texts) - or None when the kernels are off."""
    if not active():
        return None
    assert _compiled is not None
    cuts, joined, lens, scripts = _compiled.prepare_windows(text, size)
    return (np.frombuffer(cuts, dtype=np.int64).reshape(-1, 2), joined, np.frombuffer(lens, dtype=np.int64),
            np.frombuffer(scripts, dtype=np.int64).reshape(-1, 2))


def _vocab_args(
    char_min: int, char_max: int, grams: GramIndex, words: WordIndex | None
) -> tuple[object, ...] | None:
    """The token tables as the compiled ``count_tokens`` and ``score_windows`` take them, or None
    when two indexed words share a hash (:meth:`WordIndex.hash_table`)."""
    gs, gbits = grams.longer.slots()
    if words is None:
        return (char_min, char_max, grams.unigram, gs, gbits, False, *_EMPTY_TABLE, _NO_WORDS, *_EMPTY_TABLE)
    table = words.hash_table()
    if table is None:
        return None
    return (char_min, char_max, grams.unigram, gs, gbits, True, *table.slots(), words.unigram, *words.pairs.slots())


def count_tokens(
    joined: str, lens: np.ndarray, char_min: int, char_max: int, grams: GramIndex, words: WordIndex | None
) -> tuple[np.ndarray, np.ndarray, np.ndarray] | None:
    """(global ids, counts, window starts) of the distinct tokens of each window (``joined``
    holds the prepared windows one after another, ``lens`` their lengths), grouped by window in
    window order (ids in order of first occurrence within a window); window w's tokens are
    entries ``starts[w]:starts[w + 1]`` (:func:`window_index` gives each entry's window) - or
    None when the kernels cannot serve (not built, switched off, or word keys that collide,
    which :class:`WordIndex` reports)."""
    if not active():
        return None
    assert _compiled is not None
    vocab = _vocab_args(char_min, char_max, grams, words)
    if vocab is None:
        return None
    g, c, s = _compiled.count_tokens(joined, np.ascontiguousarray(lens, dtype=np.int64), *vocab)
    return np.frombuffer(g, dtype=np.int64), np.frombuffer(c, dtype=np.float64), np.frombuffer(s, dtype=np.int64)


def window_starts(win: np.ndarray, n_win: int) -> np.ndarray:
    """Each window's first entry and, last, the number of entries, from the window index of
    entries grouped by window in window order (what :func:`count_tokens` gives as ``starts``)."""
    return np.searchsorted(win, np.arange(n_win + 1, dtype=np.int64)).astype(np.int64, copy=False)


def window_index(starts: np.ndarray) -> np.ndarray:
    """Each entry's window, from the windows' ``starts`` (the inverse of :func:`window_starts`)."""
    return np.repeat(np.arange(len(starts) - 1, dtype=np.int64), np.diff(starts))


@dataclass(frozen=True)
class PackedColumns:
    """A model's columns laid out for :func:`window_logits`: ``columns`` (int32, global id ->
    column, -1 when absent) and ``table``, one ``stride``-byte row per column holding its idf
    (float64) and then its coefficients (float32), so scoring a token reads one row."""

    columns: np.ndarray
    table: np.ndarray
    stride: int
    n_rows: int


def pack_columns(columns: np.ndarray, idf: np.ndarray, coef_t: np.ndarray) -> PackedColumns:
    """Pack ``idf`` (float64, one per column) and ``coef_t`` (float32, n_columns x n_rows)."""
    n_cols, n_rows = coef_t.shape
    stride = -(-(8 + 4 * n_rows) // 8) * 8
    table = np.zeros((n_cols, stride), dtype=np.uint8)
    table[:, :8] = np.ascontiguousarray(idf, dtype=np.float64).view(np.uint8).reshape(n_cols, 8)
    table[:, 8 : 8 + 4 * n_rows] = np.ascontiguousarray(coef_t, dtype=np.float32).view(np.uint8).reshape(n_cols, -1)
    return PackedColumns(np.ascontiguousarray(columns, dtype=np.int32), table, stride, n_rows)


def window_logits(
    gids: np.ndarray, counts: np.ndarray, starts: np.ndarray, n_win: int,
    columns: np.ndarray, idf: np.ndarray, coef_t: np.ndarray, packed: PackedColumns | None = None,
    scored: np.ndarray | None = None,
) -> np.ndarray | None:
    """(n_win, n_rows) L2-normalised TF-IDF logits before the intercept, or None when the
    kernels cannot serve (not built, switched off, coefficients not float32). The tokens are
    grouped by window, window w's being entries ``starts[w]:starts[w + 1]`` (:func:`window_starts`).
    ``packed`` is ``pack_columns(columns, idf, coef_t)``, cached by the caller (packed here when
    not given). With ``scored`` (bool per window), the other windows' tokens are never read and
    their rows are 0."""
    if not active() or coef_t.dtype != np.float32:
        return None
    assert _compiled is not None
    if packed is None:
        packed = pack_columns(columns, idf, coef_t)
    z = np.zeros((n_win, packed.n_rows))
    _compiled.window_logits(
        np.ascontiguousarray(gids, dtype=np.int64), np.ascontiguousarray(counts, dtype=np.float64),
        np.ascontiguousarray(starts, dtype=np.int64), packed.columns, packed.table, packed.stride, packed.n_rows, z,
        b"" if scored is None else np.ascontiguousarray(scored, dtype=np.uint8),
    )
    return z


@dataclass(frozen=True)
class ModelTables:
    """One model's own token tables for :func:`score_windows`: ``grams`` and ``words`` map its
    n-grams and words to its columns (a :class:`GramIndex` and a :class:`WordIndex` built on the
    model's vocabulary instead of every loaded model's tokens), ``packed`` its columns' idf and
    coefficients (:func:`pack_columns`, columns = identity), ``ascii`` the direct tables of its
    all-ASCII bigrams and trigrams (``model_tables.ascii_tables``; those n-grams are then not in
    ``grams``)."""

    char_min: int
    char_max: int
    grams: GramIndex
    words: WordIndex | None
    packed: PackedColumns
    ascii: tuple[np.ndarray, np.ndarray]


def score_windows(tables: ModelTables, joined: str, lens: np.ndarray, scored: np.ndarray | None) -> np.ndarray:
    """(n_win, n_rows) L2-normalised TF-IDF logits before the intercept of each prepared window
    (``joined``/``lens`` as :func:`count_tokens` takes them), straight from the text with the
    model's own tables: :func:`count_tokens` + :func:`window_logits` in one pass, bit for bit.
    With ``scored`` (bool per window), only those windows are counted; the others' rows are 0.
    Only for tables ``model_tables`` gave while the kernels are on."""
    vocab = _vocab_args(tables.char_min, tables.char_max, tables.grams, tables.words)
    if _compiled is None or vocab is None:
        raise RuntimeError("score_windows needs the compiled kernels and a model whose word hashes do not collide")
    packed = tables.packed
    z = np.zeros((len(lens), packed.n_rows))
    _compiled.score_windows(
        joined, np.ascontiguousarray(lens, dtype=np.int64),
        b"" if scored is None else np.ascontiguousarray(scored, dtype=np.uint8),
        *vocab, *tables.ascii, packed.table, packed.stride, packed.n_rows, z,
    )
    return z
