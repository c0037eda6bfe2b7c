"""The typed results every detector, policy and consumer of genguard exchange.

A :class:`Finding` is one detector's observation on a span of text; a :class:`Decision` is what
the policy concluded from all findings. Both are Pydantic models with stable field names so
they serialise to the same JSON in the CLI, the gateway, the audit log and reports.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any, TypeVar

from pydantic import BaseModel, Field, computed_field


class Action(StrEnum):
    """What to do with a text, ordered from least to most severe."""

    ALLOW = "allow"
    FLAG = "flag"
    REDACT = "redact"
    REFUSE = "refuse"
    BLOCK = "block"

    @property
    def severity(self) -> int:
        return _SEVERITY[self]

    @classmethod
    def most_severe(cls, actions: list[Action]) -> Action:
        return max(actions, key=lambda a: a.severity, default=cls.ALLOW)


_SEVERITY = {Action.ALLOW: 0, Action.FLAG: 1, Action.REDACT: 2, Action.REFUSE: 3, Action.BLOCK: 4}


class Direction(StrEnum):
    INPUT = "input"
    OUTPUT = "output"


class Finding(BaseModel):
    """One detector's observation: a risk category on a span of the original text."""

    category: str = Field(description="taxonomy code, e.g. A1.4 or S4")
    detector: str = Field(description="name of the detector instance that produced it")
    score: float = Field(ge=0.0, le=1.0)
    start: int = Field(ge=0, description="span start in the ORIGINAL text (characters)")
    end: int = Field(ge=0, description="span end (exclusive) in the original text")
    evidence: str = Field(default="", description="the original text of the span")
    normalized: str | None = Field(default=None, description="normalised form that matched")
    entity: str | None = Field(default=None, description="finer type, e.g. CN_ID_CARD, EMAIL")
    metadata: dict[str, Any] = Field(default_factory=dict)

    @property
    def span(self) -> tuple[int, int]:
        return (self.start, self.end)


class Reason(BaseModel):
    """Why the policy chose an action: the rule that fired for one category."""

    category: str
    action: Action
    score: float
    threshold: float
    rule: str = Field(description="policy key that matched, e.g. categories.A1.input")


class Decision(BaseModel):
    """The policy's verdict on one text."""

    action: Action
    direction: Direction
    findings: list[Finding] = Field(default_factory=list)
    reasons: list[Reason] = Field(default_factory=list)
    answer: str | None = Field(default=None, description="standard answer for refuse/block")
    answer_language: str | None = Field(
        default=None, description="language of ``answer``: the request's when an answer was checked with its prompt")
    redacted_text: str | None = Field(default=None, description="text with spans replaced, for redact")
    language: str = "en"
    policy: str = ""
    timings_ms: dict[str, float] = Field(default_factory=dict)
    metadata: dict[str, Any] = Field(default_factory=dict)

    @computed_field  # type: ignore[prop-decorator]
    @property
    def categories(self) -> list[str]:
        """Distinct categories that drove the decision (reasons), most severe first."""
        seen: dict[str, None] = {}
        for r in sorted(self.reasons, key=lambda r: -r.action.severity):
            seen.setdefault(r.category, None)
        return list(seen)

    @property
    def blocked(self) -> bool:
        return self.action in (Action.REFUSE, Action.BLOCK)

    @property
    def max_score(self) -> float:
        return max((f.score for f in self.findings), default=0.0)


_M = TypeVar("_M", Finding, Reason, Decision)


def assemble(cls: type[_M], values: dict[str, Any]) -> _M:
    """``cls(**values)`` for values that already are what validation would make of them: every
    field given, in declaration order, each of its field's type (enums as enum members, floats as
    floats, fresh lists and dicts), so validating them again could neither convert nor reject one.

    Why: the guard builds a Decision and its Reasons for every text from validated Findings and
    policy rules, and pydantic's validation of them (enum members, the list of findings) was most
    of the guard's own cost per text on corpus documents; the classifier and PII detectors build
    their Findings this way too (from values they have just computed and typed). It sets what ``model_construct`` sets
    (these models have no extra or private attributes), without its per-field Python loop; tests
    compare the result with validated construction, field by field and in JSON."""
    m = cls.__new__(cls)
    object.__setattr__(m, "__dict__", values)
    object.__setattr__(m, "__pydantic_fields_set__", set(values))
    object.__setattr__(m, "__pydantic_extra__", None)
    object.__setattr__(m, "__pydantic_private__", None)
    return m
