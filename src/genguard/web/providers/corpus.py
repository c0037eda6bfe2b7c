"""Corpus source ledger and audit history (``genguard.corpus``)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from genguard.corpus.ledger import SourceLedger
from genguard.corpus.models import CorpusAudit, CorpusSource
from genguard.store import Store


def sources(store: Store) -> list[dict[str, Any]]:
    """Every source with its latest audit's verdict and rates."""
    rows = SourceLedger(store).list()
    latest: dict[str, dict[str, Any]] = {}
    for audit in audits(store, limit=1000):
        latest.setdefault(audit["source"], audit)  # newest first
    for r in rows:
        a: dict[str, Any] | None = latest.get(r["name"])
        r["harmful_rate"] = a["harmful_rate"] if a else None
        r["qualified_rate"] = a["qualified_rate"] if a else None
        r["sampled"] = a["sampled"] if a else None
        r["total"] = a["total"] if a else None
    return rows


def audits(store: Store, limit: int = 100) -> list[dict[str, Any]]:
    """Audit verdicts, newest first."""
    q = (select(CorpusAudit, CorpusSource.name).join(CorpusSource, CorpusAudit.source_id == CorpusSource.id)
         .order_by(CorpusAudit.id.desc()).limit(limit))
    with store.session() as s:
        return [{"source": name, "run_id": a.run_id, "verdict": a.verdict, "sampled": a.sampled, "total": a.total,
                 "harmful_rate": a.harmful_rate, "qualified_rate": a.qualified_rate,
                 "reasons": list((a.summary or {}).get("reasons") or []), "created_at": a.created_at}
                for a, name in s.execute(q)]


def blacklisted_count(store: Store) -> int:
    return len(SourceLedger(store).blacklisted())
