"""The registry router on a real uvicorn server on 127.0.0.1 (bare FastAPI app with the gateway's state)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import uvicorn
from fastapi import FastAPI, Request
from sqlalchemy import func, select

from genguard.label.api import router
from genguard.label.models import RegistryOutput
from genguard.label.registry import OutputRegistry, fingerprint
from genguard.service import Principal
from genguard.store import open_store

TEXT = "The registry answers whether a passage was produced here, without keeping the passage at all. " * 3


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[str, OutputRegistry]]:
    store = open_store(f"sqlite:///{tmp_path / 'api.db'}")
    app = FastAPI()
    app.state.store = store

    @app.middleware("http")
    async def auth(request: Request, call_next):  # type: ignore[no-untyped-def]
        key = request.headers.get("authorization", "")
        if key == "Bearer staff":
            request.state.principal = Principal("k1", roles=frozenset({"staff"}))
        elif key == "Bearer user":
            request.state.principal = Principal("k2")
        return await call_next(request)

    app.include_router(router)
    port = _free_port()
    srv = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=srv.run, daemon=True)
    thread.start()
    for _ in range(100):
        if srv.started:
            break
        time.sleep(0.05)
    yield f"http://127.0.0.1:{port}", OutputRegistry(store)
    srv.should_exit = True
    thread.join(timeout=5)
    store.dispose()


def test_lookup_public_and_record_staff_only(server: tuple[str, OutputRegistry]) -> None:
    base, reg = server
    with httpx.Client(base_url=base) as c:
        assert c.post("/v1/registry/lookup", json={"text": TEXT}).json()["produced_here"] is False
        assert c.post("/v1/registry/record", json={"text": TEXT, "producer": "p"}).status_code == 401
        assert c.post("/v1/registry/record", json={"text": TEXT, "producer": "p"}, headers={"authorization": "Bearer user"}).status_code == 403
        r = c.post("/v1/registry/record", json={"text": TEXT, "producer": "gg", "model": "m1"}, headers={"authorization": "Bearer staff"})
        assert r.status_code == 200
        pid = r.json()["produce_id"]
        with reg.store.session() as s:
            before = s.execute(select(func.count()).select_from(RegistryOutput)).scalar_one()

        hit = c.post("/v1/registry/lookup", json={"text": TEXT}).json()
        assert hit["produced_here"] and hit["exact"][0]["produce_id"] == pid and hit["exact"][0]["model"] == "m1"
        near = c.post("/v1/registry/lookup", json={"text": TEXT.replace("passage was", "passage is", 1)}).json()
        assert near["produced_here"] and not near["exact"] and near["near"][0]["produce_id"] == pid
        fp = fingerprint(TEXT)
        by_fp = c.post("/v1/registry/lookup", json={"sha256": fp.sha256}).json()
        assert by_fp["exact"][0]["produce_id"] == pid

        bad = c.post("/v1/registry/lookup", json={"simhash": "zz"})
        assert bad.status_code == 422 and "simhash" in bad.json()["detail"]
        assert c.post("/v1/registry/lookup", json={}).status_code == 422
        assert c.post("/v1/registry/lookup", json={"text": "x", "max_distance": 20}).status_code == 422
    with reg.store.session() as s:  # lookups never store anything
        assert s.execute(select(func.count()).select_from(RegistryOutput)).scalar_one() == before == 1
