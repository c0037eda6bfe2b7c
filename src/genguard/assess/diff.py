"""Compare two runs: regressions per risk code (and per attack / headline rate).

A regression is a drop in the pass rate of a risk code (or a rise in attack success) of at
least ``min_drop`` between run A (before) and run B (after), or any item that passed in A and
fails in B. :func:`open_incident` turns the regressions into the incidents module's "assessment
regression" event and opens (idempotently) a vulnerability report with the two runs as evidence.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, Field

from genguard.assess.models import AssessRun
from genguard.assess.mutators.base import attack_risk_code
from genguard.assess.runner import load_rows, summarize
from genguard.errors import InputError
from genguard.store import Store
from genguard.taxonomy import get_taxonomy

if TYPE_CHECKING:
    from genguard.incidents.models import IncidentRecord


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
    flipped_codes: list[str] = Field(default_factory=list, description="risk codes of the items that flipped to fail")

    @property
    def has_regressions(self) -> bool:
        return bool(self.regressions or self.flipped_to_fail)

    def incident_event(self, *, target: str = "", report: str = "") -> dict[str, Any] | None:
        """The ``genguard.incidents.auto`` assessment-regression event, or None when no regression
        maps to a risk code.

        Rates are expressed so that higher is worse, as the incidents module expects: a risk
        code's pass-rate drop becomes a failure-rate rise (``1 - pass``), an attack's success rate
        is kept and filed under the security code it probes (S1 injection, S2 jailbreak). Headline
        drops are already visible per risk code; they are only filed, under the risk codes of the
        items that flipped to fail, when no risk code regressed on its own.
        """
        tax = get_taxonomy()
        rows: list[dict[str, Any]] = []
        for r in self.regressions:
            if r.scope == "risk" and tax.has(r.name):
                rows.append({"code": r.name, "metric": "failure_rate", "before": round(1 - r.before, 6),
                             "after": round(1 - r.after, 6)})
            elif r.scope == "attack":
                rows.append({"code": attack_risk_code(r.name), "metric": f"attack_success_rate[{r.name}]",
                             "before": r.before, "after": r.after})
        if not rows:
            for r in self.regressions:
                if r.scope != "headline":
                    continue
                worse_up = r.name == "over_refusal_rate"
                before, after = (r.before, r.after) if worse_up else (1 - r.before, 1 - r.after)
                rows.extend({"code": c, "metric": r.name if worse_up else f"1 - {r.name}", "before": round(before, 6),
                             "after": round(after, 6)} for c in self.flipped_codes)
        if not rows:
            return None
        event: dict[str, Any] = {"base_run": self.run_a, "head_run": self.run_b, "regressions": rows}
        if target:
            event["target"] = target
        if report:
            event["report"] = report
        return event


def diff_runs(store: Store, run_a: str, run_b: str, min_drop: float = 0.05) -> DiffResult:
    sa, sb = summarize(store, run_a, save=False), summarize(store, run_b, save=False)
    _, rows_a = load_rows(store, run_a)
    _, rows_b = load_rows(store, run_b)
    pa = {r["key"]: r for r in rows_a if not r["pending"] and not r.get("error")}
    pb = {r["key"]: r for r in rows_b if not r["pending"] and not r.get("error")}
    common = sorted(set(pa) & set(pb))
    to_fail = [k for k in common if pa[k]["passed"] and not pb[k]["passed"]]
    to_pass = [k for k in common if not pa[k]["passed"] and pb[k]["passed"]]
    tax = get_taxonomy()
    codes = sorted({str(pb[k]["risk"]) for k in to_fail if pb[k].get("risk") and tax.has(str(pb[k]["risk"]))})
    res = DiffResult(run_a=run_a, run_b=run_b, min_drop=min_drop, flipped_to_fail=to_fail, flipped_to_pass=to_pass,
                     flipped_codes=codes)

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


def run_target_name(store: Store, run_id: str) -> str:
    """A short name of the model a run assessed (model, else name, else base URL, else type)."""
    with store.session() as s:
        run = s.get(AssessRun, run_id)
        if run is None:
            raise InputError(f"no assessment run {run_id!r} in {store.safe_url}")
        target = dict((run.config or {}).get("target") or {})
    for key in ("model", "name", "base_url", "type"):
        if target.get(key):
            return str(target[key])
    return ""


def open_incident(store: Store, result: DiffResult, *, report: str = "") -> tuple[IncidentRecord, bool] | None:
    """Open a vulnerability report for the regressions (idempotent per run pair) via
    ``genguard.incidents.auto.open_from_assessment_regression``; ``(record, created)``, or None
    when there is nothing to file (no regression, or none that maps to a risk code)."""
    if not result.has_regressions:
        return None
    event = result.incident_event(target=run_target_name(store, result.run_b), report=report)
    if event is None:
        return None
    from genguard.incidents.auto import open_from_assessment_regression

    return open_from_assessment_regression(store, event)
