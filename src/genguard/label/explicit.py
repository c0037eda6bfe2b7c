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

# What a notice must say (GB 45438-2025, text): 人工智能 or AI, and 生成 and/or 合成; in English
# "AI" / "artificial intelligence" with generated / synthesised / produced / created / written.
_ZH_AI = r"(?:人工智能|AIGC|AI|A\.I\.)"
_ZH_VERB = r"(?:生成(?:(?:[和与及或/、])?合成)?|合成)"
_EN_AI = r"(?:an?\s+)?(?:AI|A\.I\.|artificial[-\s]intelligence)"
_EN_VERB = r"(?:generated|synthesi[sz]ed|produced|created|written|made)"
_ELEMENTS_ZH = re.compile(_ZH_AI + r".{0,12}?" + _ZH_VERB, re.IGNORECASE | re.DOTALL)
_ELEMENTS_EN = re.compile(
    r"(?:\b" + _EN_AI + r"\b.{0,40}?\b" + _EN_VERB + r"\b|\b" + _EN_VERB + r"\b.{0,40}?\b" + _EN_AI + r"\b)",
    re.IGNORECASE | re.DOTALL,
)
_NEGATION = re.compile(r"(?:并非|不是|非|不|未|没有|无|\bnot\b|n't\b|\bnever\b|\bno\b|\bwithout\b)", re.IGNORECASE)

# A notice is a *statement about this content*, so a clause must have this shape as a whole (an
# optional subject, an optional "by/with", the AI and the verb); a sentence that merely mentions
# AI-generated content ("how to detect AI-generated images", "本文并非人工智能生成") is not one.
_ZH_SUBJECT = (
    r"(?:(?:本|该|此|以上|上述|下列|以下|全部|部分|这篇|本篇|本条|这段|本段)?"
    r"(?:内容|文本|文章|文字|回答|回复|答案|图片|图像|作品|信息|结果|视频|音频|文|答复)?)"
)
_ZH_NOTICE = re.compile(
    r"^" + _ZH_SUBJECT + r"(?:均|全部|部分|主要)?(?:为|系|是)?(?:由|经|使用|利用|通过|借助|采用|基于)?\s*"
    + _ZH_AI + r"\s*(?:技术|模型|大模型|算法|工具|系统|辅助|自动|智能)?\s*(?:技术|模型|辅助|自动)?\s*"
    + _ZH_VERB + r"(?:的)?(?:内容|文本|文字|回答|图片|作品|信息)?$",
    re.IGNORECASE,
)
_EN_SUBJECT = (
    r"(?:(?:(?:this|the|above|following|the\s+above|the\s+following)\s+)?"
    r"(?:content|text|answer|response|reply|article|message|output|image|summary|post|translation|story)s?\s+"
    r"(?:is|was|were|are|has\s+been|have\s+been)?\s*)?"
)
_EN_DEGREE = r"(?:(?:partly|partially|fully|entirely|automatically)\s+)?"
_EN_NOUN = r"(?:\s+(?:content|text|answer|response|reply|article|message|output|image|summary|post|translation))?"
_EN_NOTICE = re.compile(
    r"^" + _EN_SUBJECT + _EN_DEGREE
    + r"(?:(?:AI|A\.I\.|artificial[-\s]intelligence)[-\s]?" + _EN_VERB + _EN_NOUN
    + r"|" + _EN_VERB + r"\s+(?:by|with|using)\s+" + _EN_AI
    + r"(?:\s+(?:model|system|tool|assistant|technology))?)$",
    re.IGNORECASE,
)
# Sentences end at these; the first and the last sentence are where a notice sits.
_SENTENCE_END = re.compile(r"(?<=[。！？!?；;\n])|(?<=[.…])\s+")
# Clauses: a notice may share its sentence with other clauses ("本内容由AI生成，仅供参考").
_CLAUSE_SPLIT = re.compile(r"[，,、；;（）()【】\[\]「」『』\"“”]")
_TRIM = " \t\r\n。.！!…~～-—*_#>"
# Longer than this, a sentence is prose, not a notice.
_MAX_NOTICE_CHARS = 120


def _clauses(sentence: str) -> list[str]:
    """The clauses a notice could be: for a label prefix ("声明：", "Note:") only what follows it."""
    for colon in ("：", ":"):
        if colon in sentence:
            sentence = sentence.rsplit(colon, 1)[1]
    return [c.strip(_TRIM) for c in _CLAUSE_SPLIT.split(sentence) if c.strip(_TRIM)]


def is_notice_sentence(sentence: str) -> bool:
    """True when ``sentence`` states, as a notice, that the content is AI-generated/synthesised."""
    sentence = sentence.strip(_TRIM)
    if not sentence or len(sentence) > _MAX_NOTICE_CHARS or sentence[-1:] in "?？":
        return False
    return any(_ZH_NOTICE.match(c) or _EN_NOTICE.match(c) for c in _clauses(sentence))


# A bracketed notice may open or close a line without a sentence break: "（AI生成）正文".
_LEAD_BRACKET = re.compile(r"^[（(【\[]([^（()）【】\[\]]{1,60})[）)】\]]")
_TRAIL_BRACKET = re.compile(r"[（(【\[]([^（()）【】\[\]]{1,60})[）)】\]]$")


def _edge_sentences(text: str) -> list[str]:
    """The places a notice of the whole text can be: first and last sentence, edge brackets."""
    parts = [p.strip(_TRIM) for p in _SENTENCE_END.split(text)]
    parts = [p for p in parts if p]
    out = [parts[0], parts[-1]] if parts else []
    for rx in (_LEAD_BRACKET, _TRAIL_BRACKET):
        m = rx.search(text)
        if m:
            out.append(m.group(1))
    return out


def check_wording(wording: str | None, lang: str, *, where: str = "explicit label") -> None:
    """Refuse a notice wording that is empty or lacks what GB 45438 asks a text notice to say.

    zh: 人工智能 or AI, and 生成 and/or 合成; en: AI (or artificial intelligence) and generated /
    synthesised / produced / created / written; neither negated. A deployment may phrase the notice
    freely, but a wording like "（仅供参考）" would label nothing while the service believes it does.
    """
    if wording is None:
        return
    field = "text_zh" if lang == "zh" else "text_en"
    if not wording.strip():
        raise InputError(f"{where}: {field} must not be empty (it is the visible AI-generated notice)")
    elements = (_ELEMENTS_ZH,) if lang == "zh" else (_ELEMENTS_EN, _ELEMENTS_ZH)
    clauses = [c for c in _CLAUSE_SPLIT.split(wording) if any(e.search(c) for e in elements)]
    if not clauses:
        hint = "人工智能/AI and 生成/合成" if lang == "zh" else "AI and generated/synthesised"
        raise InputError(f"{where}: {field} {wording!r} does not say the content is AI-generated (needs {hint})")
    if all(_NEGATION.search(c) for c in clauses):
        raise InputError(f"{where}: {field} {wording!r} negates AI generation; a notice must state it")


def _wording(lang: str, text: str, text_zh: str | None, text_en: str | None) -> str:
    check_wording(text_zh, "zh")
    check_wording(text_en, "en")
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
    """True when ``text`` opens or closes with a visible AI-generated notice.

    A notice is a sentence of notice shape (see :func:`is_notice_sentence`: 人工智能/AI +
    生成/合成, or AI-generated / generated by AI, as a statement about the content) that is the
    first or the last sentence, or one of the deployment's own ``wordings`` at either end. A
    text that only *talks about* AI-generated content, or denies being it, is not labelled:
    counting it would let unlabelled output pass as labelled.
    """
    stripped = text.strip()
    if not stripped:
        return False
    if any(w and w.strip() and (stripped.startswith(w.strip()) or stripped.endswith(w.strip())) for w in wordings):
        return True
    return any(is_notice_sentence(s) for s in _edge_sentences(stripped))


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
