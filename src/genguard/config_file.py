"""Reading a user's YAML file into a Pydantic model, with errors that name the file and the key.

Policies, gates, self-assessments, food labels and answer banks are all hand-written YAML; a
mistake in any of them must read the same way: ``<file>: key 'a.b': <problem>``, exit non-zero.
"""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

import yaml
from pydantic import BaseModel, ValidationError

from genguard.errors import ConfigError

M = TypeVar("M", bound=BaseModel)


def validation_problems(exc: ValidationError) -> str:
    """``key 'a.b': msg; key 'c': msg`` for every error of a Pydantic validation."""
    return "; ".join(
        f"key '{'.'.join(str(p) for p in e['loc']) or '(top level)'}': {e['msg']}" for e in exc.errors()
    )


def load_yaml_model(path: Path, model: type[M], what: str) -> M:
    """``model`` validated from the YAML file at ``path``; ``what`` names the file in errors
    ("gates file", "food-label file"...)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise ConfigError(f"{what} {str(path)!r} does not exist") from None
    except (UnicodeDecodeError, yaml.YAMLError) as exc:
        raise ConfigError(f"{path}: cannot read: {exc}") from None
    try:
        return model.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(f"{path}: {validation_problems(exc)}") from None
