"""Seeded, mergeable per-source sampling and the statistics the verdicts rest on.

Each document gets a pseudo-random key ``u = H(seed, name)`` in [0, 1), where ``name`` is the
document's file path relative to the inputs' common folder plus its line (``sample_name``). A
source's sample is
the documents with the smallest keys (bottom-k): a uniform sample without replacement that is
the same whichever worker, backend or shard order read the document, so local and Ray runs
agree exactly and interrupted runs resume to the same sample. The technical sample is every
document with ``u < technical_rate``. Keying on the relative name, not the absolute path, keeps
the sample the same when the corpus is copied or mounted elsewhere: an auditor re-running the
audit on their own copy with the same seed checks the very same documents.
"""

from __future__ import annotations

import functools
import hashlib
import math
import os
from collections.abc import Sequence

# how documents are named for their keys; part of the audit checkpoints' fingerprint, so a run
# interrupted under another scheme (absolute paths, before 2026-12-03) starts afresh
SAMPLE_KEYS = "relative-path:line"


def doc_key(seed: int, doc_id: str) -> float:
    h = hashlib.blake2b(f"{seed}\x00{doc_id}".encode("utf-8", "surrogatepass"), digest_size=8).digest()
    return int.from_bytes(h, "big") / 2**64


def sampling_root(files: Sequence[str]) -> str:
    """The deepest folder holding every input file: what sample names are relative to."""
    if not files:
        return ""
    return os.path.commonpath([os.path.dirname(os.path.abspath(f)) for f in files])


@functools.lru_cache(maxsize=4096)
def _relative(file: str, root: str) -> str:
    return os.path.relpath(os.path.abspath(file), root).replace(os.sep, "/") if root else file


def sample_name(file: str, line: int, root: str) -> str:
    """``relative/path.jsonl:line`` with ``/`` separators: the location-independent sampling name."""
    return f"{_relative(file, root)}:{line}"


def scan_probability(n_docs: int, sample_size: int, technical_rate: float) -> float:
    """Probability with which to scan a source so that bottom-k has ``sample_size`` items.

    Sources of at most ``sample_size`` docs are scanned completely (the standard's "or all").
    Larger ones are scanned with probability ``(k + 6 sqrt(k) + 20) / n`` (the bottom-k then fall
    below it except with negligible probability; a shortfall is reported, not hidden), and never
    less than the technical rate.
    """
    if n_docs <= sample_size:
        return 1.0
    p = (sample_size + 6 * math.sqrt(sample_size) + 20) / n_docs
    return min(1.0, max(p, technical_rate))
