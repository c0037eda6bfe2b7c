"""Governance records (``genguard.govern``), the output label registry (``genguard.label``) and
the standard-answer banks the running guards use (``genguard.answers``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import func, select

from genguard.govern.models import GateDecisionRow, SelfAssessmentRow
from genguard.label.models import RegistryOutput
from genguard.store import Store


def gate_decisions(store: Store, limit: int = 20) -> list[dict[str, Any]]:
    """Recorded capability-gate decisions, newest first, with each gate's levels."""
    q = select(GateDecisionRow).order_by(GateDecisionRow.id.desc()).limit(limit)
    with store.session() as s:
        out = []
        for row in s.scalars(q):
            p = row.payload or {}
            out.append({"id": row.id, "decided_at": row.decided_at, "decision": row.decision,
                        "continue_development": row.continue_development, "signed_off_by": row.signed_off_by,
                        "results": [{k: r.get(k) for k in ("id", "metric", "value", "run_id", "pre_mitigation",
                                                             "post_mitigation")} for r in p.get("results", [])]})
        return out


def self_assessments(store: Store, limit: int = 20) -> list[dict[str, Any]]:
    """Dated frontier-safety self-assessments, newest first; per-practice totals come with both titles."""
    q = select(SelfAssessmentRow).order_by(SelfAssessmentRow.assessed_on.desc(), SelfAssessmentRow.id.desc()).limit(limit)
    with store.session() as s:
        return [{"id": r.id, "assessed_on": r.assessed_on, "assessor": r.assessor, "total": r.total,
                 "max_total": r.max_total, "ratio": r.total / r.max_total if r.max_total else None,
                 "totals": list((r.payload or {}).get("totals") or [])} for r in s.scalars(q)]


def registry_summary(store: Store, limit: int = 20) -> dict[str, Any]:
    """How many outputs are registered, and the newest ones (fingerprints only: no content is stored)."""
    cols = (RegistryOutput.id, RegistryOutput.created_at, RegistryOutput.producer, RegistryOutput.model,
            RegistryOutput.produce_id, RegistryOutput.n_chars, RegistryOutput.sha256)
    with store.engine.connect() as conn:
        total = int(conn.execute(select(func.count()).select_from(RegistryOutput)).scalar() or 0)
        recent = [dict(r._mapping) for r in conn.execute(select(*cols).order_by(RegistryOutput.id.desc()).limit(limit))]
    return {"total": total, "recent": recent}


def answer_banks(app_state: Any) -> list[dict[str, Any]]:
    """Per gateway tier, the entries of its answer-bank pre-checks (active or not) and their hit counts."""
    from datetime import UTC, datetime

    gw = getattr(app_state, "gateway", None)
    guards = dict(getattr(gw, "guards", {}) or {}) if gw is not None else {}
    if not guards and getattr(app_state, "guard", None) is not None:
        guards = {"default": app_state.guard}
    now = datetime.now(UTC)
    out = []
    for tier, guard in guards.items():
        for pre, directions in guard.pre_checks:
            bank = getattr(pre, "bank", None)
            if getattr(pre, "name", "") != "answer_bank" or bank is None:
                continue
            hits: dict[str, int] = {}
            for h in list(bank.hits):
                hits[h.entry_id] = hits.get(h.entry_id, 0) + 1
            entries = [{"id": e.id, "language": e.language, "risk": e.risk, "question": e.question,
                        "paraphrases": len(e.paraphrases), "answer": e.answer, "owner": e.owner,
                        "valid_to": e.valid_to, "active": e.active(now), "hits": hits.get(e.id, 0)}
                       for e in bank.entries]
            out.append({"tier": tier, "mode": getattr(pre, "mode", ""), "directions": [d.value for d in directions],
                        "paths": [str(p.name) for p in bank.paths], "entries": entries})
    return out
