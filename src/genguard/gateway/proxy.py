"""``POST /v1/chat/completions``: check the prompt, pseudonymise PII, forward, check the answer.

A refused prompt never reaches the upstream: the client gets an ordinary ``chat.completion``
whose message is the standard answer (finish_reason ``content_filter``). Every response carries
a ``genguard`` field with the decisions, so OpenAI clients keep working and tools can read more.
"""

from __future__ import annotations

import time
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, Response, StreamingResponse
from pydantic import ValidationError

from genguard.findings import Action, Decision, Direction
from genguard.gateway.body import BodyError, check_count, load_json_body, read_body
from genguard.gateway.errors import error_response
from genguard.gateway.labels import add_label
from genguard.gateway.runtime import Gateway, RequestCtx, decision_summary, is_vetted_answer
from genguard.gateway.schemas import ChatCompletionRequest
from genguard.gateway.sse import stream_answer, stream_refusal
from genguard.gateway.upstream import UpstreamError

router = APIRouter(tags=["proxy"])

CHECKED_ROLES = ("user", "tool", "function")


def headers_for(ctx: RequestCtx) -> dict[str, str]:
    h = {"x-genguard-request-id": ctx.request_id}
    if ctx.warning:
        h["x-genguard-warning"] = ctx.warning
    return h


def completion(model: str, ctx: RequestCtx, content: str, finish: str, genguard: dict[str, Any]) -> dict[str, Any]:
    return {
        "id": f"chatcmpl-{ctx.request_id}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": content}, "finish_reason": finish, "logprobs": None}
        ],
        "usage": {"prompt_tokens": 0, "completion_tokens": 0, "total_tokens": 0},
        "genguard": genguard,
    }


async def _parse(request: Request) -> tuple[dict[str, Any], ChatCompletionRequest] | JSONResponse:
    limits = request.app.state.gateway.config.limits
    try:
        raw = load_json_body(await read_body(request))
        if isinstance(raw, dict) and isinstance(raw.get("messages"), list):
            # before validation: every message is checked, and each check holds the event loop
            check_count(len(raw["messages"]), limits.max_messages, "messages", "limits.max_messages")
    except BodyError as exc:
        return exc.response()
    if not isinstance(raw, dict):
        return error_response(400, "request body must be a JSON object", code="invalid_body")
    try:
        body = ChatCompletionRequest.model_validate(raw)
    except ValidationError as exc:
        err = exc.errors()[0]
        loc = ".".join(str(p) for p in err["loc"]) or "(body)"
        msg = str(err["msg"]).removeprefix("Value error, ")
        return error_response(400, f"invalid request: '{loc}': {msg}", code="invalid_request", param=loc)
    return raw, body


@router.post("/v1/chat/completions", summary="Guarded OpenAI-compatible chat completions proxy")
async def chat_completions(request: Request) -> Response:
    gw: Gateway = request.app.state.gateway
    ctx = gw.new_ctx(getattr(request.state, "gateway_key", None))
    parsed = await _parse(request)
    if isinstance(parsed, JSONResponse):
        gw.metrics.requests.labels(route="chat", status=str(parsed.status_code)).inc()
        return parsed
    raw, body = parsed
    raw.pop("genguard", None)  # the gateway's own options (validated in body.genguard) are not forwarded
    candidates = gw.config.rejection_sampling.candidates
    if body.genguard is not None and body.genguard.candidates is not None:
        candidates = body.genguard.candidates
    if body.stream and (body.n or 1) > 1:
        return error_response(400, "stream with n > 1 is not supported by the gateway (moderation is per answer)",
                              code="unsupported", param="n")
    target = gw.route_for(body.model, ctx.key)
    if target is None:
        gw.metrics.requests.labels(route="chat", status="503").inc()
        return error_response(503, "no upstream configured: this gateway serves the moderation API only "
                                   "(add 'upstreams' to the gateway config to proxy chat completions)",
                              code="no_upstream")
    upstream, upstream_model = target

    # 1. check every user/tool message, and the system/developer/assistant messages the config
    # names (the client writes those too); the most severe decision settles the input
    instruction_roles = gw.config.messages.instruction_roles
    checked = [(i, m.text()) for i, m in enumerate(body.messages)
               if (m.role in CHECKED_ROLES or m.role in instruction_roles) and m.text()]
    decisions: list[tuple[int, str, Decision]] = []
    last = len(body.messages) - 1
    for i, text in checked:
        # the role tells detectors whether this is the user's own text or third-party content;
        # only the final user message is a question awaiting an answer: the others are history
        # (or tool results), checked by the detectors alone and checked once per conversation
        role = body.messages[i].role
        if role in CHECKED_ROLES:
            d = await gw.check(ctx, text, Direction.INPUT, context={"role": role},
                               history=not (i == last and role == "user"))
        else:
            d = await gw.check_instruction(ctx, text, role)
        decisions.append((i, text, d))
        gw.record(ctx, "chat", d, text, model=body.model)
    worst = max((d for _, _, d in decisions), key=lambda d: d.action.severity, default=None)
    # the answer is checked against the user's (or tool's) last words, not a system prompt
    prompt = next((text for i, text in reversed(checked) if body.messages[i].role in CHECKED_ROLES), "")
    guard_info: dict[str, Any] = {"request_id": ctx.request_id, "input": decision_summary(worst), "output": None}
    if ctx.warning:
        guard_info["warning"] = ctx.warning
    policy = ctx.guard.policy
    if worst is not None and worst.blocked:
        await gw.strike(ctx, worst)
        answer = add_label(worst.answer or "", policy, worst.language)
        # a vetted answer (answer bank) replies to the question; anything else is a refusal
        finish = "stop" if is_vetted_answer(worst) else "content_filter"
        _observe(gw, ctx, "chat", 200)
        if body.stream:
            return StreamingResponse(stream_refusal(ctx, body.model, answer, guard_info, finish),
                                     media_type="text/event-stream", headers=headers_for(ctx))
        return JSONResponse(completion(body.model, ctx, answer, finish, guard_info), headers=headers_for(ctx))

    # 2. pseudonymise what the policy redacts (restored in the answer through the vault)
    redacted = False
    for i, text, d in decisions:
        if d.action == Action.REDACT:
            codes = {r.category for r in d.reasons if r.action == Action.REDACT}
            spans = [f for f in d.findings if f.category in codes]
            raw["messages"][i]["content"] = gw.vault.pseudonymize(text, spans, session=ctx.request_id)
            redacted = True
    guard_info["redacted_input"] = redacted
    raw["model"] = upstream_model

    try:
        if body.stream:
            t0 = time.perf_counter()
            resp = await upstream.chat_stream(raw)
            gw.metrics.upstream_latency.labels(upstream=upstream.name).observe(time.perf_counter() - t0)
            return StreamingResponse(
                stream_answer(gw, ctx, resp, body.model, prompt, guard_info, redacted, upstream.name),
                media_type="text/event-stream",
                headers=headers_for(ctx),
            )
        n_candidates = candidates if candidates > 1 and (body.n or 1) == 1 else 1
        if n_candidates > 1:
            raw["n"] = n_candidates
        t0 = time.perf_counter()
        data = await upstream.chat(raw)
        gw.metrics.upstream_latency.labels(upstream=upstream.name).observe(time.perf_counter() - t0)
    except UpstreamError as exc:
        gw.metrics.upstream_errors.labels(upstream=upstream.name, kind=exc.kind).inc()
        _observe(gw, ctx, "chat", exc.status)
        if redacted:
            gw.vault.forget(ctx.request_id)
        return error_response(exc.status, exc.message, code=f"upstream_{exc.kind}", headers=headers_for(ctx))

    # 3. restore, check and label every answer
    try:
        out = await _moderate_answers(gw, ctx, data, body, prompt, redacted, n_candidates)
    finally:
        if redacted:
            gw.vault.forget(ctx.request_id)
    data["genguard"] = {**guard_info, **out}
    data["model"] = body.model
    _observe(gw, ctx, "chat", 200)
    return JSONResponse(data, headers=headers_for(ctx))


async def _moderate_answers(
    gw: Gateway, ctx: RequestCtx, data: dict[str, Any], body: ChatCompletionRequest, prompt: str, redacted: bool,
    n_candidates: int,
) -> dict[str, Any]:
    policy = ctx.guard.policy
    results: list[tuple[dict[str, Any], Decision | None]] = []
    originals: dict[int, str] = {}
    for choice in data["choices"]:
        msg = choice.get("message") if isinstance(choice, dict) else None
        content = msg.get("content") if isinstance(msg, dict) else None
        if not isinstance(content, str):
            results.append((choice, None))
            continue
        # check the answer as the upstream wrote it (placeholders, not the user's own data),
        # then restore the user's values into whatever is returned; the audit keeps the former
        originals[id(choice)] = content
        d = await gw.check(ctx, content, Direction.OUTPUT, prompt=prompt)
        if d.blocked:
            content = d.answer or ""
            choice["finish_reason"] = "content_filter"
        elif d.action == Action.REDACT and d.redacted_text is not None:
            content = d.redacted_text
        if redacted:
            content = gw.vault.restore(content, session=ctx.request_id)
        # a refusal is labelled in its own language (the request's), a delivered answer in the answer's
        label_lang = d.answer_language if d.blocked and d.answer_language else d.language
        msg["content"] = add_label(content, policy, label_lang)  # type: ignore[index]
        results.append((choice, d))
    extra: dict[str, Any] = {}
    for choice, dec in results:
        if dec is not None:
            gw.record(ctx, "chat", dec, originals[id(choice)], model=body.model,
                      detail={"candidate": choice.get("index", 0)} if n_candidates > 1 else None)
    if n_candidates > 1 and results:
        def harm(item: tuple[dict[str, Any], Decision | None]) -> tuple[int, float]:
            d = item[1]
            return (d.action.severity, d.max_score) if d is not None else (0, 0.0)

        best = min(results, key=harm)
        extra["candidates"] = [decision_summary(dec) for _, dec in results]
        best[0]["index"] = 0
        data["choices"] = [best[0]]
        results = [best]
    aigc: list[dict[str, Any]] = []
    for choice, dec in results:
        if dec is not None and dec.blocked:
            await gw.strike(ctx, dec)
        elif dec is not None:  # a model-written answer: implicit label / registry record
            mark = gw.provenance.mark(choice["message"]["content"], policy, model=body.model,
                                      produce_id=f"{ctx.request_id}-{choice.get('index', 0)}")
            if mark is not None:
                aigc.append(mark)
    if aigc:
        extra["aigc"] = aigc
    outs = [dec for _, dec in results if dec is not None]
    extra["output"] = decision_summary(max(outs, key=lambda d: d.action.severity)) if outs else None
    return extra


def _observe(gw: Gateway, ctx: RequestCtx, route: str, status: int) -> None:
    gw.metrics.latency.labels(route=route).observe(time.perf_counter() - ctx.started)
    gw.metrics.requests.labels(route=route, status=str(status)).inc()
