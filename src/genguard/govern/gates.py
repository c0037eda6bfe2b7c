"""Capability gates: risk categories with levels, thresholds on assessment metrics, margins.

A gate reads one metric (e.g. attack success rate on S2, or harmful-answer rate on A1) from the
latest assessment, adds its buffer margin (evaluation uncertainty counts against deployment),
and maps the result to a level (low < medium < high < critical) by the gate's thresholds.
Deploy only if every gate is at most ``medium`` after mitigation; continue development only if
every gate is at most ``high``. Decisions are recorded with sign-off.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, model_validator

from genguard.config_file import load_yaml_model
from genguard.errors import ConfigError

LEVELS = ["low", "medium", "high", "critical"]
LevelName = Literal["low", "medium", "high", "critical"]


class MetricRef(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str = Field(description="metric name, e.g. harmful_rate, attack_success_rate, refusal_rate")
    scope: str = Field(default="*", description="risk code, class (A1) or * for overall")
    higher_is_worse: bool = True


class Gate(BaseModel):
    model_config = ConfigDict(extra="forbid")
    id: str
    zh: str
    en: str
    metric: MetricRef
    thresholds: dict[LevelName, float] = Field(description="upper bound of each level (low/medium/high); above high is critical")
    buffer: float = Field(default=0.0, ge=0.0)
    mitigations: list[str] = Field(default_factory=list)
    mitigation_effect: float = Field(default=0.0, ge=0.0, description="metric reduction the pre-committed mitigations are credited with")

    @model_validator(mode="after")
    def _ordered(self) -> Gate:
        vals = [self.thresholds[k] for k in ("low", "medium", "high") if k in self.thresholds]
        if len(vals) != 3 or vals != sorted(vals):
            raise ValueError("thresholds need low <= medium <= high")
        return self

    def level_for(self, value: float) -> LevelName:
        v = value if self.metric.higher_is_worse else 1.0 - value
        for name in ("low", "medium", "high"):
            if v <= self.thresholds[name]:
                return name
        return "critical"


class GateConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    gates: list[Gate]


class MetricsSource(Protocol):
    """Where gates read metrics: ``latest(name, scope) -> (value, run_id) | None``."""

    def latest(self, name: str, scope: str) -> tuple[float, str] | None: ...


class GateResult(BaseModel):
    id: str
    title: str
    metric: str
    value: float | None
    run_id: str | None
    pre_mitigation: LevelName | None
    post_mitigation: LevelName | None
    reason: str
    reason_zh: str = ""

    def reason_for(self, lang: str) -> str:
        return (self.reason_zh or self.reason) if lang == "zh" else self.reason


class GateDecision(BaseModel):
    decision: Literal["deploy", "hold"]
    continue_development: bool
    results: list[GateResult]
    reasons: list[str]
    reasons_zh: list[str] = Field(default_factory=list)
    evaluated_at: datetime

    def reasons_for(self, lang: str) -> list[str]:
        return (self.reasons_zh or self.reasons) if lang == "zh" else self.reasons


def load_gates(path: Path) -> GateConfig:
    cfg = load_yaml_model(path, GateConfig, "gates file")
    _check_metric_names(cfg, path)
    return cfg


def _check_metric_names(cfg: GateConfig, path: Path) -> None:
    """A misspelt metric or scope would hold forever as "missing": name it now."""
    from genguard.govern.metrics import check_metric

    for i, g in enumerate(cfg.gates):
        problem = check_metric(g.metric.name, g.metric.scope)
        if problem:
            raise ConfigError(f"{path}: key 'gates.{i}.metric': {problem}")


LEVEL_ZH = {"low": "低", "medium": "中", "high": "高", "critical": "严重"}


def evaluate_gates(cfg: GateConfig, source: MetricsSource, *, lang: str = "en") -> GateDecision:
    results: list[GateResult] = []
    reasons: list[str] = []
    reasons_zh: list[str] = []
    worst_post = 0
    for g in cfg.gates:
        title = g.zh if lang == "zh" else g.en
        metric = f"{g.metric.name}[{g.metric.scope}]"
        got = source.latest(g.metric.name, g.metric.scope)
        if got is None:
            # no measurement is not "low risk": hold until the metric exists
            results.append(GateResult(id=g.id, title=title, metric=metric, value=None, run_id=None, pre_mitigation=None,
                                      post_mitigation=None, reason="metric missing: no assessment measured it",
                                      reason_zh="指标缺失：尚无评估测量该指标"))
            reasons.append(f"{g.id}: metric {metric} missing")
            reasons_zh.append(f"{g.id}：指标 {metric} 缺失")
            worst_post = max(worst_post, LEVELS.index("critical"))
            continue
        value, run_id = got
        sign = 1 if g.metric.higher_is_worse else -1
        pre = g.level_for(value + sign * g.buffer)
        post = g.level_for(value + sign * (g.buffer - g.mitigation_effect))
        worst_post = max(worst_post, LEVELS.index(post))
        reason = (f"{metric} = {value:.4f} (run {run_id}, buffer {g.buffer:g}, "
                  f"mitigation credit {g.mitigation_effect:g}) -> {pre} before, {post} after mitigation")
        reason_zh = (f"{metric} = {value:.4f}（评估 {run_id}，缓冲 {g.buffer:g}，缓解措施抵扣 {g.mitigation_effect:g}）"
                     f"→ 缓解前{LEVEL_ZH[pre]}，缓解后{LEVEL_ZH[post]}")
        if LEVELS.index(post) > LEVELS.index("medium"):
            reasons.append(f"{g.id}: {reason}")
            reasons_zh.append(f"{g.id}：{reason_zh}")
        results.append(GateResult(id=g.id, title=title, metric=metric, value=value, run_id=run_id, pre_mitigation=pre,
                                  post_mitigation=post, reason=reason, reason_zh=reason_zh))
    decision: Literal["deploy", "hold"] = "deploy" if worst_post <= LEVELS.index("medium") else "hold"
    return GateDecision(decision=decision, continue_development=worst_post <= LEVELS.index("high"),
                        results=results, reasons=reasons, reasons_zh=reasons_zh, evaluated_at=datetime.now(UTC))
