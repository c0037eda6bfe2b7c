"""The ``hf_classifier`` detector: a Hugging Face sequence classifier as a genguard detector.

Needs the optional ``ml`` extra (torch + transformers), imported only when a policy enables the
detector. The policy maps the model's labels to taxonomy codes::

    - type: hf_classifier
      name: toxic_bert
      threshold: 0.6
      config:
        model: /models/my-toxicity-model      # local directory (or hub id with local_files_only: false)
        label_codes: {toxic: A2.9, injection: S1}
        multi_label: false                    # softmax (false) or per-label sigmoid (true)

Labels not in ``label_codes`` (e.g. ``safe``) never produce findings. Findings span the whole
text (the text is truncated to ``max_length`` tokens for scoring).
"""

from __future__ import annotations

from typing import Any

from genguard.detect.base import DetectContext, Detector, register_detector
from genguard.errors import ConfigError
from genguard.findings import Finding
from genguard.taxonomy import get_taxonomy


@register_detector("hf_classifier")
class HFClassifierDetector(Detector):
    type_name = "hf_classifier"

    def __init__(
        self,
        name: str | None = None,
        model: str | None = None,
        label_codes: dict[str, str] | None = None,
        multi_label: bool = False,
        max_length: int = 512,
        min_score: float = 0.3,
        local_files_only: bool = True,
        device: str = "cpu",
    ) -> None:
        super().__init__(name)
        if not model:
            raise ConfigError(f"detector {self.name!r} (hf_classifier): set 'model' to a model directory")
        if not label_codes:
            raise ConfigError(f"detector {self.name!r} (hf_classifier): set 'label_codes' (model label -> taxonomy code)")
        tax = get_taxonomy()
        for lab, code in label_codes.items():
            if not tax.has(code):
                raise ConfigError(f"detector {self.name!r}: label_codes.{lab}: unknown taxonomy code {code!r}")
        try:
            import torch
            from transformers import AutoModelForSequenceClassification, AutoTokenizer
        except ImportError:
            raise ConfigError(
                f"detector {self.name!r} (hf_classifier) needs torch and transformers: pip install 'genguard[ml]'"
            ) from None
        try:
            self._tok = AutoTokenizer.from_pretrained(model, local_files_only=local_files_only)
            self._model = AutoModelForSequenceClassification.from_pretrained(model, local_files_only=local_files_only)
        except (OSError, ValueError) as exc:
            raise ConfigError(f"detector {self.name!r}: cannot load Hugging Face model {model!r}: {exc}") from None
        self._model.eval()
        self._model.to(device)
        self._torch = torch
        self._device = device
        id2label = {int(k): str(v) for k, v in self._model.config.id2label.items()}
        unknown = sorted(set(label_codes) - set(id2label.values()))
        if unknown:
            raise ConfigError(
                f"detector {self.name!r}: label_codes names labels the model does not have: {unknown} "
                f"(model labels: {sorted(id2label.values())})"
            )
        self.id2label = id2label
        self.label_codes = dict(label_codes)
        self.multi_label = multi_label
        self.max_length = max_length
        self.min_score = min_score
        self.model_ref = model

    def categories(self) -> set[str]:
        return set(self.label_codes.values())

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "model": self.model_ref}

    def scores(self, text: str) -> dict[str, float]:
        """Probability of every model label for ``text``."""
        torch = self._torch
        enc = self._tok(text, truncation=True, max_length=self.max_length, return_tensors="pt").to(self._device)
        with torch.no_grad():
            logits = self._model(**enc).logits[0]
        probs = torch.sigmoid(logits) if self.multi_label else torch.softmax(logits, dim=-1)
        return {self.id2label[i]: float(p) for i, p in enumerate(probs.tolist())}

    def detect(self, ctx: DetectContext) -> list[Finding]:
        if not ctx.text.strip():
            return []
        probs = self.scores(ctx.text)
        best: dict[str, tuple[float, str]] = {}
        for lab, code in self.label_codes.items():
            p = probs.get(lab, 0.0)
            if p >= self.min_score and p > best.get(code, (-1.0, ""))[0]:
                best[code] = (p, lab)
        return [
            Finding(category=code, detector=self.name, score=round(min(p, 1.0), 4), start=0, end=len(ctx.text),
                    evidence=ctx.text, entity=lab, metadata={"model": self.model_ref, "label": lab})
            for code, (p, lab) in sorted(best.items())
        ]
