"""Frontier-safety self-assessment: 9 practices, 42 sub-practices, each scored 0/1/2.

Scores come from a YAML file the provider fills in (score, evidence, notes per sub-practice);
totals per practice and overall are stored with the date so assessments compare across time.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field

from genguard.config_file import load_yaml_model
from genguard.errors import ConfigError


class Item(BaseModel):
    id: str
    zh: str
    en: str


class Practice(BaseModel):
    id: str
    zh: str
    en: str
    items: list[Item]


@lru_cache(maxsize=1)
def practices() -> list[Practice]:
    text = resources.files("genguard.govern").joinpath("data/frontier_practices.yaml").read_text("utf-8")
    return [Practice.model_validate(p) for p in yaml.safe_load(text)["practices"]]


class Score(BaseModel):
    model_config = ConfigDict(extra="forbid")
    score: Literal[0, 1, 2]
    evidence: str = ""
    notes: str = ""


class SelfAssessmentInput(BaseModel):
    model_config = ConfigDict(extra="forbid")
    date: date
    assessor: str = ""
    scores: dict[str, Score]


class PracticeTotal(BaseModel):
    id: str
    title_zh: str
    title_en: str
    score: int
    max: int
    unscored: list[str]


class SelfAssessment(BaseModel):
    date: date
    assessor: str
    scores: dict[str, Score]
    totals: list[PracticeTotal]
    total: int
    max_total: int = Field(default=84)

    @property
    def ratio(self) -> float:
        return self.total / self.max_total if self.max_total else 0.0


def load_scores(path: Path) -> SelfAssessmentInput:
    inp = load_yaml_model(path, SelfAssessmentInput, "self-assessment file")
    known = {i.id for p in practices() for i in p.items}
    unknown = sorted(set(inp.scores) - known)
    if unknown:
        raise ConfigError(f"{path}: key 'scores': unknown sub-practice ids {', '.join(unknown)} (valid: P1.1 .. P9.4)")
    return inp


def score(inp: SelfAssessmentInput) -> SelfAssessment:
    """Totals per practice; unscored sub-practices count 0 and are listed, never guessed."""
    totals = []
    for p in practices():
        got = [inp.scores[i.id].score for i in p.items if i.id in inp.scores]
        totals.append(PracticeTotal(id=p.id, title_zh=p.zh, title_en=p.en, score=sum(got), max=2 * len(p.items),
                                    unscored=[i.id for i in p.items if i.id not in inp.scores]))
    return SelfAssessment(date=inp.date, assessor=inp.assessor, scores=inp.scores, totals=totals,
                          total=sum(t.score for t in totals), max_total=sum(t.max for t in totals))


def compare(a: SelfAssessment, b: SelfAssessment) -> list[dict[str, object]]:
    """Per-practice change from ``a`` (older) to ``b`` (newer)."""
    old = {t.id: t.score for t in a.totals}
    return [{"id": t.id, "title_en": t.title_en, "title_zh": t.title_zh, "before": old.get(t.id, 0),
             "after": t.score, "change": t.score - old.get(t.id, 0)} for t in b.totals]
