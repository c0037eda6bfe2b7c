"""Operator registry and span replacement.

An operator maps one finding (and its original text) to the replacement string. Overlapping
findings are merged first so that a text is rewritten exactly once per character. Operators that
need per-text state (``<PHONE_1>`` numbering) expose ``for_text()`` returning a fresh callable;
:func:`apply_redaction` calls it once per text so numbering restarts for every text.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

from genguard.config_file import unknown_options
from genguard.errors import ConfigError
from genguard.findings import Finding


class RedactionOperator(Protocol):
    def __call__(self, finding: Finding, original: str) -> str: ...


OperatorFactory = Callable[..., RedactionOperator]
_OPERATORS: dict[str, OperatorFactory] = {}


def register_operator(name: str) -> Callable[[OperatorFactory], OperatorFactory]:
    def deco(factory: OperatorFactory) -> OperatorFactory:
        _OPERATORS[name] = factory
        return factory

    return deco


def operator_names() -> list[str]:
    return sorted(_OPERATORS)


def get_operator(name: str, **options: Any) -> RedactionOperator:
    if name not in _OPERATORS:
        raise ConfigError(f"unknown redaction operator {name!r}; known: {', '.join(sorted(_OPERATORS))}")
    problem = unknown_options(_OPERATORS[name], options)
    if problem:
        raise ConfigError(f"redaction operator {name!r}: {problem}")
    try:
        return _OPERATORS[name](**options)
    except TypeError as exc:
        raise ConfigError(f"redaction operator {name!r}: bad option: {exc}") from None


def entity_label(finding: Finding) -> str:
    return finding.entity or finding.category


class _NumberedPlaceholder:
    """``<PHONE_1>``: one number per distinct value and entity type within a text."""

    def __init__(self, numbered: bool = True) -> None:
        self.numbered = numbered
        self._seen: dict[tuple[str, str], str] = {}
        self._counts: dict[str, int] = {}

    def for_text(self) -> _NumberedPlaceholder:
        return _NumberedPlaceholder(self.numbered)

    def __call__(self, finding: Finding, original: str) -> str:
        label = entity_label(finding)
        if not self.numbered:
            return f"<{label}>"
        key = (label, original)
        if key not in self._seen:
            self._counts[label] = self._counts.get(label, 0) + 1
            self._seen[key] = f"<{label}_{self._counts[label]}>"
        return self._seen[key]


@register_operator("placeholder")
def _placeholder(numbered: bool = True) -> RedactionOperator:
    """Typed placeholder in place of the span: ``<CN_MOBILE_1>`` (or ``<CN_MOBILE>`` unnumbered)."""
    return _NumberedPlaceholder(numbered)


@register_operator("mask")
def _mask(char: str = "*", keep_last: int = 4, keep_separators: bool = True) -> RedactionOperator:
    """Mask all but the last ``keep_last`` letters/digits; separators (-, space, @, .) stay."""
    if len(char) != 1:
        raise TypeError("char must be one character")

    def op(finding: Finding, original: str) -> str:
        alnum_positions = [i for i, c in enumerate(original) if c.isalnum() or not keep_separators]
        keep = set(alnum_positions[-keep_last:]) if keep_last > 0 and len(alnum_positions) > keep_last else set()
        if keep_last > 0 and len(alnum_positions) <= keep_last:
            keep = set()  # too short to keep anything without revealing it all
        masked = set(alnum_positions) - keep
        return "".join(char if i in masked else c for i, c in enumerate(original))

    return op


def merge_findings(findings: Iterable[Finding]) -> list[Finding]:
    """Non-overlapping findings: on overlap keep the longer (then higher-scoring) span."""
    ordered = sorted(findings, key=lambda f: (f.start, -(f.end - f.start), -f.score))
    out: list[Finding] = []
    for f in ordered:
        if out and f.start < out[-1].end:
            last = out[-1]
            if (f.end - f.start, f.score) > (last.end - last.start, last.score):
                out[-1] = f
            continue
        out.append(f)
    return out


def apply_redaction(text: str, findings: Iterable[Finding], operator: RedactionOperator) -> str:
    fresh = getattr(operator, "for_text", None)
    op: RedactionOperator = fresh() if callable(fresh) else operator
    parts: list[str] = []
    pos = 0
    for f in merge_findings(findings):
        parts.append(text[pos : f.start])
        parts.append(op(f, text[f.start : f.end]))
        pos = f.end
    parts.append(text[pos:])
    return "".join(parts)
