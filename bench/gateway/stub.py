"""A minimal OpenAI-compatible upstream for benchmarks: a raw ASGI app with a fixed answer.

Raw ASGI (no framework) so the stub costs as little CPU as possible: what the benchmark measures
is the gateway, and both run on the same two cores.
"""

from __future__ import annotations

import argparse
import json
from typing import Any

ANSWER = ("Thank you for the question. Here is a helpful, harmless answer about the weather and gardening. " * 3).strip()
BODY = json.dumps({
    "id": "chatcmpl-stub", "object": "chat.completion", "created": 1, "model": "stub",
    "choices": [{"index": 0, "message": {"role": "assistant", "content": ANSWER}, "finish_reason": "stop"}],
    "usage": {"prompt_tokens": 1, "completion_tokens": 1, "total_tokens": 2},
}).encode()


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":
        return
    more = True
    while more:
        msg = await receive()
        more = msg.get("more_body", False)
    await send({"type": "http.response.start", "status": 200,
                "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(BODY)).encode())]})
    await send({"type": "http.response.body", "body": BODY})


def main() -> None:
    import uvicorn

    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    args = ap.parse_args()
    uvicorn.run(app, host="127.0.0.1", port=args.port, log_level="warning", access_log=False)


if __name__ == "__main__":
    main()
