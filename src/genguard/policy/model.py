"""Typed policy schema. Validation here is what makes a bad policy fail at load time."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from genguard.findings import Action, Direction
from genguard.taxonomy import get_taxonomy


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Rule(_Strict):
    """What to do when a finding of a category reaches ``threshold`` in one direction."""

    action: Action
    threshold: float = Field(default=0.5, ge=0.0, le=1.0)


class RuleSet(_Strict):
    input: Rule | None = None
    output: Rule | None = None

    def for_direction(self, direction: Direction) -> Rule | None:
        return self.input if direction == Direction.INPUT else self.output


class DetectorSpec(_Strict):
    type: str
    name: str | None = None
    enabled: bool = True
    directions: list[Direction] = Field(default_factory=lambda: [Direction.INPUT, Direction.OUTPUT])
    threshold: float = Field(default=0.0, ge=0.0, le=1.0, description="minimum score for this detector's findings")
    config: dict[str, Any] = Field(default_factory=dict)

    @property
    def instance_name(self) -> str:
        return self.name or self.type


class PreCheckSpec(_Strict):
    """A check that runs before detectors and may settle the decision (e.g. the answer bank)."""

    type: str
    enabled: bool = True
    directions: list[Direction] = Field(default_factory=lambda: [Direction.INPUT])
    config: dict[str, Any] = Field(default_factory=dict)


class RedactionSpec(_Strict):
    operator: str = "placeholder"
    options: dict[str, Any] = Field(default_factory=dict)


class LabelSpec(_Strict):
    """Labelling of generated answers (GB 45438); the gateway applies it through ``genguard.label``."""

    explicit: bool = False
    position: Literal["start", "end", "both"] = "end"
    text_zh: str = "（本内容由人工智能生成）"
    text_en: str = "(This content is AI-generated.)"
    implicit: bool = Field(default=False, description="attach the AIGC metadata object (implicit label) to API answers")
    registry: bool = Field(default=False, description="record fingerprints of delivered answers in the output registry")
    producer: str = Field(default="genguard", min_length=1, max_length=200,
                          description="ContentProducer of the AIGC object and producer in the registry")

    @field_validator("text_zh", "text_en")
    @classmethod
    def _notice_wording(cls, value: str, info: ValidationInfo) -> str:
        """An empty or non-notice wording would label nothing while the policy says it labels."""
        from genguard.errors import InputError
        from genguard.label.explicit import check_wording

        try:
            check_wording(value, "zh" if info.field_name == "text_zh" else "en", where="label")
        except InputError as exc:  # pydantic reports ValueErrors with the field's location
            raise ValueError(str(exc)) from None
        return value


class Limits(_Strict):
    max_chars: int = Field(default=200_000, gt=0)


class Policy(_Strict):
    name: str
    version: str = "1"
    description: str = ""
    detectors: list[DetectorSpec]
    pre_checks: list[PreCheckSpec] = Field(default_factory=list)
    rules: dict[str, RuleSet]
    answers: str | dict[str, dict[str, str]] = "default"
    redaction: RedactionSpec = Field(default_factory=RedactionSpec)
    label: LabelSpec = Field(default_factory=LabelSpec)
    limits: Limits = Field(default_factory=Limits)
    extensions: dict[str, Any] = Field(default_factory=dict, description="settings owned by other modules")

    @field_validator("rules")
    @classmethod
    def _known_codes(cls, rules: dict[str, RuleSet]) -> dict[str, RuleSet]:
        tax = get_taxonomy()
        for key in rules:
            if key != "*" and not tax.has(key):
                raise ValueError(f"unknown category code {key!r} (use a taxonomy code, a class like A1, or '*')")
        return rules

    @model_validator(mode="after")
    def _unique_detector_names(self) -> Policy:
        names = [d.instance_name for d in self.detectors]
        dupes = {n for n in names if names.count(n) > 1}
        if dupes:
            raise ValueError(f"detector names must be unique; repeated: {', '.join(sorted(dupes))}")
        return self

    def rule_for(self, code: str, direction: Direction) -> tuple[str, Rule] | None:
        """Most specific rule for a code: exact code, then its class, then ``*``."""
        tax = get_taxonomy()
        candidates = [code]
        if tax.has(code):
            candidates.append(tax.class_of(code))
        candidates.append("*")
        for key in candidates:
            rs = self.rules.get(key)
            rule = rs.for_direction(direction) if rs else None
            if rule is not None:
                return f"rules.{key}.{direction.value}", rule
        return None
