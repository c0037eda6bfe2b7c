"""Real servers on loopback for gateway tests: a scripted stub upstream and the gateway itself,
both under uvicorn in background threads on free ports."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response, StreamingResponse
from gw_testdata import TEST_POLICY

from genguard.service import LoopbackServer

ThreadServer = LoopbackServer  # uvicorn on 127.0.0.1 in a thread (genguard.service)


@dataclass
class Script:
    """What the stub upstream does next; tests change it between calls."""

    reply: str | None = None  # None = echo the last user message
    choices: list[str] | None = None  # several answers (rejection sampling)
    chunks: list[str] | None = None  # stream these deltas (default: reply split in 5-char pieces)
    chunk_delay: float = 0.0
    delay: float = 0.0
    fail_times: int = 0  # answer fail_status this many times first
    fail_status: int = 503
    status: int = 200
    raw_events: list[str] | None = None  # after the deltas, stream these "data:" payloads verbatim
    raw_body: str | None = None  # answer 200 with this text/plain body (an upstream that is not OpenAI-compatible)
    requests: list[dict[str, Any]] = field(default_factory=list)
    sent_chunks: int = 0


def make_stub(script: Script) -> FastAPI:
    app = FastAPI()

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Response:
        body = await request.json()
        script.requests.append(body)
        if script.fail_times > 0:
            script.fail_times -= 1
            return JSONResponse({"error": {"message": "temporarily overloaded"}}, status_code=script.fail_status)
        if script.status != 200:
            return JSONResponse({"error": {"message": "stub says no"}}, status_code=script.status)
        if script.delay:
            await asyncio.sleep(script.delay)
        if script.raw_body is not None:
            return PlainTextResponse(script.raw_body)
        last_user = next((m["content"] for m in reversed(body["messages"]) if m["role"] == "user"), "")
        reply = script.reply if script.reply is not None else f"You said: {last_user}"
        if body.get("stream"):
            pieces = script.chunks if script.chunks is not None else [reply[i : i + 5] for i in range(0, len(reply), 5)]

            async def gen() -> Any:
                base = {"id": "up-1", "object": "chat.completion.chunk", "created": 1, "model": body["model"]}
                yield f"data: {json.dumps({**base, 'choices': [{'index': 0, 'delta': {'role': 'assistant'}, 'finish_reason': None}]})}\n\n"
                for p in pieces:
                    if script.chunk_delay:
                        await asyncio.sleep(script.chunk_delay)
                    script.sent_chunks += 1
                    yield f"data: {json.dumps({**base, 'choices': [{'index': 0, 'delta': {'content': p}, 'finish_reason': None}]})}\n\n"
                for ev in script.raw_events or []:
                    yield f"data: {ev}\n\n"
                yield f"data: {json.dumps({**base, 'choices': [{'index': 0, 'delta': {}, 'finish_reason': 'stop'}]})}\n\n"
                yield "data: [DONE]\n\n"

            return StreamingResponse(gen(), media_type="text/event-stream")
        answers = script.choices or [reply]
        return JSONResponse({
            "id": "up-1", "object": "chat.completion", "created": 1, "model": body["model"],
            "choices": [{"index": i, "message": {"role": "assistant", "content": a}, "finish_reason": "stop"}
                        for i, a in enumerate(answers)],
            "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
        })

    return app


@pytest.fixture
def stub() -> Iterator[tuple[str, Script]]:
    script = Script()
    srv = ThreadServer(make_stub(script))
    url = srv.start()
    yield url + "/v1", script
    srv.stop()


@pytest.fixture
def policy_file(tmp_path: Path) -> Path:
    p = tmp_path / "policy.yaml"
    p.write_text(yaml.safe_dump(TEST_POLICY), encoding="utf-8")
    return p


@pytest.fixture
def write_policy(tmp_path: Path) -> Callable[..., Path]:
    def write(name: str, **overrides: Any) -> Path:
        p = tmp_path / f"{name}.yaml"
        p.write_text(yaml.safe_dump({**TEST_POLICY, "name": name, **overrides}), encoding="utf-8")
        return p

    return write


@dataclass
class RunningGateway:
    url: str
    app: Any
    server: ThreadServer

    @property
    def gw(self) -> Any:
        return self.app.state.gateway

    def client(self, key: str = "gg-test-standard", **kw: Any) -> Any:
        import openai

        return openai.OpenAI(base_url=self.url + "/v1", api_key=key, max_retries=0, timeout=kw.pop("timeout", 15), **kw)


@pytest.fixture
def gateway_factory(tmp_path: Path) -> Iterator[Callable[..., RunningGateway]]:
    from genguard.gateway.app import create_app
    from genguard.gateway.config import GatewayConfig

    running: list[RunningGateway] = []

    def start(cfg: dict[str, Any]) -> RunningGateway:
        cfg = {"database_url": f"sqlite:///{tmp_path / f'gw{len(running)}.db'}",
               "keys": [{"id": "test", "key": "gg-test-standard", "tier": "standard"}], **cfg}
        config = GatewayConfig.model_validate(cfg)
        config.source = str(tmp_path / "gateway.yaml")
        app = create_app(config)
        srv = ThreadServer(app)
        rg = RunningGateway(srv.start(), app, srv)
        running.append(rg)
        return rg

    yield start
    for rg in running:
        rg.server.stop()
