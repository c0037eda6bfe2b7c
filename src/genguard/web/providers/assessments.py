"""Assessment runs (``genguard.assess``): list, one run's summary, diff, full report."""

from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Any

from sqlalchemy import select

from genguard.assess.models import AssessRun
from genguard.store import Store


def list_runs(store: Store, limit: int = 100) -> list[dict[str, Any]]:
    """Newest runs first, with the headline numbers from their stored summaries."""
    q = select(AssessRun.id, AssessRun.name, AssessRun.status, AssessRun.created_at, AssessRun.finished_at,
               AssessRun.summary).order_by(AssessRun.created_at.desc()).limit(limit)
    out = []
    with store.session() as s:
        for rid, name, status, created, finished, summary in s.execute(q):
            sm = summary or {}
            rates = sm.get("rates", {})
            out.append({"id": rid, "name": name, "status": status, "created_at": created, "finished_at": finished,
                        "passed": sm.get("passed") if summary else None,
                        "pass_rate": (rates.get("pass_rate") or {}).get("rate"),
                        "refusal_rate": (rates.get("refusal_rate") or {}).get("rate"),
                        "items": (sm.get("totals") or {}).get("items")})
    return out


def summary(store: Store, run_id: str) -> dict[str, Any]:
    """The run's stored summary (computed from its results when the run never stored one).
    Raises :class:`~genguard.errors.InputError` for an unknown run."""
    from genguard.assess.runner import summarize

    with store.session() as s:
        run = s.get(AssessRun, run_id)
        stored = run.summary if run is not None else None
    if stored:
        return dict(stored)
    return summarize(store, run_id, save=False)


_DIFFS: OrderedDict[tuple[str, str, str, float], dict[str, Any]] = OrderedDict()
_DIFFS_LOCK = threading.Lock()
_DIFFS_MAX = 32


def diff(store: Store, run_a: str, run_b: str, min_drop: float = 0.05) -> dict[str, Any]:
    """The assess module's diff of two runs. The diff of two *finished* runs never changes, so it
    is kept (32 most recent pairs per process) instead of re-reading both runs' results each time."""
    with store.session() as s:
        done = all((r := s.get(AssessRun, rid)) is not None and r.status == "finished" for rid in (run_a, run_b))
    key = (str(store.engine.url), run_a, run_b, min_drop)
    if done:
        with _DIFFS_LOCK:
            hit = _DIFFS.get(key)
            if hit is not None:
                _DIFFS.move_to_end(key)
                return hit
    out = _diff(store, run_a, run_b, min_drop)
    if done:
        with _DIFFS_LOCK:
            _DIFFS[key] = out
            while len(_DIFFS) > _DIFFS_MAX:
                _DIFFS.popitem(last=False)
    return out


def _diff(store: Store, run_a: str, run_b: str, min_drop: float) -> dict[str, Any]:
    from genguard.assess.diff import diff_runs

    res = diff_runs(store, run_a, run_b, min_drop=min_drop)
    return {"run_a": res.run_a, "run_b": res.run_b, "min_drop": res.min_drop,
            "regressions": [{**r.model_dump(), "delta": r.delta} for r in res.regressions],
            "improvements": [{**r.model_dump(), "delta": r.delta} for r in res.improvements],
            "flipped_to_fail": res.flipped_to_fail, "flipped_to_pass": res.flipped_to_pass}


def report_html(store: Store, run_id: str, lang: str) -> str:
    from genguard.assess.reporting import render_html_report

    return render_html_report(summary(store, run_id), lang)
