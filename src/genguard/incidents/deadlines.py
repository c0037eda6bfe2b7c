"""Deadline rules (YAML, validated), per-record deadline status and the overdue list.

Rules are data, not code, because each service publishes its own response times; the shipped
defaults (``data/deadlines.yaml``) encode the EU AI Act Art. 73 serious-incident clocks (2 days
for critical-infrastructure disruption or a widespread infringement, 10 days for a death, 15
days otherwise; a rule selects records by criterion with ``criteria`` / ``except_criteria``) and
the 90-day coordinated-disclosure window. A clock is *met* the first time the record enters one of
the rule's ``met_by`` statuses (read from the timeline, so back-dated moves are honoured).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from genguard.config_file import read_user_file
from genguard.errors import ConfigError
from genguard.incidents.labels import Kind, SeriousCriterion, Severity
from genguard.incidents.models import IncidentRecord
from genguard.incidents.registry import Clock, aware, utcnow
from genguard.incidents.state import Status
from genguard.store import Store

CONFIG_ENV = "GENGUARD_INCIDENTS_DEADLINES"


class Rule(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: str = Field(pattern=r"^[a-z][a-z0-9_]{0,63}$")
    zh: str = Field(min_length=1)
    en: str = Field(min_length=1)
    kinds: list[Kind] = Field(min_length=1)
    severities: list[Severity] = Field(default_factory=list)
    serious_only: bool = False
    #: applies only to records with at least one of these criteria (empty: no condition)
    criteria: list[SeriousCriterion] = Field(default_factory=list)
    #: never applies to records with any of these criteria (a shorter clock covers them)
    except_criteria: list[SeriousCriterion] = Field(default_factory=list)
    start: Literal["received", "aware"] = "received"
    within_hours: float | None = Field(default=None, gt=0)
    within_days: float | None = Field(default=None, gt=0)
    met_by: list[Status] = Field(min_length=1)

    @model_validator(mode="after")
    def _one_window(self) -> Rule:
        if (self.within_hours is None) == (self.within_days is None):
            raise ValueError("give exactly one of within_hours or within_days")
        both = set(self.criteria) & set(self.except_criteria)
        if both:
            raise ValueError(f"criteria and except_criteria both name {', '.join(sorted(both))}")
        return self

    @property
    def window(self) -> timedelta:
        if self.within_hours is not None:
            return timedelta(hours=self.within_hours)
        return timedelta(days=self.within_days or 0)

    def label(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else self.en

    def applies(self, rec: IncidentRecord) -> bool:
        if rec.kind not in {k.value for k in self.kinds}:
            return False
        if self.severities and rec.severity not in {s.value for s in self.severities}:
            return False
        have = set(rec.serious_criteria or [])
        if self.serious_only and not have:
            return False
        if self.criteria and not have & {c.value for c in self.criteria}:
            return False
        return not have & {c.value for c in self.except_criteria}


class Rules(BaseModel):
    model_config = ConfigDict(extra="forbid")

    rules: list[Rule]

    @model_validator(mode="after")
    def _unique(self) -> Rules:
        names = [r.name for r in self.rules]
        dup = {n for n in names if names.count(n) > 1}
        if dup:
            raise ValueError(f"duplicate rule names: {', '.join(sorted(dup))}")
        return self


def parse_rules(text: str, *, where: str) -> Rules:
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{where}: not valid YAML: {exc}") from None
    try:
        return Rules.model_validate(data)
    except ValidationError as exc:
        problems = "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'top level'}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"{where}: {problems}") from None


@lru_cache(maxsize=8)
def _load_cached(path: str | None) -> Rules:
    if path is None:
        text = resources.files("genguard.incidents").joinpath("data/deadlines.yaml").read_text("utf-8")
        return parse_rules(text, where="genguard/incidents/data/deadlines.yaml")
    p = Path(path)
    text = read_user_file(p, "deadline rules file")
    return parse_rules(text, where=str(p))


def load_rules(path: str | Path | None = None) -> Rules:
    """Rules from ``path``, else $GENGUARD_INCIDENTS_DEADLINES, else the shipped defaults."""
    chosen = str(path) if path else os.environ.get(CONFIG_ENV) or None
    return _load_cached(chosen)


@dataclass(frozen=True)
class DeadlineStatus:
    rule: Rule
    start: datetime
    due: datetime
    met_at: datetime | None
    now: datetime

    @property
    def state(self) -> str:
        if self.met_at is not None:
            return "met"
        return "overdue" if self.now > self.due else "pending"

    @property
    def late(self) -> bool:
        """Met, but after the due time (still worth reporting)."""
        return self.met_at is not None and self.met_at > self.due

    @property
    def overdue_by(self) -> timedelta:
        return max(timedelta(0), self.now - self.due) if self.met_at is None else timedelta(0)

    def as_dict(self) -> dict[str, object]:
        return {
            "rule": self.rule.name, "label_zh": self.rule.zh, "label_en": self.rule.en,
            "start": self.start.isoformat(), "due": self.due.isoformat(),
            "met_at": self.met_at.isoformat() if self.met_at else None,
            "state": self.state, "late": self.late, "overdue_seconds": int(self.overdue_by.total_seconds()),
        }


def _first_entry(rec: IncidentRecord, statuses: set[str]) -> datetime | None:
    times = [aware(ev.at) for ev in rec.events if ev.kind == "transition" and ev.to_status in statuses]
    found = [t for t in times if t is not None]
    return min(found) if found else None


def deadlines_for(rec: IncidentRecord, rules: Rules | None = None, *, now: datetime | None = None) -> list[DeadlineStatus]:
    rules = rules or load_rules()
    now = now or utcnow()
    out = []
    for rule in rules.rules:
        if not rule.applies(rec):
            continue
        received = aware(rec.received_at)
        assert received is not None
        start = (aware(rec.aware_at) or received) if rule.start == "aware" else received
        met = _first_entry(rec, {s.value for s in rule.met_by})
        out.append(DeadlineStatus(rule=rule, start=start, due=start + rule.window, met_at=met, now=now))
    return out


def overdue(store: Store, rules: Rules | None = None, *, clock: Clock = utcnow) -> list[tuple[IncidentRecord, DeadlineStatus]]:
    """Every unmet, past-due deadline of a record that is not finished (disclosed / rejected)."""
    from sqlalchemy import select

    now = clock()
    rules = rules or load_rules()
    q = select(IncidentRecord).where(IncidentRecord.status.not_in([Status.disclosed.value, Status.rejected.value]))
    out: list[tuple[IncidentRecord, DeadlineStatus]] = []
    with store.session() as sess:
        for rec in sess.scalars(q):
            out.extend((rec, d) for d in deadlines_for(rec, rules, now=now) if d.state == "overdue")
    out.sort(key=lambda item: item[1].due)
    return out
