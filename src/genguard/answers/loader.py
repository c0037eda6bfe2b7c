"""Read answer-bank files (YAML list or mapping with ``entries``, or JSONL), with precise errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from genguard.answers.model import AnswerEntry
from genguard.config_file import load_yaml, read_user_file, validation_problems
from genguard.errors import ConfigError


def _entry(raw: Any, where: str) -> AnswerEntry:
    if not isinstance(raw, dict):
        raise ConfigError(f"{where}: an entry must be a mapping")
    try:
        return AnswerEntry.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{where}: {validation_problems(exc)}") from None


def load_entries(path: Path) -> list[AnswerEntry]:
    text = read_user_file(path, "answer bank")
    entries: list[AnswerEntry] = []
    if path.suffix == ".jsonl":
        for n, line in enumerate(text.splitlines(), start=1):
            if not line.strip():
                continue
            try:
                raw = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ConfigError(f"{path}:{n}: invalid JSON: {exc.msg}") from None
            entries.append(_entry(raw, f"{path}:{n}"))
    else:
        try:
            doc = load_yaml(text, path)
        except yaml.YAMLError as exc:
            raise ConfigError(f"{path}: invalid YAML: {exc}") from None
        items = doc.get("entries") if isinstance(doc, dict) else doc
        if not isinstance(items, list):
            raise ConfigError(f"{path}: expected a list of entries (or a mapping with key 'entries')")
        entries = [_entry(raw, f"{path}: entries[{i}]") for i, raw in enumerate(items)]
    seen: set[str] = set()
    for e in entries:
        if e.id in seen:
            raise ConfigError(f"{path}: duplicate entry id {e.id!r}")
        seen.add(e.id)
    return entries
