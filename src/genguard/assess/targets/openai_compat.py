"""Any OpenAI-compatible ``/chat/completions`` endpoint, over asyncio httpx.

Concurrency is a semaphore, the rate limit a simple async pacer (requests are spaced at
``1/rate`` seconds), and transient failures (connection errors, timeouts, 429, 5xx) are retried
with exponential backoff (honouring ``Retry-After``). Permanent failures raise TargetError with
the URL and status so the user sees what went wrong.
"""

from __future__ import annotations

import asyncio
import os
import time
from typing import Any

import httpx

from genguard.assess.targets.base import Message, Target, TargetConfig
from genguard.errors import ConfigError, TargetError


class RatePacer:
    """Spaces calls at least ``1/rate`` seconds apart across all tasks."""

    def __init__(self, rate: float | None) -> None:
        self.interval = 1.0 / rate if rate else 0.0
        self._next = 0.0
        self._lock = asyncio.Lock()

    async def wait(self) -> None:
        if not self.interval:
            return
        async with self._lock:
            now = time.monotonic()
            delay = self._next - now
            self._next = max(now, self._next) + self.interval
        if delay > 0:
            await asyncio.sleep(delay)


class OpenAICompatTarget(Target):
    def __init__(self, config: TargetConfig) -> None:
        super().__init__(config)
        if not config.base_url:
            raise ConfigError("openai target needs base_url (e.g. http://127.0.0.1:8000/v1)")
        key = config.api_key or (os.environ.get(config.api_key_env) if config.api_key_env else None)
        headers = {"Authorization": f"Bearer {key}"} if key else {}
        self.url = config.base_url.rstrip("/") + "/chat/completions"
        limits = httpx.Limits(max_connections=config.concurrency, max_keepalive_connections=config.concurrency)
        self._client = httpx.AsyncClient(headers=headers, timeout=config.timeout, limits=limits)
        self._sem = asyncio.Semaphore(config.concurrency)
        self._pacer = RatePacer(config.rate_limit)
        self.backoff = 0.25

    def payload(self, messages: list[Message]) -> dict[str, Any]:
        body: dict[str, Any] = {"model": self.config.model or "default", "messages": self.with_system(messages)}
        if self.config.temperature is not None:
            body["temperature"] = self.config.temperature
        if self.config.max_tokens is not None:
            body["max_tokens"] = self.config.max_tokens
        body.update(self.config.extra_body)
        return body

    async def chat(self, messages: list[Message]) -> str:
        body = self.payload(messages)
        last = ""
        async with self._sem:
            for attempt in range(self.config.retries + 1):
                await self._pacer.wait()
                retry_after: float | None = None
                try:
                    resp = await self._client.post(self.url, json=body)
                except (httpx.TimeoutException, httpx.TransportError) as exc:
                    last = f"{type(exc).__name__}: {exc}"
                else:
                    if resp.status_code == 200:
                        return self.parse(resp)
                    last = f"HTTP {resp.status_code}: {resp.text[:200]}"
                    if resp.status_code not in (408, 409, 429) and resp.status_code < 500:
                        raise TargetError(f"{self.url}: {last}")
                    ra = resp.headers.get("retry-after")
                    retry_after = float(ra) if ra and ra.replace(".", "", 1).isdigit() else None
                if attempt < self.config.retries:
                    await asyncio.sleep(retry_after if retry_after is not None else self.backoff * 2**attempt)
        raise TargetError(f"{self.url}: failed after {self.config.retries + 1} attempt(s): {last}")

    def parse(self, resp: httpx.Response) -> str:
        try:
            data = resp.json()
            content = data["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise TargetError(f"{self.url}: response is not an OpenAI chat completion: {resp.text[:200]}") from None
        return content if isinstance(content, str) else ""

    async def aclose(self) -> None:
        await self._client.aclose()
