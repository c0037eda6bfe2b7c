"""Persist and read gate decisions and self-assessments."""

from __future__ import annotations

from sqlalchemy import select

from genguard.govern.gates import GateDecision
from genguard.govern.models import GateDecisionRow, SelfAssessmentRow
from genguard.govern.selfassess import SelfAssessment
from genguard.store import Store


def record_gate(store: Store, decision: GateDecision, signed_off_by: str) -> int:
    with store.session() as s:
        row = GateDecisionRow(decision=decision.decision, continue_development=decision.continue_development,
                              signed_off_by=signed_off_by, payload=decision.model_dump(mode="json"))
        s.add(row)
        s.flush()
        return int(row.id)


def gate_history(store: Store, limit: int = 20) -> list[GateDecisionRow]:
    with store.session() as s:
        return list(s.scalars(select(GateDecisionRow).order_by(GateDecisionRow.id.desc()).limit(limit)))


def record_self_assessment(store: Store, sa: SelfAssessment) -> int:
    with store.session() as s:
        row = SelfAssessmentRow(assessed_on=sa.date, assessor=sa.assessor, total=sa.total, max_total=sa.max_total,
                                payload=sa.model_dump(mode="json"))
        s.add(row)
        s.flush()
        return int(row.id)


def self_assessments(store: Store) -> list[SelfAssessment]:
    with store.session() as s:
        rows = s.scalars(select(SelfAssessmentRow).order_by(SelfAssessmentRow.assessed_on, SelfAssessmentRow.id))
        return [SelfAssessment.model_validate(r.payload) for r in rows]
