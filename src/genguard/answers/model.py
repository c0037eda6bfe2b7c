"""Answer-bank entries: canonical question, paraphrases, risk code, vetted answer, validity."""

from __future__ import annotations

from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from genguard.taxonomy import get_taxonomy


class AnswerEntry(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(min_length=1)
    question: str = Field(min_length=1)
    paraphrases: list[str] = Field(default_factory=list)
    language: str = Field(pattern="^(zh|en)$")
    risk: str = Field(description="taxonomy code the question belongs to")
    answer: str = Field(min_length=1)
    owner: str = ""
    valid_from: datetime | None = None
    valid_to: datetime | None = None

    @field_validator("risk")
    @classmethod
    def _known_risk(cls, v: str) -> str:
        if not get_taxonomy().has(v):
            raise ValueError(f"unknown taxonomy code {v!r}")
        return v

    @field_validator("valid_from", "valid_to")
    @classmethod
    def _aware(cls, v: datetime | None) -> datetime | None:
        return v.replace(tzinfo=UTC) if v is not None and v.tzinfo is None else v

    @model_validator(mode="after")
    def _window(self) -> AnswerEntry:
        if self.valid_from and self.valid_to and self.valid_to <= self.valid_from:
            raise ValueError("valid_to must be after valid_from")
        return self

    def active(self, now: datetime) -> bool:
        """Expired (or not yet valid) entries stop matching."""
        if self.valid_from and now < self.valid_from:
            return False
        return not (self.valid_to and now >= self.valid_to)

    @property
    def questions(self) -> list[str]:
        return [self.question, *self.paraphrases]
