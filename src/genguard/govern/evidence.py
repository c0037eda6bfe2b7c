"""Evidence collectors: each looks in one place the system records facts and reports them.

A collector returns :class:`Evidence` with status ``present`` or ``missing`` (with the reason);
it never fabricates a value. Collectors for optional modules import them lazily, so a
deployment without a module still gets a governance report that says what is absent.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Literal

from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from genguard.store import Store

Status = Literal["present", "missing"]


class Evidence(BaseModel):
    key: str
    status: Status
    summary: str = ""
    summary_zh: str = ""
    value: Any = None
    source: str = ""
    collected_at: datetime = Field(default_factory=lambda: datetime.now(UTC))

    @classmethod
    def missing(cls, key: str, why: str, why_zh: str = "") -> Evidence:
        return cls(key=key, status="missing", summary=why, summary_zh=why_zh)

    def summary_for(self, lang: str) -> str:
        """The summary in ``lang`` (zh falls back to en when no Chinese summary was written)."""
        return (self.summary_zh or self.summary) if lang == "zh" else self.summary

    @property
    def present(self) -> bool:
        return self.status == "present"


@dataclass
class EvidenceContext:
    """What collectors may look at: the store and the policy in force."""

    store: Store | None = None
    policy_path: str | None = None
    gateway_config: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


Collector = Callable[[EvidenceContext], Evidence]
COLLECTORS: dict[str, Collector] = {}


def collector(key: str) -> Callable[[Collector], Collector]:
    def deco(fn: Collector) -> Collector:
        COLLECTORS[key] = fn
        return fn

    return deco


def collect(ctx: EvidenceContext, keys: list[str] | None = None) -> dict[str, Evidence]:
    """Run collectors; fixture evidence in ``ctx.extra['evidence']`` overrides (used by tests/imports)."""
    fixed: dict[str, Evidence] = {
        k: v if isinstance(v, Evidence) else Evidence.model_validate({"key": k, **v})
        for k, v in ctx.extra.get("evidence", {}).items()
    }
    out: dict[str, Evidence] = {}
    for key in keys or sorted(COLLECTORS):
        if key in fixed:
            out[key] = fixed[key]
            continue
        fn = COLLECTORS.get(key)
        if fn is None:
            out[key] = Evidence.missing(key, "no collector for this evidence", "没有收集此项证据的收集器")
            continue
        try:
            out[key] = fn(ctx)
        except Exception as exc:  # a broken source is reported, never turned into a fake value
            why = f"{exc.__class__.__name__}: {exc}"
            out[key] = Evidence.missing(key, f"collector failed: {why}", f"证据收集失败：{why}")
    return out


# -- collectors over modules present in the core ---------------------------------------------
def _unacted(pol: Any) -> dict[str, list[str]]:
    """Per direction, the Appendix A risks whose findings the policy lets through (no rule, or ``allow``).

    A detector that runs but whose findings every rule allows checks nothing in effect, so
    clause 7-a must not count that direction as checked."""
    from genguard.findings import Action, Direction
    from genguard.taxonomy import get_taxonomy

    codes = get_taxonomy().codes(appendix_a_only=True)
    out: dict[str, list[str]] = {}
    for d in (Direction.INPUT, Direction.OUTPUT):
        hits = [pol.rule_for(c, d) for c in codes]
        out[d.value] = [c for c, h in zip(codes, hits, strict=True) if h is None or h[1].action == Action.ALLOW]
    return out


@collector("guard.policy")
def _policy(ctx: EvidenceContext) -> Evidence:
    from genguard.policy import load_policy

    pol = load_policy(ctx.policy_path)
    dirs = {d.value for spec in pol.detectors if spec.enabled for d in spec.directions}
    detectors = [f"{d.instance_name} ({d.type})" for d in pol.detectors if d.enabled]
    value = {
        "name": pol.name,
        "version": pol.version,
        "detectors": detectors,
        "pre_checks": [p.type for p in pol.pre_checks if p.enabled],
        "directions": sorted(dirs),
        "rules": {k: {d: (r.action.value if r else None) for d, r in (("input", v.input), ("output", v.output))}
                  for k, v in pol.rules.items()},
        "explicit_label": pol.label.explicit,
        "unacted": _unacted(pol),
    }
    return Evidence(key="guard.policy", status="present", value=value, source=str(pol.extensions.get("_source", "")),
                    summary=f"policy {pol.name}@{pol.version}: {len(detectors)} detectors on {', '.join(sorted(dirs))}",
                    summary_zh=f"策略 {pol.name}@{pol.version}：{len(detectors)} 个检测器，检测方向 {'、'.join(sorted(dirs))}")


@collector("keywords.banks")
def _keyword_banks(ctx: EvidenceContext) -> Evidence:
    from genguard.policy import load_policy

    pol = load_policy(ctx.policy_path)
    specs = [d for d in pol.detectors if d.enabled and d.type == "keywords"]
    if not specs:
        return Evidence.missing("keywords.banks", "the policy runs no keyword detector", "策略未启用关键词检测器")
    from genguard.detect.keywords import load_banks

    per_code: dict[str, int] = {}
    for spec in specs:
        for bank in load_banks(spec.config.get("banks")):
            per_code[bank.category] = per_code.get(bank.category, 0) + bank.size
    return Evidence(key="keywords.banks", status="present", value={"per_code": per_code, "total": sum(per_code.values())},
                    source="keyword banks of the policy", summary=f"{sum(per_code.values())} terms over {len(per_code)} codes",
                    summary_zh=f"共 {sum(per_code.values())} 个关键词，覆盖 {len(per_code)} 个风险类别")


@collector("answers.bank")
def _answer_bank(ctx: EvidenceContext) -> Evidence:
    from genguard.guard import Guard
    from genguard.policy import load_policy

    # only the pre-checks matter here: skip loading the detectors (classifier weights, term automata)
    guard = Guard(load_policy(ctx.policy_path), detectors=[])
    banks = [pre for pre, _ in guard.pre_checks if getattr(pre, "name", "") == "answer_bank"]
    if not banks:
        return Evidence.missing("answers.bank", "the policy has no standard-answer bank pre-check", "策略未配置标准答案库预检")
    entries = [e for b in banks for e in b.bank.entries]  # type: ignore[attr-defined]
    langs = sorted({e.language for e in entries})
    return Evidence(key="answers.bank", status="present", value={"entries": len(entries), "languages": langs},
                    source="policy pre_checks", summary=f"{len(entries)} vetted answers ({', '.join(langs)})",
                    summary_zh=f"{len(entries)} 条审定答案（{'、'.join(langs)}）")


@collector("incidents.channel")
def _incidents(ctx: EvidenceContext) -> Evidence:
    """The complaint channel exists when the incidents registry is set up; counts come from it."""
    if ctx.store is None:
        return Evidence.missing("incidents.channel", "no database given", "未提供数据库")
    from genguard.incidents import deadlines, registry

    open_records = registry.list_records(ctx.store, open_only=True, limit=100_000)
    late = deadlines.overdue(ctx.store)
    kinds: dict[str, int] = {}
    for r in open_records:
        kinds[r.kind] = kinds.get(r.kind, 0) + 1
    return Evidence(key="incidents.channel", status="present", source="incidents registry",
                    value={"open": len(open_records), "overdue": len(late), "open_by_kind": kinds},
                    summary=f"{len(open_records)} open records, {len(late)} overdue",
                    summary_zh=f"{len(open_records)} 条未结记录，{len(late)} 条逾期")


# collectors over the optional modules register themselves on import
from genguard.govern import collectors as _module_collectors  # noqa: E402,F401
