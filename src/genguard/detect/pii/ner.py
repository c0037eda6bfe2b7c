"""Optional NER adapter: a transformers token-classification model as a PII recogniser.

Loads a model from a LOCAL directory only (never the hub): genguard ships no NER weights, the
operator points ``ner.model`` at a model they trust. Needs the ``ml`` extra (torch +
transformers); without it the detector raises a ConfigError naming the extra.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from genguard.detect.pii.base import Doc, Match, Recognizer
from genguard.errors import ConfigError

DEFAULT_LABELS = {"PER": "PERSON", "PERSON": "PERSON", "B-PER": "PERSON", "I-PER": "PERSON"}


class NerRecognizer(Recognizer):
    entities = ("PERSON",)

    def __init__(self, model: str, *, label_map: dict[str, str] | None = None, min_score: float = 0.5, max_chars: int = 2000) -> None:
        path = Path(model).expanduser()
        if not path.is_dir():
            raise ConfigError(f"pii.ner.model: {model!r} is not a local model directory (models are never downloaded)")
        try:
            from transformers import pipeline
        except ImportError:
            raise ConfigError("pii.ner needs torch + transformers: pip install 'genguard[ml]'") from None
        try:
            self._pipe: Any = pipeline(
                "token-classification", model=str(path), tokenizer=str(path), aggregation_strategy="simple", device=-1
            )
        except (OSError, ValueError) as exc:
            raise ConfigError(f"pii.ner.model: cannot load {model!r}: {exc}") from None
        self.label_map = dict(label_map or DEFAULT_LABELS)
        self.min_score = min_score
        self.max_chars = max_chars
        self._lock = threading.Lock()  # HF pipelines are not documented as thread-safe

    def find(self, doc: Doc) -> Iterator[Match]:
        text = doc.original
        for offset in range(0, len(text), self.max_chars):
            chunk = text[offset : offset + self.max_chars]
            if not chunk.strip():
                continue
            with self._lock:
                ents = self._pipe(chunk)
            for e in ents:
                label = str(e.get("entity_group") or e.get("entity") or "")
                entity = self.label_map.get(label) or self.label_map.get(label.split("-")[-1])
                score = float(e.get("score", 0.0))
                start, end = e.get("start"), e.get("end")
                if entity is None or score < self.min_score or start is None or end is None or end <= start:
                    continue
                s, t = offset + int(start), offset + int(end)
                while s < t and text[s].isspace():
                    s += 1
                while t > s and text[t - 1].isspace():
                    t -= 1
                if t > s:
                    yield Match(entity, s, t, score, validated="ner")
