"""Request bodies of the gateway's endpoints (validated by FastAPI; errors become 400s with reasons)."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from genguard.findings import Direction


class ModerationRequest(BaseModel):
    """OpenAI ``/v1/moderations`` body: ``input`` is a string or a list of strings."""

    model_config = ConfigDict(extra="allow")

    input: str | list[str] = Field(description="text or texts to classify")
    model: str | None = None

    @model_validator(mode="after")
    def _non_empty(self) -> ModerationRequest:
        if isinstance(self.input, list) and not self.input:
            raise ValueError("input: give at least one text")
        return self


class GuardCheckRequest(BaseModel):
    """Full-decision check of one text (``text``) or many (``texts``)."""

    model_config = ConfigDict(extra="forbid")

    text: str | None = None
    texts: list[str] | None = None
    direction: Direction = Direction.INPUT
    prompt: str | None = Field(default=None, description="the prompt, when checking an answer")
    external: bool = Field(default=False, description="the text is third-party content (a retrieved page, an email, a "
                                                       "tool result), not the user's own words: indirect-injection rules apply")

    @model_validator(mode="after")
    def _one(self) -> GuardCheckRequest:
        if (self.text is None) == (self.texts is None):
            raise ValueError("give exactly one of 'text' or 'texts'")
        if self.texts is not None and not self.texts:
            raise ValueError("texts: give at least one text")
        return self


class ChatMessage(BaseModel):
    model_config = ConfigDict(extra="allow")

    role: Literal["system", "developer", "user", "assistant", "tool", "function"]
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if self.content is None:
            return ""
        if isinstance(self.content, str):
            return self.content
        return "\n".join(str(p.get("text", "")) for p in self.content if p.get("type") == "text")


class GenguardOptions(BaseModel):
    """Per-request options in the chat body's ``genguard`` object (``extra_body`` in the OpenAI
    clients); the gateway removes the object before forwarding. Validated strictly, with the same
    bounds as the config, because each option drives what is sent upstream (``candidates`` becomes
    ``n``): an unbounded or mistyped value must be a 400 that names it, never a huge upstream call
    or a 500. Unknown options are refused too, so a misspelt one is not silently ignored."""

    model_config = ConfigDict(extra="forbid")

    candidates: int | None = Field(
        default=None, ge=1, le=16, strict=True,
        description="ask the upstream for N answers and return the least harmful (default: "
                    "rejection_sampling.candidates)",
    )

    @field_validator("candidates", mode="before")
    @classmethod
    def _not_null(cls, v: Any) -> Any:
        # null would otherwise mean "not given"; a client that sends it meant a number
        if v is None:
            raise ValueError("must be an integer from 1 to 16, not null")
        return v


class ChatCompletionRequest(BaseModel):
    """The subset of the OpenAI chat body the gateway reads; everything else is forwarded as is."""

    model_config = ConfigDict(extra="allow")

    model: str = Field(min_length=1)
    messages: list[ChatMessage] = Field(min_length=1)
    stream: bool = False
    n: int | None = Field(default=None, ge=1, le=16)
    genguard: GenguardOptions | None = Field(default=None, description="per-request gateway options (not forwarded)")


class AppealRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    reason: str = Field(min_length=3, max_length=4000)
