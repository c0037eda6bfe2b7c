"""Guard traffic from the gateway's audit log (``gateway_audit``).

Overview counts, time series and top categories read whole closed hours from the dashboard's
hourly rollup (``web_traffic_hourly``, migration ``web_0002``) and only a window's ragged edges
from the audit log, over the ``(at, action)`` index (migration ``web_0001``); the request list is
keyset-paginated on the primary key so deep pages cost the same as the first.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import Text, bindparam, cast, func, select, text

from genguard.gateway.models import ApiKey, AuditRecord
from genguard.store import Store

WINDOWS = {"1h": timedelta(hours=1), "24h": timedelta(hours=24), "7d": timedelta(days=7), "30d": timedelta(days=30)}
# label length of the time bucket (characters of "YYYY-MM-DD HH:MM"): minute / hour / day
_BUCKET_CHARS = {"1h": 16, "24h": 13, "7d": 10, "30d": 10}
ACTIONS = ("allow", "flag", "redact", "refuse", "block")
BLOCKING = ("refuse", "block")
PAGE_SIZE = 50

_T = AuditRecord.__table__
_AT_TYPE = _T.c.at.type


def utc(dt: datetime | None) -> datetime | None:
    """SQLite hands timezone-aware columns back naive; everything stored is UTC."""
    if dt is None:
        return None
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=UTC)


def since_for(window: str, now: datetime | None = None) -> datetime:
    return (now or datetime.now(UTC)) - WINDOWS.get(window, WINDOWS["24h"])


def _summarise(counts: dict[str, int]) -> dict[str, Any]:
    total = sum(counts.values())
    blocked = sum(counts.get(a, 0) for a in BLOCKING)
    intervened = total - counts.get("allow", 0)
    return {
        "total": total,
        "by_action": {a: counts.get(a, 0) for a in ACTIONS} | {a: n for a, n in counts.items() if a not in ACTIONS},
        "blocked": blocked,
        "block_rate": blocked / total if total else 0.0,
        "intervention_rate": intervened / total if total else 0.0,
    }


_STEP = {16: timedelta(minutes=1), 13: timedelta(hours=1), 10: timedelta(days=1)}
_LABEL = {16: "%Y-%m-%d %H:%M", 13: "%Y-%m-%d %H", 10: "%Y-%m-%d"}


# -- hourly rollup -----------------------------------------------------------------------------------
# Closed UTC hours (older than GRACE, so the audit writer's batches have landed) are counted once
# into ``web_traffic_hourly``; a window then reads its whole hours from there and only its two
# ragged edges (before the first whole hour, after the last rolled-up one) from the audit log.
# Rows written later for an already rolled-up hour are not in the overview's counts (the traffic
# list still shows them); rows the retention job deletes stay counted in the rollup.
GRACE = timedelta(minutes=5)
ROLLUP_SPAN = timedelta(days=31)  # the longest window (30 d) plus a margin
_ROLLUP_KEY = "web.traffic_rollup_until"
_rollup_lock = threading.Lock()


def _floor_hour(dt: datetime) -> datetime:
    return dt.astimezone(UTC).replace(minute=0, second=0, microsecond=0)


def _ceil_hour(dt: datetime) -> datetime:
    f = _floor_hour(dt)
    return f if f == dt else f + timedelta(hours=1)


def _hour_label_sql(dialect: str, col: str) -> str:
    if dialect == "postgresql":
        return f"to_char(timezone('UTC', {col}), 'YYYY-MM-DD HH24')"
    return f"substr({col}, 1, 13)"


def _bucket_expr(dialect: str, chars: int) -> Any:
    if dialect == "postgresql":
        return func.substr(func.to_char(func.timezone("UTC", _T.c.at), "YYYY-MM-DD HH24:MI"), 1, chars)
    return func.substr(_T.c.at, 1, chars)


def _live_cells(store: Store, chars: int, lo: datetime, hi: datetime | None) -> dict[tuple[str, str], int]:
    """(time bucket label, decision) -> texts, straight from the audit log's ``(at, action)`` index."""
    bucket = _bucket_expr(store.dialect, chars).label("bucket")
    q = select(bucket, _T.c.action, func.count()).where(_T.c.at >= lo)
    if hi is not None:
        q = q.where(_T.c.at < hi)
    q = q.group_by(bucket, _T.c.action)
    with store.engine.connect() as conn:
        return {(str(b), str(a)): int(n) for b, a, n in conn.execute(q)}


def _live_categories(store: Store, lo: datetime, hi: datetime | None, *, by_hour: bool = False) -> dict[tuple[str, ...], int]:
    """Category counts of intervened texts, keyed (code,) or (hour label, action, code). The ids are
    picked from the covering ``(at, action)`` index first, so only intervened rows are read (a plain
    join let SQLite's planner read every row of the range through the ``at`` index: 8x slower)."""
    rng = "b.at >= :lo" + (" AND b.at < :hi" if hi is not None else "")
    picked = f"a.id IN (SELECT b.id FROM gateway_audit b WHERE {rng} AND b.action <> 'allow')"
    keys = (f"{_hour_label_sql(store.dialect, 'a.at')} AS hour, a.action AS action, " if by_hour else "") + "j.value AS code"
    group = "hour, action, j.value" if by_hour else "j.value"
    if store.dialect == "postgresql":
        src = "gateway_audit a CROSS JOIN LATERAL json_array_elements_text(a.categories) AS j(value)"
    else:
        src = "gateway_audit a, json_each(a.categories) j"
    stmt = text(f"SELECT {keys}, count(*) AS n FROM {src} WHERE {picked} GROUP BY {group}")
    stmt = stmt.bindparams(bindparam("lo", type_=_AT_TYPE), *([bindparam("hi", type_=_AT_TYPE)] if hi is not None else []))
    params: dict[str, Any] = {"lo": lo} | ({"hi": hi} if hi is not None else {})
    with store.engine.connect() as conn:
        return {tuple(str(x) for x in r[:-1]): int(r[-1]) for r in conn.execute(stmt, params)}


def ensure_rollup(store: Store, now: datetime | None = None) -> datetime | None:
    """Count the closed hours not rolled up yet; returns the end of the rolled-up span (None when
    nothing is rolled up, or another process is rolling up the same hours right now)."""
    from sqlalchemy import delete, insert
    from sqlalchemy.exc import IntegrityError

    from genguard.store.meta import Meta
    from genguard.web.models import TrafficHour

    now = (now or datetime.now(UTC)).astimezone(UTC)
    target = _floor_hour(now - GRACE)
    floor = _floor_hour(now) - ROLLUP_SPAN
    with _rollup_lock:
        with store.session() as s:
            row = s.get(Meta, _ROLLUP_KEY)
            until = datetime.fromisoformat(row.value) if row is not None and row.value else None
        start = max(until, floor) if until is not None else floor
        if start >= target:
            return until
        rows = [{"hour": datetime.strptime(label, "%Y-%m-%d %H").replace(tzinfo=UTC), "action": action, "code": "", "n": n}
                for (label, action), n in _live_cells(store, 13, start, target).items()]
        rows += [{"hour": datetime.strptime(label, "%Y-%m-%d %H").replace(tzinfo=UTC), "action": action, "code": code, "n": n}
                 for (label, action, code), n in _live_categories(store, start, target, by_hour=True).items()]
        try:
            with store.session() as s:
                s.execute(delete(TrafficHour).where(TrafficHour.hour < floor - timedelta(days=1)))
                if rows:
                    s.execute(insert(TrafficHour), rows)
                meta = s.get(Meta, _ROLLUP_KEY)
                if meta is None:
                    s.add(Meta(key=_ROLLUP_KEY, value=target.isoformat()))
                else:
                    meta.value = target.isoformat()
        except IntegrityError:
            return None
        return target


def _plan(store: Store, chars: int, since: datetime, now: datetime | None) -> tuple[list[tuple[datetime, datetime | None]], tuple[datetime, datetime] | None]:
    """Which parts of [since, now] are read live and which whole hours come from the rollup."""
    if chars > 13:  # minute buckets: finer than the rollup
        return [(since, None)], None
    until = ensure_rollup(store, now)
    h0 = _ceil_hour(since)
    if until is None or h0 >= until:
        return [(since, None)], None
    return [(since, h0), (until, None)], (h0, until)


def _cells(store: Store, chars: int, since: datetime, now: datetime | None) -> dict[tuple[str, str], int]:
    from genguard.web.models import TrafficHour

    live, rolled = _plan(store, chars, since, now)
    out: dict[tuple[str, str], int] = {}
    for lo, hi in live:
        for k, n in _live_cells(store, chars, lo, hi).items():
            out[k] = out.get(k, 0) + n
    if rolled is not None:
        q = (select(TrafficHour.hour, TrafficHour.action, func.sum(TrafficHour.n))
             .where(TrafficHour.code == "", TrafficHour.hour >= rolled[0], TrafficHour.hour < rolled[1])
             .group_by(TrafficHour.hour, TrafficHour.action))
        with store.engine.connect() as conn:
            for hour, action, n in conn.execute(q):
                k = (utc(hour).strftime(_LABEL[13])[:chars], str(action))  # type: ignore[union-attr]
                out[k] = out.get(k, 0) + int(n)
    return out


def summary(store: Store, since: datetime, now: datetime | None = None) -> dict[str, Any]:
    """Totals per decision in the window, and the block / intervention rates."""
    counts: dict[str, int] = {}
    for (_, a), n in _cells(store, 13, since, now).items():
        counts[a] = counts.get(a, 0) + n
    return _summarise(counts)


def _series(window: str, since: datetime, now: datetime | None, cells: dict[tuple[str, str], int]) -> list[dict[str, Any]]:
    chars = _BUCKET_CHARS.get(window, 13)
    found: dict[str, list[int]] = {}
    for (b, a), n in cells.items():
        tot = found.setdefault(b, [0, 0])
        tot[0] += n
        if a in BLOCKING:
            tot[1] += n
    labels: list[str] = []
    t, end = since.astimezone(UTC), (now or datetime.now(UTC)).astimezone(UTC)
    while t <= end + _STEP[chars]:
        lab = t.strftime(_LABEL[chars])
        if not labels or labels[-1] != lab:
            labels.append(lab)
        t += _STEP[chars]
    labels = [lab for lab in labels if lab <= end.strftime(_LABEL[chars])]
    for lab in found:  # rows stamped slightly in the future (clock skew) are still shown
        if lab not in labels:
            labels.append(lab)
    return [{"bucket": lab, "total": found.get(lab, [0, 0])[0], "blocked": found.get(lab, [0, 0])[1]}
            for lab in sorted(labels)]


def timeline(store: Store, window: str, since: datetime, now: datetime | None = None) -> list[dict[str, Any]]:
    """Checked and refused/blocked texts per minute (1h), hour (24h) or day (7d, 30d); buckets
    without traffic are included (as zeros) so the chart's time axis is even."""
    return _series(window, since, now, _cells(store, _BUCKET_CHARS.get(window, 13), since, now))


def overview(store: Store, window: str, since: datetime, now: datetime | None = None) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """(summary, timeline) of the window from one pass (rollup plus the live edges)."""
    cells = _cells(store, _BUCKET_CHARS.get(window, 13), since, now)
    counts: dict[str, int] = {}
    for (_, a), n in cells.items():
        counts[a] = counts.get(a, 0) + n
    return _summarise(counts), _series(window, since, now, cells)


def top_categories(store: Store, since: datetime, limit: int = 10, now: datetime | None = None) -> list[dict[str, Any]]:
    """Most frequent categories among intervened texts in the window."""
    from genguard.web.models import TrafficHour

    live, rolled = _plan(store, 13, since, now)
    counts: dict[str, int] = {}
    for lo, hi in live:
        for (code,), n in _live_categories(store, lo, hi).items():
            counts[code] = counts.get(code, 0) + n
    if rolled is not None:
        q = (select(TrafficHour.code, func.sum(TrafficHour.n))
             .where(TrafficHour.code != "", TrafficHour.action != "allow", TrafficHour.hour >= rolled[0],
                    TrafficHour.hour < rolled[1]).group_by(TrafficHour.code))
        with store.engine.connect() as conn:
            for code, n in conn.execute(q):
                counts[str(code)] = counts.get(str(code), 0) + int(n)
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:limit]
    return [{"code": c, "count": n} for c, n in ranked]


@dataclass
class TrafficFilter:
    key: str | None = None
    category: str | None = None
    action: str | None = None
    direction: str | None = None
    since: datetime | None = None
    until: datetime | None = None

    def where(self) -> list[Any]:
        conds: list[Any] = []
        if self.key:
            conds.append(_T.c.key_id == self.key)
        if self.action:
            conds.append(_T.c.action == self.action)
        if self.direction:
            conds.append(_T.c.direction == self.direction)
        if self.since:
            conds.append(_T.c.at >= self.since)
        if self.until:
            conds.append(_T.c.at < self.until)
        if self.category:
            # JSON text of the list contains the quoted code; codes are validated against the taxonomy first
            conds.append(cast(_T.c.categories, Text).like(f'%"{self.category}"%'))
        return conds


_LIST_COLS = (_T.c.id, _T.c.at, _T.c.request_id, _T.c.key_id, _T.c.route, _T.c.direction, _T.c.action,
              _T.c.categories, _T.c.latency_ms, _T.c.text_chars, _T.c.status)


def _row(r: Any) -> dict[str, Any]:
    d = dict(r._mapping)
    d["at"] = utc(d["at"])
    return d


def list_requests(store: Store, flt: TrafficFilter, *, before: int | None = None,
                  limit: int = PAGE_SIZE) -> tuple[list[dict[str, Any]], int | None]:
    """One page of audit rows, newest first; returns (rows, id to pass as ``before`` for the next page)."""
    q = select(*_LIST_COLS).where(*flt.where())
    if before is not None:
        q = q.where(_T.c.id < before)
    q = q.order_by(_T.c.id.desc()).limit(limit + 1)
    with store.engine.connect() as conn:
        rows = [_row(r) for r in conn.execute(q)]
    nxt = rows[limit - 1]["id"] if len(rows) > limit else None
    return rows[:limit], nxt


def get_request(store: Store, row_id: int, *, text_days: float | None, hashed_only: bool,
                now: datetime | None = None) -> dict[str, Any] | None:
    """One audit row with the texts of the same request; stored text is shown only while the
    retention policy allows it (``text_days``), even if the purge job has not run yet."""
    now = now or datetime.now(UTC)
    with store.engine.connect() as conn:
        r = conn.execute(select(_T).where(_T.c.id == row_id)).first()
        if r is None:
            return None
        row = _row(r)
        sib = [_row(x) for x in conn.execute(
            select(*_LIST_COLS).where(_T.c.request_id == row["request_id"], _T.c.id != row_id).order_by(_T.c.id).limit(20))]

    def visible(at: datetime) -> bool:
        return not hashed_only and text_days is not None and text_days > 0 and at >= now - timedelta(days=text_days)

    if row["text"] is not None and not visible(row["at"]):
        row["text"] = None
    row["siblings"] = sib
    return row


def key_ids(store: Store) -> list[str]:
    """Ids of the gateway's keys (for the key filter; small table)."""
    with store.engine.connect() as conn:
        return [str(k) for k in conn.execute(select(ApiKey.id).order_by(ApiKey.id)).scalars()]
