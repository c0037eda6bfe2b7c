"""The detector plug-in interface and registry.

A detector is constructed once from its policy config and then called many times; it must be
thread-safe for concurrent ``detect`` calls (the gateway runs checks in a thread pool).
Shared per-text work (normalisation, language) lives in :class:`DetectContext` and is computed
lazily once per text, so detectors never redo each other's preprocessing.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Mapping, Sequence
from typing import Any, ClassVar

from genguard.config_file import unknown_options
from genguard.errors import ConfigError
from genguard.findings import Direction, Finding
from genguard.text.lang import detect_language
from genguard.text.normalize import NormalizedText, lazy_attribute, normalize


class DetectContext:
    """Per-text state shared by every detector in one check."""

    def __init__(
        self,
        text: str,
        direction: Direction = Direction.INPUT,
        *,
        prompt: str | None = None,
        context: Mapping[str, Any] | None = None,
    ) -> None:
        self.text = text
        self.direction = direction
        self.prompt = prompt
        self.context: Mapping[str, Any] = context or {}
        # Set by pre-checks: an answer to use if detection ends in refuse/block, and notes that
        # are copied into Decision.metadata (e.g. which answer-bank entry matched).
        self.answer_override: str | None = None
        self.notes: dict[str, Any] = {}
        # Set by the guard for an answer checked with its prompt when a detector reads them
        # (Detector.reads_prompt_findings): the prompt's input findings that the policy acts on
        # (Guard.prompt_findings). None: not computed (a detector may then judge the prompt itself).
        self.prompt_findings: list[Finding] | None = None

    # lazy_attribute, not functools.cached_property: no lock per first access (see its docstring)
    @lazy_attribute
    def normalized(self) -> NormalizedText:
        """Evasion-resistant normalised form with an offset map back to ``text``."""
        return normalize(self.text)

    @lazy_attribute
    def language(self) -> str:
        return detect_language(self.text)

    @lazy_attribute
    def reply_language(self) -> str:
        """Language to answer the user in (standard answers, refusals): the request's, when the
        text is an answer checked with its prompt, else the text's own. An English question
        refused because of a Chinese answer gets an English refusal. Detectors keep using
        :attr:`language`, the language of the text they scan."""
        if self.prompt and self.prompt.strip():
            return detect_language(self.prompt)
        return self.language


class Detector(ABC):
    """Base class of all detectors. Subclasses set ``type_name`` and implement ``detect``."""

    type_name: ClassVar[str] = "detector"
    # True for detectors of answers that read what the policy makes of their prompt
    # (DetectContext.prompt_findings, which the guard then computes once per prompt)
    reads_prompt_findings: ClassVar[bool] = False

    def __init__(self, name: str | None = None) -> None:
        self.name = name or self.type_name

    @abstractmethod
    def detect(self, ctx: DetectContext) -> list[Finding]:
        """Return findings whose spans index into ``ctx.text`` (the original text)."""

    def warm_up(self) -> None:
        """Load what the detector would otherwise load on its first finding (``Guard.warm_up``
        calls it, so a server's first requests do not pay for it). Most detectors have nothing."""
        return None

    def detect_many(self, ctxs: Sequence[DetectContext]) -> list[list[Finding]]:
        """:meth:`detect` of each text, in order. Detectors with per-call costs that a group of
        texts can share (the classifiers' numpy work per text) override it; the guard's batch
        check (:meth:`~genguard.guard.Guard.check_batch`) calls it with a group at a time."""
        return [self.detect(ctx) for ctx in ctxs]

    def categories(self) -> set[str]:
        """Taxonomy codes this detector can report (for coverage reports)."""
        return set()

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type_name}


DetectorFactory = Callable[..., Detector]

_REGISTRY: dict[str, DetectorFactory] = {}
# Built-in detector types and the module that registers them, imported on first use so that
# the core guard only pays for the detectors a policy actually enables.
_BUILTIN_MODULES: dict[str, str] = {
    "keywords": "genguard.detect.keywords",
    "pii": "genguard.detect.pii",
    "classifier": "genguard.detect.classifier.detector",
    "injection": "genguard.detect.classifier.injection",
    "harmful_compliance": "genguard.detect.compliance",
    "hf_classifier": "genguard.detect.adapters.hf_classifier",
    "guard_llm": "genguard.detect.adapters.guard_llm",
}


def register_detector(type_name: str) -> Callable[[DetectorFactory], DetectorFactory]:
    """Class/function decorator: make a detector type available to policies."""

    def deco(factory: DetectorFactory) -> DetectorFactory:
        _REGISTRY[type_name] = factory
        return factory

    return deco


def register_builtin(type_name: str, module: str) -> None:
    """Declare a lazily imported built-in detector module (used by optional subpackages)."""
    _BUILTIN_MODULES[type_name] = module


def detector_types() -> list[str]:
    return sorted(set(_REGISTRY) | set(_BUILTIN_MODULES))


def build_detector(type_name: str, config: Mapping[str, Any] | None, *, name: str | None = None) -> Detector:
    """Instantiate a detector of ``type_name`` from its policy config."""
    if type_name not in _REGISTRY and type_name in _BUILTIN_MODULES:
        importlib.import_module(_BUILTIN_MODULES[type_name])
    if type_name not in _REGISTRY:
        raise ConfigError(f"unknown detector type {type_name!r}; known: {', '.join(detector_types())}")
    cfg = dict(config or {})
    unknown = unknown_options(_REGISTRY[type_name], cfg, internal=("name",))
    if unknown:  # before calling: the TypeError would name a Python function, not the option
        raise ConfigError(f"detector {name or type_name!r} ({type_name}): {unknown}")
    try:
        return _REGISTRY[type_name](name=name or type_name, **cfg)
    except TypeError as exc:
        raise ConfigError(f"detector {name or type_name!r} ({type_name}): bad option: {exc}") from None
