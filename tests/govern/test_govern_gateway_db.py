"""Clause 7-d reads the gateway's audit rows from the database its config names, not the pack's --db."""

from __future__ import annotations

from pathlib import Path

import yaml

from genguard.gateway.models import AuditRecord
from genguard.govern.evidence import EvidenceContext, collect
from genguard.govern.tc260 import evaluate_pack
from genguard.store import open_store


def test_gateway_audit_is_read_from_the_gateway_database(tmp_path: Path) -> None:
    gw_url = f"sqlite:///{tmp_path / 'gw.db'}"
    gw = open_store(gw_url)
    with gw.session() as s:
        s.add_all(AuditRecord(request_id=f"r{i}", route="/v1/chat/completions", direction="input", action="allow")
                  for i in range(3))
    gw.dispose()
    cfg = tmp_path / "gw.yaml"
    cfg.write_text(yaml.safe_dump({"database_url": gw_url, "retention": {"mode": "full", "text_days": 30, "audit_days": 365},
                                   "audit": {"enabled": True}}), encoding="utf-8")
    pack_store = open_store(f"sqlite:///{tmp_path / 'pack.db'}")
    ev = collect(EvidenceContext(store=pack_store, gateway_config=str(cfg)), ["gateway.audit"])["gateway.audit"]
    assert ev.value["records"] == 3 and "gw.db" in ev.source and ev.value["database"].endswith("gw.db")
    assert {r.id: r for r in evaluate_pack({"gateway.audit": ev})}["7-d"].verdict == "met"
