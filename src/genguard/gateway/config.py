"""Gateway configuration: one YAML file validated with Pydantic, every error naming file and key.

Everything has a default, so ``genguard serve`` with no config at all runs the moderation API on
the embedded SQLite database with the default policy and no upstream (the proxy then answers 503).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from genguard.config_file import load_yaml, read_user_file
from genguard.detect.base import detector_types
from genguard.errors import ConfigError
from genguard.taxonomy import get_taxonomy


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class UpstreamConfig(_Strict):
    """An OpenAI-compatible endpoint the proxy forwards to."""

    base_url: str = Field(description="e.g. https://api.example.com/v1 (the /chat/completions path is appended)")
    api_key: str | None = None
    api_key_env: str | None = Field(default=None, description="read the upstream key from this variable")
    timeout: float = Field(default=60.0, gt=0, description="seconds for a whole non-streaming call / between stream chunks")
    connect_timeout: float = Field(default=5.0, gt=0)
    retries: int = Field(default=2, ge=0, le=10, description="retries on connection errors and 502/503/504")
    max_connections: int = Field(default=200, ge=1)
    client: Literal["aiohttp", "httpx"] = Field(
        default="aiohttp", description="HTTP client library (both pooled); aiohttp costs ~1/3 of httpx's CPU per call"
    )
    model_map: dict[str, str] = Field(default_factory=dict, description="client model name -> upstream model name")

    @field_validator("base_url")
    @classmethod
    def _url(cls, v: str) -> str:
        if not v.startswith(("http://", "https://")):
            raise ValueError("must start with http:// or https://")
        return v.rstrip("/")

    def resolved_key(self) -> str | None:
        if self.api_key:
            return self.api_key
        if self.api_key_env:
            return os.environ.get(self.api_key_env)
        return None


class RouteConfig(_Strict):
    """Per-route model mapping: a public model name served by a named upstream (and model)."""

    upstream: str
    model: str | None = None


class RateLimit(_Strict):
    """Token bucket: ``rate`` requests per second refilled, up to ``burst`` at once."""

    rate: float = Field(default=50.0, gt=0)
    burst: int = Field(default=100, ge=1)


class TierConfig(_Strict):
    policy: str | None = Field(default=None, description="policy YAML for this tier (default: shipped policy)")
    rate_limit: RateLimit = Field(default_factory=RateLimit)


class KeyConfig(_Strict):
    """A key declared in the config (synced into the database at start-up)."""

    id: str = Field(min_length=1, max_length=64)
    key: str | None = Field(default=None, description="plaintext key (hashed before it is stored)")
    key_env: str | None = None
    key_sha256: str | None = Field(default=None, description="SHA-256 hex of the key, to keep plaintext out of files")
    tier: str = "standard"
    roles: list[str] = Field(default_factory=list)
    model_map: dict[str, str] = Field(default_factory=dict, description="per-key model mapping")

    @model_validator(mode="after")
    def _one_secret(self) -> KeyConfig:
        if sum(x is not None for x in (self.key, self.key_env, self.key_sha256)) != 1:
            raise ValueError("give exactly one of key, key_env, key_sha256")
        return self


LadderAction = Literal["warn", "throttle", "stricter", "suspend"]
StrikeAction = Literal["flag", "redact", "refuse", "block"]


def _default_strike_actions() -> list[StrikeAction]:
    return ["refuse", "block"]


class LadderStep(_Strict):
    strikes: int = Field(ge=1)
    action: LadderAction


def _default_steps() -> list[LadderStep]:
    return [
        LadderStep(strikes=1, action="warn"),
        LadderStep(strikes=3, action="throttle"),
        LadderStep(strikes=5, action="stricter"),
        LadderStep(strikes=8, action="suspend"),
    ]


class LadderConfig(_Strict):
    """Per-key strike ladder: refused/blocked requests count as strikes; steps escalate the response.

    Only input-side decisions count by default: a blocked *answer* is what the model wrote, and
    tools such as LLM Guard and NeMo Guardrails do not penalise the user for it either."""

    enabled: bool = True
    steps: list[LadderStep] = Field(default_factory=_default_steps)
    strike_actions: list[StrikeAction] = Field(default_factory=_default_strike_actions)
    count_output: bool = Field(
        default=False,
        description="blocked answers count as strikes too (default: only what the caller sends; the model's "
                    "words are not the caller's, and an assessment run through the gateway would suspend its key)",
    )
    reset_after_s: float = Field(default=86400.0, gt=0, description="strikes reset after this long without one")
    throttle_factor: float = Field(default=0.2, gt=0, le=1, description="rate-limit multiplier at 'throttle'")
    stricter_policy: str | None = Field(
        default=None, description="policy used at 'stricter' (default: the tier policy with flags escalated)"
    )

    @field_validator("steps")
    @classmethod
    def _ordered(cls, steps: list[LadderStep]) -> list[LadderStep]:
        counts = [s.strikes for s in steps]
        if counts != sorted(counts) or len(set(counts)) != len(counts):
            raise ValueError("steps must have strictly increasing 'strikes'")
        return steps


class RetentionConfig(_Strict):
    """What the audit log keeps of prompts and answers, and for how long."""

    mode: Literal["full", "hashed_only"] = "full"
    text_days: float = Field(default=30.0, ge=0, description="after this, stored text is reduced to its SHA-256")
    audit_days: float | None = Field(default=365.0, ge=0, description="audit rows are deleted after this (null = keep)")
    purge_interval_s: float = Field(default=3600.0, gt=0, description="how often `genguard serve` purges")


class AuditConfig(_Strict):
    enabled: bool = True
    batch_size: int = Field(default=200, ge=1)
    flush_interval_s: float = Field(default=0.5, gt=0)


class StreamConfig(_Strict):
    """Incremental moderation of streamed answers."""

    window_chars: int = Field(default=80, ge=8, description="clean text is released once it is this far behind the head")
    context_chars: int = Field(default=200, ge=0, description="already released text re-checked with the window")
    check_every_chars: int = Field(default=24, ge=1, description="re-check after this many new characters")


class RejectionSamplingConfig(_Strict):
    candidates: int = Field(default=1, ge=1, le=16, description="ask upstream for N answers, return the least harmful")


InstructionRole = Literal["system", "developer", "assistant"]


def _instruction_roles() -> list[InstructionRole]:
    return ["system", "developer", "assistant"]


class MessagesConfig(_Strict):
    """Which client-sent chat messages the proxy checks on input, besides ``user`` and ``tool``/
    ``function`` messages (always checked). On a proxy the client writes the whole message list, so
    a fake system prompt or a pre-filled assistant turn can carry what a user message may not.

    Those roles are instructions and answers, not requests: the injection rules (S1-S3) would
    refuse ordinary system prompts ("never reveal these instructions"), and the learned classifiers,
    trained on user prompts and answers, score instruction text poorly. So by default only the
    precise detectors count for them (keyword lists, checksum-validated PII), without S1-S3."""

    instruction_roles: list[InstructionRole] = Field(
        default_factory=_instruction_roles,
        description="roles checked on input as well ([] = user and tool/function messages only)",
    )
    instruction_detectors: list[str] = Field(
        default_factory=lambda: ["keywords", "pii"],
        description="detector types whose findings count for those roles (the policy's other detectors still run)",
    )
    instruction_ignore: list[str] = Field(
        default_factory=lambda: ["S1", "S2", "S3"],
        description="taxonomy codes or classes that never count for those roles (injection, jailbreak, prompt leak)",
    )

    @field_validator("instruction_detectors")
    @classmethod
    def _known_types(cls, types: list[str]) -> list[str]:
        # a misspelt type would silently leave those roles less checked
        unknown = [t for t in types if t not in detector_types()]
        if unknown:
            raise ValueError(f"unknown detector type(s) {unknown}; known: {', '.join(detector_types())}")
        return types

    @field_validator("instruction_ignore")
    @classmethod
    def _known_codes(cls, codes: list[str]) -> list[str]:
        unknown = [c for c in codes if not get_taxonomy().has(c)]
        if unknown:
            raise ValueError(f"unknown taxonomy code(s) or class(es) {unknown}")
        return codes


class TripwireConfig(_Strict):
    spike_count: int = Field(default=20, ge=1, description="blocks of one category within the window that form a spike")
    spike_window_s: float = Field(default=60.0, gt=0)


class LimitsConfig(_Strict):
    """Whole-request limits, besides the policy's per-text ``limits.max_chars``. Checking a chat
    message costs the event loop ~0.6 ms, so thousands of short messages in one request stall every
    other request for seconds; and a body is held in memory while it is read. Over a limit is a 413
    in the OpenAI error shape, before anything is checked or forwarded."""

    max_body_bytes: int = Field(
        default=8 * 1024 * 1024, ge=1024,
        description="request bodies over this many bytes are refused: a declared Content-Length before the body "
                    "is read, a chunked body as soon as it passes the limit",
    )
    max_messages: int = Field(default=500, ge=1, description="most 'messages' in one chat completion request")
    max_inputs: int = Field(
        default=500, ge=1, description="most texts in one moderation request ('input' list, guard/check 'texts')"
    )


class AuthConfig(_Strict):
    require_key: bool = Field(default=False, description="reject requests without a key (401)")
    cache_ttl_s: float = Field(default=5.0, ge=0, description="how long a key lookup is cached (CLI changes apply after)")


class GuardRunConfig(_Strict):
    """Where guard checks run. Short texts are checked inline on the event loop: a thread hand-off
    costs more than the check itself and, under load, waits for the GIL (up to the 5 ms switch
    interval). Longer texts go to the worker thread pool so one big check never stalls the loop."""

    offload_chars: int = Field(default=4000, ge=0, description="texts longer than this are checked in the thread pool")
    history_cache: int = Field(
        default=4096, ge=0,
        description="chat messages whose input decision is kept, so a conversation's history is checked once "
                    "and not again on every turn (0: check every message of every request)",
    )
    history_ttl_s: float = Field(default=600.0, gt=0, description="how long a kept decision is reused")


class GatewayConfig(_Strict):
    database_url: str | None = Field(default=None, description="SQLAlchemy URL (default: embedded SQLite)")
    guard: GuardRunConfig = Field(default_factory=GuardRunConfig)
    upstreams: dict[str, UpstreamConfig] = Field(default_factory=dict)
    default_upstream: str | None = None
    routes: dict[str, RouteConfig] = Field(default_factory=dict, description="public model name -> upstream route")
    tiers: dict[str, TierConfig] = Field(
        default_factory=lambda: {"standard": TierConfig(), "trusted": TierConfig(rate_limit=RateLimit(rate=500, burst=1000))}
    )
    anonymous_tier: str = "standard"
    keys: list[KeyConfig] = Field(default_factory=list)
    auth: AuthConfig = Field(default_factory=AuthConfig)
    limits: LimitsConfig = Field(default_factory=LimitsConfig)
    ladder: LadderConfig = Field(default_factory=LadderConfig)
    retention: RetentionConfig = Field(default_factory=RetentionConfig)
    audit: AuditConfig = Field(default_factory=AuditConfig)
    stream: StreamConfig = Field(default_factory=StreamConfig)
    rejection_sampling: RejectionSamplingConfig = Field(default_factory=RejectionSamplingConfig)
    messages: MessagesConfig = Field(default_factory=MessagesConfig)
    tripwire: TripwireConfig = Field(default_factory=TripwireConfig)
    source: str | None = Field(default=None, exclude=True, description="file this config was read from")

    @model_validator(mode="after")
    def _references(self) -> GatewayConfig:
        if self.default_upstream is None and len(self.upstreams) == 1:
            self.default_upstream = next(iter(self.upstreams))
        if self.default_upstream is not None and self.default_upstream not in self.upstreams:
            raise ValueError(f"default_upstream {self.default_upstream!r} is not one of upstreams: {sorted(self.upstreams)}")
        for name, route in self.routes.items():
            if route.upstream not in self.upstreams:
                raise ValueError(f"routes.{name}.upstream {route.upstream!r} is not one of upstreams: {sorted(self.upstreams)}")
        if self.anonymous_tier not in self.tiers:
            raise ValueError(f"anonymous_tier {self.anonymous_tier!r} is not one of tiers: {sorted(self.tiers)}")
        ids = [k.id for k in self.keys]
        for k in self.keys:
            if k.tier not in self.tiers:
                raise ValueError(f"keys[{k.id}].tier {k.tier!r} is not one of tiers: {sorted(self.tiers)}")
        if len(set(ids)) != len(ids):
            raise ValueError("keys: ids must be unique")
        return self

    def resolve_path(self, p: str | None) -> str | None:
        """Relative policy paths are relative to the config file."""
        if p is None or p == "default" or self.source is None:
            return p
        path = Path(p)
        return str(path if path.is_absolute() else Path(self.source).parent / path)


def _format(path: Path | str, exc: ValidationError) -> str:
    parts = []
    for err in exc.errors():
        key = ".".join(str(p) for p in err["loc"]) or "(top level)"
        parts.append(f"key '{key}': {err['msg']}")
    return f"{path}: invalid gateway config: " + "; ".join(parts)


def load_config(path: str | Path | None = None) -> GatewayConfig:
    """Read and validate a gateway config YAML (``None`` = all defaults)."""
    if path is None:
        return GatewayConfig()
    p = Path(path)
    text = read_user_file(p, "gateway config")
    try:
        raw = load_yaml(text, p)
    except yaml.YAMLError as exc:
        raise ConfigError(f"{p}: invalid YAML: {exc}") from None
    if raw is None:
        raw = {}
    if not isinstance(raw, dict):
        raise ConfigError(f"{p}: the gateway config must be a YAML mapping")
    try:
        cfg = GatewayConfig.model_validate(raw)
    except ValidationError as exc:
        raise ConfigError(_format(p, exc)) from None
    cfg.source = str(p)
    return cfg
