"""HTTP routes of the output registry, mounted by the gateway (``router``).

``POST /v1/registry/lookup`` is public: anyone holding a passage (or only its fingerprint)
may ask whether this service produced it. The request text is fingerprinted in memory and
never stored or logged. ``POST /v1/registry/record`` is for staff keys (the gateway records
its own outputs through :class:`OutputRegistry` directly).
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, HTTPException, Request
from pydantic import BaseModel, Field

from genguard.errors import InputError
from genguard.label.registry import DEFAULT_DISTANCE, MAX_DISTANCE, MAX_TEXT_CHARS, OutputRegistry
from genguard.service import Principal, get_store, require_staff

router = APIRouter(tags=["registry"])
# open to callers without an API key even when the gateway requires keys: "was this produced here?"
PUBLIC_PATHS = ("/v1/registry/lookup",)


class LookupRequest(BaseModel):
    text: str | None = Field(default=None, max_length=MAX_TEXT_CHARS, description="the passage to look up (not stored)")
    sha256: str | None = Field(default=None, description="SHA-256 (hex) of the exact UTF-8 text")
    simhash: str | None = Field(default=None, description="64-bit SimHash as 16 hex digits (genguard label registry fingerprint)")
    max_distance: int = Field(default=DEFAULT_DISTANCE, ge=0, le=MAX_DISTANCE)
    limit: int = Field(default=20, ge=1, le=100)


class RecordRequest(BaseModel):
    text: str = Field(max_length=MAX_TEXT_CHARS)
    producer: str = Field(min_length=1, max_length=200)
    model: str = Field(default="", max_length=200)
    produce_id: str | None = Field(default=None, max_length=128)


@router.post("/v1/registry/lookup")
def registry_lookup(body: LookupRequest, request: Request) -> dict[str, Any]:
    """Was this produced here? Exact (SHA-256) and near-duplicate (SimHash) matches."""
    reg = OutputRegistry(get_store(request))
    try:
        res = reg.lookup(body.text, sha256=body.sha256, simhash=body.simhash, max_distance=body.max_distance, limit=body.limit)
    except InputError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    return res.to_dict()


@router.post("/v1/registry/record")
def registry_record(body: RecordRequest, request: Request, _p: Principal = Depends(require_staff)) -> dict[str, Any]:
    reg = OutputRegistry(get_store(request))
    try:
        pid = reg.record(body.text, producer=body.producer, model=body.model, produce_id=body.produce_id)
    except InputError as exc:
        raise HTTPException(status_code=422, detail=str(exc)) from None
    return {"produce_id": pid}
