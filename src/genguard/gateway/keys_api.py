"""Key routes: a key holder's appeal, and staff routes to list keys, see events, revoke, reinstate."""

from __future__ import annotations

from typing import Any

import anyio.to_thread
from fastapi import APIRouter, Depends, HTTPException, Request

from genguard.errors import InputError
from genguard.gateway import keys as keyops
from genguard.gateway.body import JSONBodyRoute
from genguard.gateway.runtime import Gateway
from genguard.gateway.schemas import AppealRequest
from genguard.service import Principal, current_principal, require_staff

# capped body and OpenAI-shaped body errors as on the moderation routes: an appeal is open to any
# key holder, suspended ones included, so it must not read an unbounded body
router = APIRouter(tags=["keys"], route_class=JSONBodyRoute)


def _gw(request: Request) -> Gateway:
    gw: Gateway = request.app.state.gateway
    return gw


@router.post("/v1/keys/appeal", summary="Appeal the calling key's strikes or suspension (recorded for staff review)")
async def appeal(body: AppealRequest, request: Request) -> dict[str, Any]:
    p = current_principal(request)
    if p is None:
        raise HTTPException(status_code=401, detail="send the key you appeal for as 'Authorization: Bearer <key>'")
    gw = _gw(request)
    await anyio.to_thread.run_sync(lambda: keyops.appeal(gw.store, p.key_id, body.reason, actor=p.key_id))
    return {"key_id": p.key_id, "status": "appeal recorded"}


def _key_json(row: Any) -> dict[str, Any]:
    return {"id": row.id, "name": row.name, "prefix": row.prefix, "tier": row.tier, "roles": row.roles,
            "status": row.status, "strikes": row.strikes, "level": row.level,
            "created_at": row.created_at.isoformat() if row.created_at else None}


@router.get("/v1/admin/keys", summary="List keys (staff)")
async def list_keys(request: Request, _: Principal = Depends(require_staff)) -> dict[str, Any]:
    rows = await anyio.to_thread.run_sync(keyops.list_keys, _gw(request).store)
    return {"keys": [_key_json(r) for r in rows]}


@router.get("/v1/admin/keys/{key_id}/events", summary="A key's event history (staff)")
async def key_events(key_id: str, request: Request, _: Principal = Depends(require_staff)) -> dict[str, Any]:
    rows = await anyio.to_thread.run_sync(keyops.key_events, _gw(request).store, key_id)
    return {"events": [{"at": r.at.isoformat(), "event": r.event, "actor": r.actor, "detail": r.detail} for r in rows]}


@router.post("/v1/admin/keys/{key_id}/{action}", summary="Revoke, suspend or reinstate a key (staff)")
async def key_action(key_id: str, action: str, request: Request, p: Principal = Depends(require_staff)) -> dict[str, Any]:
    status = {"revoke": "revoked", "suspend": "suspended", "reinstate": "active"}.get(action)
    if status is None:
        raise HTTPException(status_code=404, detail=f"unknown key action {action!r}; use revoke, suspend or reinstate")
    gw = _gw(request)
    try:
        await anyio.to_thread.run_sync(lambda: keyops.set_status(gw.store, key_id, status, actor=p.key_id))
    except InputError as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None
    gw.keys.invalidate(key_id)
    return {"key_id": key_id, "status": status}
