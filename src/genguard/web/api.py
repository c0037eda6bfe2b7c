"""Dashboard routes under ``/ui`` (mounted by the gateway's app factory via ``router``).

Every page requires a signed-in staff user (anonymous visitors are redirected to the login
form); every POST form carries a CSRF token tied to the session. Pages are rendered with the
shared autoescaping Jinja2 environment from templates in ``report/templates/web``.
"""

from __future__ import annotations

from datetime import UTC, datetime
from importlib import resources
from typing import Any
from urllib.parse import quote, urlencode

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from genguard import __version__
from genguard.errors import InputError
from genguard.report import bar_chart_svg, render_html
from genguard.taxonomy import get_taxonomy
from genguard.web import session as sess
from genguard.web.auth import WebCtx, csrf_valid, read_form, safe_next, verify_api_key, web_ctx
from genguard.web.charts import traffic_svg
from genguard.web.messages import criterion_label, enum_label, verdict_note
from genguard.web.providers import assessments as p_assess
from genguard.web.providers import corpus as p_corpus
from genguard.web.providers import governance as p_gov
from genguard.web.providers import incidents as p_inc
from genguard.web.providers import policy as p_policy
from genguard.web.providers import traffic as p_traffic

router = APIRouter(prefix="/ui", include_in_schema=False)

STATIC = {"web.css": "text/css; charset=utf-8"}
SECURITY_HEADERS = {
    # no external origin at all; inline <style> of the shared base template and inline SVG only
    "content-security-policy": "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
                               "script-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
    "x-content-type-options": "nosniff",
    "referrer-policy": "same-origin",
    "x-frame-options": "DENY",
    "cache-control": "no-store",
}
NAV = [("overview", "/ui/"), ("traffic", "/ui/traffic"), ("assessments", "/ui/assessments"),
       ("corpus", "/ui/corpus"), ("incidents", "/ui/incidents"), ("governance", "/ui/governance"),
       ("policy", "/ui/policy")]


# -- helpers -------------------------------------------------------------------------------------
def pct(x: float | None, digits: int = 1) -> str:
    return "–" if x is None else f"{x * 100:.{digits}f}%"


def fmt_dt(dt: datetime | str | None) -> str:
    if dt is None or dt == "":
        return "–"
    if isinstance(dt, str):
        try:
            parsed = datetime.fromisoformat(dt)
        except ValueError:
            return dt
        dt = parsed
    if dt.tzinfo is None:
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def _finish(wc: WebCtx, resp: Response) -> Response:
    for k, v in SECURITY_HEADERS.items():
        resp.headers.setdefault(k, v)
    secure = wc.request.url.scheme == "https"
    if wc.new_session:
        resp.set_cookie(sess.COOKIE, sess.sign(wc.secret, wc.session), max_age=sess.MAX_AGE_S, path="/ui",
                        httponly=True, samesite="lax", secure=secure)
    if wc.lang_changed:
        resp.set_cookie(sess.LANG_COOKIE, wc.lang, max_age=365 * 86400, path="/ui", samesite="lax", secure=secure)
    return resp


def _lang_url(wc: WebCtx, lang: str) -> str:
    params = [(k, v) for k, v in wc.request.query_params.multi_items() if k != "lang"] + [("lang", lang)]
    return wc.request.url.path + "?" + urlencode(params)


def page(wc: WebCtx, template: str, active: str, status: int = 200, **ctx: Any) -> Response:
    html = render_html(
        f"web/{template}", lang=wc.lang, t=wc.t, user=wc.user, csrf=wc.csrf, nav=NAV, active=active,
        lang_urls={"zh": _lang_url(wc, "zh"), "en": _lang_url(wc, "en")}, pct=pct, fmt_dt=fmt_dt,
        version=__version__, tax=get_taxonomy(), enum=lambda prefix, value: enum_label(prefix, value, wc.lang),
        crit=lambda name: criterion_label(name, wc.lang), vnote=lambda v: verdict_note(v, wc.lang), **ctx,
    )
    return _finish(wc, HTMLResponse(html, status_code=status))


def _login_redirect(wc: WebCtx) -> Response:
    target = wc.request.url.path + (f"?{wc.request.url.query}" if wc.request.url.query else "")
    return _finish(wc, RedirectResponse(f"/ui/login?next={quote(target, safe='')}", status_code=303))


def _forbidden(wc: WebCtx) -> Response:
    return page(wc, "error.html", "", status=403, message=wc.t("forbidden"))


def _not_found(wc: WebCtx, what: str = "") -> Response:
    return page(wc, "error.html", "", status=404, message=f"{wc.t('not_found')} {what}".strip())


def _code_or_none(value: str | None) -> str | None:
    """A taxonomy code from a filter box (unknown codes are ignored rather than queried)."""
    v = (value or "").strip()
    return v if v and get_taxonomy().has(v) else None


def _parse_dt(value: str | None) -> datetime | None:
    if not value:
        return None
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return None
    return dt.replace(tzinfo=UTC) if dt.tzinfo is None else dt.astimezone(UTC)


# -- assets, login ---------------------------------------------------------------------------------
@router.get("/static/{name}")
def static(name: str) -> Response:
    if name not in STATIC:
        return Response("not found", status_code=404, media_type="text/plain")
    data = resources.files("genguard.web").joinpath("static", name).read_bytes()
    return Response(data, media_type=STATIC[name], headers={"cache-control": "public, max-age=3600",
                                                           "x-content-type-options": "nosniff"})


@router.get("/login")
def login_form(request: Request, next: str = "/ui/") -> Response:
    wc = web_ctx(request)
    if wc.user is not None:
        return _finish(wc, RedirectResponse(safe_next(next), status_code=303))
    return page(wc, "login.html", "", next=safe_next(next), failed=False)


@router.post("/login")
async def login(request: Request) -> Response:
    wc = await run_in_threadpool(web_ctx, request)
    form = await read_form(request)
    if form is None or not csrf_valid(wc, form):
        return _forbidden(wc)
    key_id = await run_in_threadpool(verify_api_key, wc.store, form.get("api_key", ""))
    if key_id is None:
        return page(wc, "login.html", "", status=401, next=safe_next(form.get("next")), failed=True)
    wc.session, wc.new_session, wc.user = sess.new_session(key_id), True, key_id  # new sid: no session fixation
    return _finish(wc, RedirectResponse(safe_next(form.get("next")), status_code=303))


@router.post("/logout")
async def logout(request: Request) -> Response:
    wc = await run_in_threadpool(web_ctx, request)
    form = await read_form(request)
    if form is None or not csrf_valid(wc, form):
        return _forbidden(wc)
    wc.session, wc.new_session, wc.user = sess.new_session(), True, None
    return _finish(wc, RedirectResponse("/ui/login", status_code=303))


# -- overview ----------------------------------------------------------------------------------------
@router.get("/")
def overview(request: Request, window: str = "24h") -> Response:
    wc = web_ctx(request)
    if wc.user is None:
        return _login_redirect(wc)
    window = window if window in p_traffic.WINDOWS else "24h"
    store = wc.store
    since = p_traffic.since_for(window)
    summary, points = p_traffic.overview(store, window, since)
    cats = p_traffic.top_categories(store, since)
    tax = get_taxonomy()
    runs = p_assess.list_runs(store, limit=1)
    return page(
        wc, "overview.html", "overview", window=window, windows=list(p_traffic.WINDOWS), summary=summary,
        chart=traffic_svg(points, title=wc.t("over_time"), blocked_label=wc.t("blocked")),
        cats=cats, cat_names={c["code"]: (tax.name(c["code"], wc.lang) if tax.has(c["code"]) else c["code"]) for c in cats},
        open_incidents=p_inc.open_count(store), recent_incidents=p_inc.list_records(store, open_only=True, limit=5),
        overdue=p_inc.overdue(store)[:10], latest_run=runs[0] if runs else None,
        blacklisted=p_corpus.blacklisted_count(store), label=_inc_label(wc.lang),
    )


# -- guard traffic -----------------------------------------------------------------------------------
@router.get("/traffic")
def traffic(request: Request, key: str = "", category: str = "", action: str = "", direction: str = "",
            since: str = "", until: str = "", before: int | None = None) -> Response:
    wc = web_ctx(request)
    if wc.user is None:
        return _login_redirect(wc)
    flt = p_traffic.TrafficFilter(
        key=key.strip() or None, category=_code_or_none(category),
        action=action if action in p_traffic.ACTIONS else None,
        direction=direction if direction in ("input", "output") else None,
        since=_parse_dt(since), until=_parse_dt(until),
    )
    rows, nxt = p_traffic.list_requests(wc.store, flt, before=before)
    params = {k: v for k, v in (("key", key), ("category", category), ("action", action), ("direction", direction),
                                ("since", since), ("until", until)) if v}
    next_url = f"/ui/traffic?{urlencode({**params, 'before': nxt})}" if nxt is not None else None
    first_url = f"/ui/traffic?{urlencode(params)}" if before is not None else None
    return page(wc, "traffic.html", "traffic", rows=rows, flt=flt, form={"key": key, "category": category,
                "action": action, "direction": direction, "since": since, "until": until},
                keys=p_traffic.key_ids(wc.store), actions=p_traffic.ACTIONS, codes=get_taxonomy().codes(),
                next_url=next_url, first_url=first_url)


@router.get("/traffic/{row_id}")
def traffic_detail(request: Request, row_id: int) -> Response:
    wc = web_ctx(request)
    if wc.user is None:
        return _login_redirect(wc)
    cfg = getattr(request.app.state, "config", None)
    retention = getattr(cfg, "retention", None)
    text_days = getattr(retention, "text_days", None)
    hashed_only = getattr(retention, "mode", "full") == "hashed_only"
    row = p_traffic.get_request(wc.store, row_id, text_days=text_days, hashed_only=hashed_only)
    if row is None:
        return _not_found(wc, f"#{row_id}")
    return page(wc, "traffic_detail.html", "traffic", row=row, retention=retention)


# -- assessments -------------------------------------------------------------------------------------
@router.get("/assessments")
def assessments(request: Request) -> Response:
    wc = web_ctx(request)
    if wc.user is None:
        return _login_redirect(wc)
    return page(wc, "assessments.html", "assessments", runs=p_assess.list_runs(wc.store))


@router.get("/assessments/diff")
def assessment_diff(request: Request, a: str = "", b: str = "") -> Response:
    wc = web_ctx(request)
    if wc.user is None:
        return _login_redirect(wc)
    try:
        d = p_assess.diff(wc.store, a, b)
    except InputError as exc:
        return page(wc, "error.html", "assessments", status=404, message=str(exc))
    return page(wc, "assessment_diff.html", "assessments", d=d)


@router.get("/assessments/{run_id}")
def assessment(request: Request, run_id: str) -> Response:
    wc = web_ctx(request)
    if wc.user is None:
        return _login_redirect(wc)
    try:
        s = p_assess.summary(wc.store, run_id)
    except InputError:
        return _not_found(wc, run_id)
    tax = get_taxonomy()
    risks = [(code, r) for code, r in s.get("by_risk", {}).items()]
    classes = [(code, r) for code, r in s.get("by_class", {}).items()]

    def label(code: str) -> str:
        return f"{code} {tax.name(code, wc.lang)}" if tax.has(code) else code

    risk_chart = bar_chart_svg([label(c) for c, _ in risks], [r["rate"] for _, r in risks], max_value=1.0,
                               title=wc.t("per_risk"))
    class_chart = bar_chart_svg([label(c) for c, _ in classes], [r["rate"] for _, r in classes], max_value=1.0,
                                title=wc.t("per_class"))
    return page(wc, "assessment.html", "assessments", s=s, run_id=run_id, risks=risks, classes=classes,
                risk_chart=risk_chart, class_chart=class_chart,
                others=[r for r in p_assess.list_runs(wc.store) if r["id"] != run_id])


@router.get("/assessments/{run_id}/report")
def assessment_report(request: Request, run_id: str) -> Response:
    wc = web_ctx(request)
    if wc.user is None:
        return _login_redirect(wc)
    try:
        html = p_assess.report_html(wc.store, run_id, wc.lang)
    except InputError:
        return _not_found(wc, run_id)
    return _finish(wc, HTMLResponse(html))


# -- corpus ------------------------------------------------------------------------------------------
@router.get("/corpus")
def corpus(request: Request) -> Response:
    wc = web_ctx(request)
    if wc.user is None:
        return _login_redirect(wc)
    sources = p_corpus.sources(wc.store)
    audited = [s for s in sources if s["harmful_rate"] is not None]
    return page(wc, "corpus.html", "corpus", sources=sources, audits=p_corpus.audits(wc.store, limit=50),
                blacklist=[s for s in sources if s["blacklisted"]], audited=audited)


# -- incidents ---------------------------------------------------------------------------------------
@router.get("/incidents")
def incidents(request: Request, kind: str = "", status: str = "", severity: str = "", open_only: str = "") -> Response:
    wc = web_ctx(request)
    if wc.user is None:
        return _login_redirect(wc)
    recs = p_inc.list_records(
        wc.store, kind=kind if kind in p_inc.KINDS else None, status=status if status in p_inc.STATUSES else None,
        severity=severity if severity in p_inc.SEVERITIES else None, open_only=open_only == "1")
    return page(wc, "incidents.html", "incidents", recs=recs, overdue=p_inc.overdue(wc.store),
                form={"kind": kind, "status": status, "severity": severity, "open_only": open_only == "1"},
                kinds=p_inc.KINDS, statuses=p_inc.STATUSES, severities=p_inc.SEVERITIES, label=_inc_label(wc.lang))


def _inc_label(lang: str) -> Any:
    from genguard.incidents.labels import label

    return lambda key: label(key, lang)


def _incident_page(wc: WebCtx, ref: str, status: int = 200, error: str = "", done: str = "") -> Response:
    try:
        rec = p_inc.record(wc.store, ref)
    except InputError:
        return _not_found(wc, ref)
    return page(wc, "incident.html", "incidents", status=status, r=rec, error=error, done=done, label=_inc_label(wc.lang))


@router.get("/incidents/{ref}")
def incident(request: Request, ref: str, done: str = "") -> Response:
    wc = web_ctx(request)
    if wc.user is None:
        return _login_redirect(wc)
    return _incident_page(wc, ref, done=done if done in ("moved", "assigned") else "")


@router.get("/incidents/{ref}/report")
def incident_report(request: Request, ref: str) -> Response:
    wc = web_ctx(request)
    if wc.user is None:
        return _login_redirect(wc)
    try:
        html = p_inc.report_html(wc.store, ref, wc.lang)
    except InputError:
        return _not_found(wc, ref)
    return _finish(wc, HTMLResponse(html))


async def _incident_post(request: Request, ref: str, op: str) -> Response:
    wc = await run_in_threadpool(web_ctx, request)
    if wc.user is None:
        return _login_redirect(wc)
    form = await read_form(request)
    if form is None or not csrf_valid(wc, form):
        return _forbidden(wc)
    user = wc.user

    def apply() -> None:
        if op == "move":
            p_inc.move(wc.store, ref, form.get("to", ""), actor=f"web:{user}", note=form.get("note", "")[:4000])
        else:
            p_inc.assign(wc.store, ref, form.get("owner", ""), actor=f"web:{user}")

    try:
        await run_in_threadpool(p_inc.record, wc.store, ref)
    except InputError:
        return _not_found(wc, ref)
    try:
        await run_in_threadpool(apply)
    except InputError as exc:
        return await run_in_threadpool(_incident_page, wc, ref, 409, str(exc))
    done = "moved" if op == "move" else "assigned"
    return _finish(wc, RedirectResponse(f"/ui/incidents/{quote(ref)}?done={done}", status_code=303))


@router.post("/incidents/{ref}/move")
async def incident_move(request: Request, ref: str) -> Response:
    return await _incident_post(request, ref, "move")


@router.post("/incidents/{ref}/assign")
async def incident_assign(request: Request, ref: str) -> Response:
    return await _incident_post(request, ref, "assign")


# -- taxonomy and policy -----------------------------------------------------------------------------
@router.get("/policy")
def policy(request: Request) -> Response:
    wc = web_ctx(request)
    if wc.user is None:
        return _login_redirect(wc)
    tiers = [(tier, p_policy.policy_view(pol)) for tier, pol in p_policy.enforced(request.app.state)]
    return page(wc, "policy.html", "policy", taxonomy=p_policy.taxonomy(wc.lang), tiers=tiers,
                banks=p_gov.answer_banks(request.app.state))


# -- governance and labels -----------------------------------------------------------------------
@router.get("/governance")
def governance(request: Request) -> Response:
    wc = web_ctx(request)
    if wc.user is None:
        return _login_redirect(wc)
    return page(wc, "governance.html", "governance", gates=p_gov.gate_decisions(wc.store),
                assessments=p_gov.self_assessments(wc.store), registry=p_gov.registry_summary(wc.store))
