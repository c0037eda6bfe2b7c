"""Text features shared by training and inference: character n-grams, Latin words, jieba words.

Training fits a TF-IDF vocabulary with scikit-learn using :func:`analyze` as the analyzer;
inference re-implements the (sublinear TF, IDF, L2) transform over the stored vocabulary in a
few numpy operations, so a loaded model needs neither pickle nor a fitted sklearn object. Texts
are normalised with the same :func:`genguard.text.normalize.normalize` the detectors see, so
full-width, case and invisible-character tricks do not change the features.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import asdict, dataclass
from operator import add
from typing import Any

import numpy as np

from genguard.text.normalize import normalize

_SPACE = re.compile(r"\s+")
WORD_PATTERN = re.compile(r"[a-z0-9][a-z0-9'_-]*")
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


@dataclass(frozen=True)
class FeatureConfig:
    """How a text becomes tokens. Stored in the model file; changing it needs retraining."""

    char_min: int = 1
    char_max: int = 3
    words: bool = True  # Latin word unigrams and bigrams ("w:" prefix)
    jieba: bool = False  # jieba words for Chinese ("j:" prefix); slower, off by default
    max_chars: int = 4000  # longer texts are scored in windows (see detector)

    def key(self) -> tuple[Any, ...]:
        return (self.char_min, self.char_max, self.words, self.jieba)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> FeatureConfig:
        return cls(**d)


def prepare(text: str) -> str:
    """Normalised, whitespace-collapsed text (what the analyzer sees)."""
    return _SPACE.sub(" ", normalize(text).soft.text).strip()


def analyze_prepared(t: str, cfg: FeatureConfig) -> list[str]:
    """Tokens of an already prepared text."""
    grams: list[str] = []
    # n-grams by C-level string concatenation (much faster than slicing in a comprehension)
    prev: list[str] = list(t)
    for n in range(1, cfg.char_max + 1):
        if n > 1:
            prev = list(map(add, prev, t[n - 1 :]))
        if n >= cfg.char_min:
            grams.extend(prev)
    if cfg.words:
        grams.extend(word_tokens(t))
    if cfg.jieba and _HAN.search(t):
        import jieba

        grams.extend(["j:" + w for w in jieba.lcut(t) if len(w) > 1 and _HAN.search(w)])
    return grams


# -- integer keys of character n-grams (the fast inference path) ----------------------------
# A code point fits in 21 bits, so a character n-gram of up to three characters packs into one
# int64 without collisions between lengths: unigram = c0 (< 2**21); bigram = (c0+1) << 21 | c1
# (in [2**21, 2**42)); trigram = (c0+1) << 42 | c1 << 21 | c2 (>= 2**42, < 2**63). Inference
# computes every n-gram key of a text with a few numpy operations instead of building one Python
# string per n-gram; the vocabulary's strings get the same keys once, at load time.
MAX_KEYED_GRAM = 3


def gram_key(token: str) -> int | None:
    """Integer key of a token read as a character n-gram, or None if it is longer than 3."""
    c = [ord(ch) for ch in token]
    if len(c) == 1:
        return c[0]
    if len(c) == 2:
        return (c[0] + 1) << 21 | c[1]
    if len(c) == 3:
        return (c[0] + 1) << 42 | c[1] << 21 | c[2]
    return None


def gram_key_items(tokens: dict[str, int]) -> np.ndarray:
    """``(gram_key(token), value)`` rows (int64, n x 2) of the tokens that have a key, in the
    dict's order: what ``[(k, v) for t, v in tokens.items() if (k := gram_key(t)) is not None]``
    gives, computed over arrays. Why: the classifiers index every vocabulary's n-grams at start-up
    (~240,000 tokens for the shipped models), and a Python call per token was ~0.1 s of it."""
    names = list(tokens)
    values = np.fromiter(tokens.values(), dtype=np.int64, count=len(names))
    lens = np.fromiter(map(len, names), dtype=np.int64, count=len(names))
    short = np.flatnonzero((lens >= 1) & (lens <= MAX_KEYED_GRAM))
    picked = [names[i] for i in short]
    # the code points read from numpy's fixed-width strings (padded with NULs, code point 0: a
    # token's own NULs read the same), each token's length from the token itself
    cp = np.zeros((len(picked), MAX_KEYED_GRAM), dtype=np.int64)
    if picked:
        cp[:] = np.array(picked, dtype=f"<U{MAX_KEYED_GRAM}").view(np.uint32).reshape(-1, MAX_KEYED_GRAM)
    n = lens[short]
    keys = np.where(n == 1, cp[:, 0], np.where(n == 2, (cp[:, 0] + 1) << 21 | cp[:, 1],
                                               (cp[:, 0] + 1) << 42 | cp[:, 1] << 21 | cp[:, 2]))
    return np.column_stack([keys, values[short]]).astype(np.int64).reshape(-1, 2)


def gram_keys(cp: np.ndarray, n: int) -> np.ndarray:
    """Keys of every n-gram (n <= 3) of a code-point array (int64), one per start position."""
    if n == 1:
        return cp
    if n == 2:
        return ((cp[:-1] + 1) << 21) | cp[1:]
    if n == 3:
        return ((cp[:-2] + 1) << 42) | (cp[1:-1] << 21) | cp[2:]
    raise ValueError(f"character n-grams longer than {MAX_KEYED_GRAM} have no integer key")


def keyed(cfg: FeatureConfig) -> bool:
    """Whether inference can use integer n-gram keys for this feature config (else strings)."""
    return cfg.char_max <= MAX_KEYED_GRAM and not cfg.jieba


def word_tokens(t: str) -> list[str]:
    """The ``w:`` word unigram and bigram tokens of a prepared text (as :func:`analyze_prepared`)."""
    ws = WORD_PATTERN.findall(t)
    return ["w:" + w for w in ws] + [f"w:{a} {b}" for a, b in itertools.pairwise(ws)]


def analyze(text: str, cfg: FeatureConfig) -> list[str]:
    """Tokens of a raw text (normalises first)."""
    return analyze_prepared(prepare(text), cfg)
