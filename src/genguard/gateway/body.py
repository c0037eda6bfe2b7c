"""Request bodies that are not UTF-8 JSON: one clear 400 in the OpenAI error shape on every endpoint.

The proxy reads its body itself (:func:`load_json_body`); the moderation endpoints let FastAPI
parse theirs, whose failures would otherwise surface as ``{"detail": "There was an error parsing
the body"}`` (not UTF-8) or ``'10': JSON decode error`` (a syntax error at character 10), so their
router uses :class:`JSONBodyRoute`, which turns exactly those two failures into the same errors
the proxy gives. Only the failure path pays: a valid body is parsed once, by FastAPI.

Every endpoint also caps the body at ``limits.max_body_bytes`` (:func:`read_body`, the same
capped reader as the incidents form) and its item count (:func:`check_count`): 413s whose message
names the config key to raise.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Request, Response
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from fastapi.routing import APIRoute
from starlette.exceptions import HTTPException  # what FastAPI's body parser raises (fastapi's subclasses it)

from genguard.gateway.errors import error_response
from genguard.service import read_capped


class BodyError(Exception):
    """A request body the gateway refuses: not UTF-8 text or not JSON (400), or over a request
    limit (413); ``message`` says where or which limit."""

    def __init__(self, message: str, code: str, *, status: int = 400, param: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.code = code
        self.status = status
        self.param = param

    def response(self) -> JSONResponse:
        return error_response(self.status, self.message, code=self.code, param=self.param)


async def read_body(request: Request) -> bytes:
    """The body, refused (413) past ``limits.max_body_bytes`` without reading or holding the rest."""
    cap: int = request.app.state.gateway.config.limits.max_body_bytes
    body = await read_capped(request, cap)
    if body is None:
        raise BodyError(f"request body is over the gateway's limit of {cap:,} bytes (limits.max_body_bytes)",
                        "body_too_large", status=413)
    return body


def check_count(count: int, limit: int, param: str, key: str) -> None:
    """Refuse (413) a request with more than ``limit`` items in ``param`` (config key ``key``)."""
    if count > limit:
        raise BodyError(f"'{param}' has {count:,} items, over the gateway's limit of {limit:,} ({key})",
                        f"too_many_{param}", status=413, param=param)


def load_json_body(body: bytes) -> Any:
    """The body's JSON value. JSON between systems is UTF-8 (RFC 8259); a leading BOM is accepted."""
    try:
        text = body.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise BodyError(
            f"request body is not UTF-8 text: byte 0x{body[exc.start]:02x} at offset {exc.start} is invalid "
            "(send the JSON body encoded as UTF-8)", "invalid_encoding") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise BodyError(f"request body is not valid JSON: {exc.msg} at line {exc.lineno}, column {exc.colno}",
                        "invalid_json") from None


class JSONBodyRoute(APIRoute):
    """An API route whose body is capped (:func:`read_body`) and whose body-parsing failures, and
    the :class:`BodyError` its handler raises, are :class:`BodyError` responses."""

    def get_route_handler(self) -> Callable[[Request], Coroutine[Any, Any, Response]]:
        handler = super().get_route_handler()

        async def route(request: Request) -> Response:
            try:
                await read_body(request)  # kept on the request: FastAPI parses it from there
                return await handler(request)
            except BodyError as err:
                return err.response()
            except RequestValidationError as exc:
                if not any(e.get("type") == "json_invalid" for e in exc.errors()):
                    raise
                failure: Exception = exc
            except HTTPException as exc:
                # FastAPI raises this (from the UnicodeDecodeError) for a body it cannot decode
                if not isinstance(exc.__cause__, UnicodeDecodeError):
                    raise
                failure = exc
            try:
                load_json_body(await request.body())
            except BodyError as err:
                return err.response()
            raise failure  # FastAPI's parser failed where ours did not (a UTF-16 body): its reason stands

        return route
