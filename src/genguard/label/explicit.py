"""Explicit (visible) AI-generated notices on text, as GB 45438-2025 asks for text output.

The gateway calls :func:`add_explicit_label` on chat answers when the policy's ``label.explicit``
is on; :func:`has_explicit_label` lets platforms (and tests) see whether text already carries
a notice, so labelling is idempotent: a text that already ends (or starts) with the notice is
returned unchanged rather than labelled twice.
"""

from __future__ import annotations

import re

from genguard.errors import InputError

DEFAULT_TEXT_ZH = "（本内容由人工智能生成）"
DEFAULT_TEXT_EN = "(This content is AI-generated.)"

POSITIONS = ("start", "end", "both")
LANGS = ("zh", "en", "both", "auto")

# Phrases that count as a visible AI-generated notice (zh + en), near the start or end.
_NOTICE = re.compile(
    r"(人工智能生成|AI\s*生成|由人工智能(?:提供服务|生成)|AI[-\s]?generated|generated\s+(?:by|with)\s+(?:an?\s+)?AI"
    r"|produced\s+by\s+(?:an?\s+)?AI|AI[-\s]?produced)",
    re.IGNORECASE,
)
# How far from either end a notice may sit and still count as a label of the whole text.
_WINDOW = 120


def _wording(lang: str, text: str, text_zh: str | None, text_en: str | None) -> str:
    zh = text_zh if text_zh is not None else DEFAULT_TEXT_ZH
    en = text_en if text_en is not None else DEFAULT_TEXT_EN
    if lang == "auto":
        from genguard.text.lang import detect_language

        lang = detect_language(text)
    if lang == "zh":
        return zh
    if lang == "en":
        return en
    if lang == "both":
        return f"{zh} {en}"
    raise InputError(f"explicit label: unknown lang {lang!r}; use one of {', '.join(LANGS)}")


def add_explicit_label(
    text: str,
    *,
    lang: str,
    position: str = "end",
    text_zh: str | None = None,
    text_en: str | None = None,
) -> str:
    """Return ``text`` with a visible AI-generated notice at the start, the end or both.

    ``lang`` is ``zh``, ``en``, ``both`` (zh then en) or ``auto`` (from the text). The
    wording defaults to the policy's ``LabelSpec`` defaults and can be replaced per call.
    A notice already present at a requested position is not added again.
    """
    if position not in POSITIONS:
        raise InputError(f"explicit label: unknown position {position!r}; use one of {', '.join(POSITIONS)}")
    label = _wording(lang, text, text_zh, text_en)
    out = text
    if position in ("start", "both") and not out.lstrip().startswith(label):
        sep = "\n\n" if out and not out.startswith("\n") else ""
        out = f"{label}{sep}{out}"
    if position in ("end", "both") and not out.rstrip().endswith(label):
        sep = "\n\n" if out and not out.endswith("\n") else ("\n" if out else "")
        out = f"{out}{sep}{label}"
    return out


def has_explicit_label(text: str, *, wordings: tuple[str, ...] = ()) -> bool:
    """True when a visible AI-generated notice sits near the start or the end of ``text``.

    Recognises the common zh/en phrasings (人工智能生成, AI生成, AI-generated, ...) and any
    custom ``wordings`` a deployment configured.
    """
    stripped = text.strip()
    if not stripped:
        return False
    head, tail = stripped[:_WINDOW], stripped[-_WINDOW:]
    for part in (head, tail):
        if _NOTICE.search(part) or any(w and w in part for w in wordings):
            return True
    return any(w and (stripped.startswith(w) or stripped.endswith(w)) for w in wordings)


def strip_explicit_label(text: str, *, text_zh: str | None = None, text_en: str | None = None) -> str:
    """Remove notices this module added (default or given wording) from both ends."""
    labels = [
        f"{text_zh or DEFAULT_TEXT_ZH} {text_en or DEFAULT_TEXT_EN}",
        text_zh or DEFAULT_TEXT_ZH,
        text_en or DEFAULT_TEXT_EN,
    ]
    out = text
    changed = True
    while changed:
        changed = False
        for lab in labels:
            s = out.strip()
            if s.startswith(lab):
                out, changed = s[len(lab):].lstrip("\n "), True
            elif s.endswith(lab):
                out, changed = s[: -len(lab)].rstrip("\n "), True
    return out


def apply_label_spec(text: str, spec: object, *, lang: str = "auto") -> str:
    """Label ``text`` as the policy's ``label`` section (``LabelSpec``) says; unchanged when ``explicit`` is off."""
    if not getattr(spec, "explicit", False):
        return text
    return add_explicit_label(
        text,
        lang=lang,
        position=getattr(spec, "position", "end"),
        text_zh=getattr(spec, "text_zh", None),
        text_en=getattr(spec, "text_en", None),
    )
