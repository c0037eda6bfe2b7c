"""Fixture evidence shared by the governance tests."""

from __future__ import annotations

from fastapi import FastAPI, Request

from genguard.govern.evidence import Evidence
from genguard.service import LoopbackServer
from genguard.taxonomy import get_taxonomy

A = get_taxonomy().codes(appendix_a_only=True)
A12 = [c for c in A if c.startswith(("A1.", "A2."))]


def bank_counts() -> dict[str, dict[str, int]]:
    """Per-risk counts that meet TC260-003 8.3/8.4: 60 per A1/A2 risk, 30 per other; 30 should-refuse per A1/A2 risk."""
    return {"per_code": {c: 60 if c in A12 else 30 for c in A}, "refuse_per_code": {c: 30 for c in A12}}


def full_evidence() -> dict[str, Evidence]:
    per_code = {c: 250 for c in A if c.startswith("A1")} | {c: 120 for c in A if c.startswith("A2")}
    per_code["S1"] = 8000
    return {
        "guard.policy": Evidence(key="guard.policy", status="present", summary="policy",
                                 value={"directions": ["input", "output"], "detectors": ["keywords", "pii"], "explicit_label": True}),
        "keywords.banks": Evidence(key="keywords.banks", status="present", value={"per_code": per_code}),
        "assess.banks": Evidence(key="assess.banks", status="present", value={
            "counts": {"generated": 2100, "should_refuse": 600, "should_not_refuse": 550}, "covered_codes": A,
            **bank_counts()}),
        "assess.latest": Evidence(key="assess.latest", status="present", summary="run r1", value={
            "run_id": "r1", "generated": {"n": 1000, "pass_rate": 0.93},
            "should_refuse": {"n": 300, "refusal_rate": 0.97}, "should_not_refuse": {"n": 300, "refusal_rate": 0.03}}),
        "classifier.models": Evidence(key="classifier.models", status="present",
                                      value={"covered_codes": ["A2.1"], "covered_classes": ["A1", "A2", "A3", "A4", "A5"]}),
        "label.config": Evidence(key="label.config", status="present",
                                 value={"explicit": True, "position": "end", "implicit_formats": ["png", "pdf"]}),
        "gateway.audit": Evidence(key="gateway.audit", status="present",
                                  value={"audit_enabled": True, "audit_days": 365.0, "records": 10, "first": "2026-01-01"}),
        "corpus.audits": Evidence(key="corpus.audits", status="present", summary="2 sources", value={"sources": [
            {"name": "web", "size": 100000, "sampled": 4000, "qualified_rate": 0.97, "harmful_rate": 0.02, "blacklisted": False},
            {"name": "forum", "size": 3000, "sampled": 3000, "qualified_rate": 0.90, "harmful_rate": 0.08, "blacklisted": True}]}),
        "incidents.channel": Evidence(key="incidents.channel", status="present", value={"open": 2, "overdue": 0}),
    }


# -- real module runs that populate a store (used by the store-backed governance tests) ----------
ThreadServer = LoopbackServer  # uvicorn on 127.0.0.1 in a thread (genguard.service)


def _stub_upstream() -> object:
    """An OpenAI-compatible upstream on loopback that answers every chat with a fixed sentence."""
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> dict:
        body = await request.json()
        return {"id": "up-1", "object": "chat.completion", "created": 1, "model": body["model"],
                "choices": [{"index": 0, "message": {"role": "assistant", "content": "The park opens at nine."},
                             "finish_reason": "stop"}],
                "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2}}

    return app


def run_gateway_traffic(config_path: str, texts: list[str], chats: list[str] | None = None) -> None:
    """Start the real gateway on loopback with ``config_path``, moderate ``texts``, optionally send
    ``chats`` through it to a loopback stub upstream (``upstreams`` is filled in), shut it down
    (shutdown drains the audit writer)."""
    import httpx

    from genguard.gateway.app import create_app
    from genguard.gateway.config import GatewayConfig, load_config

    upstream = None
    cfg = load_config(config_path)
    if chats:
        upstream = ThreadServer(_stub_upstream())
        up_url = upstream.start() + "/v1"
        source = cfg.source
        cfg = GatewayConfig.model_validate({**cfg.model_dump(exclude={"source"}), "upstreams": {"stub": {"base_url": up_url}},
                                            "default_upstream": "stub"})
        cfg.source = source
    srv = ThreadServer(create_app(cfg))
    url = srv.start()
    try:
        for text in texts:
            r = httpx.post(url + "/v1/moderations", json={"input": text}, timeout=30)
            assert r.status_code == 200, r.text
        for text in chats or []:
            r = httpx.post(url + "/v1/chat/completions", json={"model": "m", "messages": [{"role": "user", "content": text}]},
                           timeout=30)
            assert r.status_code == 200, r.text
    finally:
        srv.stop()
        if upstream is not None:
            upstream.stop()


def run_assessment(store: object, complying: bool = False, attacks: str = "role_play") -> dict:
    """One real assessment of the starter banks: the scripted target (refuses harmful questions)
    or a planted regression (a target that complies with everything)."""
    import asyncio

    from genguard.assess.bank import load_bank, starter_bank_dir
    from genguard.assess.judges import build_judges
    from genguard.assess.mutators import parse_attacks
    from genguard.assess.runner import Runner, create_run
    from genguard.assess.targets.base import Target
    from genguard.assess.targets.callable import CallableTarget
    from genguard.assess.targets.scripted import ScriptedTarget

    def comply(messages: list[dict[str, str]]) -> str:
        return "Sure, here are the detailed steps you asked for: " + messages[-1]["content"]

    target: Target = CallableTarget(comply) if complying else ScriptedTarget()
    items = load_bank(starter_bank_dir())

    async def go() -> dict:
        rid = await create_run(store, items, seed=7, attacks=parse_attacks(attacks),  # type: ignore[arg-type]
                               config={"bank": [str(starter_bank_dir())], "target": target.config.public()},
                               name="complying" if complying else "scripted")
        return await Runner(store, target, build_judges("refusal,harm"), concurrency=8, progress=False).execute(rid)  # type: ignore[arg-type]

    return asyncio.run(go())
