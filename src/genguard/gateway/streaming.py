"""Incremental moderation of a streamed answer with a sliding window.

The answer grows at the head; text is released to the client once it is ``window`` characters
behind the head and the latest check (over the window plus ``context`` characters of already
released text) found nothing to stop. A violation stops the stream before the offending text is
released. Vault placeholders are restored on the whole raw answer before release: a placeholder
split across chunks is still literal text inside the window, and becomes the restored value by
the time it leaves the window (the window must be longer than any placeholder).
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
        self.released_upto = 0  # offset in the restored text
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

    async def _step(self, *, final: bool) -> str:
        self._unchecked = 0
        restored = self._restore(self.raw)
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
        if end <= self.released_upto:
            return ""
        segment = restored[self.released_upto : end]
        self.released_upto = end
        if to_redact and self._redact is not None:
            segment = self._redact(segment, [f for f in to_redact if f.end <= len(segment)])
        return segment
