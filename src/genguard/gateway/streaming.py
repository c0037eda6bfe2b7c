"""Incremental moderation of a streamed answer with a sliding window.

The answer grows at the head; text is released to the client once it is ``window`` characters
behind the head and the latest check (over the window plus ``context`` characters of already
released text) found nothing to stop. A violation stops the stream before the offending text is
released. The checks run on the raw answer (vault placeholders such as ``<EMAIL_1>`` included,
so the user's own data restored into the answer is not redacted again); each released segment is
restored on its way out, and a release never ends inside a placeholder that is still arriving
(the cut moves back to its ``<``), so placeholders split across chunks are restored whole.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from genguard.findings import Action, Decision, Finding

CheckFn = Callable[[str], Awaitable[Decision]]
RedactFn = Callable[[str, list[Finding]], str]


class StreamModerator:
    def __init__(
        self,
        check: CheckFn,
        *,
        restore: Callable[[str], str] = lambda s: s,
        redact: RedactFn | None = None,
        window: int = 80,
        context: int = 200,
        every: int = 24,
    ) -> None:
        self._check = check
        self._restore = restore
        self._redact = redact
        self.window = window
        self.context = context
        self.every = every
        self.raw = ""
        self.released_upto = 0  # offset in the raw text
        self._unchecked = 0
        self.checks = 0
        self.violation: Decision | None = None
        self.last: Decision | None = None

    async def feed(self, delta: str) -> str:
        """Add streamed text; returns the text that may be released now ("" when none)."""
        if self.violation is not None or not delta:
            return ""
        self.raw += delta
        self._unchecked += len(delta)
        if self._unchecked < self.every:
            return ""
        return await self._step(final=False)

    async def finish(self) -> str:
        """End of stream: check what is left and release all of it (unless it violates)."""
        if self.violation is not None:
            return ""
        return await self._step(final=True)

    @property
    def restored(self) -> str:
        return self._restore(self.raw)

    @staticmethod
    def _safe_end(text: str, begin: int, end: int, longest: int = 48) -> int:
        """Move ``end`` back to the ``<`` of a placeholder that is not closed before ``end``."""
        lt = text.rfind("<", max(begin, end - longest), end)
        if lt >= 0 and text.find(">", lt, end) < 0:
            return lt
        return end

    async def _step(self, *, final: bool) -> str:
        self._unchecked = 0
        restored = self.raw
        start = max(0, self.released_upto - self.context)
        if start >= len(restored) and not final:
            return ""
        decision = await self._check(restored[start:])
        self.checks += 1
        self.last = decision
        if decision.blocked:
            self.violation = decision
            return ""
        end = len(restored) if final else max(self.released_upto, len(restored) - self.window)
        if end <= self.released_upto:
            return ""
        to_redact: list[Finding] = []
        if decision.action == Action.REDACT and self._redact is not None:
            redact_codes = {r.category for r in decision.reasons if r.action == Action.REDACT}
            spans = sorted(
                (f.start + start, f.end + start, f) for f in decision.findings if f.category in redact_codes
            )
            for s, e, f in spans:
                if e <= self.released_upto or s >= end:
                    continue
                if e > end and not final:
                    end = max(self.released_upto, s)  # hold a span that straddles the boundary back
                    break
                to_redact.append(
                    f.model_copy(update={"start": max(0, s - self.released_upto), "end": e - self.released_upto})
                )
        if not final:
            end = self._safe_end(restored, self.released_upto, end)
        if end <= self.released_upto:
            return ""
        segment = restored[self.released_upto : end]
        self.released_upto = end
        if to_redact and self._redact is not None:
            segment = self._redact(segment, [f for f in to_redact if f.end <= len(segment)])
        return self._restore(segment)
