"""Server-sent events in the OpenAI ``chat.completion.chunk`` format, moderated as they stream."""

from __future__ import annotations

import json
import time
from collections.abc import AsyncIterator
from typing import Any

from genguard.findings import Direction
from genguard.gateway.errors import error_body
from genguard.gateway.labels import label_affixes
from genguard.gateway.runtime import Gateway, RequestCtx, decision_summary
from genguard.gateway.streaming import StreamModerator
from genguard.gateway.upstream import UpstreamError, UpstreamStream
from genguard.redact import apply_redaction


def _chunk(cid: str, model: str, created: int, delta: dict[str, Any], finish: str | None = None,
           extra: dict[str, Any] | None = None) -> str:
    body: dict[str, Any] = {
        "id": cid, "object": "chat.completion.chunk", "created": created, "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish, "logprobs": None}],
    }
    if extra:
        body.update(extra)
    return f"data: {json.dumps(body, ensure_ascii=False)}\n\n"


DONE = "data: [DONE]\n\n"


async def stream_refusal(ctx: RequestCtx, model: str, answer: str, guard_info: dict[str, Any],
                         finish: str = "content_filter") -> AsyncIterator[str]:
    cid, created = f"chatcmpl-{ctx.request_id}", int(time.time())
    yield _chunk(cid, model, created, {"role": "assistant", "content": ""})
    yield _chunk(cid, model, created, {"content": answer})
    yield _chunk(cid, model, created, {}, finish, {"genguard": guard_info})
    yield DONE


async def stream_answer(
    gw: Gateway, ctx: RequestCtx, resp: UpstreamStream, model: str, prompt: str, guard_info: dict[str, Any],
    redacted: bool, upstream: str,
) -> AsyncIterator[str]:
    """The moderated answer as OpenAI chunks. An upstream failure once the stream has begun (the
    200 is sent) ends it with an OpenAI error event, counted in ``genguard_upstream_errors`` under
    ``upstream`` (the upstream's configured name) and the same ``kind`` as before the stream."""
    cfg = gw.config.stream
    session = ctx.request_id
    guard = ctx.guard

    async def check(text: str) -> Any:
        return await gw.check(ctx, text, Direction.OUTPUT, prompt=prompt)

    mod = StreamModerator(
        check,
        restore=(lambda s: gw.vault.restore(s, session=session)) if redacted else (lambda s: s),
        redact=lambda text, findings: apply_redaction(text, findings, guard._redactor),
        window=cfg.window_chars,
        context=cfg.context_chars,
        every=cfg.check_every_chars,
    )
    cid, created = f"chatcmpl-{ctx.request_id}", int(time.time())
    finish: str | None = None
    lang_hint = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in prompt[:200]) else "en"
    prefix, suffix = label_affixes(guard.policy, lang_hint)
    emitted: list[str] = []
    error: dict[str, Any] | None = None
    error_kind = ""
    try:
        yield _chunk(cid, model, created, {"role": "assistant", "content": ""})
        if prefix:
            emitted.append(prefix)
            yield _chunk(cid, model, created, {"content": prefix})
        async for line in resp.lines():
            if not line.startswith("data:"):
                continue
            data = line[5:].strip()
            if data == "[DONE]":
                break
            try:
                chunk = json.loads(data)
            except json.JSONDecodeError:
                chunk = None
            if not isinstance(chunk, dict):
                error_kind = "bad_stream"
                error = error_body(502, f"upstream {upstream!r} sent a malformed stream chunk (not a JSON object)",
                                   code="upstream_bad_stream")
                break
            if chunk.get("error"):
                err = chunk["error"]
                msg = err.get("message") if isinstance(err, dict) else str(err)
                error_kind = "stream_error"
                error = error_body(502, f"upstream {upstream!r} error mid-stream: {msg}", code="upstream_stream_error")
                break
            for choice in chunk.get("choices") or []:
                if not isinstance(choice, dict) or choice.get("index", 0) != 0:
                    continue
                delta = choice.get("delta") or {}
                text = delta.get("content")
                if isinstance(text, str) and text:
                    out = await mod.feed(text)
                    if out:
                        emitted.append(out)
                        yield _chunk(cid, model, created, {"content": out})
                if choice.get("finish_reason"):
                    finish = choice["finish_reason"]
            if mod.violation is not None:
                break
    except UpstreamError as exc:
        error_kind = exc.kind
        error = error_body(exc.status, exc.message + "; stream ended", code=f"upstream_{exc.kind}")
    finally:
        await resp.aclose()
    try:
        if error is not None:
            gw.metrics.upstream_errors.labels(upstream=upstream, kind=error_kind).inc()
            yield f"data: {json.dumps(error, ensure_ascii=False)}\n\n"
            return
        if mod.violation is None:
            tail = await mod.finish()
            if tail:
                emitted.append(tail)
                yield _chunk(cid, model, created, {"content": tail})
        d = mod.violation or mod.last
        if mod.violation is not None:
            answer = mod.violation.answer or ""
            sep = "\n\n" if emitted else ""
            emitted.append(sep + answer)
            yield _chunk(cid, model, created, {"content": sep + answer})
            finish = "content_filter"
            await gw.strike(ctx, mod.violation)
        if suffix:
            emitted.append(suffix)
            yield _chunk(cid, model, created, {"content": suffix})
        info = {**guard_info, "output": decision_summary(d), "stream_checks": mod.checks}
        if mod.violation is None:  # the model's answer as delivered: implicit label / registry record
            mark = gw.provenance.mark("".join(emitted), guard.policy, produce_id=f"{ctx.request_id}-0", model=model)
            if mark is not None:
                info["aigc"] = [mark]
        yield _chunk(cid, model, created, {}, finish or "stop", {"genguard": info})
        yield DONE
        if d is not None:
            gw.record(ctx, "chat_stream", d, mod.raw, model=model,
                      detail={"stream_checks": mod.checks, "stopped": mod.violation is not None})
        gw.metrics.requests.labels(route="chat_stream", status="200").inc()
        gw.metrics.latency.labels(route="chat_stream").observe(time.perf_counter() - ctx.started)
    finally:
        if redacted:
            gw.vault.forget(session)
