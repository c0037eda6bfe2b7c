"""Maximal runs of a set of ASCII characters: the long tokens (API keys, hashes, base64) that
secret detection looks at.

Why not just a regex: ``[set]{16,}`` makes ``re`` restart at every character of every short word
of a long text (a third of the secrets recogniser's time on corpus documents); the compiled text
kernel (``_fold.c``) finds the same runs in one pass. Without the extension the regex serves.
"""

from __future__ import annotations

import re

import numpy as np

from genguard.text.compiled import compiled_fold


class AsciiRuns:
    """Finds the maximal runs of at least ``min_len`` characters from ``chars`` (ASCII only)."""

    __slots__ = ("_member", "_rx", "min_len")

    def __init__(self, chars: str, min_len: int) -> None:
        if not chars or any(ord(c) >= 128 for c in chars):
            raise ValueError("AsciiRuns: the characters must be ASCII")
        if min_len < 1:
            raise ValueError("AsciiRuns: min_len must be positive")
        self._member = bytes(1 if chr(i) in chars else 0 for i in range(128))
        members = "".join(re.escape(c) for c in sorted(set(chars)))
        self._rx = re.compile(f"[{members}]{{{min_len},}}")
        self.min_len = min_len

    def bounds(self, text: str) -> tuple[np.ndarray, np.ndarray]:
        """The starts and the ends of the runs of :meth:`spans`, as two int64 arrays."""
        kernel = compiled_fold.active()
        if kernel is not None:
            pairs = np.frombuffer(kernel.ascii_runs(text, self._member, self.min_len), dtype=np.int64)
            return pairs[0::2], pairs[1::2]
        spans = np.array([m.span() for m in self._rx.finditer(text)], dtype=np.int64).reshape(-1, 2)
        return spans[:, 0], spans[:, 1]

    def spans(self, text: str) -> list[tuple[int, int]]:
        """(start, end) of each run, in order: the spans of ``re.finditer("[chars]{min_len,}")``."""
        kernel = compiled_fold.active()
        if kernel is not None:
            # a memoryview, not numpy: most texts have no run or a few, and numpy's set-up per
            # call cost more than the scan (secret detection calls this once per text)
            pairs = memoryview(kernel.ascii_runs(text, self._member, self.min_len)).cast("q").tolist()
            return list(zip(pairs[0::2], pairs[1::2], strict=True))
        return [m.span() for m in self._rx.finditer(text)]
