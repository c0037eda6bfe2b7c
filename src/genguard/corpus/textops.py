"""Text helpers shared by dedup and decontamination: tokens, shingles, n-grams, long-text scanning."""

from __future__ import annotations

import re
import unicodedata
import zlib
from collections.abc import Iterable

from genguard.detect.base import DetectContext
from genguard.findings import Decision, Direction, Finding
from genguard.guard import Guard

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}_]+")


def tokens(text: str) -> list[str]:
    """Language-agnostic tokens: each CJK character alone, other scripts as words (NFKC, casefolded)."""
    return _TOKEN.findall(unicodedata.normalize("NFKC", text).casefold())


def ngrams(toks: list[str], n: int) -> Iterable[str]:
    for i in range(len(toks) - n + 1):
        yield "\x1f".join(toks[i : i + n])


def shingle_hashes(text: str, k: int) -> list[int]:
    """32-bit hashes of the distinct k-token shingles (the whole text if shorter than k)."""
    return token_shingle_hashes(tokens(text), k)


def token_shingle_hashes(toks: list[str], k: int) -> list[int]:
    grams = ({"\x1f".join(toks)} if toks else set()) if len(toks) < k else set(ngrams(toks, k))
    return [zlib.crc32(g.encode("utf-8", "surrogatepass")) for g in grams]


def normalized_key(text: str) -> str:
    """Exact-duplicate key: tokens only, so whitespace, case and punctuation changes still match."""
    return " ".join(tokens(text))


def scan_text(guard: Guard, text: str, direction: Direction) -> Decision:
    """``guard.check`` for any length: texts over the policy's ``limits.max_chars`` are checked in
    overlapping windows, findings mapped back to the full text, and the policy decides once."""
    limit = guard.policy.limits.max_chars
    if len(text) <= limit:
        return guard.check(text, direction)
    overlap = min(1000, limit // 10)
    step = limit - overlap
    seen: set[tuple[str, str, int, int]] = set()
    findings: list[Finding] = []
    for off in range(0, len(text), step):
        window = text[off : off + limit]
        for f in guard.check(window, direction).findings:
            g = f.model_copy(update={"start": f.start + off, "end": f.end + off})
            key = (g.detector, g.category, g.start, g.end)
            if key not in seen:
                seen.add(key)
                findings.append(g)
        if off + limit >= len(text):
            break
    return guard.decide(DetectContext(text, direction), findings)


def scan_texts(guard: Guard, texts: list[str], direction: Direction) -> list[Decision]:
    """:func:`scan_text` of each text; the texts within the policy limit go through
    ``guard.check_batch`` together (detector-major, cheaper on long corpus documents)."""
    limit = guard.policy.limits.max_chars
    short = iter(guard.check_batch([t for t in texts if len(t) <= limit], direction))
    return [next(short) if len(t) <= limit else scan_text(guard, t, direction) for t in texts]
