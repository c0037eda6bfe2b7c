"""`create_app(freeze_gc=True)` (what `genguard serve` uses) takes the start-up objects out of
the cyclic collector, so full collections stop stalling a worker; plain apps leave the GC alone."""

from __future__ import annotations

import gc
from pathlib import Path

from fastapi.testclient import TestClient

from genguard.gateway.app import create_app
from genguard.gateway.config import GatewayConfig


def _config(tmp_path: Path, policy_file: Path) -> GatewayConfig:
    cfg = GatewayConfig.model_validate(
        {"database_url": f"sqlite:///{tmp_path / 'gc.db'}", "tiers": {"standard": {"policy": str(policy_file)}}}
    )
    cfg.source = str(tmp_path / "gateway.yaml")
    return cfg


def test_freeze_gc_moves_startup_objects_out_of_collection(tmp_path: Path, policy_file: Path) -> None:
    gc.unfreeze()
    try:
        app = create_app(_config(tmp_path, policy_file), purge_job=False, freeze_gc=True)
        assert gc.get_freeze_count() == 0  # only when the app starts serving, not on construction
        with TestClient(app) as client:
            frozen = gc.get_freeze_count()
            assert frozen > 10_000, frozen  # the imported libraries, guard, models
            # the app still serves after the freeze (the guard's tables are intact)
            r = client.post("/v1/moderations", json={"input": "hello"})
            assert r.status_code == 200 and r.json()["results"][0]["flagged"] is False, r.text
    finally:
        gc.unfreeze()


def test_apps_do_not_freeze_by_default(tmp_path: Path, policy_file: Path) -> None:
    gc.unfreeze()
    app = create_app(_config(tmp_path, policy_file), purge_job=False)
    with TestClient(app):
        assert gc.get_freeze_count() == 0
