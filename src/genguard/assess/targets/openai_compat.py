"""Any OpenAI-compatible ``/chat/completions`` endpoint, over aiohttp.

aiohttp rather than httpx: on the loopback stub with 32 concurrent requests httpx's connection
pool spends most of the CPU (about 70 requests/s on the benchmark machine against 430-650 for
aiohttp), which capped assessment throughput (see BENCHMARKS.md).

Concurrency is a semaphore, the rate limit a simple async pacer (requests are spaced at
``1/rate`` seconds), and transient failures (connection errors, timeouts, 429, 5xx) are retried
with exponential backoff (honouring ``Retry-After``). Permanent failures raise TargetError with
the URL and status so the user sees what went wrong.
"""

from __future__ import annotations

import asyncio
import json
import os
import time
from typing import Any

import aiohttp

from genguard.assess.targets.base import Message, Target, TargetConfig, TargetUnreachable, check_http_url
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
        check_http_url(config.base_url, f"{config.type} target base_url")
        key = config.api_key or (os.environ.get(config.api_key_env) if config.api_key_env else None)
        self.headers = {"Authorization": f"Bearer {key}"} if key else {}
        self.url = config.base_url.rstrip("/") + "/chat/completions"
        self._session: aiohttp.ClientSession | None = None  # created on first use, inside the event loop
        self._sem = asyncio.Semaphore(config.concurrency)
        self._pacer = RatePacer(config.rate_limit)
        self.backoff = 0.25

    def _client(self) -> aiohttp.ClientSession:
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                headers=self.headers, timeout=aiohttp.ClientTimeout(total=self.config.timeout),
                connector=aiohttp.TCPConnector(limit=self.config.concurrency))
        return self._session

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
        unreachable = 0  # attempts that could not even connect
        async with self._sem:
            for attempt in range(self.config.retries + 1):
                await self._pacer.wait()
                retry_after: float | None = None
                try:
                    async with self._client().post(self.url, json=body) as resp:
                        status, text = resp.status, await resp.text(errors="replace")
                        ra = resp.headers.get("retry-after")
                except TimeoutError:
                    last = f"Timeout: no answer within {self.config.timeout:g} s"
                except aiohttp.ClientConnectionError as exc:
                    last = f"ConnectError: {exc}"
                    unreachable += isinstance(exc, aiohttp.ClientConnectorError)
                except aiohttp.ClientError as exc:
                    last = f"{type(exc).__name__}: {exc}"
                else:
                    if status == 200:
                        return self.parse(text)
                    last = f"HTTP {status}: {text[:200]}"
                    if status not in (408, 409, 429) and status < 500:
                        raise TargetError(f"{self.url}: {last}")
                    retry_after = float(ra) if ra and ra.replace(".", "", 1).isdigit() else None
                if attempt < self.config.retries:
                    await asyncio.sleep(retry_after if retry_after is not None else self.backoff * 2**attempt)
        attempts = self.config.retries + 1
        error = TargetUnreachable if unreachable == attempts else TargetError
        raise error(f"{self.url}: failed after {attempts} attempt(s): {last}")

    def parse(self, text: str) -> str:
        try:
            data = json.loads(text)
            content = data["choices"][0]["message"]["content"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise TargetError(f"{self.url}: response is not an OpenAI chat completion: {text[:200]}") from None
        return content if isinstance(content, str) else ""

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None
