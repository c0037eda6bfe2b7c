"""Operator registry and span replacement.

An operator maps one finding (and its original text) to the replacement string. Overlapping
findings are merged first so that a text is rewritten exactly once per character.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol

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


def get_operator(name: str, **options: Any) -> RedactionOperator:
    if name not in _OPERATORS:
        raise ConfigError(f"unknown redaction operator {name!r}; known: {', '.join(sorted(_OPERATORS))}")
    try:
        return _OPERATORS[name](**options)
    except TypeError as exc:
        raise ConfigError(f"redaction operator {name!r}: bad option: {exc}") from None


@register_operator("placeholder")
def _placeholder() -> RedactionOperator:
    """``<ENTITY>`` (or ``<CODE>``) in place of the span."""

    def op(finding: Finding, original: str) -> str:
        return f"<{finding.entity or finding.category}>"

    return op


@register_operator("mask")
def _mask(char: str = "*", keep_last: int = 4) -> RedactionOperator:
    def op(finding: Finding, original: str) -> str:
        keep = original[-keep_last:] if keep_last and len(original) > keep_last else ""
        return char * (len(original) - len(keep)) + keep

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
    parts: list[str] = []
    pos = 0
    for f in merge_findings(findings):
        parts.append(text[pos : f.start])
        parts.append(operator(f, text[f.start : f.end]))
        pos = f.end
    parts.append(text[pos:])
    return "".join(parts)
