"""The keyword detector: the policy-facing wrapper around :class:`KeywordEngine`.

Policy config (all optional)::

    - type: keywords
      config:
        banks: [default, path/to/dir_or_file.yaml]   # omit 'default' to replace the shipped banks
        extra_terms: {A1.4: [some phrase]}           # inline additions per risk code
        allow: [a benign phrase]                     # extra allow-list entries
        pinyin: true                                 # match pinyin / initials of Chinese terms
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, ValidationError

from genguard.detect.base import DetectContext, Detector, register_detector
from genguard.detect.keywords.engine import Hit, KeywordEngine, compile_engine
from genguard.errors import ConfigError
from genguard.findings import Finding
from genguard.taxonomy import get_taxonomy


class KeywordConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    banks: list[str] = ["default"]
    extra_terms: dict[str, list[str]] = {}
    allow: list[str] = []
    pinyin: bool = True
    score: float | None = None


@register_detector("keywords")
class KeywordDetector(Detector):
    type_name = "keywords"

    def __init__(self, name: str | None = None, **config: Any) -> None:
        super().__init__(name)
        try:
            cfg = KeywordConfig.model_validate(config)
        except ValidationError as exc:
            problems = "; ".join(
                f"config.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
            )
            raise ConfigError(f"detector {self.name!r} (keywords): {problems}") from None
        tax = get_taxonomy()
        for code in cfg.extra_terms:
            if not tax.has(code):
                raise ConfigError(f"detector {self.name!r} (keywords): config.extra_terms: unknown risk code {code!r}")
        self.config = cfg
        paths: list[str | Path] = list(cfg.banks)
        self.engine: KeywordEngine = compile_engine(
            paths, extra_terms=cfg.extra_terms, allow=cfg.allow, pinyin=cfg.pinyin
        )
        self.score_override = cfg.score

    @property
    def banks(self) -> list[Any]:
        return self.engine.banks

    def categories(self) -> set[str]:
        return self.engine.categories()

    def describe(self) -> dict[str, Any]:
        return {"name": self.name, "type": self.type_name, "entries": self.engine.size, "banks": len(self.engine.banks)}

    def detect(self, ctx: DetectContext) -> list[Finding]:
        return self._findings(ctx, self.engine.match(ctx.normalized))

    def detect_many(self, ctxs: Sequence[DetectContext]) -> list[list[Finding]]:
        """:meth:`detect` of each text, the engine scanning them automaton by automaton
        (:meth:`KeywordEngine.match_many`): the same findings, in the same order."""
        found = self.engine.match_many([ctx.normalized for ctx in ctxs])
        return [self._findings(ctx, hits) for ctx, hits in zip(ctxs, found, strict=True)]

    def _findings(self, ctx: DetectContext, hits: list[Hit]) -> list[Finding]:
        text = ctx.text
        out: list[Finding] = []
        for h in hits:
            evidence = text[h.start : h.end]
            # model_construct: every field is valid by construction and this runs per hit
            out.append(
                Finding.model_construct(
                    category=h.category,
                    detector=self.name,
                    score=self.score_override if self.score_override is not None else h.score,
                    start=h.start,
                    end=h.end,
                    evidence=evidence,
                    normalized=h.term,
                    metadata={"view": h.view, "lang": h.lang, "exact": evidence.casefold() == h.term.casefold()},
                )
            )
        return out
