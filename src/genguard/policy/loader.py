"""Load and validate policy files, turning every problem into a message naming file and key."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from pathlib import Path

import yaml
from pydantic import ValidationError

from genguard.config_file import load_yaml, validation_problems
from genguard.errors import ConfigError
from genguard.policy.model import Policy


def default_policy_path() -> Path:
    return Path(str(resources.files("genguard.policy").joinpath("data/default.yaml")))


def _format_validation(path: Path | str, exc: ValidationError) -> str:
    return f"{path}: invalid policy: {validation_problems(exc)}"


def load_policy(source: str | Path | None = None) -> Policy:
    """Load a policy from a YAML path (``None`` or ``default`` = the shipped default policy)."""
    path = default_policy_path() if source in (None, "default") else Path(str(source))
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"policy file {str(path)!r} does not exist") from None
    except IsADirectoryError:
        raise ConfigError(f"policy path {str(path)!r} is a directory, not a YAML file") from None
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text (invalid byte at offset {exc.start}); save it as UTF-8") from None
    try:
        raw = load_yaml(text, path)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: a policy must be a YAML mapping with 'name', 'detectors' and 'rules'")
    try:
        policy = Policy.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_format_validation(path, exc)) from None
    policy.extensions.setdefault("_source", str(path))
    return policy


@contextmanager
def policy_key(source: str | None, key: str, what: str | None = None) -> Iterator[None]:
    """Prefix a ConfigError raised while building a part of the policy with the policy file and
    the key of that part: the builders (operators, pre-checks, answer files) do not know which
    policy, or where in it, their settings came from."""
    try:
        yield
    except ConfigError as exc:
        where = f"{source}: " if source else "policy: "
        raise ConfigError(f"{where}key '{key}'{f' ({what})' if what else ''}: {exc}") from None
