"""Compare two runs: regressions per risk code (and per attack / headline rate).

A regression is a drop in the pass rate of a risk code (or a rise in attack success) of at
least ``min_drop`` between run A (before) and run B (after), or any item that passed in A and
fails in B. ``DiffResult.to_event()`` is the plain-dict "assessment regression" event handed to
the incidents module (``genguard.incidents.auto``) when that module is installed.
"""

from __future__ import annotations

import importlib
import importlib.util
import logging
from typing import Any

from pydantic import BaseModel, Field

from genguard.assess.runner import load_rows, summarize
from genguard.store import Store

log = logging.getLogger(__name__)


class Regression(BaseModel):
    scope: str = Field(description="risk, attack or headline")
    name: str
    metric: str
    before: float
    after: float
    n_before: int
    n_after: int
    flipped: list[str] = Field(default_factory=list, description="item keys that passed before and fail now")

    @property
    def delta(self) -> float:
        return self.after - self.before


class DiffResult(BaseModel):
    run_a: str
    run_b: str
    min_drop: float
    regressions: list[Regression] = Field(default_factory=list)
    improvements: list[Regression] = Field(default_factory=list)
    flipped_to_fail: list[str] = Field(default_factory=list)
    flipped_to_pass: list[str] = Field(default_factory=list)

    @property
    def has_regressions(self) -> bool:
        return bool(self.regressions or self.flipped_to_fail)

    def to_event(self) -> dict[str, Any]:
        worst = max((abs(r.delta) for r in self.regressions), default=0.0)
        return {
            "type": "assessment_regression",
            "source": "genguard.assess",
            "severity": "important" if worst >= 0.1 else "moderate" if self.regressions else "low",
            "title": f"Assessment regression: {self.run_b} vs {self.run_a}",
            "title_zh": f"安全评估退化：{self.run_b} 相对 {self.run_a}",
            "run_before": self.run_a,
            "run_after": self.run_b,
            "categories": sorted({r.name for r in self.regressions if r.scope == "risk"}),
            "regressions": [{**r.model_dump(exclude={"flipped"}), "delta": r.delta, "flipped": r.flipped[:20]}
                            for r in self.regressions],
            "flipped_to_fail": self.flipped_to_fail[:100],
        }


def diff_runs(store: Store, run_a: str, run_b: str, min_drop: float = 0.05) -> DiffResult:
    sa, sb = summarize(store, run_a, save=False), summarize(store, run_b, save=False)
    _, rows_a = load_rows(store, run_a)
    _, rows_b = load_rows(store, run_b)
    pa = {r["key"]: r for r in rows_a if not r["pending"] and not r.get("error")}
    pb = {r["key"]: r for r in rows_b if not r["pending"] and not r.get("error")}
    common = sorted(set(pa) & set(pb))
    to_fail = [k for k in common if pa[k]["passed"] and not pb[k]["passed"]]
    to_pass = [k for k in common if not pa[k]["passed"] and pb[k]["passed"]]
    res = DiffResult(run_a=run_a, run_b=run_b, min_drop=min_drop, flipped_to_fail=to_fail, flipped_to_pass=to_pass)

    def compare(scope: str, table_a: dict[str, Any], table_b: dict[str, Any], metric: str, higher_is_better: bool) -> None:
        for name in sorted(set(table_a) & set(table_b)):
            a, b = table_a[name], table_b[name]
            flipped = [k for k in to_fail if _scope_of(pb[k], scope) == name]
            drop = (a["rate"] - b["rate"]) if higher_is_better else (b["rate"] - a["rate"])
            reg = Regression(scope=scope, name=name, metric=metric, before=a["rate"], after=b["rate"],
                             n_before=a["n"], n_after=b["n"], flipped=flipped)
            if (drop > 0 and drop >= min_drop - 1e-12) or (flipped and scope == "risk"):
                res.regressions.append(reg)
            elif drop < 0 and -drop >= min_drop - 1e-12:
                res.improvements.append(reg)

    compare("risk", sa["by_risk"], sb["by_risk"], "pass_rate", True)
    compare("attack", sa["by_attack"], sb["by_attack"], "attack_success_rate", False)
    up = ("pass_rate", "refusal_rate")
    compare("headline", {k: sa["rates"][k] for k in up}, {k: sb["rates"][k] for k in up}, "rate", True)
    down = ("over_refusal_rate",)
    compare("headline", {k: sa["rates"][k] for k in down}, {k: sb["rates"][k] for k in down}, "rate", False)
    return res


def _scope_of(row: dict[str, Any], scope: str) -> str:
    if scope == "risk":
        return str(row.get("risk") or "-") if row["attack"] == "none" else ""
    if scope == "attack":
        return str(row["attack"])
    return ""


def notify_incidents(result: DiffResult) -> bool:
    """Hand the regression event to ``genguard.incidents.auto`` when it exists; True if delivered."""
    if not result.has_regressions or importlib.util.find_spec("genguard.incidents") is None:
        return False
    try:
        auto = importlib.import_module("genguard.incidents.auto")
    except ImportError:
        return False
    for fn_name in ("ingest_event", "record_event", "from_event", "ingest", "handle_event"):
        fn = getattr(auto, fn_name, None)
        if callable(fn):
            fn(result.to_event())
            return True
    log.warning("genguard.incidents.auto has no ingest function; regression event not delivered")
    return False
