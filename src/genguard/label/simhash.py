"""64-bit SimHash over normalised text, for near-duplicate lookups in the output registry.

Text is normalised (NFKC, case folding, invisible format characters removed) and tokenised
into Han characters and Latin/digit words; features are token bigrams weighted by count,
hashed with BLAKE2b-64. Small edits (a few words changed in a paragraph) move the fingerprint
by only a few bits, while unrelated texts differ in ~32.

The normalisation is deliberately self-contained (standard library only) rather than the keyword
detector's evasion normaliser: fingerprints are stored, so they must not change when that
normaliser is tuned (it drops word boundaries, which would turn a Latin paragraph into one token).
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections import Counter
from functools import cache

import numpy as np

_TOKEN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]|[^\W_]+", re.UNICODE)
NGRAM = 2
BANDS = 4
BAND_BITS = 16


@cache
def _drop_format_chars() -> dict[int, None]:
    """Zero-width and other format characters (Unicode category Cf), removed before tokenising."""
    planes = (range(0x20000), range(0xE0000, 0xE1000))  # Cf occurs only in planes 0, 1 and 14
    return {cp: None for r in planes for cp in r if unicodedata.category(chr(cp)) == "Cf"}


def normalize_text(text: str) -> str:
    return unicodedata.normalize("NFKC", text).casefold().translate(_drop_format_chars())


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(normalize_text(text))


def features(text: str) -> Counter[str]:
    toks = tokens(text)
    if len(toks) < NGRAM:
        return Counter([" ".join(toks)] if toks else [])
    return Counter(" ".join(toks[i : i + NGRAM]) for i in range(len(toks) - NGRAM + 1))


def simhash(text: str) -> int:
    """Unsigned 64-bit SimHash of ``text`` (0 for text without any word or character)."""
    feats = features(text)
    if not feats:
        return 0
    hashes = np.array(
        [int.from_bytes(hashlib.blake2b(f.encode("utf-8"), digest_size=8).digest(), "big") for f in feats],
        dtype=np.uint64,
    )
    weights = np.array(list(feats.values()), dtype=np.float64)
    bits = ((hashes[:, None] >> np.arange(64, dtype=np.uint64)) & np.uint64(1)).astype(np.float64)
    score = (weights[:, None] * (2.0 * bits - 1.0)).sum(axis=0)
    out = 0
    for i in np.nonzero(score > 0)[0]:
        out |= 1 << int(i)
    return out


def hamming(a: int, b: int) -> int:
    return (a ^ b).bit_count()


def bands(h: int) -> list[int]:
    return [(h >> (BAND_BITS * i)) & 0xFFFF for i in range(BANDS)]


def to_signed(h: int) -> int:
    """Store an unsigned 64-bit value in a signed BIGINT column."""
    return h - (1 << 64) if h >= 1 << 63 else h


def to_unsigned(h: int) -> int:
    return h + (1 << 64) if h < 0 else h
