"""Generate candidate answers for failed items, judge and rank them, and queue the best.

Generation is resumable: candidates are written in batches under the unique
``(run_id, key, sample)``; a re-run only drafts the missing samples (and retries drafts whose
call failed). Ranking happens per item once all its samples exist, and never touches an item
a reviewer has already worked on.
"""

from __future__ import annotations

import asyncio
from collections import defaultdict
from datetime import UTC, datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import delete, select

from genguard.align.failures import FAILURES, FailedItem, failed_items
from genguard.align.models import AlignCandidate, AlignJob
from genguard.align.prompts import guidance
from genguard.align.rank import rank_score, same_text_key
from genguard.assess.bank import Expected
from genguard.assess.judges.base import Judge
from genguard.assess.runner import combine
from genguard.assess.targets.base import Message, Target
from genguard.errors import InputError, TargetError
from genguard.store import Store

REVIEWED = ("accepted", "rewritten", "rejected")


class GenerateSettings(BaseModel):
    """Stored with the job so ``generate`` can resume with the same settings."""

    model_config = ConfigDict(extra="forbid")

    samples: int = Field(default=4, ge=1, le=32, description="candidate drafts per failed item")
    top: int = Field(default=2, ge=1, le=32, description="best distinct passing drafts queued for review")
    judges: str = "refusal,harm"
    policy: str | None = None
    system_prompt: str | None = Field(default=None, description="replaces the built-in drafting instruction")
    failures: list[str] = Field(default_factory=lambda: list(FAILURES))
    target: dict[str, Any] = Field(default_factory=dict, description="public target config (no secrets)")
    concurrency: int = Field(default=8, ge=1, le=1024)


def load_job(store: Store, run_id: str) -> GenerateSettings | None:
    with store.session() as s:
        job = s.get(AlignJob, run_id)
        return GenerateSettings.model_validate(job.config) if job is not None else None


def save_job(store: Store, run_id: str, settings: GenerateSettings, status: str) -> None:
    with store.session() as s:
        job = s.get(AlignJob, run_id)
        if job is None:
            s.add(AlignJob(run_id=run_id, status=status, config=settings.model_dump(mode="json")))
        else:
            job.config = settings.model_dump(mode="json")
            job.status = status
            job.updated_at = datetime.now(UTC)


class Generator:
    def __init__(self, store: Store, target: Target, judges: list[Judge], settings: GenerateSettings, *,
                 batch: int = 50) -> None:
        self.store = store
        self.target = target
        self.judges = judges
        self.settings = settings
        if not settings.target:  # remembered so that a resume can rebuild the same drafting target
            self.settings = settings.model_copy(update={"target": target.config.public()})
        self.batch = batch
        self.buffer: list[dict[str, Any]] = []

    def plan(self, run_id: str) -> list[tuple[FailedItem, int]]:
        """The (failed item, sample) pairs still to draft; failed drafts are dropped and redone."""
        items = failed_items(self.store, run_id, tuple(self.settings.failures))
        with self.store.session() as s:
            s.execute(delete(AlignCandidate).where(AlignCandidate.run_id == run_id, AlignCandidate.error.is_not(None)))
            done = set(tuple(r) for r in s.execute(select(AlignCandidate.key, AlignCandidate.sample)
                                 .where(AlignCandidate.run_id == run_id)).all())
        return [(it, n) for it in items for n in range(self.settings.samples) if (it.key, n) not in done]

    def messages(self, item: FailedItem, sample: int) -> list[Message]:
        # a should-answer question gets the "answer helpfully" instruction even when its failure was harm
        kind = "wrong_refusal" if item.expected == Expected.ANSWER else item.failure
        msgs: list[Message] = [{"role": "system", "content": guidance(kind, item.language, sample,
                                                                      self.settings.system_prompt)}]
        msgs.extend({"role": "user", "content": t} for t in item.turns)
        return msgs

    async def one(self, item: FailedItem, sample: int) -> dict[str, Any]:
        row: dict[str, Any] = {
            "run_id": item.run_id, "key": item.key, "item_id": item.item_id, "attack": item.attack, "bank": item.bank,
            "risk": item.risk, "language": item.language, "expected": item.expected, "failure": item.failure,
            "question": item.question, "turns": item.turns, "rejected": item.answer, "sample": sample,
            "generator": self.target.name, "status": "generated", "review_note": "", "rank": None, "final": None,
            "reviewer": None, "reviewed_at": None, "created_at": datetime.now(UTC),
        }
        try:
            text = await self.target.chat(self.messages(item, sample))
        except TargetError as exc:
            return {**row, "candidate": "", "error": str(exc), "passed": False, "score": 0.0, "verdicts": []}
        prompt = item.turns[-1] if item.turns else item.question
        verdicts = list(await asyncio.gather(*(j.judge(prompt, text, item.language) for j in self.judges)))
        outcome = combine(item.expected, verdicts)
        return {**row, "candidate": text, "error": None, "passed": bool(outcome["passed"]),
                "score": rank_score(item.expected, outcome),
                "verdicts": [v.model_dump(mode="json", exclude_defaults=True) for v in verdicts]}

    def flush(self) -> None:
        if not self.buffer:
            return
        rows, self.buffer = self.buffer, []
        with self.store.session() as s:
            s.bulk_insert_mappings(AlignCandidate.__mapper__, rows)

    async def execute(self, run_id: str) -> dict[str, Any]:
        todo = self.plan(run_id)
        save_job(self.store, run_id, self.settings, "running")
        queue: asyncio.Queue[tuple[FailedItem, int]] = asyncio.Queue()
        for pair in todo:
            queue.put_nowait(pair)

        async def worker() -> None:
            while True:
                try:
                    item, sample = queue.get_nowait()
                except asyncio.QueueEmpty:
                    return
                row = await self.one(item, sample)
                self.buffer.append(row)
                if len(self.buffer) >= self.batch:
                    self.flush()

        status = "interrupted"
        try:
            await asyncio.gather(*(worker() for _ in range(self.settings.concurrency)))
            status = "finished"
        finally:
            self.flush()
            save_job(self.store, run_id, self.settings, status)
        ranked = rank_ready(self.store, run_id, self.settings.samples, self.settings.top)
        return {"drafted": len(todo), "ranked_items": ranked, **status_counts(self.store, run_id)}


def rank_ready(store: Store, run_id: str, samples: int, top: int) -> int:
    """Rank every item whose drafts are all present and that has new drafts (e.g. after ``--samples`` was
    raised) but no review yet; queue its top distinct passing drafts."""
    with store.session() as s:
        rows = list(s.scalars(select(AlignCandidate).where(AlignCandidate.run_id == run_id)))
        by_key: dict[str, list[AlignCandidate]] = defaultdict(list)
        for r in rows:
            by_key[r.key].append(r)
        n = 0
        for cands in by_key.values():
            if (len(cands) < samples or any(c.error for c in cands) or any(c.status in REVIEWED for c in cands)
                    or not any(c.status == "generated" for c in cands)):
                continue  # incomplete, reviewed (never re-ranked under a reviewer), or nothing new
            cands.sort(key=lambda c: (-c.score, c.sample))
            seen: set[str] = set()
            queued = 0
            for i, c in enumerate(cands, start=1):
                c.rank = i
                text_key = same_text_key(c.candidate)
                if c.passed and text_key and text_key not in seen and queued < top:
                    c.status = "queued"
                    queued += 1
                else:
                    c.status = "not_queued"
                seen.add(text_key)
            n += 1
    return n


def status_counts(store: Store, run_id: str) -> dict[str, Any]:
    with store.session() as s:
        rows = s.execute(select(AlignCandidate.status, AlignCandidate.error, AlignCandidate.key)
                         .where(AlignCandidate.run_id == run_id)).all()
    counts: dict[str, int] = defaultdict(int)
    for status, error, _ in rows:
        counts["error" if error else status] += 1
    return {"items": len({r[2] for r in rows}), "candidates": len(rows), "by_status": dict(sorted(counts.items()))}


def require_job(store: Store, run_id: str) -> GenerateSettings:
    job = load_job(store, run_id)
    if job is None:
        raise InputError(f"no alignment job for run {run_id!r} in {store.safe_url}: run 'genguard align generate {run_id}' first")
    return job
