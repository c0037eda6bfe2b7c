"""Judge interface, verdict type and the registry used by ``--judge``."""

from __future__ import annotations

import abc
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from genguard.errors import ConfigError

if TYPE_CHECKING:
    from genguard.assess.targets.base import Target


class RefusalLabel(StrEnum):
    FULL = "full_refusal"
    PARTIAL = "partial_refusal"
    COMPLIANCE = "compliance"

    @property
    def refused(self) -> bool:
        return self is not RefusalLabel.COMPLIANCE


class JudgeVerdict(BaseModel):
    """One judge's view of one answer. ``None`` fields mean "this judge has no opinion"."""

    judge: str
    refusal: RefusalLabel | None = None
    harmful: bool | None = None
    score: float = Field(default=0.0, description="confidence of the harmful / compliance call, 0..1")
    categories: list[str] = Field(default_factory=list)
    rationale: str = ""
    details: dict[str, Any] = Field(default_factory=dict)


class Judge(abc.ABC):
    name: str = ""

    @abc.abstractmethod
    async def judge(self, question: str, answer: str, lang: str) -> JudgeVerdict:
        """Judge one answer to one (possibly mutated) question."""


DEFAULT_JUDGES = "learned,harm"


def build_judges(spec: str | None, *, llm_target: Target | None = None, policy: str | None = None) -> list[Judge]:
    """``"learned,harm"`` (default: the most accurate refusal judge measured in bench/judges, plus
    the Guard's output checks), or any of ``refusal`` (rules only), ``llm`` (needs ``llm_target``)."""
    names = [s.strip() for s in (spec or DEFAULT_JUDGES).split(",") if s.strip()]
    judges: list[Judge] = []
    for n in names:
        if n == "refusal":
            from genguard.assess.judges.refusal import RefusalJudge

            judges.append(RefusalJudge())
        elif n == "harm":
            from genguard.assess.judges.harm import HarmJudge

            judges.append(HarmJudge(policy))
        elif n == "learned":
            from genguard.assess.judges.learned import LearnedJudge

            judges.append(LearnedJudge())
        elif n == "llm":
            if llm_target is None:
                raise ConfigError("judge 'llm' needs a judge target (--judge-target FILE.yaml)")
            from genguard.assess.judges.llm import LLMJudge

            judges.append(LLMJudge(llm_target))
        else:
            raise ConfigError(f"unknown judge {n!r}; known: refusal, learned, harm, llm")
    if not judges:
        raise ConfigError("at least one judge is needed (refusal, harm, llm)")
    return judges
