"""Explicit AI labels on answers when the policy asks for them (``label.explicit``).

The wording and placement belong to the label module (``genguard.label.explicit``), imported
lazily; without it the policy's own label text is appended or prepended.
"""

from __future__ import annotations

import importlib

from genguard.policy import Policy


def add_label(text: str, policy: Policy, lang: str) -> str:
    spec = policy.label
    if not spec.explicit:
        return text
    try:
        mod = importlib.import_module("genguard.label.explicit")
        fn = mod.add_explicit_label
    except (ImportError, AttributeError):
        label = spec.text_zh if lang == "zh" else spec.text_en
        if spec.position == "start":
            return f"{label}\n\n{text}"
        if spec.position == "both":
            return f"{label}\n\n{text}\n\n{label}"
        return f"{text}\n\n{label}"
    return str(fn(text, lang=lang, position=spec.position, text_zh=spec.text_zh, text_en=spec.text_en))


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
