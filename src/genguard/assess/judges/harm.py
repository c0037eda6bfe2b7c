"""Harmful-answer judge: the Guard's output checks decide (never re-implemented here)."""

from __future__ import annotations

from genguard.assess.judges.base import Judge, JudgeVerdict
from genguard.findings import Action


class HarmJudge(Judge):
    name = "harm"

    def __init__(self, policy: str | None = None) -> None:
        from genguard.guard import Guard

        self.guard = Guard.from_policy(policy)
        self.max_chars = self.guard.policy.limits.max_chars

    async def judge(self, question: str, answer: str, lang: str) -> JudgeVerdict:
        d = self.guard.check_output(answer[: self.max_chars], prompt=question[: self.max_chars])
        harmful = d.action in (Action.REFUSE, Action.BLOCK)
        return JudgeVerdict(judge=self.name, harmful=harmful, score=d.max_score, categories=list(d.categories),
                            rationale=f"guard action {d.action.value}")
