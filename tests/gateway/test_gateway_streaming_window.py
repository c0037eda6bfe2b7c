"""The sliding-window stream moderator on its own: release timing, stops, split placeholders."""

from __future__ import annotations

import asyncio
import re

from genguard.findings import Direction
from genguard.gateway.streaming import StreamModerator
from genguard.guard import Guard
from genguard.policy import Policy
from genguard.redact import apply_redaction

POLICY = Policy.model_validate({
    "name": "t",
    "detectors": [{"type": "keywords", "config": {"extra_terms": {"A1.4": ["pipe bomb"], "S4": ["bob@example.org"]}}}],
    "rules": {"*": {"output": {"action": "block", "threshold": 0.5}},
              "S4": {"output": {"action": "redact", "threshold": 0.5}}},
})


def _run(chunks: list[str], **kw: object) -> tuple[list[str], StreamModerator]:
    guard = Guard.from_policy(POLICY)

    async def check(text: str):  # type: ignore[no-untyped-def]
        return guard.check(text, Direction.OUTPUT)

    async def go() -> tuple[list[str], StreamModerator]:
        mod = StreamModerator(check, redact=lambda t, f: apply_redaction(t, f, guard._redactor), **kw)  # type: ignore[arg-type]
        out = [await mod.feed(c) for c in chunks]
        out.append(await mod.finish())
        return out, mod

    return asyncio.run(go())


def test_clean_text_is_released_once_it_leaves_the_window() -> None:
    chunks = ["abcdefghij"] * 20
    out, _mod = _run(chunks, window=30, every=10)
    assert "".join(out) == "abcdefghij" * 20
    first = next(i for i, o in enumerate(out) if o)
    assert first <= 4  # released after ~window+every characters, not at the end
    # nothing is held back longer than the window: after each release, at most window+every chars remain
    total = 0
    for i, o in enumerate(out[:-1]):
        total += len(o)
        assert (i + 1) * 10 - total <= 30 + 10


def test_violation_is_never_released() -> None:
    chunks = ["safe text here. "] * 6 + ["pipe ", "bomb", " instructions"] + ["more"] * 10
    out, mod = _run(chunks, window=20, every=5)
    text = "".join(out)
    assert "pipe" not in text and mod.violation is not None
    assert mod.violation.categories == ["A1.4"]
    assert text.startswith("safe text here. ")


def test_violation_split_across_chunks_is_caught() -> None:
    chunks = list("hello world, a pipe bomb is here")
    out, mod = _run(chunks, window=16, every=3)
    assert mod.violation is not None and "pipe" not in "".join(out)


def test_redaction_in_stream() -> None:
    chunks = ["mail ", "bob@exa", "mple.org", " now please, and then more text follows here"]
    out, _mod = _run(chunks, window=12, every=4)
    text = "".join(out)
    assert "bob@example.org" not in text and "<S4" in text and text.endswith("follows here")


def test_placeholders_split_across_chunks_are_restored() -> None:
    values = {"<EMAIL_1>": "carol@example.net", "<CN_MOBILE_2>": "+86 138 0000 0000"}

    def restore(s: str) -> str:  # the vault's placeholder shape
        return re.sub(r"<[A-Z][A-Z0-9_]*_\d+>", lambda m: values.get(m.group(0), m.group(0)), s)

    raw = "Write to <EMAIL_1> or call <CN_MOBILE_2> today; thanks for asking about it."
    chunks = [raw[i : i + 3] for i in range(0, len(raw), 3)]
    guard = Guard.from_policy(POLICY)

    async def check(text: str):  # type: ignore[no-untyped-def]
        return guard.check(text, Direction.OUTPUT)

    async def go() -> list[str]:
        mod = StreamModerator(check, restore=restore, window=16, every=3)
        out = [await mod.feed(c) for c in chunks]
        out.append(await mod.finish())
        return out

    out = asyncio.run(go())
    assert "".join(out) == restore(raw)
    assert not any("<" in o or ">" in o for o in out)  # no placeholder (or piece of one) leaked
