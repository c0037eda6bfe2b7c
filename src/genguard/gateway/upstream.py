"""Upstream OpenAI-compatible endpoints: pooled ``httpx.AsyncClient`` with timeouts and retries.

Retries cover failures where the request cannot have been processed (connection refused/reset,
connect timeout) and gateway-style statuses (502/503/504); a read timeout is not retried, since
the upstream may still be working and a retry would double the caller's wait.
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

import httpx

from genguard.gateway.config import UpstreamConfig

_RETRY_STATUS = {502, 503, 504}


class UpstreamError(Exception):
    """An upstream failure, already phrased for the client (status + message)."""

    def __init__(self, status: int, message: str, kind: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.kind = kind


def _upstream_message(resp: httpx.Response) -> str:
    try:
        body = resp.json()
        err = body.get("error") if isinstance(body, dict) else None
        if isinstance(err, dict) and err.get("message"):
            return str(err["message"])
        if isinstance(err, str):
            return err
        if isinstance(body, dict) and body.get("detail"):
            return str(body["detail"])
    except (json.JSONDecodeError, ValueError):
        pass
    return resp.text[:300] or resp.reason_phrase


class Upstream:
    def __init__(self, name: str, config: UpstreamConfig) -> None:
        self.name = name
        self.config = config
        headers = {"content-type": "application/json"}
        key = config.resolved_key()
        if key:
            headers["authorization"] = f"Bearer {key}"
        self.client = httpx.AsyncClient(
            base_url=config.base_url,
            headers=headers,
            timeout=httpx.Timeout(config.timeout, connect=config.connect_timeout),
            limits=httpx.Limits(max_connections=config.max_connections, max_keepalive_connections=config.max_connections),
        )

    def map_model(self, model: str) -> str:
        return self.config.model_map.get(model, model)

    async def _send(self, path: str, body: dict[str, Any], *, stream: bool) -> httpx.Response:
        last: UpstreamError | None = None
        for attempt in range(self.config.retries + 1):
            if attempt:
                await asyncio.sleep(min(0.05 * 2 ** (attempt - 1), 1.0))
            try:
                req = self.client.build_request("POST", path, json=body)
                resp = await self.client.send(req, stream=stream)
            except (httpx.ConnectError, httpx.ConnectTimeout, httpx.RemoteProtocolError) as exc:
                last = UpstreamError(
                    502, f"upstream {self.name!r} unreachable at {self.config.base_url}: {exc.__class__.__name__}: {exc}",
                    "connect",
                )
                continue
            except httpx.TimeoutException:
                raise UpstreamError(
                    504, f"upstream {self.name!r} did not answer within {self.config.timeout:g}s (timeout)", "timeout"
                ) from None
            except httpx.HTTPError as exc:
                raise UpstreamError(502, f"upstream {self.name!r} failed: {exc.__class__.__name__}: {exc}", "http") from None
            if resp.status_code >= 400:
                if stream:
                    await resp.aread()
                    await resp.aclose()
                msg = f"upstream {self.name!r} returned HTTP {resp.status_code}: {_upstream_message(resp)}"
                status = resp.status_code if resp.status_code < 500 else 502
                last = UpstreamError(status, msg, f"status_{resp.status_code}")
                if resp.status_code in _RETRY_STATUS:
                    continue
                raise last
            return resp
        assert last is not None
        raise last

    async def chat(self, body: dict[str, Any]) -> dict[str, Any]:
        resp = await self._send("/chat/completions", body, stream=False)
        try:
            data = resp.json()
        except (json.JSONDecodeError, ValueError):
            raise UpstreamError(502, f"upstream {self.name!r} returned a body that is not JSON", "bad_body") from None
        if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
            raise UpstreamError(502, f"upstream {self.name!r} returned JSON without a 'choices' list", "bad_body")
        return data

    async def chat_stream(self, body: dict[str, Any]) -> httpx.Response:
        """Open a streaming call; the caller iterates ``aiter_lines()`` and must ``aclose()`` it."""
        return await self._send("/chat/completions", body, stream=True)

    async def aclose(self) -> None:
        await self.client.aclose()
