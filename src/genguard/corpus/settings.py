"""Corpus-governance settings: the TC260-003 numbers as configurable defaults.

They live under ``extensions.corpus`` of a policy file (validated here, errors name the key) and
can be overridden per run from the command line.
"""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from genguard.errors import ConfigError
from genguard.findings import Action, Direction


class CorpusSettings(BaseModel):
    model_config = ConfigDict(extra="forbid")

    sample_size: int = Field(default=4000, ge=1, description="items sampled per source (all if fewer)")
    technical_rate: float = Field(default=0.10, gt=0.0, le=1.0, description="share of each source scanned by machine")
    harmful_max: float = Field(default=0.05, ge=0.0, le=1.0, description="blacklist a source above this harmful rate")
    qualified_min: float = Field(default=0.96, ge=0.0, le=1.0, description="minimum qualified share of the sample")
    technical_qualified_min: float = Field(default=0.98, ge=0.0, le=1.0)
    harmful_actions: list[Action] = Field(default_factory=lambda: [Action.REFUSE, Action.BLOCK])
    unqualified_actions: list[Action] = Field(
        default_factory=lambda: [Action.FLAG, Action.REDACT, Action.REFUSE, Action.BLOCK]
    )
    direction: Direction = Direction.OUTPUT
    confidence: float = Field(default=0.95, gt=0.5, lt=1.0)
    examples_per_code: int = Field(default=3, ge=0)
    shard_mb: int = Field(default=32, ge=1)
    # cleaning
    drop_actions: list[Action] = Field(default_factory=lambda: [Action.REFUSE, Action.BLOCK])
    redact_actions: list[Action] = Field(default_factory=lambda: [Action.REDACT])
    pii_operator: str | None = Field(default=None, description="redaction operator (default: the policy's)")
    near_dup_threshold: float = Field(default=0.8, gt=0.0, le=1.0)
    num_perm: int = Field(default=128, ge=16, le=512)
    lsh_recall_weight: float = Field(default=0.95, gt=0.0, lt=1.0, description="LSH banding weight on false negatives")
    shingle_tokens: int = Field(default=5, ge=1, le=32, description="tokens per MinHash shingle (CJK char = 1 token)")
    eval_ngram: int = Field(default=13, ge=3, le=64)

    @classmethod
    def from_policy_extensions(cls, extensions: dict[str, Any], where: str = "policy") -> CorpusSettings:
        raw = extensions.get("corpus") or {}
        try:
            return cls.model_validate(raw)
        except ValidationError as exc:
            problems = "; ".join(
                f"extensions.corpus.{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()
            )
            raise ConfigError(f"{where}: {problems}") from None

    def with_overrides(self, **overrides: Any) -> CorpusSettings:
        data = self.model_dump()
        data.update({k: v for k, v in overrides.items() if v is not None})
        try:
            return CorpusSettings.model_validate(data)
        except ValidationError as exc:
            problems = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors())
            raise ConfigError(f"corpus settings: {problems}") from None
