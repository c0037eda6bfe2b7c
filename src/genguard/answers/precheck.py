"""The ``answer_bank`` pre-check: policy wiring of the bank into the Guard.

Policy::

    pre_checks:
      - type: answer_bank
        directions: [input]
        config:
          paths: [my_answers.yaml]     # relative to the policy file; "default" = starter bank
          mode: answer                 # answer: reply with the vetted answer at once
                                       # inform: run detectors; use the vetted answer if they refuse
          fuzzy_threshold: 0.88
          reload_interval: 1.0         # seconds between file checks (hot reload); -1 disables
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from genguard.answers.bank import AnswerBank, default_bank_path
from genguard.errors import ConfigError
from genguard.findings import Action, Decision, Finding, Reason
from genguard.prechecks import register_precheck

if TYPE_CHECKING:
    from genguard.detect.base import DetectContext
    from genguard.guard import Guard


class AnswerBankPreCheck:
    name = "answer_bank"

    def __init__(self, bank: AnswerBank, mode: str = "answer") -> None:
        if mode not in ("answer", "inform"):
            raise ConfigError(f"key 'config.mode': must be 'answer' or 'inform', got {mode!r}")
        self.bank = bank
        self.mode = mode

    def __call__(self, ctx: DetectContext, guard: Guard) -> Decision | None:
        m = self.bank.match(ctx.text, language=ctx.language, normalized=ctx.normalized)
        if m is None:
            return None
        self.bank.record_hit(m, ctx.direction.value)
        ctx.notes["answer_bank"] = m.as_dict()
        if self.mode == "inform":
            ctx.answer_override = m.entry.answer
            return None
        finding = Finding(
            category=m.entry.risk, detector=self.name, score=m.score, start=0, end=len(ctx.text),
            evidence=ctx.text, normalized=m.matched, metadata={"entry_id": m.entry.id, "match": m.kind},
        )
        reason = Reason(category=m.entry.risk, action=Action.REFUSE, score=m.score,
                        threshold=self.bank.fuzzy_threshold if m.kind != "exact" else 1.0,
                        rule="pre_checks.answer_bank")
        return Decision(
            action=Action.REFUSE, direction=ctx.direction, findings=[finding], reasons=[reason],
            answer=m.entry.answer, language=ctx.language, policy=f"{guard.policy.name}@{guard.policy.version}",
            metadata=dict(ctx.notes),
        )


@register_precheck("answer_bank")
def _factory(
    base_dir: str | None = None,
    paths: list[str] | None = None,
    mode: str = "answer",
    fuzzy_threshold: float = 0.88,
    reload_interval: float = 1.0,
    embedding_model: str | None = None,
    embedding_threshold: float = 0.9,
) -> AnswerBankPreCheck:
    resolved: list[Path] = []
    for p in paths or ["default"]:
        if p == "default":
            resolved.append(default_bank_path())
            continue
        path = Path(p)
        if not path.is_absolute() and base_dir:
            path = Path(base_dir) / path
        resolved.append(path)
    embedder = None
    if embedding_model:
        from genguard.answers.embedding import HFEmbedder

        embedder = HFEmbedder(embedding_model)
    bank = AnswerBank(resolved, fuzzy_threshold=fuzzy_threshold, reload_interval=reload_interval,
                      embedder=embedder, embedding_threshold=embedding_threshold)
    return AnswerBankPreCheck(bank, mode)
