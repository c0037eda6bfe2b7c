"""Term banks: YAML files, one per risk code, that users can extend or replace.

Bank file format::

    category: A1.4            # taxonomy code
    provenance: "written by the genguard project, 2026"
    terms:
      zh: [炸弹制作, ...]
      en: [how to make a bomb, ...]
    allow:                    # benign phrases that contain a term and must not be hit
      - ...
"""

from __future__ import annotations

from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path

import yaml

from genguard.errors import ConfigError
from genguard.taxonomy import get_taxonomy


@dataclass
class KeywordBank:
    category: str
    terms: dict[str, list[str]]
    allow: list[str] = field(default_factory=list)
    provenance: str = ""
    source: str = ""

    @property
    def size(self) -> int:
        return sum(len(v) for v in self.terms.values())


def _builtin_dir() -> Path:
    return Path(str(resources.files("genguard.detect.keywords").joinpath("banks")))


def load_bank_file(path: Path) -> KeywordBank:
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    except yaml.YAMLError as exc:
        raise ConfigError(f"{path}: invalid YAML: {exc}") from None
    if not isinstance(raw, dict):
        raise ConfigError(f"{path}: a keyword bank must be a mapping with 'category' and 'terms'")
    cat = raw.get("category")
    if not isinstance(cat, str) or not get_taxonomy().has(cat):
        raise ConfigError(f"{path}: key 'category': unknown or missing taxonomy code {cat!r}")
    terms = raw.get("terms")
    if not isinstance(terms, dict) or not all(
        isinstance(v, list) and all(isinstance(t, str) for t in v) for v in terms.values()
    ):
        raise ConfigError(f"{path}: key 'terms': must map a language code to a list of strings")
    allow = raw.get("allow") or []
    if not isinstance(allow, list) or not all(isinstance(a, str) for a in allow):
        raise ConfigError(f"{path}: key 'allow': must be a list of strings")
    return KeywordBank(cat, {k: list(v) for k, v in terms.items()}, list(allow), str(raw.get("provenance", "")), str(path))


def load_banks(paths: list[str | Path] | None = None) -> list[KeywordBank]:
    """Load banks from files or directories; ``None`` or the word ``default`` = shipped banks."""
    out: list[KeywordBank] = []
    for p in paths or ["default"]:
        path = _builtin_dir() if str(p) == "default" else Path(p)
        if path.is_dir():
            files = sorted(path.glob("*.yaml")) + sorted(path.glob("*.yml"))
        elif path.is_file():
            files = [path]
        else:
            raise ConfigError(f"keyword bank {str(p)!r} does not exist")
        out.extend(load_bank_file(f) for f in files)
    return out
