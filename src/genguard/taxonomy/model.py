"""Typed view of ``taxonomy.yaml`` with lookup helpers (code -> category, class, names)."""

from __future__ import annotations

from functools import lru_cache
from importlib import resources
from typing import Any

import yaml
from pydantic import BaseModel, Field

from genguard.errors import ConfigError


class RiskClass(BaseModel):
    code: str
    zh: str
    en: str
    description_zh: str
    description_en: str

    def name(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else self.en


class Category(BaseModel):
    code: str
    zh: str
    en: str
    description_zh: str
    description_en: str
    imda: list[str] = Field(default_factory=list)
    ailuminate: list[str] = Field(default_factory=list)
    owasp_llm: list[str] = Field(default_factory=list)

    @property
    def class_code(self) -> str:
        """``A1.4`` -> ``A1``; security codes ``S1`` -> ``S``."""
        return self.code.split(".")[0] if "." in self.code else self.code.rstrip("0123456789")

    def name(self, lang: str = "en") -> str:
        return self.zh if lang == "zh" else self.en

    def description(self, lang: str = "en") -> str:
        return self.description_zh if lang == "zh" else self.description_en


class Taxonomy(BaseModel):
    version: str
    classes: list[RiskClass]
    risks: list[Category]

    def model_post_init(self, __context: Any) -> None:
        self._by_code = {r.code: r for r in self.risks}
        self._classes = {c.code: c for c in self.classes}

    # -- lookups -------------------------------------------------------------------------
    def get(self, code: str) -> Category:
        try:
            return self._by_code[code]
        except KeyError:
            raise ConfigError(f"unknown risk category code {code!r}") from None

    def has(self, code: str) -> bool:
        return code in self._by_code or code in self._classes

    def risk_class(self, code: str) -> RiskClass:
        """The class of a category code or class code (``A1.4`` or ``A1`` -> class A1)."""
        if code in self._classes:
            return self._classes[code]
        return self._classes[self.get(code).class_code]

    def class_of(self, code: str) -> str:
        return self.risk_class(code).code

    def codes(self, *, appendix_a_only: bool = False) -> list[str]:
        return [r.code for r in self.risks if not appendix_a_only or r.code.startswith("A")]

    def in_class(self, class_code: str) -> list[Category]:
        return [r for r in self.risks if r.class_code == class_code]

    def name(self, code: str, lang: str = "en") -> str:
        if code in self._classes:
            return self._classes[code].name(lang)
        return self.get(code).name(lang)

    def matches(self, pattern: str, code: str) -> bool:
        """Policy-style matching: ``*``, a class (``A1``, ``S``) or an exact code."""
        if pattern in ("*", code):
            return True
        return pattern in self._classes and self.class_of(code) == pattern


@lru_cache(maxsize=1)
def get_taxonomy() -> Taxonomy:
    """The shipped taxonomy (cached: it is immutable data)."""
    text = resources.files("genguard.taxonomy").joinpath("data/taxonomy.yaml").read_text("utf-8")
    return Taxonomy.model_validate(yaml.safe_load(text))
