"""Upstream OpenAI-compatible endpoints: a pooled HTTP client with timeouts and retries.

Two interchangeable pooled clients sit behind :class:`Upstream`: ``aiohttp.ClientSession``
(default) and ``httpx.AsyncClient`` (``client: httpx`` in the upstream config). The gateway
measured 1.4 ms of CPU per proxied request with aiohttp and 4.3 ms with httpx (httpcore's pool
scans every connection per request), so aiohttp is what makes the throughput target reachable on
two cores (see BENCHMARKS.md); httpx stays available and tested.

Retries cover failures where the request cannot have been processed (connection refused/reset,
connect timeout) and gateway-style statuses (502/503/504); a read timeout is not retried, since
the upstream may still be working and a retry would double the caller's wait.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any, Protocol

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


def _error_message(raw: bytes, reason: str) -> str:
    try:
        body = json.loads(raw)
        err = body.get("error") if isinstance(body, dict) else None
        if isinstance(err, dict) and err.get("message"):
            return str(err["message"])
        if isinstance(err, str):
            return err
        if isinstance(body, dict) and body.get("detail"):
            return str(body["detail"])
    except (json.JSONDecodeError, ValueError, UnicodeDecodeError):
        pass
    return raw[:300].decode("utf-8", "replace") or reason


class UpstreamStream(Protocol):
    def lines(self) -> AsyncIterator[str]: ...

    async def aclose(self) -> None: ...


# what a line of a server-sent event stream starts with: a field the gateway reads or may meet
# (OpenAI-compatible servers send "data:", some "event:"/"id:"/"retry:") or a ":" comment (keep-alive)
_SSE_LINE_STARTS = ("data:", "event:", "id:", "retry:", ":")


class _PeekedStream:
    """An upstream stream whose first line was read already (see :meth:`Upstream.chat_stream`)."""

    def __init__(self, first: str, rest: AsyncIterator[str], inner: UpstreamStream) -> None:
        self._first: str | None = first
        self._rest = rest
        self._inner = inner

    async def lines(self) -> AsyncIterator[str]:
        if self._first is not None:
            first, self._first = self._first, None
            yield first
        async for line in self._rest:
            yield line

    async def aclose(self) -> None:
        await self._inner.aclose()


class _Transport(Protocol):
    async def post(self, body: bytes, *, stream: bool) -> tuple[int, bytes, UpstreamStream | None]: ...

    async def aclose(self) -> None: ...


class _HttpxStream:
    def __init__(self, resp: httpx.Response, name: str) -> None:
        self.resp = resp
        self.name = name

    async def lines(self) -> AsyncIterator[str]:
        try:
            async for line in self.resp.aiter_lines():
                yield line
        except httpx.TimeoutException:
            raise UpstreamError(504, f"upstream {self.name!r} did not send the next chunk in time (read timeout)",
                                "timeout") from None
        except httpx.HTTPError as exc:
            raise UpstreamError(502, f"upstream {self.name!r} stream failed: {exc.__class__.__name__}: {exc}",
                                "stream") from None

    async def aclose(self) -> None:
        await self.resp.aclose()


class _HttpxTransport:
    def __init__(self, name: str, config: UpstreamConfig, headers: dict[str, str]) -> None:
        self.name = name
        self.client = httpx.AsyncClient(
            base_url=config.base_url,
            headers=headers,
            timeout=httpx.Timeout(config.timeout, connect=config.connect_timeout),
            limits=httpx.Limits(max_connections=config.max_connections, max_keepalive_connections=config.max_connections),
        )

    async def post(self, body: bytes, *, stream: bool) -> tuple[int, bytes, UpstreamStream | None]:
        req = self.client.build_request("POST", "/chat/completions", content=body)
        resp = await self.client.send(req, stream=stream)
        if stream and resp.status_code < 400:
            return resp.status_code, b"", _HttpxStream(resp, self.name)
        raw = await resp.aread()
        await resp.aclose()
        return resp.status_code, raw, None

    async def aclose(self) -> None:
        await self.client.aclose()


class _AiohttpStream:
    def __init__(self, resp: Any, name: str) -> None:
        self.resp = resp
        self.name = name

    async def lines(self) -> AsyncIterator[str]:
        import aiohttp

        try:
            async for raw in self.resp.content:
                yield raw.decode("utf-8").rstrip("\r\n")
        except (TimeoutError, aiohttp.ServerTimeoutError):
            raise UpstreamError(504, f"upstream {self.name!r} did not send the next chunk in time (read timeout)",
                                "timeout") from None
        except aiohttp.ClientError as exc:
            raise UpstreamError(502, f"upstream {self.name!r} stream failed: {exc.__class__.__name__}: {exc}",
                                "stream") from None

    async def aclose(self) -> None:
        self.resp.release()


class _AiohttpTransport:
    def __init__(self, name: str, config: UpstreamConfig, headers: dict[str, str]) -> None:
        self.name = name
        self.config = config
        self.headers = headers
        self._session: Any = None

    def _get(self) -> Any:
        import aiohttp

        if self._session is None:  # created lazily: a session belongs to the running event loop
            self._session = aiohttp.ClientSession(
                headers=self.headers,
                connector=aiohttp.TCPConnector(limit=self.config.max_connections),
                timeout=aiohttp.ClientTimeout(
                    total=None, connect=self.config.connect_timeout, sock_read=self.config.timeout
                ),
            )
        return self._session

    async def post(self, body: bytes, *, stream: bool) -> tuple[int, bytes, UpstreamStream | None]:
        import aiohttp

        try:
            resp = await self._get().post(self.config.base_url + "/chat/completions", data=body)
        except (aiohttp.ClientConnectionError, aiohttp.ClientOSError) as exc:
            if isinstance(exc, aiohttp.ConnectionTimeoutError):
                raise httpx.ConnectTimeout(str(exc)) from None
            if isinstance(exc, aiohttp.ServerTimeoutError):
                raise httpx.ReadTimeout(str(exc)) from None
            raise httpx.ConnectError(f"{exc.__class__.__name__}: {exc}") from None
        except TimeoutError:
            raise httpx.ReadTimeout("timeout") from None
        if stream and resp.status < 400:
            return resp.status, b"", _AiohttpStream(resp, self.name)
        try:
            raw = await resp.read()
        except (TimeoutError, aiohttp.ServerTimeoutError):
            raise httpx.ReadTimeout("timeout") from None
        finally:
            resp.release()
        return resp.status, raw, None

    async def aclose(self) -> None:
        if self._session is not None:
            await self._session.close()


class Upstream:
    def __init__(self, name: str, config: UpstreamConfig) -> None:
        self.name = name
        self.config = config
        headers = {"content-type": "application/json"}
        key = config.resolved_key()
        if key:
            headers["authorization"] = f"Bearer {key}"
        self.transport: _Transport = (
            _AiohttpTransport(name, config, headers) if config.client == "aiohttp" else _HttpxTransport(name, config, headers)
        )

    def map_model(self, model: str) -> str:
        return self.config.model_map.get(model, model)

    async def _send(self, body: dict[str, Any], *, stream: bool) -> tuple[bytes, UpstreamStream | None]:
        payload = json.dumps(body, ensure_ascii=False).encode("utf-8")
        last: UpstreamError | None = None
        for attempt in range(self.config.retries + 1):
            if attempt:
                await asyncio.sleep(min(0.05 * 2 ** (attempt - 1), 1.0))
            try:
                status, raw, streamed = await self.transport.post(payload, stream=stream)
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
            if status >= 400:
                msg = f"upstream {self.name!r} returned HTTP {status}: {_error_message(raw, str(status))}"
                last = UpstreamError(status if status < 500 else 502, msg, f"status_{status}")
                if status in _RETRY_STATUS:
                    continue
                raise last
            return raw, streamed
        assert last is not None
        raise last

    async def chat(self, body: dict[str, Any]) -> dict[str, Any]:
        raw, _ = await self._send(body, stream=False)
        try:
            data = json.loads(raw)
        except (json.JSONDecodeError, ValueError):
            raise UpstreamError(502, f"upstream {self.name!r} returned a body that is not JSON", "bad_body") from None
        if not isinstance(data, dict) or not isinstance(data.get("choices"), list):
            raise UpstreamError(502, f"upstream {self.name!r} returned JSON without a 'choices' list", "bad_body")
        return data

    async def chat_stream(self, body: dict[str, Any]) -> UpstreamStream:
        """Open a streaming call; the caller iterates ``lines()`` and must ``aclose()`` it.

        The first line is read here, before the gateway starts its own 200 event stream: a 200
        whose body is not an event stream (a plain-text or JSON body from a misconfigured or
        non-streaming upstream) is then the same 502 ``bad_body`` as on the non-streaming path,
        instead of an empty answer that ends with ``finish_reason: "stop"``."""
        _, streamed = await self._send(body, stream=True)
        assert streamed is not None
        lines = streamed.lines()
        try:
            first = ""
            while not first.strip():
                first = await anext(lines)
        except StopAsyncIteration:
            await streamed.aclose()
            raise UpstreamError(502, f"upstream {self.name!r} answered a streaming request with an empty body",
                                "bad_body") from None
        except BaseException:
            await streamed.aclose()
            raise
        if not first.startswith(_SSE_LINE_STARTS):
            await streamed.aclose()
            raise UpstreamError(
                502, f"upstream {self.name!r} answered a streaming request with a body that is not an event stream "
                     f"(it starts {first[:80]!r})", "bad_body")
        return _PeekedStream(first, lines, streamed)

    async def aclose(self) -> None:
        await self.transport.aclose()
