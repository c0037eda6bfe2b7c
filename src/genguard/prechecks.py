"""Pre-checks: stages that run before detectors and may settle a decision on their own.

The standard-answer bank is the first user: a known sensitive question gets its vetted answer
without running (or calling) anything else. Pre-checks are configured in the policy's
``pre_checks:`` list and registered by type name, like detectors.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any, Protocol

from genguard.config_file import unknown_options
from genguard.errors import ConfigError

if TYPE_CHECKING:
    from genguard.detect.base import DetectContext
    from genguard.findings import Decision
    from genguard.guard import Guard


class PreCheck(Protocol):
    """Return a Decision to settle the check, or None to let detection run.

    A pre-check may also leave a hint on the context (``ctx.answer_override`` and
    ``ctx.notes``) that the guard applies if detection ends in a refusal.
    """

    name: str

    def __call__(self, ctx: DetectContext, guard: Guard) -> Decision | None: ...


PreCheckFactory = Callable[..., PreCheck]
_REGISTRY: dict[str, PreCheckFactory] = {}
_BUILTIN: dict[str, str] = {"answer_bank": "genguard.answers.precheck"}


def register_precheck(type_name: str) -> Callable[[PreCheckFactory], PreCheckFactory]:
    def deco(factory: PreCheckFactory) -> PreCheckFactory:
        _REGISTRY[type_name] = factory
        return factory

    return deco


def build_precheck(type_name: str, config: Mapping[str, Any], *, base_dir: str | None = None) -> PreCheck:
    if type_name not in _REGISTRY and type_name in _BUILTIN:
        importlib.import_module(_BUILTIN[type_name])
    if type_name not in _REGISTRY:
        known = ", ".join(sorted(set(_REGISTRY) | set(_BUILTIN)))
        raise ConfigError(f"unknown pre-check type {type_name!r}; known: {known}")
    problem = unknown_options(_REGISTRY[type_name], config, internal=("base_dir",))
    if problem:
        raise ConfigError(f"pre-check {type_name!r}: {problem}")
    try:
        return _REGISTRY[type_name](base_dir=base_dir, **dict(config))
    except TypeError as exc:
        raise ConfigError(f"pre-check {type_name!r}: bad option: {exc}") from None
