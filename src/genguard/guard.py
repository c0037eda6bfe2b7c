"""``Guard``: the one entry point every other part of genguard uses to check text.

Flow: text -> detectors (findings) -> policy rules (reasons) -> decision (action, answer,
redacted text). The guard holds no business logic of its own beyond that assembly, so the
gateway, assessment, corpus and label modules all get identical behaviour.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any, TypeVar

from genguard.detect.base import DetectContext, Detector, build_detector
from genguard.errors import ConfigError, InputError
from genguard.findings import Action, Decision, Direction, Finding, Reason, assemble
from genguard.policy import Policy, StandardAnswers, load_policy, policy_key
from genguard.policy.model import Rule
from genguard.prechecks import PreCheck, build_precheck
from genguard.redact import apply_redaction, get_operator, operator_names


def _build_from_spec(index: int, spec: Any, source: str | None) -> Detector:
    """Build one policy detector; a bad type or option names the policy file and the key."""
    with policy_key(source, f"detectors.{index}", spec.type):
        det = build_detector(spec.type, spec.config, name=spec.instance_name)
        if det.reads_prompt_findings and Direction.OUTPUT not in spec.directions:
            raise ConfigError(f"detector {det.name!r} judges answers by their request: its directions must include output")
        return det


# A detector-major group of Guard.check_batch closes at this many texts or characters: enough
# texts that each detector's tables (keyword automata, n-gram tables) stay in the CPU cache over
# a long run of them, few enough characters that the group's contexts (views, windows, token
# caches) stay small: ~15 MB per million characters. On 7 KB corpus documents, groups of 256
# took ~8 % less CPU than groups of 32 (~4 % at 64, ~6 % at 128).
BATCH_GROUP = 256
BATCH_CHARS = 2_000_000

_T = TypeVar("_T")


def grouped(
    items: Iterable[_T], chars: Callable[[_T], int], max_items: int = BATCH_GROUP, max_chars: int = BATCH_CHARS
) -> Iterator[list[_T]]:
    """``items`` in order, in groups of at most ``max_items`` that close once they hold
    ``max_chars`` characters (``chars`` of each item) or more; no empty group."""
    group: list[_T] = []
    size = 0
    for item in items:
        group.append(item)
        size += chars(item)
        if len(group) >= max_items or size >= max_chars:
            yield group
            group, size = [], 0
    if group:
        yield group


class Guard:
    """Checks prompts and answers against a policy."""

    def __init__(self, policy: Policy, detectors: list[tuple[Detector, Any]] | None = None) -> None:
        self.policy = policy
        source = policy.extensions.get("_source")
        base_dir = Path(source).parent if source else None
        with policy_key(source, "answers"):
            self.answers = StandardAnswers.load(policy.answers, base_dir)
        redaction = policy.redaction
        with policy_key(source, "redaction.operator" if redaction.operator not in operator_names() else "redaction.options"):
            self._redactor = get_operator(redaction.operator, **redaction.options)
        if detectors is None:
            detectors = [
                (_build_from_spec(i, spec, source), spec) for i, spec in enumerate(policy.detectors) if spec.enabled
            ]
        self._detectors = detectors
        self._reads_prompts = any(d.reads_prompt_findings and Direction.OUTPUT in spec.directions for d, spec in detectors)
        self._prompt_seen: dict[str, list[Finding]] = {}  # the last prompts' refused findings (prompt_findings)
        # (category, direction) -> policy.rule_for's answer, for the policy object _rules_of
        self._rules: dict[tuple[str, Direction], tuple[str, Rule] | None] = {}
        self._rules_of = policy
        self._answers_seen: dict[tuple[str | None, str], str] = {}
        self.pre_checks: list[tuple[PreCheck, list[Direction]]] = []
        for i, pre in enumerate(policy.pre_checks):
            if pre.enabled:
                with policy_key(source, f"pre_checks.{i}", pre.type):
                    built = build_precheck(pre.type, pre.config, base_dir=str(base_dir) if base_dir else None)
                self.pre_checks.append((built, pre.directions))

    @classmethod
    def from_policy(cls, policy: str | Path | Policy | None = None) -> Guard:
        """Build a guard from a policy file path, a :class:`Policy`, or the default policy."""
        if isinstance(policy, Policy):
            return cls(policy)
        return cls(load_policy(policy))

    def warm_up(self) -> None:
        """Run one input and one output check on a short bilingual text.

        Detectors build some tables on first use (the classifiers' n-gram index, normalisation
        and pinyin views); a server calls this before it reports ready, so the first real
        requests do not pay for that (it showed as 350 ms p99 spikes on fresh gateway workers)."""
        sample = "Warm-up check, 预热检查: hello 你好 12345."
        self.check(sample, Direction.INPUT)
        self.check(sample, Direction.OUTPUT)
        for det, _ in self._detectors:
            det.warm_up()

    @property
    def detectors(self) -> list[Detector]:
        return [d for d, _ in self._detectors]

    # -- checking -----------------------------------------------------------------------
    def check_input(self, text: str, *, context: Mapping[str, Any] | None = None) -> Decision:
        return self.check(text, Direction.INPUT, context=context)

    def check_output(self, text: str, *, prompt: str | None = None, context: Mapping[str, Any] | None = None) -> Decision:
        return self.check(text, Direction.OUTPUT, prompt=prompt, context=context)

    def check_batch(
        self, texts: Iterable[str], direction: Direction | str = Direction.INPUT
    ) -> list[Decision]:
        """``[self.check(t, direction) for t in texts]``, run detector by detector over groups of
        texts: each detector then scans a group with its tables (keyword automata, n-gram index)
        still in the CPU cache, instead of the detectors evicting each other's tables on every
        text (about a quarter less CPU on 7 KB corpus documents). Same decisions."""
        d = Direction(direction)
        out: list[Decision] = []
        for group in grouped(texts, len):
            out.extend(self._check_group(group, d))
        return out

    def _check_group(self, texts: list[str], direction: Direction) -> list[Decision]:
        """:meth:`check` of each text, detector-major: each detector runs over the group in turn
        (``Detector.detect_many``). A text's ``timings_ms`` holds its share of each detector's
        time over the group (the group's time divided by its texts)."""
        started = [self._start(t, direction, None, None) for t in texts]
        detected: list[tuple[DetectContext, list[Finding], dict[str, float]]] = [
            (ctx, [], {}) for ctx, settled in started if settled is None
        ]
        ctxs = [ctx for ctx, _, _ in detected]
        for det, spec in self._detectors:
            if direction in spec.directions and ctxs:
                t0 = time.perf_counter()
                found_each = det.detect_many(ctxs)
                share = round((time.perf_counter() - t0) * 1000 / len(ctxs), 4)  # a text's share of the group's time
                for (_, findings, timings), found in zip(detected, found_each, strict=True):
                    timings[det.name] = share
                    findings.extend(f for f in found if f.score >= spec.threshold)
        decided = iter([self._decide(ctx, findings, timings, trusted=True) for ctx, findings, timings in detected])
        return [settled if settled is not None else next(decided) for _, settled in started]

    def check(
        self,
        text: str,
        direction: Direction | str = Direction.INPUT,
        *,
        prompt: str | None = None,
        context: Mapping[str, Any] | None = None,
        pre_checks: bool = True,
    ) -> Decision:
        """The policy's decision on ``text``. ``pre_checks=False`` runs the detectors only: for
        texts that are not a question awaiting an answer (earlier messages of a conversation,
        already answered), where the answer bank must not answer again."""
        direction = Direction(direction)
        ctx, settled = self._start(text, direction, prompt, context, pre_checks)
        if settled is not None:
            return settled
        findings: list[Finding] = []
        timings: dict[str, float] = {}
        for det, spec in self._detectors:
            if direction in spec.directions:
                self._run(det, spec, ctx, findings, timings)
        if self._reads_prompts and direction == Direction.INPUT:  # its answer's check will ask (prompt_findings)
            self._remember_prompt(text, findings)
        return self._decide(ctx, findings, timings, trusted=True)

    def _start(
        self,
        text: str,
        direction: Direction,
        prompt: str | None,
        context: Mapping[str, Any] | None,
        pre_checks: bool = True,
    ) -> tuple[DetectContext, Decision | None]:
        """Validate the text, build its context and run the pre-checks (a decision if one settles it)."""
        if not isinstance(text, str):
            raise InputError(f"text must be a string, got {type(text).__name__}")
        if len(text) > self.policy.limits.max_chars:
            raise InputError(
                f"text is {len(text):,} characters, over the policy limit of {self.policy.limits.max_chars:,} "
                "(limits.max_chars); split it or raise the limit"
            )
        ctx = DetectContext(text, direction, prompt=prompt, context=context)
        if self._reads_prompts and direction == Direction.OUTPUT and prompt and prompt.strip():
            ctx.prompt_findings = self.prompt_findings(prompt)
        for pre, directions in self.pre_checks if pre_checks else ():
            if direction not in directions:
                continue
            t0 = time.perf_counter()
            settled = pre(ctx, self)
            if settled is not None:
                settled.timings_ms[pre.name] = round((time.perf_counter() - t0) * 1000, 4)
                return ctx, settled
        return ctx, None

    @staticmethod
    def _run(det: Detector, spec: Any, ctx: DetectContext, findings: list[Finding], timings: dict[str, float]) -> None:
        """One detector on one text: its findings at or over the detector threshold, and its time."""
        t0 = time.perf_counter()
        found = det.detect(ctx)
        timings[det.name] = round((time.perf_counter() - t0) * 1000, 4)
        findings.extend(f for f in found if f.score >= spec.threshold)

    def prompt_findings(self, prompt: str) -> list[Finding]:
        """The findings of ``prompt`` checked as input that the policy acts on (at or over their
        rule's threshold, with an action other than allow: a monitoring policy that only flags
        harmful requests still knows them), for detectors that judge an answer by its request
        (``harmful_compliance``). Remembered for the last few prompts: the chosen and rejected
        answers of a preference pair, or a conversation's answers, share one prompt."""
        got = self._prompt_seen.get(prompt)
        if got is None:
            ctx = DetectContext(prompt, Direction.INPUT)
            found: list[Finding] = []
            for det, spec in self._detectors:
                if Direction.INPUT in spec.directions and not det.reads_prompt_findings:
                    self._run(det, spec, ctx, found, {})
            got = self._remember_prompt(prompt, found)
        return got

    def _remember_prompt(self, prompt: str, found: list[Finding]) -> list[Finding]:
        """Keep (for :meth:`prompt_findings`) the findings of ``prompt``'s input check that the
        policy acts on; the gateway checks a prompt as input before its answer."""
        got = []
        for f in found:
            hit = self.rule_for(f.category, Direction.INPUT)
            if hit is not None and f.score >= hit[1].threshold and hit[1].action != Action.ALLOW:
                got.append(f)
        if len(self._prompt_seen) >= 64:
            with contextlib.suppress(StopIteration, RuntimeError):  # the oldest; another thread may have taken it
                self._prompt_seen.pop(next(iter(self._prompt_seen)), None)
        self._prompt_seen[prompt] = got
        return got

    def decide(self, ctx: DetectContext, findings: list[Finding], timings: dict[str, float] | None = None) -> Decision:
        """Apply the policy rules to findings (public so other stages can reuse the policy)."""
        return self._decide(ctx, findings, timings, trusted=False)

    def rule_for(self, category: str, direction: Direction) -> tuple[str, Rule] | None:
        """``policy.rule_for``, remembered per category and direction: the same for every finding
        of a category (the policy's rules are not edited in place; a guard given another policy
        object starts afresh)."""
        if self._rules_of is not self.policy:
            self._rules, self._rules_of = {}, self.policy
        key = (category, direction)
        if key not in self._rules:
            self._rules[key] = self.policy.rule_for(category, direction)
        return self._rules[key]

    def _answer(self, category: str | None, language: str) -> str:
        """``answers.answer``, remembered per category and language (the answers are fixed when
        the guard is built; most corpus documents with a finding get one)."""
        key = (category, language)
        got = self._answers_seen.get(key)
        if got is None:
            got = self._answers_seen[key] = self.answers.answer(category, language)
        return got

    def _decide(
        self, ctx: DetectContext, findings: list[Finding], timings: dict[str, float] | None, *, trusted: bool
    ) -> Decision:
        """:meth:`decide`; ``trusted``: the findings and timings are the guard's own (validated
        Findings from its detectors, float timings), so the Decision and its Reasons are
        assembled without validating them again (same fields: tests compare both ways)."""
        direction = Direction(ctx.direction)
        reasons: dict[str, Reason] = {}
        for f in findings:
            hit = self.rule_for(f.category, direction)
            if hit is None:
                continue
            rule_key, rule = hit
            if f.score < rule.threshold:
                continue
            prev = reasons.get(f.category)
            if prev is None or f.score > prev.score:
                values: dict[str, Any] = {"category": f.category, "action": rule.action, "score": float(f.score),
                                          "threshold": float(rule.threshold), "rule": rule_key}
                reasons[f.category] = assemble(Reason, values) if trusted else Reason(**values)
        action = Action.most_severe([r.action for r in reasons.values()])
        lang = ctx.language
        answer = None
        redacted = None
        if action in (Action.REFUSE, Action.BLOCK):
            top = max(
                (r for r in reasons.values() if r.action == action), key=lambda r: r.score, default=None
            )
            answer = ctx.answer_override or self._answer(top.category if top else None, ctx.reply_language)
        elif action == Action.REDACT:
            to_redact = [f for f in findings if f.category in reasons and reasons[f.category].action == Action.REDACT]
            redacted = apply_redaction(ctx.text, to_redact, self._redactor)
        decision: dict[str, Any] = {
            "action": action,
            "direction": direction,
            "findings": sorted(findings, key=lambda f: (f.start, f.end)),
            "reasons": sorted(reasons.values(), key=lambda r: (-r.action.severity, -r.score)),
            "answer": answer,
            "answer_language": ctx.reply_language if answer is not None else None,
            "redacted_text": redacted,
            "language": lang,
            "policy": f"{self.policy.name}@{self.policy.version}",
            "timings_ms": dict(timings) if timings else {},
            "metadata": dict(ctx.notes),
        }
        # an answer that is not a string (a number in an answers file) is for validation to reject
        if trusted and (answer is None or type(answer) is str):
            return assemble(Decision, decision)
        return Decision(**decision)
