"""The gateway's shared runtime: guards per tier, upstreams, keys, ladder, audit writer, metrics.

One instance lives on ``app.state.gateway``; route modules take what they need from it so no
global state exists and several apps (tests, bench) can run in one process.
"""

from __future__ import annotations

import logging
import time
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

import anyio.to_thread

from genguard.detect.base import DetectContext
from genguard.findings import Action, Decision, Direction, Finding
from genguard.gateway.audit import AuditWriter, audit_row
from genguard.gateway.config import GatewayConfig
from genguard.gateway.history_cache import DecisionCache
from genguard.gateway.keys import KeyCache, KeyRecord
from genguard.gateway.labels import Provenance
from genguard.gateway.ladder import Ladder
from genguard.gateway.metrics import Metrics
from genguard.gateway.ratelimit import TokenBuckets
from genguard.gateway.tripwire import SpikeDetector, TripwireHook, incidents_hook, make_event
from genguard.gateway.upstream import Upstream
from genguard.gateway.vault import VaultAdapter
from genguard.guard import Guard
from genguard.policy import Policy, load_policy
from genguard.policy.model import Rule, RuleSet
from genguard.store import Store
from genguard.taxonomy import get_taxonomy

log = logging.getLogger("genguard.gateway")
T = TypeVar("T")


def stricter_policy(policy: Policy) -> Policy:
    """The 'stricter policy' ladder step when none is configured: lower every threshold and turn
    flags into refusals (input) / blocks (output)."""

    def tighten(rule: Rule | None, direction: Direction) -> Rule | None:
        if rule is None:
            return None
        action = rule.action
        if action == Action.FLAG:
            action = Action.REFUSE if direction == Direction.INPUT else Action.BLOCK
        return Rule(action=action, threshold=round(max(0.05, rule.threshold * 0.6), 4))

    rules = {
        k: RuleSet(input=tighten(rs.input, Direction.INPUT), output=tighten(rs.output, Direction.OUTPUT))
        for k, rs in policy.rules.items()
    }
    return policy.model_copy(update={"name": f"{policy.name}-stricter", "rules": rules})


def decision_summary(d: Decision | None) -> dict[str, Any] | None:
    """The compact decision every response carries in its ``genguard`` field."""
    if d is None:
        return None
    return {
        "action": d.action.value,
        "categories": d.categories,
        "reasons": [r.model_dump(mode="json") for r in d.reasons],
        "language": d.language,
        "policy": d.policy,
    }


def is_vetted_answer(d: Decision) -> bool:
    """The decision is an answer-bank hit (``pre_checks.answer_bank`` in ``answer`` mode): the
    vetted answer replies to a sensitive-but-legitimate question ("are you an AI?", a self-harm
    disclosure), so it is neither a strike against the key nor a block towards a category spike."""
    return bool(d.reasons) and all(r.rule == "pre_checks.answer_bank" for r in d.reasons)


@dataclass
class RequestCtx:
    """Per-request facts the routes pass around (who, which guard, for the audit log)."""

    request_id: str
    key: KeyRecord | None
    tier: str
    guard: Guard
    warning: str | None = None
    started: float = field(default_factory=time.perf_counter)

    @property
    def key_id(self) -> str:
        return self.key.id if self.key else "anonymous"


class Gateway:
    def __init__(self, config: GatewayConfig, store: Store) -> None:
        self.config = config
        self.store = store
        self.metrics = Metrics()
        self.guards: dict[str, Guard] = {}
        self.stricter: dict[str, Guard] = {}
        strict_override = config.resolve_path(config.ladder.stricter_policy)
        for tier, tc in config.tiers.items():
            policy = load_policy(config.resolve_path(tc.policy))
            self.guards[tier] = Guard.from_policy(policy)
            self.stricter[tier] = Guard.from_policy(load_policy(strict_override) if strict_override else stricter_policy(policy))
        for g in {id(g): g for g in [*self.guards.values(), *self.stricter.values()]}.values():
            g.warm_up()
        self.default_guard = self.guards[config.anonymous_tier]
        self.keys = KeyCache(store, config.auth.cache_ttl_s)
        self.ladder = Ladder(config.ladder)
        self.buckets = TokenBuckets()
        self.history = DecisionCache(config.guard.history_cache, config.guard.history_ttl_s)
        self.audit = AuditWriter(store, config.audit)
        self.spikes = SpikeDetector(config.tripwire)
        self.tripwire_hooks: list[TripwireHook] = [incidents_hook(store)]
        self.upstreams = {name: Upstream(name, uc) for name, uc in config.upstreams.items()}
        self.vault = VaultAdapter()
        self.provenance = Provenance(store, self.audit.submit_job)

    # -- per request --------------------------------------------------------------------
    def new_ctx(self, key: KeyRecord | None) -> RequestCtx:
        tier = key.tier if key else self.config.anonymous_tier
        if tier not in self.guards:
            tier = self.config.anonymous_tier
        level = key.level if key else "none"
        guard = self.stricter[tier] if level in ("stricter", "suspend") else self.guards[tier]
        warning = None
        if level != "none" and key is not None:
            warning = (
                f"key {key.id} has {key.strikes} strike(s) for policy violations (level: {level}); "
                "further violations escalate to throttling, a stricter policy and suspension"
            )
        return RequestCtx(request_id=uuid.uuid4().hex, key=key, tier=tier, guard=guard, warning=warning)

    def rate_limit(self, key: KeyRecord | None, client: str) -> float:
        tier = key.tier if key else self.config.anonymous_tier
        tc = self.config.tiers.get(tier) or self.config.tiers[self.config.anonymous_tier]
        rate, burst = tc.rate_limit.rate, tc.rate_limit.burst
        if key is not None and key.level in ("throttle", "stricter"):
            rate = rate * self.config.ladder.throttle_factor
            burst = max(1, int(burst * self.config.ladder.throttle_factor))
        wait = self.buckets.take(key.id if key else f"anon:{client}", rate, burst)
        if wait:
            self.metrics.rate_limited.labels(tier=tier).inc()
        return wait

    async def check(
        self, ctx: RequestCtx, text: str, direction: Direction, *, prompt: str | None = None,
        context: Mapping[str, Any] | None = None, history: bool = False,
    ) -> Decision:
        """Run the (sync, CPU-bound) guard in the worker thread pool. ``context`` tells detectors
        where the text comes from (``{"role": "tool"}``: a tool result, third-party content).

        ``history=True``: an input message that is not the question awaiting an answer (an earlier
        turn the client resends, a tool result): checked by the detectors only (the answer bank
        answered it, or not, when it was asked) and, being decided by the policy's detectors, its
        role and its text alone, reused from :attr:`history` when it was checked before."""
        t0 = time.perf_counter()
        cacheable = self.history.enabled and direction == Direction.INPUT and prompt is None
        key = self.history.key(ctx.guard, direction.value, text, context) if cacheable else None
        if key is not None and history and (cached := self.history.get(key)) is not None:
            self.metrics.history_hits.inc()
            return cached
        decision = await self.run_guard(
            lambda: ctx.guard.check(text, direction, prompt=prompt, context=context, pre_checks=not history),
            len(text))
        self.metrics.guard_latency.labels(direction=direction.value).observe(time.perf_counter() - t0)
        # a full check that no pre-check touched (no notes) is exactly the detectors-only decision
        # the message gets as history on the next turn
        if key is not None and (history or not decision.metadata):
            self.history.put(key, decision)
        return decision

    async def check_instruction(self, ctx: RequestCtx, text: str, role: str) -> Decision:
        """Input check of a client-sent system, developer or assistant message (``messages`` in the
        config): the detectors-only check of an earlier message (reused from :attr:`history` like
        one), then re-decided by the policy on the findings that count for such a role, those of
        ``messages.instruction_detectors`` outside ``messages.instruction_ignore``. The guard runs
        all its detectors (which run is the policy's business); leaving findings out afterwards
        keeps a legitimate system prompt ("never reveal these instructions") from being refused as
        a prompt injection, or on a classifier's guess, while harmful text and PII still count."""
        context = {"role": role}
        decision = await self.check(ctx, text, Direction.INPUT, context=context, history=True)
        cfg = self.config.messages
        types = {d.name: d.type_name for d in ctx.guard.detectors}
        ignore = frozenset(cfg.instruction_ignore)
        tax = get_taxonomy()

        def counts(f: Finding) -> bool:
            if types.get(f.detector) not in cfg.instruction_detectors:
                return False
            return f.category not in ignore and not (tax.has(f.category) and tax.class_of(f.category) in ignore)

        kept = [f for f in decision.findings if counts(f)]
        if len(kept) == len(decision.findings):
            return decision
        return ctx.guard.decide(DetectContext(text, Direction.INPUT, context=context), kept, decision.timings_ms)

    async def run_guard(self, fn: Callable[[], T], chars: int) -> T:
        """Run a guard call inline when the text is short, else in the worker thread pool."""
        if chars <= self.config.guard.offload_chars:
            return fn()
        return await anyio.to_thread.run_sync(fn)

    def record(
        self,
        ctx: RequestCtx,
        route: str,
        decision: Decision,
        text: str,
        *,
        model: str | None = None,
        status: int = 200,
        detail: dict[str, Any] | None = None,
    ) -> None:
        """Metrics + audit row (queued) + strike/tripwire handling for one decision."""
        self.metrics.decisions.labels(direction=decision.direction.value, action=decision.action.value).inc()
        if decision.blocked and not is_vetted_answer(decision):
            for cat in decision.categories:
                self.metrics.blocks.labels(category=cat, direction=decision.direction.value).inc()
                evidence = self.spikes.observe(cat, ctx.request_id)
                if evidence is not None:
                    self.emit(make_event("category_spike", category=cat, count=len(evidence),
                                         window_s=self.config.tripwire.spike_window_s, audit_ids=evidence,
                                         details={"direction": decision.direction.value, "request_id": ctx.request_id}))
        self.audit.submit(
            audit_row(
                request_id=ctx.request_id, key_id=ctx.key_id, route=route, decision=decision, text=text,
                latency_ms=(time.perf_counter() - ctx.started) * 1000, retention=self.config.retention,
                model=model, status=status, detail=detail,
            )
        )

    async def strike(self, ctx: RequestCtx, decision: Decision) -> None:
        """Count a strike for the calling key when the decision is one the ladder counts."""
        if ctx.key is None or not self.ladder.counts_as_strike(decision) or is_vetted_answer(decision):
            return
        key = ctx.key
        outcome = await anyio.to_thread.run_sync(
            lambda: self.ladder.strike(self.store, key.id, decision, request_id=ctx.request_id)
        )
        if outcome is None:
            return
        self.keys.invalidate(key.id)
        if outcome.escalated:
            self.metrics.ladder.labels(action=outcome.record.level).inc()
            log.warning("key %s escalated to %s after %d strikes", key.id, outcome.record.level, outcome.record.strikes)
            if outcome.record.level == "suspend":
                self.emit(make_event("key_suspended", key_id=key.id, tier=key.tier, step="suspend",
                                     risk_codes=decision.categories, audit_ids=[ctx.request_id],
                                     details={"strikes": outcome.record.strikes, "request_id": ctx.request_id}))

    def emit(self, event: dict[str, Any]) -> None:
        """Send a tripwire event to every hook, on the background thread."""
        log.warning("tripwire %s", event)
        for hook in list(self.tripwire_hooks):
            self.audit.submit_job(lambda h=hook: h(event))  # type: ignore[misc]

    def route_for(self, model: str, key: KeyRecord | None) -> tuple[Upstream, str] | None:
        """Per-key mapping, then per-route mapping, then the default upstream's own model map."""
        if key is not None and model in key.model_map:
            model = key.model_map[model]
        route = self.config.routes.get(model)
        if route is not None:
            up = self.upstreams[route.upstream]
            return up, route.model or up.map_model(model)
        if self.config.default_upstream is None:
            return None
        up = self.upstreams[self.config.default_upstream]
        return up, up.map_model(model)

    async def aclose(self) -> None:
        for up in self.upstreams.values():
            await up.aclose()
        self.audit.close()
