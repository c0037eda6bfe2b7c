"""Term banks: YAML files, one per risk code, that users can extend or replace.

Bank file format::

    category: A1.4                  # taxonomy code (required)
    provenance: "written by ..."    # who wrote the terms and how (required for shipped banks)
    score: 0.9                      # optional default score of this bank's hits (0..1)
    pinyin: true                    # optional: also match pinyin / initials of Chinese terms
    terms:                          # language code -> list of terms
      zh: [制作炸弹, ...]
      en: ["how to {make|build} a {pipe bomb|nail bomb}", {term: "bomb recipe", score: 0.8}]
    literal:                        # matched as written (case-insensitive), symbols kept: code, markup
      en: ["rm -rf /", "</system>"]
    allow:                          # benign phrases containing a term; a hit they overlap is dropped
      zh: [炸弹鸡尾酒]
      en: [kill a python process]

``{a|b|c}`` inside a term is alternation: the term expands to one entry per combination, so
one line can list the verb and object variants of a harmful phrase. Statistics count the
expanded entries (the number of distinct phrases the automaton matches).
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from genguard.config_file import load_yaml
from genguard.errors import ConfigError
from genguard.taxonomy import get_taxonomy

DEFAULT_SCORE = 0.9
_ALT = re.compile(r"\{([^{}]*\|[^{}]*)\}")
MAX_EXPANSION = 5000


@dataclass(frozen=True)
class Term:
    """One expanded bank entry."""

    text: str
    lang: str
    score: float
    literal: bool = False


@dataclass
class KeywordBank:
    category: str
    terms: dict[str, list[str]]
    allow: list[str] = field(default_factory=list)
    provenance: str = ""
    source: str = ""
    score: float = DEFAULT_SCORE
    pinyin: bool = True
    scores: dict[str, float] = field(default_factory=dict)
    literal: dict[str, list[str]] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.entries())

    def entries(self) -> list[Term]:
        """Expanded, de-duplicated entries of every language."""
        out: dict[tuple[str, str], Term] = {}
        for literal, source in ((False, self.terms), (True, self.literal)):
            for lang, items in source.items():
                for raw in items:
                    score = self.scores.get(raw, self.score)
                    for t in expand(raw) if not literal else [raw]:
                        out.setdefault((lang, t), Term(t, lang, score, literal))
        return list(out.values())

    def count_by_lang(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for t in self.entries():
            counts[t.lang] = counts.get(t.lang, 0) + 1
        return counts


def expand(term: str) -> list[str]:
    """Expand ``{a|b}`` alternations; whitespace is collapsed so empty options read well."""
    parts: list[list[str]] = []
    pos = 0
    for m in _ALT.finditer(term):
        parts.append([term[pos : m.start()]])
        parts.append(m.group(1).split("|"))
        pos = m.end()
    parts.append([term[pos:]])
    total = 1
    for p in parts:
        total *= len(p)
    if total > MAX_EXPANSION:
        raise ValueError(f"term {term!r} expands to {total} entries (limit {MAX_EXPANSION})")
    out = []
    for combo in itertools.product(*parts):
        t = " ".join("".join(combo).split())
        if t:
            out.append(t)
    return out


def builtin_dir() -> Path:
    return Path(str(resources.files("genguard.detect.keywords").joinpath("banks")))


def _where(path: Path, key: str) -> str:
    return f"{path}: key '{key}'"


def _parse_terms(
    path: Path, raw: Any, section: str = "terms"
) -> tuple[dict[str, list[str]], dict[str, float]]:
    if section == "literal" and raw is None:
        return {}, {}
    if not isinstance(raw, dict) or (not raw and section == "terms"):
        raise ConfigError(f"{_where(path, section)}: must map a language code (zh, en, ...) to a list of terms")
    terms: dict[str, list[str]] = {}
    scores: dict[str, float] = {}
    for lang, items in raw.items():
        key = f"{section}.{lang}"
        if not isinstance(lang, str) or not isinstance(items, list):
            raise ConfigError(f"{_where(path, key)}: must be a list of terms")
        out: list[str] = []
        for i, item in enumerate(items):
            if isinstance(item, str):
                text = item
            elif isinstance(item, dict) and isinstance(item.get("term"), str):
                text = item["term"]
                if "score" in item:
                    s = item["score"]
                    if not isinstance(s, int | float) or not 0 <= s <= 1:
                        raise ConfigError(f"{_where(path, f'{key}[{i}].score')}: must be a number in 0..1, got {s!r}")
                    scores[text] = float(s)
            else:
                raise ConfigError(
                    f"{_where(path, f'{key}[{i}]')}: must be a string or {{term: ..., score: ...}}, got {item!r}"
                )
            if not text.strip():
                raise ConfigError(f"{_where(path, f'{key}[{i}]')}: empty term")
            if section == "terms":
                try:
                    variants = expand(text)
                except ValueError as exc:
                    raise ConfigError(f"{_where(path, f'{key}[{i}]')}: {exc}") from None
                for v in variants:
                    problem = _weak_key(v)
                    if problem:
                        raise ConfigError(f"{_where(path, f'{key}[{i}]')}: term {v!r} {problem}")
            out.append(text)
        terms[lang] = out
    return terms, scores


def _weak_key(term: str) -> str | None:
    """Why a term would match far more than its author meant, or None.

    Normalisation drops symbols, so a term made mostly of symbols (``</system>``, ``rm -rf /``)
    would shrink to a common word; such terms belong under ``literal``.
    """
    from genguard.text.normalize import normalize_term

    key = normalize_term(term)
    if not key:
        return "has no letters or digits left after normalisation; list it under 'literal'"
    symbols = sum(1 for c in term if not c.isalnum() and not c.isspace() and c not in "'-.,!?’")
    if symbols >= 2 and symbols * 3 >= len(key):
        return "is mostly symbols, which normalisation drops; list it under 'literal'"
    return None


def _parse_allow(path: Path, raw: Any) -> list[str]:
    if raw is None:
        return []
    if isinstance(raw, dict):
        items: list[Any] = [x for v in raw.values() for x in (v if isinstance(v, list) else [v])]
    elif isinstance(raw, list):
        items = raw
    else:
        raise ConfigError(f"{_where(path, 'allow')}: must be a list of phrases or a mapping language -> list")
    for i, a in enumerate(items):
        if not isinstance(a, str) or not a.strip():
            raise ConfigError(f"{_where(path, f'allow[{i}]')}: must be a non-empty string, got {a!r}")
    return [x for a in items for x in expand(a)]


def load_bank_file(path: Path) -> KeywordBank:
    """Read and validate one bank; errors name the file and the key."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read keyword bank: {exc.strerror}") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path}: keyword bank is not UTF-8 text ({exc.reason} at byte {exc.start}); re-save it as UTF-8"
        ) from None
    try:
        raw = load_yaml(text, path)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: a keyword bank must be a mapping with 'category' and 'terms'")
    unknown = set(raw) - {"category", "provenance", "score", "pinyin", "terms", "literal", "allow", "description"}
    if unknown:
        raise ConfigError(f"{path}: unknown key(s) {', '.join(sorted(map(str, unknown)))}")
    cat = raw.get("category")
    if not isinstance(cat, str) or not get_taxonomy().has(cat):
        raise ConfigError(f"{_where(path, 'category')}: unknown or missing taxonomy code {cat!r}")
    score = raw.get("score", DEFAULT_SCORE)
    if not isinstance(score, int | float) or isinstance(score, bool) or not 0 <= score <= 1:
        raise ConfigError(f"{_where(path, 'score')}: must be a number in 0..1, got {score!r}")
    pinyin = raw.get("pinyin", True)
    if not isinstance(pinyin, bool):
        raise ConfigError(f"{_where(path, 'pinyin')}: must be true or false, got {pinyin!r}")
    prov = raw.get("provenance", "")
    if not isinstance(prov, str):
        raise ConfigError(f"{_where(path, 'provenance')}: must be a string")
    terms, scores = _parse_terms(path, raw.get("terms"))
    literal, lscores = _parse_terms(path, raw.get("literal"), "literal")
    allow = _parse_allow(path, raw.get("allow"))
    return KeywordBank(
        cat, terms, allow, prov, str(path), float(score), pinyin, {**scores, **lscores}, literal
    )


def bank_files(paths: list[str | Path] | None = None) -> list[Path]:
    """Resolve bank paths (files or directories; ``default`` = the shipped banks; ``None`` = the
    shipped banks, ``[]`` = none, for a policy that lists only its own ``extra_terms``)."""
    files: list[Path] = []
    for p in paths if paths is not None else ["default"]:
        path = builtin_dir() if str(p) == "default" else Path(p)
        if path.is_dir():
            found = sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml"))
            if not found:
                raise ConfigError(f"keyword bank directory {str(p)!r} holds no *.yaml files")
            files.extend(found)
        elif path.is_file():
            files.append(path)
        else:
            raise ConfigError(f"keyword bank {str(p)!r} does not exist")
    return files


def load_banks(paths: list[str | Path] | None = None) -> list[KeywordBank]:
    """Load banks from files or directories; ``None`` or the word ``default`` = shipped banks."""
    return [load_bank_file(f) for f in bank_files(paths)]
