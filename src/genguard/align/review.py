"""Human review of queued drafts: accept, rewrite or reject, one decision per draft.

Decisions come from the interactive CLI loop or from a decisions file (JSONL or YAML list of
``{id, decision, answer?, note?}``), so review can be done offline on a queue export and fed
back. Only queued drafts can be decided (``redo`` re-opens a decided one); a rewrite must carry
the new answer. Every decision records reviewer and time, which is what export requires.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from sqlalchemy import select

from genguard.align.models import AlignCandidate
from genguard.config_file import read_user_file
from genguard.errors import InputError
from genguard.store import Store

DecisionKind = Literal["accept", "rewrite", "reject"]
STATUS = {"accept": "accepted", "rewrite": "rewritten", "reject": "rejected"}


class ReviewDecision(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: int
    decision: DecisionKind
    answer: str | None = None
    note: str = ""

    @model_validator(mode="after")
    def _rewrite_has_answer(self) -> ReviewDecision:
        if self.decision == "rewrite" and not (self.answer or "").strip():
            raise ValueError("a rewrite needs a non-empty 'answer'")
        return self


QUEUE_STATUSES = ("generated", "queued", "not_queued", "accepted", "rewritten", "rejected", "all")


def queued(store: Store, run_id: str, *, status: str = "queued") -> list[AlignCandidate]:
    """The run's drafts with ``status`` (one of :data:`QUEUE_STATUSES`; ``all`` for every draft)."""
    if status not in QUEUE_STATUSES:
        raise InputError(f"unknown draft status {status!r}; choose one of: {', '.join(QUEUE_STATUSES)}")
    with store.session() as s:
        q = select(AlignCandidate).where(AlignCandidate.run_id == run_id)
        if status != "all":
            q = q.where(AlignCandidate.status == status)
        return list(s.scalars(q.order_by(AlignCandidate.key, AlignCandidate.rank, AlignCandidate.id)))


def queue_record(c: AlignCandidate) -> dict[str, Any]:
    """A queued draft as a JSON record for offline review (fill in ``decision``)."""
    return {"id": c.id, "run_id": c.run_id, "key": c.key, "item_id": c.item_id, "failure": c.failure, "risk": c.risk,
            "language": c.language, "prompt": c.turns[-1] if c.turns else c.question, "failed_answer": c.rejected,
            "candidate": c.candidate, "score": c.score, "rank": c.rank, "status": c.status,
            "decision": None, "answer": None, "note": ""}


def _check(c: AlignCandidate | None, d: ReviewDecision, run_id: str, redo: bool) -> str | None:
    if c is None or c.run_id != run_id:
        return f"draft {d.id} is not part of the alignment job for run {run_id!r}"
    if c.status == "queued" or (redo and c.status in STATUS.values()):
        return None
    hint = " (use --redo to change a decision)" if c.status in STATUS.values() else ""
    return f"draft {d.id} is {c.status}, not queued for review{hint}"


def _apply(c: AlignCandidate, d: ReviewDecision, reviewer: str) -> None:
    c.status = STATUS[d.decision]
    c.final = (d.answer or "").strip() if d.decision == "rewrite" else (c.candidate if d.decision == "accept" else None)
    c.reviewer = reviewer
    c.reviewed_at = datetime.now(UTC)
    c.review_note = d.note


def decide(store: Store, run_id: str, decision: ReviewDecision, reviewer: str, *, redo: bool = False) -> AlignCandidate:
    """Record one decision (the interactive loop calls this after each answer)."""
    return apply_decisions(store, run_id, [decision], reviewer, redo=redo)[0]


def load_decisions(path: Path) -> list[ReviewDecision]:
    """Decisions from JSONL (one per line) or YAML (a list); every problem names file and line/index."""
    text = read_user_file(path, "decisions file", InputError)
    raw: list[tuple[str, Any]] = []
    if path.suffix.lower() == ".jsonl":
        for n, line in enumerate(text.splitlines(), start=1):
            if line.strip():
                try:
                    raw.append((f"line {n}", json.loads(line)))
                except json.JSONDecodeError as exc:
                    raise InputError(f"{path}: line {n}: invalid JSON ({exc.msg})") from None
    else:
        try:
            doc = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise InputError(f"{path}: invalid YAML: {exc}") from None
        if not isinstance(doc, list):
            raise InputError(f"{path}: expected a list of decisions")
        raw = [(f"[{i}]", r) for i, r in enumerate(doc)]
    out: list[ReviewDecision] = []
    problems: list[str] = []
    undecided = 0
    for where, rec in raw:
        if isinstance(rec, dict):
            # a record without 'id', or without a 'decision' key at all, is not a queue line: it
            # used to be skipped as "undecided", so a file of them applied nothing and exited 0
            missing = [k for k in ("id", "decision") if k not in rec or (k == "id" and rec[k] is None)]
            if missing:
                problems.append(f"{where}: missing {' and '.join(repr(k) for k in missing)}")
                continue
        if isinstance(rec, dict) and rec.get("decision") in (None, "", "skip"):
            undecided += 1
            continue  # an undecided line of a queue export: left in the queue
        if isinstance(rec, dict):
            rec = {k: rec[k] for k in ("id", "decision", "answer", "note") if k in rec and rec[k] is not None}
        try:
            out.append(ReviewDecision.model_validate(rec))
        except ValidationError as exc:
            problems.append(f"{where}: " + "; ".join(f"{'.'.join(map(str, e['loc'])) or 'record'}: {e['msg']}"
                                                    for e in exc.errors()))
    if problems:
        raise InputError(f"{path}: {len(problems)} invalid decision(s): " + " | ".join(problems[:20]))
    if not out:
        raise InputError(f"{path}: no decision to apply ({undecided} record(s) left undecided); "
                         "set 'decision' to accept, rewrite or reject on the lines to decide")
    ids = [d.id for d in out]
    dupes = sorted({i for i in ids if ids.count(i) > 1})
    if dupes:
        raise InputError(f"{path}: more than one decision for draft(s) {', '.join(map(str, dupes))}")
    return out


def apply_decisions(store: Store, run_id: str, decisions: list[ReviewDecision], reviewer: str,
                    *, redo: bool = False) -> list[AlignCandidate]:
    """Apply decisions in one transaction: if any refers to a draft that cannot be decided, none is applied."""
    if not reviewer.strip():
        raise InputError("a review needs a reviewer name (--reviewer)")
    with store.session() as s:
        rows = [(s.get(AlignCandidate, d.id), d) for d in decisions]
        problems = [p for c, d in rows if (p := _check(c, d, run_id, redo)) is not None]
        if problems:
            raise InputError("decisions not applied: " + "; ".join(problems[:20]))
        out = []
        for c, d in rows:
            assert c is not None
            _apply(c, d, reviewer.strip())
            out.append(c)
        return out
