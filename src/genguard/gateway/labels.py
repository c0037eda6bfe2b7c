"""Labelling of answers at the gateway, as the policy's ``label`` section (``LabelSpec``) asks.

Everything is done by the label module (``genguard.label``); the gateway only decides where:

- ``explicit``: the visible notice on every answer, including standard answers
  (:func:`genguard.label.explicit.apply_label_spec`);
- ``implicit``: the GB 45438 ``AIGC`` metadata object (:class:`genguard.label.fields.AIGCLabel`)
  for each model-written answer, returned in the response's ``genguard.aigc`` list (an API answer
  has no file to carry it; whoever saves the text into a file writes it there with
  ``genguard label add``);
- ``registry``: the fingerprint of each delivered model-written answer is recorded in the output
  registry (:class:`genguard.label.registry.OutputRegistry`) under the same ``ProduceID``, on the
  audit writer's background thread so a response never waits for the database.

Standard answers (refusals, vetted answers) are not fingerprinted: they are the same for everyone
and were not produced by the model. A generation-time watermark needs the model's logits, so it
belongs to the model server (``genguard.label.watermark``), not to a proxy.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from genguard.label.explicit import apply_label_spec
from genguard.label.fields import AIGCLabel
from genguard.label.registry import OutputRegistry, has_content
from genguard.policy import Policy
from genguard.store import Store


def _lang(lang: str | None) -> str:
    return lang if lang in ("zh", "en") else "auto"


def add_label(text: str, policy: Policy, lang: str | None) -> str:
    """The answer with the policy's explicit label (unchanged when ``label.explicit`` is off)."""
    return apply_label_spec(text, policy.label, lang=_lang(lang))


def label_affixes(policy: Policy, lang: str) -> tuple[str, str]:
    """(prefix, suffix) the label adds around a text, for streams that cannot relabel the whole."""
    if not policy.label.explicit:
        return "", ""
    probe = "\x00"
    out = add_label(probe, policy, lang)
    i = out.find(probe)
    if i < 0:
        return "", ""
    return out[:i], out[i + 1 :]


class Provenance:
    """Implicit label and registry record for model-written answers."""

    def __init__(self, store: Store, submit_job: Callable[[Callable[[], None]], None]) -> None:
        self.registry = OutputRegistry(store)
        self._submit = submit_job

    def mark(self, text: str, policy: Policy, *, produce_id: str, model: str) -> dict[str, Any] | None:
        """Record ``text`` (as delivered) when the policy asks; the AIGC object when it asks for one."""
        spec = policy.label
        if spec.registry and has_content(text):  # an empty answer has nothing to fingerprint
            reg = self.registry

            def record() -> None:
                reg.record(text, producer=spec.producer, model=model, produce_id=produce_id,
                           meta={"source": "gateway", "policy": f"{policy.name}@{policy.version}"})

            self._submit(record)
        if spec.implicit or spec.registry:
            return AIGCLabel(Label="1", ContentProducer=spec.producer, ProduceID=produce_id).to_dict()
        return None
