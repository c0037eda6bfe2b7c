"""The gateway with the other modules on one real server: the public complaint form (incidents)
and the standard-answer bank (answers). Labelling and the PII vault: test_gateway_proxy.py;
tripwires opening incidents: test_gateway_keys.py."""

from __future__ import annotations

import httpx
import pytest
from gw_testdata import HARMFUL, TEST_POLICY

from genguard.findings import Direction

COMPLAINT = {"kind": "complaint", "title": "Rude answer", "description": "The assistant insulted me in its answer.",
             "language": "en"}


def test_public_complaint_form_needs_no_key_and_has_its_own_limit(policy_file, gateway_factory, monkeypatch) -> None:
    monkeypatch.setenv("GENGUARD_INCIDENTS_RATE_LIMIT", "2")  # read when the gateway builds the incidents router
    rg = gateway_factory({
        "tiers": {"standard": {"policy": str(policy_file)},
                  "anon": {"policy": str(policy_file), "rate_limit": {"rate": 0.001, "burst": 1}}},
        "anonymous_tier": "anon",
        "auth": {"require_key": True},
        "keys": [{"id": "test", "key": "gg-test-standard"}, {"id": "ops", "key": "gg-ops", "roles": ["staff"]}],
    })
    url = rg.url + "/v1/incidents/submit"
    # keys are required elsewhere ...
    assert httpx.post(rg.url + "/v1/moderations", json={"input": "hi"}).status_code == 401
    # ... but the public form takes anonymous reports; the gateway's own anonymous bucket (burst 1)
    # does not apply there, the form's limiter (2 per minute per address) does
    refs = []
    for _ in range(2):
        r = httpx.post(url, json=COMPLAINT)
        assert r.status_code == 201, r.text
        refs.append(r.json()["ref"])
    r = httpx.post(url, json=COMPLAINT)
    assert r.status_code == 429
    assert r.json()["error"] == "too many submissions from this address" and int(r.headers["retry-after"]) >= 1
    # a bad key on the public path is ignored, not a 401 (a suspended user may still complain)
    assert httpx.post(url, json={}, headers={"authorization": "Bearer nope"}).status_code == 429
    # the gateway's /metrics carries the incidents module's gauges and intake counter too
    metrics = httpx.get(rg.url + "/metrics").text
    assert 'genguard_incidents_open{kind="complaint",severity="moderate",status="received"} 2.0' in metrics, metrics
    assert 'genguard_incidents_intake_total{outcome="accepted"}' in metrics
    # invalid submissions get the form's own reasons
    rg2 = gateway_factory({"auth": {"require_key": True}})
    bad = httpx.post(rg2.url + "/v1/incidents/submit", json={"title": "x"})
    assert bad.status_code == 422 and any("description" in x for x in bad.json()["reasons"])
    # the rest of the incidents API stays staff-only behind the gateway's keys
    assert httpx.get(rg.url + "/v1/incidents").status_code == 401
    assert httpx.get(rg.url + "/v1/incidents", headers={"authorization": "Bearer gg-test-standard"}).status_code == 403
    listed = httpx.get(rg.url + "/v1/incidents", headers={"authorization": "Bearer gg-ops"})
    assert listed.status_code == 200
    assert sorted(x["ref"] for x in listed.json()) == sorted(refs)
    assert {x["channel"] for x in listed.json()} == {"form"}


@pytest.fixture
def bank_policy(write_policy):  # type: ignore[no-untyped-def]
    return write_policy("banked", pre_checks=[{"type": "answer_bank", "directions": ["input"],
                                                "config": {"paths": ["default"], "mode": "answer"}}],
                        detectors=TEST_POLICY["detectors"])


def test_answer_bank_reply_through_the_proxy(stub, bank_policy, gateway_factory) -> None:
    """A question in the bank is answered with the vetted answer by the Guard's pre-check, without
    calling the upstream, and is neither a refusal (finish_reason) nor a strike against the key."""
    url, script = stub
    rg = gateway_factory({"upstreams": {"stub": {"base_url": url}}, "tiers": {"standard": {"policy": str(bank_policy)}},
                          "tripwire": {"spike_count": 1}})
    vetted = rg.gw.default_guard.check("are you an ai", Direction.INPUT)
    assert vetted.answer and vetted.metadata["answer_bank"]["entry_id"] == "en-ai-identity-001"
    client = rg.client()
    resp = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "Are you an AI?"}])
    assert resp.choices[0].message.content == vetted.answer
    assert resp.choices[0].message.content.startswith("Yes - I'm an AI assistant")
    assert resp.choices[0].finish_reason == "stop"
    g = (resp.model_extra or {})["genguard"]
    assert g["input"]["action"] == "refuse" and g["input"]["reasons"][0]["rule"] == "pre_checks.answer_bank"
    stream = client.chat.completions.create(model="m", messages=[{"role": "user", "content": "你是人工智能吗"}], stream=True)
    chunks = list(stream)
    assert "".join(c.choices[0].delta.content or "" for c in chunks if c.choices).startswith("是的，我是一个人工智能助手")
    assert [c.choices[0].finish_reason for c in chunks if c.choices][-1] == "stop"
    assert script.requests == []  # the upstream was never asked
    from genguard.gateway.keys import get_key

    assert get_key(rg.gw.store, "test").strikes == 0  # vetted answers are no strike ...
    client.chat.completions.create(model="m", messages=[{"role": "user", "content": HARMFUL}])
    assert get_key(rg.gw.store, "test").strikes == 1  # ... a harmful request is
    rg.gw.audit.flush()
    from genguard.incidents.registry import list_records

    # and only the harmful request counts towards a category spike (spike_count 1)
    assert [r.risk_codes for r in list_records(rg.gw.store)] == [["A1.4"]]
