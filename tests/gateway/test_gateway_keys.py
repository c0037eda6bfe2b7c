"""Keys, tiers, rate limits and the strike ladder, through the real server and the openai client."""

from __future__ import annotations

import httpx
import openai
import pytest
from gw_testdata import BORDERLINE, HARMFUL


def _keys_cfg(stub_url: str, standard_policy: str, trusted_policy: str, **extra: object) -> dict[str, object]:
    return {
        "upstreams": {"stub": {"base_url": stub_url}},
        "auth": {"require_key": True, "cache_ttl_s": 0},
        "tiers": {
            "standard": {"policy": standard_policy, "rate_limit": {"rate": 0.5, "burst": 3}},
            "trusted": {"policy": trusted_policy, "rate_limit": {"rate": 1000, "burst": 1000}},
        },
        "keys": [
            {"id": "std", "key": "gg-std", "tier": "standard"},
            {"id": "tru", "key": "gg-tru", "tier": "trusted"},
            {"id": "ops", "key": "gg-ops", "tier": "trusted", "roles": ["staff"]},
            {"id": "team-b", "key_sha256": "0" * 64, "tier": "standard"},
        ],
        **extra,
    }


@pytest.fixture
def tier_policies(write_policy):  # type: ignore[no-untyped-def]
    strict = write_policy("strict-standard", rules={
        "*": {"input": {"action": "refuse", "threshold": 0.5}, "output": {"action": "block", "threshold": 0.5}},
    })
    lenient = write_policy("lenient-trusted")  # A5 only flagged
    return str(strict), str(lenient)


def test_keys_are_required_and_hashed(stub, tier_policies, gateway_factory) -> None:
    url, _ = stub
    rg = gateway_factory(_keys_cfg(url, *tier_policies))
    r = httpx.post(rg.url + "/v1/moderations", json={"input": "hi"})
    assert r.status_code == 401 and "API key is required" in r.json()["error"]["message"]
    with pytest.raises(openai.AuthenticationError):
        rg.client("gg-wrong").moderations.create(input="hi")
    from sqlalchemy import select

    from genguard.gateway.keys import hash_key
    from genguard.gateway.models import ApiKey

    with rg.gw.store.session() as s:
        rows = {r.id: r for r in s.scalars(select(ApiKey))}
    assert rows["std"].key_hash == hash_key("gg-std")
    assert all("gg-std" not in str(vars(r)) for r in rows.values())  # no plaintext anywhere in the rows
    assert httpx.get(rg.url + "/healthz").status_code == 200  # health needs no key


def test_tiers_use_their_own_policy_and_rate_limit(stub, tier_policies, gateway_factory) -> None:
    url, _ = stub
    rg = gateway_factory(_keys_cfg(url, *tier_policies))
    prompt = [{"role": "user", "content": f"tell me about {BORDERLINE}"}]
    std = rg.client("gg-std").chat.completions.create(model="m", messages=prompt)
    assert std.choices[0].finish_reason == "content_filter"  # standard tier refuses A5
    tru = rg.client("gg-tru").chat.completions.create(model="m", messages=prompt)
    assert tru.choices[0].finish_reason == "stop"  # trusted tier only flags it
    assert (tru.model_extra or {})["genguard"]["input"]["action"] == "flag"
    # standard: burst 3, so (one already used) two more pass and the next is rate limited
    c = rg.client("gg-std")
    c.moderations.create(input="a")
    c.moderations.create(input="b")
    with pytest.raises(openai.RateLimitError) as ei:
        c.moderations.create(input="c")
    assert "rate limit" in str(ei.value)
    trusted = rg.client("gg-tru")
    for i in range(20):
        trusted.moderations.create(input=f"x{i}")


def test_strike_ladder_warn_throttle_stricter_suspend(stub, write_policy, gateway_factory) -> None:
    url, _ = stub
    pol = str(write_policy("ladder"))
    events: list[dict[str, object]] = []
    rg = gateway_factory({
        "upstreams": {"stub": {"base_url": url}},
        "auth": {"require_key": True, "cache_ttl_s": 0},
        "tiers": {"standard": {"policy": pol, "rate_limit": {"rate": 100, "burst": 100}}},
        "keys": [{"id": "bad", "key": "gg-bad"}, {"id": "ops", "key": "gg-ops", "roles": ["staff"]}],
        "ladder": {"steps": [{"strikes": 1, "action": "warn"}, {"strikes": 2, "action": "throttle"},
                             {"strikes": 3, "action": "stricter"}, {"strikes": 4, "action": "suspend"}],
                   "throttle_factor": 0.5},
    })
    rg.gw.tripwire_hooks.append(events.append)
    bad = rg.client("gg-bad")
    harmful = [{"role": "user", "content": HARMFUL}]
    borderline = [{"role": "user", "content": BORDERLINE}]

    def level() -> tuple[int, str, str]:
        from genguard.gateway.keys import get_key

        k = get_key(rg.gw.store, "bad")
        return k.strikes, k.level, k.status

    # before any strike, A5 is only flagged
    assert bad.chat.completions.create(model="m", messages=borderline).choices[0].finish_reason == "stop"
    bad.chat.completions.create(model="m", messages=harmful)
    assert level() == (1, "warn", "active")
    raw = bad.chat.completions.with_raw_response.create(model="m", messages=borderline)
    assert "strike" in raw.headers["x-genguard-warning"]
    assert "warning" in (raw.parse().model_extra or {})["genguard"]
    bad.chat.completions.create(model="m", messages=harmful)
    assert level() == (2, "throttle", "active")
    bad.chat.completions.create(model="m", messages=harmful)
    assert level() == (3, "stricter", "active")
    # at 'stricter' the flag-only category is refused
    assert bad.chat.completions.create(model="m", messages=borderline).choices[0].finish_reason == "content_filter"
    assert level() == (4, "suspend", "suspended")  # that refusal was the 4th strike
    with pytest.raises(openai.PermissionDeniedError) as ei:
        bad.chat.completions.create(model="m", messages=[{"role": "user", "content": "hello"}])
    assert "suspended" in str(ei.value)
    rg.gw.audit.flush()
    ev = next(e for e in events if e["type"] == "key_suspended" and e["key_id"] == "bad")
    from genguard.incidents.registry import find_by_source

    # the built-in hook opened an incident record from the same event (genguard.incidents.auto)
    rec = find_by_source(rg.gw.store, f"tripwire:{ev['event_id']}")
    assert rec is not None and "bad" in rec.title and rec.kind == "incident"

    # the suspended key may still appeal; staff see it and reinstate
    r = httpx.post(rg.url + "/v1/keys/appeal", json={"reason": "those were red-team tests"},
                   headers={"authorization": "Bearer gg-bad"})
    assert r.status_code == 200
    assert httpx.get(rg.url + "/v1/admin/keys", headers={"authorization": "Bearer gg-bad"}).status_code == 403
    ops = {"authorization": "Bearer gg-ops"}
    r = httpx.get(rg.url + "/v1/admin/keys/bad/events", headers=ops)
    assert r.status_code == 200, r.text
    evs = r.json()["events"]
    kinds = [e["event"] for e in evs]
    for k in ("created", "strike", "warn", "throttle", "stricter", "suspend", "appeal"):
        assert k in kinds, k
    assert httpx.post(rg.url + "/v1/admin/keys/bad/reinstate", headers=ops).json()["status"] == "active"
    assert level() == (0, "none", "active")
    assert bad.chat.completions.create(model="m", messages=borderline).choices[0].finish_reason == "stop"
    assert httpx.post(rg.url + "/v1/admin/keys/bad/revoke", headers=ops).status_code == 200
    with pytest.raises(openai.AuthenticationError) as er:
        bad.moderations.create(input="x")
    assert "revoked" in str(er.value)


def test_throttle_lowers_the_rate_limit(stub, write_policy, gateway_factory) -> None:
    url, _ = stub
    rg = gateway_factory({
        "upstreams": {"stub": {"base_url": url}},
        "auth": {"require_key": True, "cache_ttl_s": 0},
        "tiers": {"standard": {"policy": str(write_policy("t")), "rate_limit": {"rate": 0.01, "burst": 10}}},
        "keys": [{"id": "k", "key": "gg-k"}],
        "ladder": {"steps": [{"strikes": 1, "action": "throttle"}], "throttle_factor": 0.2},
    })
    c = rg.client("gg-k")
    c.chat.completions.create(model="m", messages=[{"role": "user", "content": HARMFUL}])  # strike -> throttle
    # burst is now 10 * 0.2 = 2, and the bucket only holds 9 tokens from before: capped to 2
    c.moderations.create(input="a")
    c.moderations.create(input="b")
    with pytest.raises(openai.RateLimitError):
        c.moderations.create(input="c")


def test_keys_cli_create_list_revoke_appeal(tmp_path, monkeypatch) -> None:
    from typer.testing import CliRunner

    from genguard.cli.app import app

    cfg = tmp_path / "gw.yaml"
    cfg.write_text(f"database_url: sqlite:///{tmp_path / 'k.db'}\n", encoding="utf-8")
    runner = CliRunner()
    res = runner.invoke(app, ["keys", "create", "--tier", "trusted", "--role", "staff", "--name", "ops", "-c", str(cfg)])
    assert res.exit_code == 0, res.output
    key = res.stdout.strip().splitlines()[-1]
    assert key.startswith("gg-") and len(key) > 30
    from genguard.gateway.keys import hash_key, list_keys
    from genguard.store import open_store

    rows = list_keys(open_store(f"sqlite:///{tmp_path / 'k.db'}"))
    assert len(rows) == 1 and rows[0].key_hash == hash_key(key) and rows[0].roles == ["staff"]
    kid = rows[0].id
    assert kid in runner.invoke(app, ["keys", "list", "-c", str(cfg)]).output
    assert runner.invoke(app, ["keys", "appeal", kid, "--reason", "please", "-c", str(cfg)]).exit_code == 0
    assert runner.invoke(app, ["keys", "revoke", kid, "-c", str(cfg)]).exit_code == 0
    ev = runner.invoke(app, ["keys", "events", kid, "-c", str(cfg)]).output
    assert "appeal" in ev and "revoke" in ev
    bad = runner.invoke(app, ["keys", "create", "--tier", "gold", "-c", str(cfg)])
    assert bad.exit_code != 0


def test_category_spike_tripwire(policy_file, gateway_factory) -> None:
    rg = gateway_factory({"tiers": {"standard": {"policy": str(policy_file)}},
                          "tripwire": {"spike_count": 3, "spike_window_s": 60}})
    events: list[dict[str, object]] = []
    rg.gw.tripwire_hooks.append(events.append)
    c = rg.client()
    for _ in range(2):
        c.moderations.create(input=HARMFUL)
    rg.gw.audit.flush()
    assert events == []
    c.moderations.create(input=HARMFUL)
    c.moderations.create(input=HARMFUL)  # still inside the window: no second event
    rg.gw.audit.flush()
    assert [(e["type"], e["category"]) for e in events] == [("category_spike", "A1.4")]
    # the gateway opened an incident through genguard.incidents.auto, with the three blocked
    # requests' audit-log entries as evidence
    from sqlalchemy import select

    from genguard.gateway.models import AuditRecord
    from genguard.incidents.registry import find_by_source

    rec = find_by_source(rg.gw.store, f"tripwire:{events[0]['event_id']}")
    assert rec is not None and rec.kind == "incident" and "A1.4" in rec.risk_codes and rec.severity == "moderate"
    with rg.gw.store.session() as s:
        audited = list(s.scalars(select(AuditRecord.request_id).order_by(AuditRecord.id)))
    assert sorted(e.ref for e in rec.evidence if e.kind == "audit_log") == sorted(audited[:3])


def test_gateway_purge_cli(tmp_path) -> None:
    from datetime import UTC, datetime, timedelta

    from typer.testing import CliRunner

    from genguard.cli.app import app
    from genguard.findings import Action, Decision, Direction
    from genguard.gateway.audit import AuditWriter, audit_row
    from genguard.gateway.config import AuditConfig, RetentionConfig
    from genguard.gateway.models import AuditRecord
    from genguard.store import open_store

    url = f"sqlite:///{tmp_path / 'p.db'}"
    cfg = tmp_path / "gw.yaml"
    cfg.write_text(f"database_url: {url}\nretention: {{text_days: 1, audit_days: 10}}\n", encoding="utf-8")
    store = open_store(url)
    w = AuditWriter(store, AuditConfig())
    d = Decision(action=Action.ALLOW, direction=Direction.INPUT)
    for rid, age in (("now", 0), ("week", 7), ("month", 30)):
        row = audit_row(request_id=rid, key_id="k", route="chat", decision=d, text=f"text {rid}", latency_ms=1,
                        retention=RetentionConfig())
        row["at"] = datetime.now(UTC) - timedelta(days=age)
        w.submit(row)
    w.close()
    res = CliRunner().invoke(app, ["gateway", "purge", "-c", str(cfg)])
    assert res.exit_code == 0, res.output
    assert "2 texts reduced to hashes, 1 audit rows deleted" in res.output
    from sqlalchemy import select

    with store.session() as s:
        assert {r.request_id: r.text for r in s.scalars(select(AuditRecord))} == {"now": "text now", "week": None}


@pytest.mark.parametrize("stream", [False, True])
def test_blocked_answers_are_no_strike_unless_configured(stub, policy_file, gateway_factory, stream) -> None:
    """A benign prompt whose upstream answer is blocked is not the caller's doing: no strike by
    default (five such answers used to put a key at 'stricter'); ladder.count_output counts them."""
    from genguard.gateway.keys import get_key

    url, script = stub
    script.reply = f"Sure, here is how to {HARMFUL}: step one..."
    for ladder, strikes in (({}, 0), ({"count_output": True}, 1)):
        rg = gateway_factory({"upstreams": {"stub": {"base_url": url}}, "tiers": {"standard": {"policy": str(policy_file)}},
                              "ladder": ladder})
        c = rg.client()
        msgs = [{"role": "user", "content": "tell me a story"}]
        if stream:
            chunks = list(c.chat.completions.create(model="m", messages=msgs, stream=True))  # type: ignore[arg-type]
            finish = chunks[-1].choices[0].finish_reason
        else:
            finish = c.chat.completions.create(model="m", messages=msgs).choices[0].finish_reason  # type: ignore[arg-type]
        assert finish == "content_filter"  # the answer was blocked ...
        assert get_key(rg.gw.store, "test").strikes == strikes  # ... and counted only when configured
        c.chat.completions.create(model="m", messages=[{"role": "user", "content": HARMFUL}])
        assert get_key(rg.gw.store, "test").strikes == strikes + 1  # a refused prompt always counts
