"""Target interface and configuration (YAML file or CLI flags).

A target is async: the runner keeps many requests in flight, and each target enforces its own
concurrency and rate limits. Targets are built from a plain config mapping so the same YAML
works from the CLI, tests and CI.
"""

from __future__ import annotations

import abc
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from genguard.errors import ConfigError, TargetError

Message = dict[str, str]  # {"role": "system"|"user"|"assistant", "content": "..."}


class TargetUnreachable(TargetError):
    """Every attempt of a call failed to connect (refused, unknown host): the endpoint is down or
    the URL is wrong, not a problem with one question. The runner stops early on a run of these."""


class TargetConfig(BaseModel):
    """Settings shared by every target type; type-specific keys go in the same mapping."""

    model_config = ConfigDict(extra="forbid")

    type: Literal["openai", "gateway", "replay", "callable", "transformers", "scripted"] = "openai"
    name: str = ""
    base_url: str = ""
    model: str = ""
    api_key: str | None = None
    api_key_env: str | None = None
    system_prompt: str | None = None
    concurrency: int = Field(default=8, ge=1, le=1024)
    rate_limit: float | None = Field(default=None, gt=0, description="requests per second")
    retries: int = Field(default=2, ge=0, le=20)
    timeout: float = Field(default=60.0, gt=0)
    temperature: float | None = Field(default=None, ge=0, le=2, description="sampling temperature (OpenAI range 0-2)")
    max_tokens: int | None = Field(default=None, ge=1)
    path: str | None = Field(default=None, description="replay file or local model folder")
    callable: str | None = Field(default=None, description="module:function for callable targets")
    device: str = "cpu"
    extra_body: dict[str, Any] = Field(default_factory=dict)

    def public(self) -> dict[str, Any]:
        """The config without secrets (stored with runs)."""
        d = self.model_dump(exclude_none=True)
        d.pop("api_key", None)
        return d


class Target(abc.ABC):
    """An assessable model."""

    def __init__(self, config: TargetConfig) -> None:
        self.config = config

    @property
    def name(self) -> str:
        return self.config.name or self.config.model or self.config.type

    def with_system(self, messages: list[Message]) -> list[Message]:
        if self.config.system_prompt and not any(m.get("role") == "system" for m in messages):
            return [{"role": "system", "content": self.config.system_prompt}, *messages]
        return messages

    @abc.abstractmethod
    async def chat(self, messages: list[Message]) -> str:
        """Return the assistant's answer; raise TargetError when it cannot."""

    async def aclose(self) -> None:  # noqa: B027 - optional hook
        """Release connections."""


def check_http_url(url: str, what: str = "base_url") -> str:
    """``url`` unchanged when it is an http(s) URL with a host (and a port in 1..65535), else a
    :class:`ConfigError` naming the problem. Checked when a target is built, before a run is
    stored, so a typo is not found only after every item failed with a bare client class name."""
    from urllib.parse import urlsplit

    example = "e.g. http://127.0.0.1:8000/v1"
    if not url or any(c.isspace() for c in url):
        raise ConfigError(f"{what} {url!r} is not a URL ({'empty' if not url else 'contains spaces'}); {example}")
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as exc:
        why = "the port must be a number 1-65535" if "port" in str(exc).lower() else str(exc)
        raise ConfigError(f"{what} {url!r} is not a valid URL ({why}); {example}") from None
    if parts.scheme.lower() not in ("http", "https"):
        got = f"scheme {parts.scheme!r}" if parts.scheme else "no scheme"
        raise ConfigError(f"{what} {url!r}: {got}; use http:// or https://, {example}")
    if not parts.hostname:
        raise ConfigError(f"{what} {url!r} names no host; {example}")
    if port == 0:
        raise ConfigError(f"{what} {url!r}: port 0 is not a usable port (1-65535); {example}")
    return url


def load_target_config(file: str | Path | None = None, /, **overrides: Any) -> TargetConfig:
    """A target config from a YAML file (top-level or under ``target:``) plus overrides."""
    data: dict[str, Any] = {}
    if file is not None:
        p = Path(file)
        try:
            loaded = yaml.safe_load(p.read_text(encoding="utf-8")) or {}
        except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
            raise ConfigError(f"{p}: cannot read target config: {exc}") from None
        if not isinstance(loaded, dict):
            raise ConfigError(f"{p}: target config must be a mapping")
        data.update(loaded.get("target", loaded))
    data.update({k: v for k, v in overrides.items() if v is not None})
    try:
        return TargetConfig.model_validate(data)
    except ValidationError as exc:
        where = str(file) if file else "target flags"
        msg = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in exc.errors())
        raise ConfigError(f"{where}: {msg}") from None


def build_target(config: TargetConfig | dict[str, Any]) -> Target:
    cfg = config if isinstance(config, TargetConfig) else load_target_config(**config)
    if cfg.type == "openai":
        from genguard.assess.targets.openai_compat import OpenAICompatTarget

        return OpenAICompatTarget(cfg)
    if cfg.type == "gateway":
        from genguard.assess.targets.gateway import GatewayTarget

        return GatewayTarget(cfg)
    if cfg.type == "replay":
        from genguard.assess.targets.replay import ReplayTarget

        return ReplayTarget(cfg)
    if cfg.type == "callable":
        from genguard.assess.targets.callable import CallableTarget

        return CallableTarget.from_config(cfg)
    if cfg.type == "transformers":
        from genguard.assess.targets.transformers_local import TransformersTarget

        return TransformersTarget(cfg)
    from genguard.assess.targets.scripted import ScriptedTarget

    return ScriptedTarget(cfg)
