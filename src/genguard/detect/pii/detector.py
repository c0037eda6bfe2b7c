"""The ``pii`` detector: runs the selected recognisers and turns their matches into findings.

Config (policy ``detectors[].config``, validated here)::

    entities: [CN_ID_CARD, CN_MOBILE, ...]   # default: every entity except URL
    exclude: [PHONE]                          # drop some from the selection
    min_score: 0.5                            # findings below are not reported
    thresholds: {CN_PASSPORT: 0.8}            # per-entity minimum scores
    ner: {model: /path/to/local/model, min_score: 0.6}   # optional NER adapter (ml extra)

Overlapping matches are resolved to the best one (score, then validation, then length), so an
18-digit ID number is not also reported as a bank card.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from genguard.detect.base import DetectContext, Detector, register_detector
from genguard.detect.pii.address import CnAddressRecognizer
from genguard.detect.pii.base import Doc, Match, Recognizer
from genguard.detect.pii.cards import CardRecognizer
from genguard.detect.pii.cn_codes import (
    HmtPermitRecognizer,
    PassportRecognizer,
    PlateRecognizer,
    UsccRecognizer,
)
from genguard.detect.pii.cn_id import CnIdCardRecognizer
from genguard.detect.pii.iban import IbanRecognizer
from genguard.detect.pii.names import PersonNameRecognizer
from genguard.detect.pii.network import EmailRecognizer, IpRecognizer, MacRecognizer, UrlRecognizer
from genguard.detect.pii.phones import CnLandlineRecognizer, CnMobileRecognizer, IntlPhoneRecognizer
from genguard.detect.pii.secrets import SecretsRecognizer
from genguard.detect.pii.us_ids import DateOfBirthRecognizer, SsnRecognizer
from genguard.errors import ConfigError
from genguard.findings import Finding, assemble

RECOGNIZERS: tuple[type[Recognizer], ...] = (
    SecretsRecognizer,  # first: a key inside a URL or a password is a secret before anything else
    CnIdCardRecognizer,
    CnMobileRecognizer,
    CnLandlineRecognizer,
    CardRecognizer,
    UsccRecognizer,
    PassportRecognizer,
    HmtPermitRecognizer,
    PlateRecognizer,
    CnAddressRecognizer,
    EmailRecognizer,
    IbanRecognizer,
    IpRecognizer,
    MacRecognizer,
    UrlRecognizer,
    SsnRecognizer,
    DateOfBirthRecognizer,
    IntlPhoneRecognizer,
    PersonNameRecognizer,
)
SECRET_ENTITIES = frozenset(SecretsRecognizer.entities) | {"URL_CREDENTIALS"}
ALL_ENTITIES: tuple[str, ...] = tuple(e for r in RECOGNIZERS for e in r.entities)
DEFAULT_ENTITIES: tuple[str, ...] = tuple(e for e in ALL_ENTITIES if e != "URL")
CHECKSUM_ENTITIES = ("CN_ID_CARD", "CN_BANK_CARD", "CREDIT_CARD", "CN_USCC", "IBAN")


def category_of(entity: str) -> str:
    """S5 for secrets/credentials, S4 for personal information."""
    return "S5" if entity in SECRET_ENTITIES else "S4"


class NerConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    model: str
    min_score: float = Field(default=0.5, ge=0.0, le=1.0)
    label_map: dict[str, str] | None = None


class PiiConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")
    entities: list[str] | None = None
    exclude: list[str] = Field(default_factory=list)
    min_score: float = Field(default=0.5, ge=0.0, le=1.0)
    thresholds: dict[str, float] = Field(default_factory=dict)
    ner: NerConfig | None = None

    @field_validator("entities", "exclude")
    @classmethod
    def _known(cls, v: list[str] | None) -> list[str] | None:
        bad = [e for e in v or [] if e not in ALL_ENTITIES]
        if bad:
            raise ValueError(f"unknown entities {bad}; known: {', '.join(ALL_ENTITIES)}")
        return v

    @field_validator("thresholds")
    @classmethod
    def _thresholds(cls, v: dict[str, float]) -> dict[str, float]:
        for k, t in v.items():
            if k not in ALL_ENTITIES:
                raise ValueError(f"unknown entity {k!r}")
            if not 0.0 <= t <= 1.0:
                raise ValueError(f"threshold for {k} must be within 0..1, got {t}")
        return v


def resolve_overlaps(matches: list[Match]) -> list[Match]:
    """Keep the best of each group of overlapping matches."""
    if len(matches) < 2:
        return matches
    # a validated match (checksum, prefix table) outranks an unvalidated one of similar score
    ranked = sorted(matches, key=lambda m: (-(m.score + (0.2 if m.validated else 0.0)), -(m.end - m.start), m.start))
    kept: list[Match] = []
    for m in ranked:
        if all(m.end <= k.start or m.start >= k.end for k in kept):
            kept.append(m)
    kept.sort(key=lambda m: m.start)
    return kept


@register_detector("pii")
class PiiDetector(Detector):
    type_name = "pii"

    def __init__(self, name: str | None = None, **config: Any) -> None:
        super().__init__(name)
        try:
            cfg = PiiConfig(**config)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
            raise ConfigError(f"detector {self.name!r} (pii) config: {problems}") from None
        self.config = cfg
        selected = set(cfg.entities or DEFAULT_ENTITIES) - set(cfg.exclude)
        self.entities = frozenset(selected)
        self._recognizers: list[Recognizer] = [r(selected) for r in RECOGNIZERS if selected & set(r.entities)]
        if cfg.ner is not None:
            from genguard.detect.pii.ner import NerRecognizer

            self._recognizers.append(
                NerRecognizer(cfg.ner.model, label_map=cfg.ner.label_map, min_score=cfg.ner.min_score)
            )
        self._thresholds = {e: cfg.thresholds.get(e, cfg.min_score) for e in ALL_ENTITIES}

    def categories(self) -> set[str]:
        return {category_of(e) for e in self.entities}

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "entities": sorted(self.entities), "ner": self.config.ner is not None}

    def matches(self, text: str) -> list[Match]:
        """Resolved, thresholded matches (no Finding objects): the fast path for scanners/benchmarks."""
        doc = Doc(text)
        found: list[Match] = []
        sel, th = self.entities, self._thresholds
        for rec in self._recognizers:
            for m in rec.find(doc):
                if m.entity in sel and m.score >= th[m.entity]:
                    found.append(m)
        return resolve_overlaps(found)

    def detect(self, ctx: DetectContext) -> list[Finding]:
        text = ctx.text
        out = []
        for m in self.matches(text):
            meta: dict[str, Any] = {}
            if m.validated:
                meta["validated"] = m.validated
            if m.context:
                meta["context"] = m.context
            values: dict[str, Any] = {  # the fields in order, typed (findings.assemble)
                "category": category_of(m.entity), "detector": self.name, "score": float(round(m.score, 4)),
                "start": int(m.start), "end": int(m.end), "evidence": text[m.start : m.end], "normalized": None,
                "entity": m.entity, "metadata": meta,
            }
            # validated only when a recogniser's score is out of range (for the error it raises)
            out.append(assemble(Finding, values) if 0.0 <= values["score"] <= 1.0 else Finding(**values))
        return out
