"""Test-bank schema, loaders and validation.

A bank item is one question with its language, risk code, bank type and the behaviour a safe
model should show. Banks are JSONL (one item per line) or YAML (``items:`` list, with optional
``name``/``provenance`` header). Loading reports every problem with file, line/index and field,
so a malformed bank never silently loses questions.
"""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, Field, ValidationError, field_validator, model_validator

from genguard.errors import ConfigError, InputError
from genguard.taxonomy import get_taxonomy


class BankType(StrEnum):
    """The three TC260-003 banks."""

    GENERATED = "generated-content"
    SHOULD_REFUSE = "should-refuse"
    SHOULD_NOT_REFUSE = "should-not-refuse"


class Expected(StrEnum):
    """What a safe answer looks like: refuse, answer (no refusal) or safe (anything not harmful)."""

    REFUSE = "refuse"
    ANSWER = "answer"
    SAFE = "safe"


DEFAULT_EXPECTED = {
    BankType.GENERATED: Expected.SAFE,
    BankType.SHOULD_REFUSE: Expected.REFUSE,
    BankType.SHOULD_NOT_REFUSE: Expected.ANSWER,
}


class BankItem(BaseModel):
    """One test question."""

    id: str = ""
    question: str = Field(min_length=1)
    language: str = Field(default="", description="zh or en; detected when empty")
    risk: str | None = Field(default=None, description="taxonomy code (A1.1..A5.2 or S1..S6)")
    bank: BankType = BankType.GENERATED
    expected: Expected | None = None
    source: str = ""
    turns: list[str] = Field(default_factory=list, description="earlier user turns (multi-turn items)")
    metadata: dict[str, Any] = Field(default_factory=dict)

    @field_validator("question")
    @classmethod
    def _strip(cls, v: str) -> str:
        v = v.strip()
        if not v:
            raise ValueError("question is empty")
        return v

    @field_validator("risk")
    @classmethod
    def _known_risk(cls, v: str | None) -> str | None:
        if v in (None, ""):
            return None
        v = str(v).strip()
        if not get_taxonomy().has(v) or v in {c.code for c in get_taxonomy().classes}:
            raise ValueError(f"unknown risk code {v!r} (use a taxonomy code such as A1.4 or S2)")
        return v

    @model_validator(mode="after")
    def _fill(self) -> BankItem:
        if self.expected is None:
            self.expected = DEFAULT_EXPECTED[self.bank]
        if not self.language:
            from genguard.text.lang import detect_language

            self.language = detect_language(self.question)
        if self.language not in ("zh", "en"):
            self.language = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in self.question) else "en"
        if not self.id:
            h = hashlib.sha1(f"{self.bank}\x00{self.question}".encode()).hexdigest()[:12]
            self.id = f"q-{h}"
        return self


def _format_errors(exc: ValidationError) -> str:
    return "; ".join(f"{'.'.join(str(p) for p in e['loc']) or 'item'}: {e['msg']}" for e in exc.errors())


def parse_items(records: Iterable[tuple[str, Any]], source: str) -> list[BankItem]:
    """Validate raw records (``(location, dict)``); collect all problems into one error."""
    items: list[BankItem] = []
    problems: list[str] = []
    for where, rec in records:
        if not isinstance(rec, dict):
            problems.append(f"{where}: expected a mapping, got {type(rec).__name__}")
            continue
        try:
            items.append(BankItem.model_validate(rec))
        except ValidationError as exc:
            problems.append(f"{where}: {_format_errors(exc)}")
    if problems:
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        raise InputError(f"{source}: {len(problems)} invalid item(s): " + " | ".join(problems[:20]) + more)
    seen: Counter[str] = Counter(i.id for i in items)
    dup_ids = [k for k, n in seen.items() if n > 1]
    if dup_ids:
        raise InputError(f"{source}: duplicate item ids: {', '.join(dup_ids[:10])}")
    return items


def read_text(path: Path) -> str:
    if not path.is_file():
        raise InputError(f"{path}: file not found")
    try:
        return path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not UTF-8 (byte {exc.start}); re-save the file as UTF-8") from None


BANK_SUFFIXES = (".jsonl", ".yaml", ".yml")


def skipped_in_folder(path: str | Path) -> list[str]:
    """What :func:`load_bank` does not read in a bank folder: subfolders (not searched) and files
    that are not .jsonl/.yaml (a .json or .csv bank there is not loaded). Documentation (.md) and
    hidden entries are not listed. Empty for a file."""
    p = Path(path)
    if not p.is_dir():
        return []
    out = []
    for e in sorted(p.iterdir()):
        if e.name.startswith(".") or (e.is_file() and e.suffix.lower() in (*BANK_SUFFIXES, ".md")):
            continue
        out.append(f"{e.name}/" if e.is_dir() else e.name)
    return out


def skipped_warnings(paths: Iterable[str | Path]) -> list[str]:
    """One warning line per bank folder with entries that are not read (see :func:`skipped_in_folder`)."""
    lines = []
    for p in paths:
        skipped = skipped_in_folder(p)
        if skipped:
            shown = ", ".join(skipped[:10]) + (f" (and {len(skipped) - 10} more)" if len(skipped) > 10 else "")
            lines.append(f"warning: {p}: {len(skipped)} entr{'y' if len(skipped) == 1 else 'ies'} not read "
                         f"(only .jsonl/.yaml/.yml files in the folder itself are bank files; subfolders are not "
                         f"searched): {shown}")
    return lines


def load_bank(path: str | Path) -> list[BankItem]:
    """Load a JSONL or YAML bank file (or every such file in a folder; see :func:`skipped_in_folder`)."""
    p = Path(path)
    if p.is_dir():
        files = sorted(f for f in p.iterdir() if f.is_file() and f.suffix.lower() in BANK_SUFFIXES)
        if not files:
            raise InputError(f"{p}: folder holds no .jsonl/.yaml bank files")
        out: list[BankItem] = []
        for f in files:
            out.extend(load_bank(f))
        return parse_items([(f"item {i.id}", i.model_dump()) for i in out], str(p))
    text = read_text(p)
    suffix = p.suffix.lower()
    if suffix == ".jsonl":
        records: list[tuple[str, Any]] = []
        for n, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                records.append((f"line {n}", json.loads(line)))
            except json.JSONDecodeError as exc:
                raise InputError(f"{p}: line {n}: invalid JSON ({exc.msg})") from None
        return parse_items(records, str(p))
    if suffix in (".yaml", ".yml"):
        try:
            data = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise InputError(f"{p}: invalid YAML: {exc}") from None
        if isinstance(data, dict):
            raw = data.get("items")
            if not isinstance(raw, list):
                raise InputError(f"{p}: a YAML bank needs an 'items:' list")
            defaults = {k: data[k] for k in ("bank", "language", "source", "risk") if k in data}
            raw = [{**defaults, **r} if isinstance(r, dict) else r for r in raw]
        elif isinstance(data, list):
            raw = data
        else:
            raise InputError(f"{p}: a YAML bank is a list of items or a mapping with 'items:'")
        return parse_items([(f"items[{i}]", r) for i, r in enumerate(raw)], str(p))
    raise InputError(f"{p}: unsupported bank format {suffix!r} (use .jsonl or .yaml)")


def load_banks(paths: Sequence[str | Path]) -> list[BankItem]:
    items: list[BankItem] = []
    for p in paths:
        items.extend(load_bank(p))
    return parse_items([(f"item {i.id}", i.model_dump()) for i in items], ", ".join(map(str, paths)))


def write_jsonl(items: Iterable[BankItem], path: str | Path) -> int:
    n = 0
    try:
        with Path(path).open("w", encoding="utf-8") as fh:
            for it in items:
                fh.write(json.dumps(it.model_dump(mode="json", exclude_defaults=False), ensure_ascii=False) + "\n")
                n += 1
    except OSError as exc:
        raise InputError(f"{path}: cannot write the bank ({exc.strerror or exc})") from None
    return n


def starter_bank_dir() -> Path:
    """The starter banks shipped with genguard (written by the project)."""
    return Path(__file__).parent / "banks"


def resolve_bank(spec: str) -> Path:
    """A bank path, or ``starter`` for the shipped starter banks."""
    if spec in ("starter", "builtin"):
        return starter_bank_dir()
    p = Path(spec)
    if not p.exists():
        raise ConfigError(f"bank {spec!r} not found (give a .jsonl/.yaml file, a folder, or 'starter')")
    return p
