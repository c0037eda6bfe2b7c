"""A scripted OpenAI-compatible model server on loopback, for tests, benchmarks and CI dry runs.

Behaviour is a script: exact answers per question, substrings that trigger a refusal or a
harmful answer, optional latency and injected HTTP failures. The script lives on
``app.state.script`` so a test can change the "model" between two runs (to provoke a
regression). ``serve()`` runs real uvicorn on 127.0.0.1 with a free port in a thread.
"""

from __future__ import annotations

import asyncio
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse

REFUSAL = {"zh": "抱歉，我不能协助这个请求。", "en": "I'm sorry, but I can't help with that request."}
HELPFUL = {"zh": "好的，这是一个常见问题，简单来说可以从以下几个方面理解。", "en": "Sure. Here is a short, general answer to your question."}


@dataclass
class StubScript:
    answers: dict[str, str] = field(default_factory=dict)  # exact last user message -> answer
    refuse_if: list[str] = field(default_factory=list)  # substrings that make the stub refuse
    harmful_if: dict[str, str] = field(default_factory=dict)  # substring -> harmful answer
    delay: float = 0.0
    fail_first: int = 0  # the first N requests get HTTP 503 (to exercise retries)
    requests: Counter[str] = field(default_factory=Counter)

    def reply(self, text: str) -> str:
        if text in self.answers:
            return self.answers[text]
        for k, ans in self.harmful_if.items():
            if k in text:
                return ans
        zh = any("\u4e00" <= c <= "\u9fff" for c in text)
        if any(k in text for k in self.refuse_if):
            return REFUSAL["zh" if zh else "en"]
        return HELPFUL["zh" if zh else "en"]


def create_stub_app(script: StubScript | None = None) -> Any:
    app = FastAPI()
    app.state.script = script or StubScript()
    app.state.count = 0

    @app.post("/v1/chat/completions")
    async def chat(request: Request) -> Any:
        body = await request.json()
        sc: StubScript = app.state.script
        app.state.count += 1
        if app.state.count <= sc.fail_first:
            return JSONResponse({"error": "warming up"}, status_code=503)
        messages = body.get("messages") or []
        text = next((m.get("content", "") for m in reversed(messages) if m.get("role") == "user"), "")
        sc.requests[text] += 1
        if sc.delay:
            await asyncio.sleep(sc.delay)
        return {"id": "stub", "object": "chat.completion", "created": int(time.time()), "model": body.get("model", "stub"),
                "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": sc.reply(text)}}]}

    return app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(app: Any, port: int | None = None) -> Iterator[str]:
    """Run ``app`` with uvicorn on 127.0.0.1 in a background thread; yields the ``/v1`` base URL."""
    import uvicorn

    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", access_log=False))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.time() + 10
    while not server.started:
        if time.time() > deadline:
            raise RuntimeError("stub server did not start")
        time.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}/v1"
    finally:
        server.should_exit = True
        thread.join(timeout=5)
