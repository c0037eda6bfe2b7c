"""Source ledger: the traceable list of corpus sources, their licences, blacklist and audits.

TC260-003 asks that every training source be traceable (origin, licence, collection) and that a
source failing its audit go on a blacklist with the reason. The ledger is the database record of
that; ``export`` writes it as JSON or CSV for filing.
"""

from __future__ import annotations

import builtins
import csv
import json
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import select

from genguard.corpus.models import CorpusAudit, CorpusSource
from genguard.errors import InputError
from genguard.store import Store, open_store

EXPORT_FIELDS = [
    "name", "origin", "licence", "collected_on", "owner", "notes", "blacklisted", "blacklist_reason",
    "blacklisted_at", "created_at", "updated_at", "last_verdict", "last_audit_at",
]


def _check_date(value: str) -> str:
    if not value:
        return ""
    try:
        return date.fromisoformat(value).isoformat()
    except ValueError:
        raise InputError(f"collection date {value!r} is not an ISO date (YYYY-MM-DD)") from None


def source_name(name: str) -> str:
    """The ledger's form of a source name: surrounding whitespace removed, never empty.

    Every method that takes a name goes through this, so ``add " weibo "`` and ``blacklist
    " weibo"`` reach the same row instead of creating a second, look-alike one.
    """
    name = name.strip()
    if not name:
        raise InputError("source name must not be empty")
    return name


class SourceLedger:
    """CRUD over :class:`CorpusSource` plus audit history."""

    def __init__(self, store: Store | None = None, *, url: str | None = None) -> None:
        self.store = store or open_store(url)

    def add(
        self, name: str, *, origin: str = "", licence: str = "", collected_on: str = "", owner: str = "",
        notes: str = "", update: bool = False,
    ) -> dict[str, Any]:
        """Register a source; re-adding an existing name is an error unless ``update``, and
        ``update`` of a name not in the ledger is an error too (a typo must not add a source)."""
        name = source_name(name)
        fields = {"origin": origin, "licence": licence, "collected_on": _check_date(collected_on),
                  "owner": owner, "notes": notes}
        with self.store.session() as s:
            row = s.scalar(select(CorpusSource).where(CorpusSource.name == name))
            if row is not None and not update:
                raise InputError(f"source {name!r} is already in the ledger (use --update to change it)")
            if row is None and update:
                raise InputError(f"source {name!r} is not in the ledger; add it first (without --update)")
            if row is None:
                row = CorpusSource(name=name, **fields)
                s.add(row)
            else:
                for k, v in fields.items():
                    if v:
                        setattr(row, k, v)
            s.flush()
            return row.to_dict()

    def get(self, name: str) -> dict[str, Any] | None:
        name = source_name(name)
        with self.store.session() as s:
            row = s.scalar(select(CorpusSource).where(CorpusSource.name == name))
            return row.to_dict() if row else None

    def list(self) -> builtins.list[dict[str, Any]]:
        with self.store.session() as s:
            rows = s.scalars(select(CorpusSource).order_by(CorpusSource.name)).all()
            out = [r.to_dict() for r in rows]
            last = self._last_audits(s)
        for r in out:
            verdict, at = last.get(r["name"], ("", ""))
            r["last_verdict"], r["last_audit_at"] = verdict, at
        return out

    def _last_audits(self, s: Any) -> dict[str, tuple[str, str]]:
        q = select(CorpusSource.name, CorpusAudit.verdict, CorpusAudit.created_at).join(
            CorpusAudit, CorpusAudit.source_id == CorpusSource.id
        ).order_by(CorpusAudit.id)
        return {name: (verdict, at.isoformat() if at else "") for name, verdict, at in s.execute(q)}

    def blacklist(self, name: str, reason: str, *, create: bool = False) -> dict[str, Any]:
        """Put a source on the blacklist; the reason is mandatory so the record explains itself."""
        if not reason.strip():
            raise InputError("a blacklist entry needs a reason (--reason)")
        name = source_name(name)
        with self.store.session() as s:
            row = s.scalar(select(CorpusSource).where(CorpusSource.name == name))
            if row is None:
                if not create:
                    raise InputError(f"source {name!r} is not in the ledger; add it first (genguard corpus sources add)")
                row = CorpusSource(name=name)
                s.add(row)
            row.blacklisted = True
            row.blacklist_reason = reason.strip()
            row.blacklisted_at = datetime.now(UTC)
            s.flush()
            return row.to_dict()

    def unblacklist(self, name: str) -> dict[str, Any]:
        name = source_name(name)
        with self.store.session() as s:
            row = s.scalar(select(CorpusSource).where(CorpusSource.name == name))
            if row is None:
                raise InputError(f"source {name!r} is not in the ledger")
            row.blacklisted, row.blacklist_reason, row.blacklisted_at = False, "", None
            s.flush()
            return row.to_dict()

    def blacklisted(self) -> set[str]:
        with self.store.session() as s:
            return set(s.scalars(select(CorpusSource.name).where(CorpusSource.blacklisted.is_(True))))

    def record_audit(self, run_id: str, source: dict[str, Any], *, auto_blacklist: bool = True) -> None:
        """Store one source's audit verdict; a ``blacklist`` verdict blacklists the source.

        The corpus's source name is stored in the ledger's form (:func:`source_name`), so the
        row is the one ``sources add/blacklist`` address; a blank name is kept as it is.
        """
        name = source["source"].strip() or source["source"]
        with self.store.session() as s:
            row = s.scalar(select(CorpusSource).where(CorpusSource.name == name))
            if row is None:
                row = CorpusSource(name=name, notes="registered automatically by corpus audit")
                s.add(row)
                s.flush()
            s.add(CorpusAudit(
                source_id=row.id, run_id=run_id, verdict=source["verdict"], sampled=source["sampled"],
                total=source["total"], harmful_rate=source["harmful_rate"], qualified_rate=source["qualified_rate"],
                summary={k: source[k] for k in ("rates", "reasons", "basis") if k in source},
            ))
            if auto_blacklist and source["verdict"] == "blacklist" and not row.blacklisted:
                row.blacklisted = True
                row.blacklist_reason = "; ".join(source.get("reasons", [])) or "failed corpus audit"
                row.blacklisted_at = datetime.now(UTC)

    def audits(self, name: str) -> builtins.list[dict[str, Any]]:
        name = source_name(name)
        with self.store.session() as s:
            q = select(CorpusAudit).join(CorpusSource).where(CorpusSource.name == name).order_by(CorpusAudit.id)
            return [
                {"run_id": a.run_id, "verdict": a.verdict, "sampled": a.sampled, "total": a.total,
                 "harmful_rate": a.harmful_rate, "qualified_rate": a.qualified_rate, "summary": a.summary}
                for a in s.scalars(q)
            ]

    def export(self, path: Path, fmt: str | None = None) -> int:
        """Write the ledger as JSON (list of objects) or CSV; returns the number of sources."""
        fmt = (fmt or path.suffix.lstrip(".") or "json").lower()
        if fmt not in ("json", "csv"):
            raise InputError(f"unknown export format {fmt!r}; use json or csv")
        rows = self.list()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            if fmt == "json":
                path.write_text(json.dumps(rows, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
            else:
                with path.open("w", encoding="utf-8", newline="") as fh:
                    w = csv.DictWriter(fh, fieldnames=EXPORT_FIELDS)
                    w.writeheader()
                    for r in rows:
                        w.writerow({k: r.get(k, "") for k in EXPORT_FIELDS})
        except OSError as exc:
            raise InputError(f"cannot write the ledger export to {path}: {exc.strerror or exc}") from None
        return len(rows)
