"""HTTP routes: the public complaint / vulnerability form and the staff API.

Anonymous callers may only submit (``POST /v1/incidents/submit``); the submission is rate
limited per client address, size-capped before it is read (413), and validated strictly (422
with one reason per problem). Everything else requires a staff key (``require_staff``).
Mounted by the gateway's app factory through :data:`router` (see ``genguard.service``).
"""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any
from urllib.parse import parse_qsl

from fastapi import APIRouter, Depends, FastAPI, HTTPException, Query, Request
from fastapi.responses import JSONResponse, PlainTextResponse, Response
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from starlette.concurrency import run_in_threadpool

from genguard import service
from genguard.errors import InputError
from genguard.i18n import Messages
from genguard.incidents import deadlines as dl
from genguard.incidents import export, metrics, registry
from genguard.incidents.labels import Kind, VulnCategory, parse_lang
from genguard.incidents.ratelimit import RateLimiter
from genguard.incidents.registry import Clock, utcnow
from genguard.incidents.schema import (
    LIMITS,
    PUBLIC_DESCRIPTION_MIN,
    CleanStr,
    NewRecord,
    ReporterIn,
    Title,
    localized_reasons,
    min_visible,
)
from genguard.incidents.state import Status, allowed_targets
from genguard.service import Principal, read_capped
from genguard.store import Store


class IntakeSettings(BaseModel):
    """Limits of the public form (the gateway may pass its own)."""

    max_body_bytes: int = Field(default=32 * 1024, ge=1024)
    rate_limit: int = Field(default=5, ge=1)
    rate_window_s: float = Field(default=60.0, gt=0)
    trust_forwarded_for: bool = False  # only behind a proxy that sets X-Forwarded-For

    @classmethod
    def from_env(cls) -> IntakeSettings:
        """Settings from $GENGUARD_INCIDENTS_{MAX_BODY_BYTES,RATE_LIMIT,RATE_WINDOW_S,TRUST_FORWARDED_FOR}."""
        import os

        from genguard.errors import ConfigError

        data = {name: os.environ[f"GENGUARD_INCIDENTS_{name.upper()}"] for name in cls.model_fields
                if f"GENGUARD_INCIDENTS_{name.upper()}" in os.environ}
        try:
            return cls.model_validate(data)
        except ValidationError as exc:
            raise ConfigError("incidents intake settings: " + "; ".join(
                f"$GENGUARD_INCIDENTS_{'.'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in exc.errors())) from None


class PublicSubmission(BaseModel):
    """What an anonymous reporter may send: no severity, owner, evidence or internal fields."""

    model_config = ConfigDict(extra="forbid")

    kind: Kind = Kind.complaint
    title: Title = Field(max_length=LIMITS["title"])
    description: Annotated[CleanStr, min_visible(PUBLIC_DESCRIPTION_MIN)] = Field(max_length=LIMITS["description"])
    category: VulnCategory | None = None
    affected: CleanStr = Field(default="", max_length=LIMITS["affected"])
    risk_codes: list[str] = Field(default_factory=list, max_length=10)
    reporter: ReporterIn | None = None
    language: str = Field(default="zh", pattern=r"^(zh|en)$")


class MoveIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    to: Status
    note: CleanStr = Field(default="", max_length=LIMITS["note"])


class AssignIn(BaseModel):
    model_config = ConfigDict(extra="forbid")
    owner: Annotated[CleanStr, min_visible(1)] = Field(max_length=120)


get_store = service.get_store
require_staff = service.require_staff


def _client(request: Request, settings: IntakeSettings) -> str:
    if settings.trust_forwarded_for:
        fwd = request.headers.get("x-forwarded-for", "")
        if fwd:
            return fwd.split(",")[0].strip()[:64]
    return request.client.host if request.client else "unknown"


#: what the public form answers when it refuses a submission: ``err_*`` the error, ``why_*`` a reason
FORM_MESSAGES = Messages({
    "err_not_utf8": {"en": "body is not UTF-8", "zh": "请求体不是 UTF-8 编码"},
    "why_not_utf8": {"en": "body: not UTF-8 text", "zh": "请求体: 不是 UTF-8 文本"},
    "err_not_json": {"en": "body is not valid JSON", "zh": "请求体不是有效的 JSON"},
    "why_not_json": {"en": "body: {problem} (line {line}, column {col})", "zh": "请求体: 第 {line} 行第 {col} 列 JSON 格式错误"},
    "err_duplicate": {"en": "duplicate form field", "zh": "表单字段重复"},
    "why_duplicate": {"en": "{field}: given more than once", "zh": "{field}: 提交了不止一次"},
    "err_not_object": {"en": "body must be an object", "zh": "请求体必须是对象"},
    "why_not_object": {"en": "body: expected a JSON object", "zh": "请求体: 应为 JSON 对象"},
    "err_ctype": {"en": "unsupported content type {ctype!r}", "zh": "不支持的内容类型 {ctype!r}"},
    "why_ctype": {"en": "send application/json or application/x-www-form-urlencoded",
                  "zh": "请以 application/json 或 application/x-www-form-urlencoded 提交"},
    "err_invalid": {"en": "invalid submission", "zh": "提交内容无效"},
    "why_kind": {"en": "kind: the public form accepts complaint or vulnerability",
                 "zh": "类型: 公开表单只接受投诉举报（complaint）或漏洞报告（vulnerability）"},
    "err_too_large": {"en": "submission too large", "zh": "提交内容过大"},
    "why_too_large": {"en": "body exceeds {limit} bytes", "zh": "请求体超过 {limit} 字节"},
    "err_rate": {"en": "too many submissions from this address", "zh": "此地址提交过于频繁"},
    "why_rate": {"en": "retry after {wait} s", "zh": "请 {wait} 秒后重试"},
})


class FormProblem(Exception):
    """A refused submission: status, message keys of :data:`FORM_MESSAGES` and their arguments, so
    the answer can be worded in the reporter's language and the intake log in English."""

    def __init__(self, status: int, error: str, reasons: list[tuple[str, dict[str, Any]]], **error_args: Any) -> None:
        super().__init__(error)
        self.status, self.error, self.error_args, self.reasons = status, error, error_args, reasons

    def error_text(self, lang: str) -> str:
        return FORM_MESSAGES(self.error, lang).format(**self.error_args)

    def reason_texts(self, lang: str) -> list[str]:
        return [FORM_MESSAGES(key, lang).format(**args) for key, args in self.reasons]


def form_language(request: Request, data: Any = None) -> str:
    """The language to answer a form submission in: the submission's own ``language`` when it is
    zh / en, else ``?lang=``, else the Accept-Language header (zh... -> zh), else English."""
    if isinstance(data, dict) and data.get("language") in ("zh", "en"):
        return str(data["language"])
    wanted = request.query_params.get("lang") or request.headers.get("accept-language", "")
    return "zh" if wanted.strip().lower().startswith("zh") else "en"


def _parse_body(raw: bytes, content_type: str) -> Any:
    ctype = content_type.split(";")[0].strip().lower()
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        raise FormProblem(422, "err_not_utf8", [("why_not_utf8", {})]) from None
    if ctype == "application/json":
        try:
            return json.loads(text)
        except json.JSONDecodeError as exc:
            raise FormProblem(422, "err_not_json", [("why_not_json", {"problem": exc.msg, "line": exc.lineno,
                                                                      "col": exc.colno})]) from None
    if ctype == "application/x-www-form-urlencoded":
        pairs = parse_qsl(text, keep_blank_values=True, strict_parsing=False)
        data: dict[str, Any] = {}
        reporter: dict[str, Any] = {}
        for k, v in pairs:
            if k in data or k in reporter:
                raise FormProblem(422, "err_duplicate", [("why_duplicate", {"field": k})])
            if k.startswith("reporter_"):
                reporter[k.removeprefix("reporter_")] = v if k != "reporter_consent_contact" else v.lower() in ("1", "true", "on", "yes")
            elif k == "risk_codes":
                data[k] = [c for c in v.split(",") if c.strip()]
            else:
                data[k] = v
        if reporter:
            data["reporter"] = reporter
        return data
    raise FormProblem(415, "err_ctype", [("why_ctype", {})], ctype=ctype or "(none)")


def make_router(settings: IntakeSettings | None = None, *, clock: Clock = utcnow) -> APIRouter:
    """The incidents routes with their own rate limiter (tests build routers with tight limits)."""
    cfg = settings or IntakeSettings.from_env()
    limiter = RateLimiter(cfg.rate_limit, cfg.rate_window_s)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        store = getattr(app.state, "store", None)
        if store is not None:
            metrics.bind(store, clock=clock)
        else:
            metrics.register()
        yield

    r = APIRouter(prefix="/v1/incidents", tags=["incidents"], lifespan=lifespan)
    staff = [Depends(require_staff)]

    async def reject(store: Store, status: int, error: dict[str, str], reasons: dict[str, list[str]], client: str,
                     lang: str, outcome: str = "rejected") -> JSONResponse:
        """Answer in the reporter's language (``error`` / ``reasons`` are {"zh": ..., "en": ...});
        the intake log keeps the English wording."""
        metrics.INTAKE.labels(outcome).inc()
        await run_in_threadpool(lambda: registry.log_intake(
            store, channel="form", outcome=outcome, client=client,
            reason=f"{status} {error['en']}: {'; '.join(reasons['en'])}", clock=clock))
        return JSONResponse({"error": error[lang], "reasons": reasons[lang], "language": lang}, status_code=status)

    async def refuse(store: Store, problem: FormProblem, client: str, lang: str, outcome: str = "rejected") -> JSONResponse:
        return await reject(store, problem.status, {x: problem.error_text(x) for x in ("zh", "en")},
                            {x: problem.reason_texts(x) for x in ("zh", "en")}, client, lang, outcome)

    @r.post("/submit", status_code=201, summary="Public complaint / vulnerability report form (anonymous allowed)")
    async def submit(request: Request, store: Store = Depends(get_store)) -> Response:
        client = _client(request, cfg)
        lang = form_language(request)
        wait = limiter.hit(client)
        if wait:
            metrics.INTAKE.labels("rate_limited").inc()
            return JSONResponse({"error": FORM_MESSAGES("err_rate", lang),
                                 "reasons": [FORM_MESSAGES("why_rate", lang).format(wait=f"{wait:.0f}")], "language": lang},
                                status_code=429, headers={"Retry-After": str(max(1, round(wait)))})
        raw = await read_capped(request, cfg.max_body_bytes)
        if raw is None:
            return await refuse(store, FormProblem(413, "err_too_large", [("why_too_large", {"limit": cfg.max_body_bytes})]),
                                client, lang, "too_large")
        try:
            data = _parse_body(raw, request.headers.get("content-type", ""))
            lang = form_language(request, data)
            if not isinstance(data, dict):
                raise FormProblem(422, "err_not_object", [("why_not_object", {})])
            sub = PublicSubmission.model_validate(data)
            new = NewRecord.model_validate({**sub.model_dump(exclude_none=True), "kind": sub.kind.value})
        except FormProblem as problem:
            return await refuse(store, problem, client, lang)
        except ValidationError as exc:
            invalid = {x: FORM_MESSAGES("err_invalid", x) for x in ("zh", "en")}
            return await reject(store, 422, invalid, {x: localized_reasons(exc, x) for x in ("zh", "en")}, client, lang)
        if new.kind == Kind.incident:
            return await refuse(store, FormProblem(422, "err_invalid", [("why_kind", {})]), client, lang)

        def file() -> Any:
            rec = registry.create(store, new, actor="public", channel="form", clock=clock)
            registry.log_intake(store, channel="form", outcome="accepted", record_ref=rec.ref, client=client, clock=clock)
            return rec

        rec = await run_in_threadpool(file)
        metrics.INTAKE.labels("accepted").inc()
        return JSONResponse(
            {"ref": rec.ref, "status": rec.status, "received_at": registry.to_dict(rec)["received_at"],
             "message": {"zh": "已收到您的反馈，我们会在规定时限内处理。", "en": "Thank you: your report was received and will be handled within our published response times."}},
            status_code=201,
        )

    @r.get("", dependencies=staff, summary="List records (staff)")
    def list_(store: Store = Depends(get_store), kind: Kind | None = None, status: Status | None = None,
              severity: str | None = Query(default=None, pattern=r"^(low|moderate|important|critical)$"),
              open_only: bool = False, limit: int = Query(default=200, ge=1, le=5000)) -> list[dict[str, Any]]:
        recs = registry.list_records(store, kind=kind.value if kind else None, status=status.value if status else None,
                                     severity=severity, open_only=open_only, limit=limit)
        return [registry.to_dict(x, include_reporter=False) for x in recs]

    @r.post("", dependencies=staff, status_code=201, summary="File a record (staff; any kind)")
    def create(body: NewRecord, store: Store = Depends(get_store), who: Principal = Depends(require_staff)) -> dict[str, Any]:
        rec = registry.create(store, body, actor=who.key_id, channel="api", clock=clock)
        registry.log_intake(store, channel="api", outcome="accepted", record_ref=rec.ref, clock=clock)
        return registry.to_dict(rec)

    @r.get("/overdue", dependencies=staff, summary="Overdue deadlines (staff)")
    def overdue(store: Store = Depends(get_store)) -> list[dict[str, Any]]:
        return [{"ref": rec.ref, "kind": rec.kind, "severity": rec.severity, "status": rec.status, "title": rec.title,
                 "owner": rec.owner, **d.as_dict()} for rec, d in dl.overdue(store, clock=clock)]

    @r.get("/export", dependencies=staff, summary="Export all records: json or AIID csv (staff)")
    def export_all(store: Store = Depends(get_store), format: str = Query(default="json", pattern=r"^(json|csv)$"),
                   redact: bool = True) -> Response:
        recs = registry.list_records(store, limit=100_000)
        if format == "csv":
            return PlainTextResponse(export.to_aiid_csv(recs, redact=redact, now=clock()), media_type="text/csv; charset=utf-8")
        return PlainTextResponse(export.to_json(recs, include_reporter=not redact, redact=redact), media_type="application/json")

    def _get(store: Store, ref: str) -> Any:
        try:
            return registry.get(store, ref)
        except InputError as exc:
            raise HTTPException(404, detail=str(exc)) from None

    @r.get("/{ref}", dependencies=staff, summary="One record with deadlines and allowed moves (staff)")
    def show(ref: str, store: Store = Depends(get_store)) -> dict[str, Any]:
        rec = _get(store, ref)
        d = registry.to_dict(rec)
        d["deadlines"] = [x.as_dict() for x in dl.deadlines_for(rec, now=clock())]
        d["allowed_moves"] = [s.value for s in allowed_targets(rec.status)]
        return d

    @r.get("/{ref}/report", dependencies=staff, summary="Markdown or HTML report, optionally redacted (staff)")
    def report(ref: str, store: Store = Depends(get_store), format: str = Query(default="html", pattern=r"^(html|md)$"),
               lang: str = Query(default="en", max_length=20, description="zh or en; zh-CN, en-US and the like also work"),
               redact: bool = False) -> Response:
        try:
            lang = parse_lang(lang, where="lang")
        except InputError as exc:
            raise HTTPException(422, detail=str(exc)) from None
        rec = _get(store, ref)
        if format == "md":
            return PlainTextResponse(export.to_markdown(rec, lang=lang, redact=redact, now=clock()), media_type="text/markdown; charset=utf-8")
        return Response(export.to_html(rec, lang=lang, redact=redact, now=clock()), media_type="text/html; charset=utf-8")

    @r.post("/{ref}/move", dependencies=staff, summary="Change status (staff)")
    def move(ref: str, body: MoveIn, store: Store = Depends(get_store), who: Principal = Depends(require_staff)) -> dict[str, Any]:
        _get(store, ref)
        try:
            rec = registry.move(store, ref, body.to.value, actor=who.key_id, note=body.note, clock=clock)
        except InputError as exc:
            raise HTTPException(409, detail=str(exc)) from None
        return registry.to_dict(rec)

    @r.post("/{ref}/assign", dependencies=staff, summary="Set the owner (staff)")
    def assign(ref: str, body: AssignIn, store: Store = Depends(get_store), who: Principal = Depends(require_staff)) -> dict[str, Any]:
        _get(store, ref)
        return registry.to_dict(registry.assign(store, ref, body.owner, actor=who.key_id, clock=clock))

    return r


router = make_router()
# open to callers without an API key even when the gateway requires keys (rate limited above)
PUBLIC_PATHS = ("/v1/incidents/submit",)
