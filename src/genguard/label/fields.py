"""The ``AIGC`` implicit-label object of GB 45438-2025 and its JSON form.

Field names and order follow the standard (Label, ContentProducer, ProduceID, ReservedCode1,
ContentPropagator, PropagateID, ReservedCode2). Producers fill the first four; a distributing
platform adds its own fields with :meth:`AIGCLabel.with_propagator`, which never touches the
producer's.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, fields, replace
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
    Label: str = "1"
    ContentProducer: str = ""
    ProduceID: str = ""
    ReservedCode1: str = ""
    ContentPropagator: str = ""
    PropagateID: str = ""
    ReservedCode2: str = ""

    def __post_init__(self) -> None:
        for f in fields(self):
            v = getattr(self, f.name)
            if not isinstance(v, str):
                raise InputError(f"AIGC label: field {f.name} must be a string, got {type(v).__name__}")
            if len(v) > MAX_FIELD_CHARS:
                raise InputError(f"AIGC label: field {f.name} is longer than {MAX_FIELD_CHARS} characters")
        label = _ALIASES.get(self.Label, self.Label)
        if label not in LABEL_VALUES:
            raise InputError(
                f"AIGC label: Label must be one of 1/2/3 (generated/possibly/suspected), got {self.Label!r}"
            )
        object.__setattr__(self, "Label", label)

    def to_dict(self) -> dict[str, str]:
        return asdict(self)

    def to_json(self) -> str:
        """Compact JSON with the standard's field order (what is written into files)."""
        return json.dumps(self.to_dict(), ensure_ascii=False, separators=(",", ":"))

    @classmethod
    def from_obj(cls, obj: Any, *, where: str = "AIGC label") -> AIGCLabel:
        if isinstance(obj, str):
            try:
                obj = json.loads(obj)
            except json.JSONDecodeError as exc:
                raise InputError(f"{where}: not valid JSON ({exc.msg} at char {exc.pos})") from None
        if not isinstance(obj, dict):
            raise InputError(f"{where}: expected a JSON object with the AIGC fields")
        if "AIGC" in obj and isinstance(obj["AIGC"], dict | str) and set(obj) <= {"AIGC"}:
            return cls.from_obj(obj["AIGC"], where=where)
        unknown = sorted(set(obj) - set(FIELDS))
        if unknown:
            raise InputError(f"{where}: unknown field(s) {', '.join(unknown)}; allowed: {', '.join(FIELDS)}")
        values = {k: ("" if v is None else str(v)) for k, v in obj.items()}
        return cls(**values)

    def with_propagator(self, propagator: str, propagate_id: str, reserved2: str | None = None) -> AIGCLabel:
        """The same label with a platform's fields added; the producer's fields stay as they are."""
        return replace(
            self,
            ContentPropagator=propagator,
            PropagateID=propagate_id,
            ReservedCode2=self.ReservedCode2 if reserved2 is None else reserved2,
        )

    def producer_fields(self) -> dict[str, str]:
        return {k: getattr(self, k) for k in PRODUCER_FIELDS}
