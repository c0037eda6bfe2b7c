"""Moderation API: ``POST /v1/moderations`` (OpenAI shape + genguard codes) and
``POST /v1/guard/check`` (full :class:`Decision`, single or batch)."""

from __future__ import annotations

import time
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from fastapi import APIRouter, Request

from genguard.findings import Decision, Direction
from genguard.gateway.body import JSONBodyRoute, check_count
from genguard.gateway.runtime import Gateway, RequestCtx
from genguard.gateway.schemas import GuardCheckRequest, ModerationRequest
from genguard.taxonomy import get_taxonomy

router = APIRouter(tags=["moderation"], route_class=JSONBodyRoute)


@lru_cache(maxsize=1)
def openai_category_map() -> dict[str, list[str]]:
    text = resources.files("genguard.gateway").joinpath("data/openai_categories.yaml").read_text("utf-8")
    data: dict[str, list[str]] = yaml.safe_load(text)
    return data


def _matches(code: str, keys: list[str]) -> bool:
    tax = get_taxonomy()
    return code in keys or (tax.has(code) and tax.class_of(code) in keys)


def moderation_result(d: Decision) -> dict[str, Any]:
    """One OpenAI moderation result, plus our codes/scores under ``genguard``."""
    scores: dict[str, float] = {}
    for f in d.findings:
        scores[f.category] = max(scores.get(f.category, 0.0), round(f.score, 4))
    driving = set(d.categories)
    cats: dict[str, bool] = {}
    cat_scores: dict[str, float] = {}
    for name, keys in openai_category_map().items():
        cats[name] = any(_matches(c, keys) for c in driving)
        cat_scores[name] = max((s for c, s in scores.items() if _matches(c, keys)), default=0.0)
    flagged = d.action.severity >= 1
    return {
        "flagged": flagged,
        "categories": cats,
        "category_scores": cat_scores,
        "category_applied_input_types": {name: ["text"] for name, v in cats.items() if v},
        "genguard": {
            "action": d.action.value,
            "codes": d.categories,
            "scores": scores,
            "language": d.language,
            "answer": d.answer,
            "redacted_text": d.redacted_text,
            "policy": d.policy,
        },
    }


def request_ctx(request: Request) -> tuple[Gateway, RequestCtx]:
    gw: Gateway = request.app.state.gateway
    return gw, gw.new_ctx(getattr(request.state, "gateway_key", None))


@router.post("/v1/moderations", summary="OpenAI-compatible moderation (with genguard codes and scores)")
async def moderations(body: ModerationRequest, request: Request) -> dict[str, Any]:
    gw, ctx = request_ctx(request)
    texts = [body.input] if isinstance(body.input, str) else list(body.input)
    check_count(len(texts), gw.config.limits.max_inputs, "input", "limits.max_inputs")
    decisions = await _check_all(gw, ctx, texts, Direction.INPUT, None)
    for text, d in zip(texts, decisions, strict=True):
        gw.record(ctx, "moderations", d, text, model=body.model)
    _observe(gw, ctx, "moderations")
    return {
        "id": f"modr-{ctx.request_id}",
        "model": body.model or f"genguard-{ctx.guard.policy.name}",
        "results": [moderation_result(d) for d in decisions],
    }


@router.post("/v1/guard/check", summary="Full genguard decision for one text or a batch")
async def guard_check(body: GuardCheckRequest, request: Request) -> dict[str, Any]:
    gw, ctx = request_ctx(request)
    texts = [body.text] if body.text is not None else list(body.texts or [])
    check_count(len(texts), gw.config.limits.max_inputs, "texts", "limits.max_inputs")
    decisions = await _check_all(gw, ctx, texts, body.direction, body.prompt, {"external": True} if body.external else None)
    for text, d in zip(texts, decisions, strict=True):
        gw.record(ctx, "guard_check", d, text)
    _observe(gw, ctx, "guard_check")
    if body.text is not None:
        return {"request_id": ctx.request_id, "decision": decisions[0].model_dump(mode="json")}
    return {"request_id": ctx.request_id, "decisions": [d.model_dump(mode="json") for d in decisions]}


async def _check_all(gw: Gateway, ctx: RequestCtx, texts: list[str], direction: Direction, prompt: str | None,
                     context: dict[str, Any] | None = None) -> list[Decision]:
    t0 = time.perf_counter()
    out: list[Decision] = await gw.run_guard(
        lambda: [ctx.guard.check(t, direction, prompt=prompt, context=context) for t in texts], sum(len(t) for t in texts)
    )
    gw.metrics.guard_latency.labels(direction=direction.value).observe(time.perf_counter() - t0)
    return out


def _observe(gw: Gateway, ctx: RequestCtx, route: str) -> None:
    gw.metrics.latency.labels(route=route).observe(time.perf_counter() - ctx.started)
    gw.metrics.requests.labels(route=route, status="200").inc()
