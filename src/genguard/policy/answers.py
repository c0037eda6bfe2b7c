"""Bilingual standard answers (标准回答) used when a request is refused.

One answer per risk class (A1..A5, S) and a ``default``, each in zh and en; the guard answers in
the language of the request.
"""

from __future__ import annotations

from importlib import resources
from pathlib import Path

import yaml

from genguard.config_file import load_yaml
from genguard.errors import ConfigError
from genguard.taxonomy import get_taxonomy


class StandardAnswers:
    def __init__(self, answers: dict[str, dict[str, str]], source: str = "") -> None:
        if "default" not in answers:
            raise ConfigError(f"{source or 'answers'}: key 'default': a default standard answer is required")
        for key, val in answers.items():
            if not isinstance(val, dict) or not {"zh", "en"} <= set(val):
                raise ConfigError(f"{source or 'answers'}: key {key!r}: needs both 'zh' and 'en' answers")
        self.answers = answers
        self.source = source

    @classmethod
    def load(cls, spec: str | dict[str, dict[str, str]], base_dir: Path | None = None) -> StandardAnswers:
        if isinstance(spec, dict):
            return cls(spec, "policy answers")
        if spec == "default":
            text = resources.files("genguard.policy").joinpath("data/answers.yaml").read_text("utf-8")
            return cls(load_yaml(text, "default answers"), "default answers")
        path = Path(spec)
        if not path.is_absolute() and base_dir is not None:
            path = base_dir / path
        try:
            raw = load_yaml(path.read_text(encoding="utf-8"), path)
        except FileNotFoundError:
            raise ConfigError(f"answers file {str(path)!r} does not exist") from None
        except (UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ConfigError(f"{path}: cannot read answers: {exc}") from None
        if not isinstance(raw, dict):
            raise ConfigError(f"{path}: answers must be a mapping of class code to {{zh, en}}")
        return cls(raw, str(path))

    def answer(self, code: str | None, lang: str) -> str:
        """The answer for a category (looked up by code, then its class, then default)."""
        lang = "zh" if lang == "zh" else "en"
        keys: list[str] = []
        if code:
            keys.append(code)
            tax = get_taxonomy()
            if tax.has(code):
                keys.append(tax.class_of(code))
        keys.append("default")
        for k in keys:
            if k in self.answers:
                return self.answers[k][lang]
        return self.answers["default"][lang]
