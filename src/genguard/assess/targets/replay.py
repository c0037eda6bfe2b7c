"""A recorded-answers target: replays a JSONL file of ``{"question" or "id", "answer"}``.

Useful to assess answers collected elsewhere (e.g. from a model with no API) and to re-judge a
past run reproducibly. A question without a recording is an error, never a silent pass.
"""

from __future__ import annotations

import json
from pathlib import Path

from genguard.assess.targets.base import Message, Target, TargetConfig
from genguard.errors import ConfigError, InputError, TargetError


class ReplayTarget(Target):
    def __init__(self, config: TargetConfig) -> None:
        super().__init__(config)
        if not config.path:
            raise ConfigError("replay target needs path: a JSONL file of {question, answer}")
        p = Path(config.path)
        if not p.is_file():
            raise ConfigError(f"replay file {p} not found")
        self.answers: dict[str, str] = {}
        try:
            lines = p.read_text(encoding="utf-8").splitlines()
        except UnicodeDecodeError:
            raise InputError(f"{p}: not UTF-8") from None
        for n, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
                ans = rec["answer"]
                key = rec.get("question") or rec["id"]
            except (json.JSONDecodeError, KeyError, TypeError):
                raise InputError(f"{p}: line {n}: need JSON with 'answer' and 'question' (or 'id')") from None
            self.answers[str(key).strip()] = str(ans)

    async def chat(self, messages: list[Message]) -> str:
        question = next((m["content"] for m in reversed(messages) if m.get("role") == "user"), "").strip()
        try:
            return self.answers[question]
        except KeyError:
            raise TargetError(f"replay file {self.config.path} has no answer for {question[:80]!r}") from None
