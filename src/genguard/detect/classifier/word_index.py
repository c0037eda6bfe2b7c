"""Global ids of the ``w:`` word tokens of prepared windows, without one string per token.

Why: the string path builds ``"w:" + word`` and ``f"w:{a} {b}"`` for every word and adjacent
pair and looks each up in the ~180,000-entry :data:`GLOBAL_TOKENS` dict; on a 7 KB corpus
document that is ~1,700 new strings and as many cache-missing lookups, about a third of the
classifier's time. Here each word is looked up once, bare, in a dict of only the words the loaded
vocabularies use; a unigram's global id is then an array read, a bigram's a
:class:`KeyTable` lookup of the pair of word ids. The ids are the same as the string path's: a
unigram or bigram token is in some vocabulary exactly when its words and pair are indexed here.
"""

from __future__ import annotations

import re
from itertools import repeat

import numpy as np

from genguard.detect.classifier import kernels
from genguard.detect.classifier.features import WORD_PATTERN
from genguard.detect.classifier.keytable import KeyTable
from genguard.detect.classifier.model_io import GLOBAL_TOKENS


class WordIndex:
    """Word -> word id, word id -> unigram global id, and (word id pair) -> bigram global id."""

    __slots__ = ("_hashed", "_marked", "pairs", "unigram", "words")

    def __init__(self, tokens: dict[str, int]) -> None:
        self.words: dict[str, int] = {}
        uni: dict[int, int] = {}
        pairs: list[tuple[str, str, int]] = []
        for tok, gid in list(tokens.items()):
            if not tok.startswith("w:"):
                continue
            parts = tok[2:].split(" ")
            if len(parts) == 1:
                uni[self._wid(parts[0])] = gid
            elif len(parts) == 2:
                pairs.append((parts[0], parts[1], gid))
        pair_keys = [(self._wid(a), self._wid(b), gid) for a, b, gid in pairs]
        self.unigram = np.full(len(self.words) + 1, -1, dtype=np.int64)  # last entry: unknown word
        for wid, gid in uni.items():
            self.unigram[wid] = gid
        arr = np.array(pair_keys, dtype=np.int64).reshape(-1, 3)
        self.pairs = KeyTable(self.pair_key(arr[:, 0], arr[:, 1]), arr[:, 2])
        # the words plus the window separator (id: one past "unknown"), for the one-pass lookup
        self._marked = {**self.words, _MARK: len(self.words) + 1}
        self._hashed: tuple[KeyTable | None] | None = None

    def hash_table(self) -> KeyTable | None:
        """Word hash -> word id, the compiled kernels' word lookup (built on first use), or None
        when two indexed words share a hash (then the kernels step aside; never seen). A word of
        a text that no model knows is taken for a known one only if their 63-bit hashes collide
        (odds about 1 in 10**14 per word against this vocabulary)."""
        if self._hashed is None:
            keys = np.fromiter(map(kernels.word_hash, self.words), dtype=np.int64, count=len(self.words))
            ids = np.fromiter(self.words.values(), dtype=np.int64, count=len(self.words))
            table = KeyTable(keys, ids) if len(np.unique(keys)) == len(keys) else None
            self._hashed = (table,)
        return self._hashed[0]

    def _wid(self, word: str) -> int:
        return self.words.setdefault(word, len(self.words))

    def pair_key(self, a: np.ndarray, b: np.ndarray) -> np.ndarray:
        """One non-negative int64 per (word id, word id) pair."""
        return a * (len(self.words) + 1) + b

    def window_ids(self, prepared: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(global id, window index) of every word unigram and bigram token of each prepared
        window, as ``features.word_tokens`` would list them (-1 for tokens no model knows)."""
        unknown = len(self.words)
        joined = _MARK.join(prepared)
        if joined.count(_MARK) == len(prepared) - 1:
            # one regex pass over all windows (half the cost of one findall per window): the
            # separator is matched too and counted to tell each word's window
            found = _WORDS_AND_MARKS.findall(joined)
            wid = np.fromiter(map(self._marked.get, found, repeat(unknown)), dtype=np.int64, count=len(found))
            is_mark = wid == unknown + 1
            win = np.cumsum(is_mark)[~is_mark]
            wid = wid[~is_mark]
        else:  # a window holds the separator itself (the soft view drops it; never seen)
            words: list[str] = []
            lens = np.zeros(len(prepared), dtype=np.int64)
            for i, t in enumerate(prepared):
                ws = WORD_PATTERN.findall(t)
                words.extend(ws)
                lens[i] = len(ws)
            wid = np.fromiter(map(self.words.get, words, repeat(unknown)), dtype=np.int64, count=len(words))
            win = np.repeat(np.arange(len(prepared), dtype=np.int64), lens)
        a, b = wid[:-1], wid[1:]
        pair = (win[:-1] == win[1:]) & (a != unknown) & (b != unknown)  # bigrams stay in a window
        bigram = np.full(len(a), -1, dtype=np.int64)
        bigram[pair] = self.pairs.get(self.pair_key(a[pair], b[pair]))
        return np.concatenate([self.unigram[wid], bigram]), np.concatenate([win, win[:-1]])


_MARK = "\x00"  # joins the windows; a control character the soft view never keeps
_WORDS_AND_MARKS = re.compile(WORD_PATTERN.pattern + "|" + _MARK)
_INDEX: tuple[int, WordIndex | None] = (0, None)


def word_index() -> WordIndex:
    """The index of every registered word token, rebuilt when models register new tokens."""
    global _INDEX
    size, index = _INDEX
    if index is None or size != len(GLOBAL_TOKENS):
        size = len(GLOBAL_TOKENS)  # before the build: tokens registered meanwhile trigger a rebuild
        index = WordIndex(GLOBAL_TOKENS)
        _INDEX = (size, index)
    return index
