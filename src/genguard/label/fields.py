"""The ``AIGC`` implicit-label object of GB 45438-2025 and its JSON form.

Field names and order follow the standard (Label, ContentProducer, ProduceID, ReservedCode1,
ContentPropagator, PropagateID, ReservedCode2). Producers fill the first four; a distributing
platform adds its own fields with :meth:`AIGCLabel.with_propagator`, which never touches the
producer's.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field, replace
from typing import Any

from genguard.errors import InputError

FIELDS = (
    "Label",
    "ContentProducer",
    "ProduceID",
    "ReservedCode1",
    "ContentPropagator",
    "PropagateID",
    "ReservedCode2",
)
PRODUCER_FIELDS = ("Label", "ContentProducer", "ProduceID")
PROPAGATOR_FIELDS = ("ContentPropagator", "PropagateID")
# "1" generated, "2" possibly generated, "3" suspected (the standard's three attributes).
LABEL_VALUES = {"1": "generated", "2": "possibly", "3": "suspected"}
_ALIASES = {"generated": "1", "possibly": "2", "suspected": "3"}

# Keep labels small: they live in metadata slots with size limits (a JPEG APP1 segment < 64 KiB).
MAX_FIELD_CHARS = 4096


@dataclass(frozen=True)
class AIGCLabel:
    """The seven GB 45438 fields, plus what a read file stated beyond them or left out.

    ``Label`` is "" only for a label read from a file that does not state it (a label written by
    genguard always states it). ``extra`` holds fields another vendor added that the standard
    does not define: they are kept (and written back when a propagator adds its fields) and
    reported, never silently dropped, and never covered by a genguard signature. ``missing``
    names the standard's fields the file did not state.
    """

    Label: str = "1"
    ContentProducer: str = ""
    ProduceID: str = ""
    ReservedCode1: str = ""
    ContentPropagator: str = ""
    PropagateID: str = ""
    ReservedCode2: str = ""
    extra: tuple[tuple[str, Any], ...] = field(default=(), compare=False)
    missing: tuple[str, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        for name in FIELDS:
            v = getattr(self, name)
            if not isinstance(v, str):
                raise InputError(f"AIGC label: field {name} must be a string, got {type(v).__name__}")
            if len(v) > MAX_FIELD_CHARS:
                raise InputError(f"AIGC label: field {name} is longer than {MAX_FIELD_CHARS} characters")
        for name, v in self.extra:
            if len(name) > MAX_FIELD_CHARS or len(_as_text(v)) > MAX_FIELD_CHARS:
                raise InputError(f"AIGC label: field {name[:40]} is longer than {MAX_FIELD_CHARS} characters")
        label = _ALIASES.get(self.Label, self.Label)
        if label not in LABEL_VALUES and not (label == "" and "Label" in self.missing):
            raise InputError(
                f"AIGC label: Label must be one of 1/2/3 (generated/possibly/suspected), got {self.Label!r}"
            )
        object.__setattr__(self, "Label", label)

    def to_dict(self) -> dict[str, str]:
        """The seven standard fields (what signatures cover and what the API returns)."""
        return {name: getattr(self, name) for name in FIELDS}

    def extra_fields(self) -> dict[str, Any]:
        """The fields beyond the standard's seven, with their JSON values as the file has them."""
        return dict(self.extra)

    def to_json(self) -> str:
        """Compact JSON with the standard's field order (what is written into files); extra fields follow.

        Fields the label was read without (``missing``) and that are still empty stay unstated, so
        rewriting another vendor's label does not make it claim what it never said."""
        stated = {k: v for k, v in self.to_dict().items() if v or k not in self.missing}
        return json.dumps({**stated, **self.extra_fields()}, ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_obj(cls, obj: Any, *, where: str = "AIGC label") -> AIGCLabel:
        """The label as the file states it: absent fields are "" (and listed in ``missing``), fields the
        standard does not define are kept in ``extra``; a malformed object is an error naming ``where``."""
        if isinstance(obj, str):
            try:
                obj = json.loads(obj)
            except json.JSONDecodeError as exc:
                raise InputError(f"{where}: not valid JSON ({exc.msg} at char {exc.pos})") from None
        if not isinstance(obj, dict):
            raise InputError(f"{where}: expected a JSON object with the AIGC fields")
        if "AIGC" in obj and isinstance(obj["AIGC"], dict | str) and set(obj) <= {"AIGC"}:
            return cls.from_obj(obj["AIGC"], where=where)
        missing = tuple(k for k in FIELDS if obj.get(k) is None)
        values = {k: _as_text(obj.get(k)) for k in FIELDS}
        extra = tuple((str(k), v) for k, v in obj.items() if k not in FIELDS)
        try:
            return cls(**values, extra=extra, missing=missing)
        except InputError as exc:
            raise InputError(f"{where}: {str(exc).removeprefix('AIGC label: ')}") from None

    def with_propagator(self, propagator: str, propagate_id: str, reserved2: str | None = None) -> AIGCLabel:
        """The same label with a platform's fields added; the producer's fields stay as they are."""
        return replace(
            self,
            ContentPropagator=propagator,
            PropagateID=propagate_id,
            ReservedCode2=self.ReservedCode2 if reserved2 is None else reserved2,
            missing=tuple(m for m in self.missing if m not in PROPAGATOR_FIELDS),
        )

    def producer_fields(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in PRODUCER_FIELDS}


def _as_text(value: Any) -> str:
    """A field value as text: strings as they are, null as "", anything else as its JSON."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))
