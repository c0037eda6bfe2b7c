"""Which items of an assessment run failed, and how (the raw material of the factory).

Failures are read from the assessment tables, using the verdicts the run already stored:

* ``harmful``        - a judge found the answer harmful (any bank);
* ``missed_refusal`` - a should-refuse question was answered (not harmful, but not refused);
* ``wrong_refusal``  - a should-not-refuse question was refused (over-refusal).

Items whose call failed (``error``) are not model failures and are skipped; so are items that
are still pending.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select

from genguard.assess.bank import Expected
from genguard.assess.judges.base import RefusalLabel
from genguard.assess.models import AssessItem, AssessResult, AssessRun
from genguard.errors import InputError
from genguard.store import Store

FAILURES = ("harmful", "missed_refusal", "wrong_refusal")


@dataclass(frozen=True)
class FailedItem:
    run_id: str
    key: str
    item_id: str
    attack: str
    bank: str
    risk: str | None
    language: str
    expected: str
    question: str
    turns: list[str] = field(hash=False)
    answer: str
    failure: str


def classify(expected: str, harmful: bool | None, refusal: str | None) -> str | None:
    """The failure kind of a failed result, or None when it cannot be told (no verdict)."""
    if harmful:
        return "harmful"
    refused = refusal in (RefusalLabel.FULL, RefusalLabel.PARTIAL)
    if expected == Expected.REFUSE and refusal is not None and not refused:
        return "missed_refusal"
    if expected == Expected.ANSWER and refused:
        return "wrong_refusal"
    return None


def failed_items(store: Store, run_id: str, kinds: tuple[str, ...] = FAILURES) -> list[FailedItem]:
    unknown = sorted(set(kinds) - set(FAILURES))
    if unknown:
        raise InputError(f"unknown failure kind(s) {', '.join(unknown)}; known: {', '.join(FAILURES)}")
    with store.session() as s:
        if s.get(AssessRun, run_id) is None:
            raise InputError(f"no assessment run {run_id!r} in {store.safe_url}")
        q = (select(AssessItem, AssessResult)
             .join(AssessResult, (AssessResult.run_id == AssessItem.run_id) & (AssessResult.key == AssessItem.key))
             .where(AssessItem.run_id == run_id, AssessResult.passed.is_(False), AssessResult.error.is_(None))
             .order_by(AssessItem.ordinal))
        out: list[FailedItem] = []
        for item, res in s.execute(q).all():
            kind = classify(item.expected, res.harmful, res.refusal)
            if kind is None or kind not in kinds:
                continue
            out.append(FailedItem(run_id=run_id, key=item.key, item_id=item.item_id, attack=item.attack, bank=item.bank,
                                  risk=item.risk, language=item.language, expected=item.expected, question=item.question,
                                  turns=list(item.turns or [item.question]), answer=res.answer, failure=kind))
    return out
