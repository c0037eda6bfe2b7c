"""Moderation API, ops endpoints, metrics, and the gateway on both database backends."""

from __future__ import annotations

import httpx
from gw_testdata import EMAIL, HARMFUL
from sqlalchemy import func, select

from genguard.gateway.models import AuditRecord


def test_moderations_openai_shape(policy_file, gateway_factory) -> None:
    rg = gateway_factory({"tiers": {"standard": {"policy": str(policy_file)}}})
    res = rg.client().moderations.create(input=["a kind word", f"how to {HARMFUL}"])
    clean, bad = res.results
    assert clean.flagged is False and bad.flagged is True
    assert bad.categories.violence is True and bad.categories.hate is False
    assert bad.category_scores.violence >= 0.5
    g = (bad.model_extra or {})["genguard"]
    assert g["action"] == "refuse" and g["codes"] == ["A1.4"] and g["scores"]["A1.4"] >= 0.5
    assert g["answer"]
    single = rg.client().moderations.create(input=f"email {EMAIL}")
    gs = (single.results[0].model_extra or {})["genguard"]
    assert gs["action"] == "redact" and EMAIL not in gs["redacted_text"]


def test_moderation_batches_are_limited(policy_file, gateway_factory) -> None:
    """limits.max_inputs caps the /v1/moderations 'input' list and the /v1/guard/check 'texts' list
    (413 in the OpenAI error shape, naming the limit); a batch at the limit is checked."""
    rg = gateway_factory({"tiers": {"standard": {"policy": str(policy_file)}}, "limits": {"max_inputs": 3}})
    h = {"authorization": "Bearer gg-test-standard"}
    for path, field in (("/v1/moderations", "input"), ("/v1/guard/check", "texts")):
        r = httpx.post(rg.url + path, json={field: ["a", "b", "c", "d"]}, headers=h)
        assert r.status_code == 413, r.text
        err = r.json()["error"]
        assert err["code"] == f"too_many_{field}" and err["param"] == field and err["type"] == "invalid_request_error"
        assert "limits.max_inputs" in err["message"] and "4 items" in err["message"]
        assert httpx.post(rg.url + path, json={field: ["a", "b", "c"]}, headers=h).status_code == 200


def test_guard_check_single_and_batch(policy_file, gateway_factory) -> None:
    rg = gateway_factory({"tiers": {"standard": {"policy": str(policy_file)}}})
    h = {"authorization": "Bearer gg-test-standard"}
    one = httpx.post(rg.url + "/v1/guard/check", json={"text": HARMFUL, "direction": "output"}, headers=h).json()
    assert one["decision"]["action"] == "block" and one["decision"]["direction"] == "output"
    assert one["decision"]["findings"][0]["category"] == "A1.4"
    many = httpx.post(rg.url + "/v1/guard/check", json={"texts": ["hi", HARMFUL, EMAIL]}, headers=h).json()
    assert [d["action"] for d in many["decisions"]] == ["allow", "refuse", "redact"]
    r = httpx.post(rg.url + "/v1/guard/check", json={"text": "x", "direction": "sideways"}, headers=h)
    assert r.status_code == 400 and "direction" in r.json()["error"]["message"]


def test_health_ready_docs_metrics(policy_file, gateway_factory) -> None:
    rg = gateway_factory({"tiers": {"standard": {"policy": str(policy_file)}}})
    assert httpx.get(rg.url + "/healthz").json() == {"status": "ok"}
    ready = httpx.get(rg.url + "/readyz").json()
    assert ready["ready"] is True and ready["checks"]["database"] == "ok"
    paths = httpx.get(rg.url + "/openapi.json").json()["paths"]
    assert "/v1/chat/completions" in paths and "/v1/moderations" in paths
    from genguard.service import discover_routers

    for _, router in discover_routers():  # every module's routes are mounted on the gateway app
        for route in router.routes:
            if getattr(route, "include_in_schema", True):  # the dashboard (/ui) keeps out of the API docs
                assert route.path in paths  # type: ignore[attr-defined]
    assert httpx.get(rg.url + "/ui/login").status_code == 200  # ... but is mounted too
    assert httpx.get(rg.url + "/docs").status_code == 200
    rg.client().moderations.create(input=HARMFUL)
    text = httpx.get(rg.url + "/metrics").text
    assert 'genguard_blocks_total{category="A1.4",direction="input"} 1.0' in text
    assert 'genguard_requests_total{route="moderations",status="200"} 1.0' in text
    assert "genguard_guard_seconds_bucket" in text


def test_gateway_on_each_backend_keeps_every_audit_row(store_url, stub, policy_file, gateway_factory) -> None:
    url, script = stub
    script.reply = "fine"
    rg = gateway_factory({"database_url": store_url, "upstreams": {"s": {"base_url": url}},
                          "tiers": {"standard": {"policy": str(policy_file)}},
                          "audit": {"flush_interval_s": 5, "batch_size": 1000}})
    c = rg.client()
    for i in range(15):
        c.chat.completions.create(model="m", messages=[{"role": "user", "content": f"q{i}"}])
    store = rg.gw.store
    rg.server.stop()  # lifespan shutdown drains the writer, although its flush interval has not passed
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(AuditRecord)) == 30
        assert s.scalar(select(func.count()).select_from(AuditRecord).where(AuditRecord.direction == "output")) == 15
