"""The ``injection`` detector: prompt-injection / jailbreak heuristics plus an optional model.

Heuristics (zh + en):

* instruction-override, role-play/jailbreak and prompt-leaking phrases (regular expressions
  over the normalised text, so full-width letters and zero-width separators do not hide them);
* encoded payloads: base64 and hex runs, rot13 text and Unicode tag characters (U+E0000..E007F)
  are decoded and the decoded text is checked again (phrases and model);
* invisible text: many zero-width / bidi / tag characters in a prompt is itself suspicious.

The learned model (``model: injection`` by default) scores the text and decoded payloads; the
finding's score is the maximum of the heuristic and model scores, so either can trigger it. Third-
party content (a tool result, a text marked ``external``) is scored by ``document_model`` when one
is set (``injection_documents`` in the default policy): there, an ordinary request ("Write a short
story about ...") is an injection planted by the document's author, while in a user's own message
it is the user's task, and one context-free model cannot learn both.
Codes: S1 prompt injection, S2 jailbreak, S3 system-prompt leak (taxonomy class S).
"""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

import ahocorasick

from genguard.detect.base import DetectContext, Detector, register_detector
from genguard.detect.classifier.detector import score_model
from genguard.detect.classifier.model_io import TextModel, resolve_model
from genguard.errors import ConfigError
from genguard.findings import Finding

# (code, score, anchors, pattern) over normalised (NFKC + casefolded) text. A pattern is only
# tried when one of its anchor strings occurs (one Aho-Corasick pass), which keeps clean text cheap.
_PHRASES: list[tuple[str, float, tuple[str, ...], str]] = [
    # -- instruction override (S1) --
    ("S1", 0.95, ("ignore", "disregard", "forget", "override", "bypass", "skip"), r"\b(ignore|disregard|forget|override|bypass|skip)\b.{0,30}\b(previous|prior|above|earlier|preceding|all|any|your|the|system|original)\b.{0,30}\b(instructions?|prompts?|rules?|directions?|guidelines?|context|messages?|constraints?)\b"),
    ("S1", 0.9, ("instruction", "task", "system prompt"), r"\b(new|updated|real|actual)\s+(instructions?|task|system prompt)\s*[:：]"),
    ("S1", 0.85, ("follow", "obey"), r"\b(do not|don't)\s+(follow|obey)\s+(the|your|any)\s+(previous|original|system)\b"),
    ("S1", 0.8, ("instead", "from now on"), r"\b(instead|from now on)\b.{0,40}\b(you (will|must|should)|respond|reply|output|answer)\b"),
    ("S1", 0.95, ("忽略", "无视", "忘记", "忘掉", "不要理会", "跳过", "覆盖", "取消"), r"(忽略|无视|忘记|忘掉|不要理会|跳过|覆盖|取消)(掉)?.{0,12}(之前|以上|上面|上述|前面|先前|原来|原有|原先|所有|全部|系统|开发者)?.{0,8}(的)?(指令|指示|提示词?|规则|要求|设定|命令|限制|约束|内容)"),
    ("S1", 0.9, ("新的", "真正的", "最新"), r"(新的|真正的|最新)(指令|任务|要求)\s*[:：是]"),
    ("S1", 0.8, ("从现在", "接下来"), r"(从现在(开始|起)|接下来)(，|,)?\s*(你)?(只|必须|要|将|需要)"),
    # -- jailbreak / role play (S2) --
    ("S2", 0.95, ("dan", "do anything now", "developer mode", "jailbreak", "aim", "stan", "dude mode", "evil", "unfiltered", "uncensored", "restriction"), r"\b(dan|do anything now|developer mode|jailbreak(ed)?|aim|stan|dude mode|evil ?bot|unfiltered|uncensored|no restrictions?|without (any )?restrictions?)\b.{0,80}\b(mode|enabled|respond|answer|ai|chatgpt|assistant|model)\b"),
    ("S2", 0.85, ("pretend", "act", "roleplay", "role-play", "imagine"), r"\b(pretend|act|roleplay|role-play|imagine)\b.{0,30}\b(you are|you're|to be|as)\b.{0,60}\b(no|without|free of|not bound by|never refuse|unrestricted|unfiltered|evil|amoral|immoral)\b"),
    ("S2", 0.85, ("policy", "policies", "guideline", "filter", "restriction"), r"\b(openai|content|safety|ethical|moral)\s+(policy|policies|guidelines?|filters?|restrictions?)\b.{0,60}\b(don't|do not|no longer|doesn't|not)\s+(apply|matter|exist)"),
    ("S2", 0.8, ("never", "without"), r"\bnever (refuse|decline|say (no|sorry))\b|\bwithout (any )?(moral|ethical) (limits|restrictions|considerations)\b"),
    ("S2", 0.95, ("开发者模式", "越狱", "无限制", "无审查", "不受", "没有"), r"(开发者模式|越狱模式|无限制模式|无审查|不受(任何)?(限制|约束|规则|道德|法律)|没有(任何)?(限制|底线|道德约束))"),
    ("S2", 0.85, ("扮演", "假装", "假设你是", "想象你是", "你现在是", "你将成为", "充当"), r"(扮演|假装|假设你是|想象你是|你现在是|你将成为|充当).{0,40}(没有|不受|无视|不需要遵守|不用遵守|邪恶|不道德|无所不能|任何问题都)"),
    ("S2", 0.8, ("奶奶", "外婆"), r"(奶奶|外婆).{0,20}(讲|念|告诉).{0,30}(配方|步骤|密钥|序列号|制作方法)"),
    ("S2", 0.8, ("反向", "相反", "反面"), r"(反向|相反|反面).{0,10}(回答|输出|举例|告诉我).{0,30}(不应该|不要|避免|禁止)"),
    ("S2", 0.75, ("为了",), r"为了(防范|避免|预防|防止|提高警惕).{0,20}(详细|具体)?(列出|告诉我|说明|介绍).{0,20}(方法|步骤|手段|渠道|网站)"),
    # -- prompt leaking (S3) --
    ("S3", 0.9, ("system", "initial", "original", "hidden", "secret", "first"), r"\b(print|show|reveal|repeat|output|tell me|display|give me|what (is|are|was|were))\b.{0,30}\b(your|the)\s+(system|initial|original|hidden|secret|first)\s+(prompt|instructions?|message|rules)\b"),
    ("S3", 0.85, ("repeat", "print", "output"), r"\b(repeat|print|output)\b.{0,20}\b(the )?(text|words|everything)\s+(above|before)\b"),
    ("S3", 0.9, ("提示", "指令", "设定", "prompt"), r"(输出|打印|重复|显示|告诉我|透露|泄露|复述|展示).{0,12}(你的|你收到的|系统|最初|原始|隐藏|初始)的?(系统)?(提示词|提示|指令|设定|prompt)"),
    ("S3", 0.9, ("提示词", "指令", "设定", "prompt"), r"(你的|你收到的|最初的|原始的|隐藏的|初始)(系统)?(提示词|指令|设定|prompt).{0,8}(原样|完整|逐字|全部|一字不差)(地)?(输出|打印|告诉我|发给我|复述|展示|重复)"),
]
_COMPILED = [(code, score, re.compile(p, re.S)) for code, score, _a, p in _PHRASES]


_ROT13 = str.maketrans(
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz", "NOPQRSTUVWXYZABCDEFGHIJKLMnopqrstuvwxyzabcdefghijklm"
)
_ASCII_LETTER = re.compile(r"[A-Za-z]")


def _anchor_automaton() -> Any:
    """One automaton for both passes: every anchor maps to the phrases it gates in the text as
    written (first set), and the rot13 form of every anchor with Latin letters to the phrases it
    gates in the text's rot13 decoding (second set). A text whose rot13 decoding holds an anchor
    holds that anchor's rot13 form, so one pass over the text tells whether decoding it is worth
    it; most English texts never need the decoding or the second pass."""
    auto: Any = ahocorasick.Automaton()
    by_word: dict[str, tuple[set[int], set[int]]] = {}
    for i, (_c, _s, anchors, _p) in enumerate(_PHRASES):
        for a in anchors:
            by_word.setdefault(a, (set(), set()))[0].add(i)
            if _ASCII_LETTER.search(a):
                by_word.setdefault(a.translate(_ROT13), (set(), set()))[1].add(i)
    for w, (plain, rot) in by_word.items():
        auto.add_word(w, (frozenset(plain), frozenset(rot)))
    auto.make_automaton()
    return auto


_ANCHORS = _anchor_automaton()
_B64 = re.compile(r"(?<![A-Za-z0-9+/=])[A-Za-z0-9+/]{24,}={0,2}(?![A-Za-z0-9+/=])")
_HEX = re.compile(r"(?<![0-9a-fA-F])(?:[0-9a-fA-F]{2}[\s:]?){16,}(?![0-9a-fA-F])")
_TAGS = re.compile(r"[\U000E0000-\U000E007F]+")
_INVISIBLE = re.compile(r"[\u200b-\u200f\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff\U000E0000-\U000E007F]")
_LATIN_WORDS = re.compile(r"[A-Za-z]{4,}")


# -- requests planted in a third-party document (S1, English) --
# A document (an email, a web page) that the user forwards to the assistant can carry a request
# addressed to the assistant that its sender would not write ("What is the capital of Brazil?",
# "Write a poem about the sea."). Such a request is flagged when it is a small part of a longer
# text with document text on both sides (a user's own question comes before or after what they
# paste), starts with an assistant-directed opener, does not refer to the document ("this email",
# "the above", "the amount"...) and shares no content word with the rest of the text.
_REQUEST = re.compile(
    r"(?:^|(?<=[.!?:;|\n])\s*|(?<=\s))("
    r"(?:What (?:is|are|was|were|does|do)|Who (?:is|was|wrote|invented|discovered|painted)|When (?:did|was|is)"
    r"|Where (?:is|are|was)|Why (?:is|are|do|does|did)|How (?:do|does|did|can|many|much|to)|Which"
    r"|Can you|Could you|Explain|Describe|Write|Draft|Compose|Create|Generate|Provide|Translate"
    r"|Summari[sz]e|List|Give me|Tell me|Show me|Define|Calculate|Suggest|Recommend|Outline|Compare|Convert"
    r"|Share (?:a|an|some|your)|Teach me|Help me)\b[^.?!\n|]{6,160}[.?!])")
_DEICTIC = re.compile(
    r"\b(this|that|these|those|above|below|following|attached|email|e-mail|mail|message|letter|document|text"
    r"|article|passage|page|it|its|them|they|here|sender|recipient|reply|invoice|receipt|payment|account"
    r"|amount|total|deadline|due|date|dates|time|price|cost|fee|balance|charged?|paid|pay|meeting|subject|summary"
    r"|tone|key points|main point|action items|next steps|respond|answer|should I)\b", re.I)
_WORD_RX = re.compile(r"[a-z][a-z'-]{3,}")
_STOP_WORDS = (
    "what which when where whose whom with from that this than then there their they them have been were will would "
    "could should shall about into onto over under more most some such only also very just like your yours please "
    "explain describe write draft compose create generate provide translate summarize summarise list give tell show "
    "define calculate suggest recommend outline compare convert share teach help does doing done make made using "
    "between following simple terms example short brief detail details words sentence sentences")
_STOP = frozenset(_STOP_WORDS.split())


PLANTED_MODES = ("documents", "always", "never")
PLANTED_MARGIN = 40  # characters of document text a request needs on both sides in a user's own text
EXTERNAL_ROLES = frozenset({"tool", "function"})


def is_external(ctx: DetectContext) -> bool:
    """Whether the checked text is third-party content rather than the user's own words: the
    caller says so with ``context={"external": True}`` or the chat role of a tool/function result
    (``context={"role": "tool"}``, as the gateway passes it)."""
    return ctx.context.get("external") is True or ctx.context.get("role") in EXTERNAL_ROLES


def _content_words(text: str) -> set[str]:
    return {w.strip("'-") for w in _WORD_RX.findall(text.lower())} - _STOP


def planted_requests(text: str, min_doc: int = 200, max_share: float = 0.4, margin: int = PLANTED_MARGIN) -> list[tuple[int, int]]:
    """Spans of assistant-directed requests that look planted in a longer third-party document.

    With the default ``margin``, only requests with at least that many characters of document
    text on *both* sides count: a user puts their own question before or after the text they
    paste, so in a user's message a request at the start or end is indistinguishable from the
    user's own (and is left to the model). A text known to be third-party content as a whole (a
    tool result, a retrieved page) holds no words of the user's, so the detector passes
    ``margin=0`` for it: a request opening or closing a forwarded email is as planted as one in
    its middle.
    """
    if len(text) < min_doc:
        return []
    out: list[tuple[int, int]] = []
    for m in _REQUEST.finditer(text):
        s, e = m.span(1)
        req = text[s:e]
        if len(text[:s].strip()) < margin or len(text[e:].strip()) < margin:
            continue
        if (e - s) > max_share * len(text) or _DEICTIC.search(req):
            continue
        words = _content_words(req)
        if not words or words & _content_words(text[:s] + " " + text[e:]):
            continue
        out.append((s, e))
    return out


def _printable_share(s: str) -> float:
    return sum(ch.isprintable() or ch in "\n\t" for ch in s) / max(len(s), 1)


def decode_payloads(text: str) -> list[tuple[str, int, int, str]]:
    """(encoding, start, end, decoded text) of hidden payloads found in ``text``."""
    out: list[tuple[str, int, int, str]] = []
    for m in _TAGS.finditer(text):
        dec = "".join(chr(ord(c) - 0xE0000) for c in m.group() if 0x20 <= ord(c) - 0xE0000 < 0x7F)
        if dec.strip():
            out.append(("unicode_tags", m.start(), m.end(), dec))
    for m in _B64.finditer(text):
        raw = m.group()
        try:
            dec = base64.b64decode(raw + "=" * (-len(raw) % 4), validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError, ValueError):
            continue
        if len(dec) >= 8 and _printable_share(dec) > 0.95:
            out.append(("base64", m.start(), m.end(), dec))
    for m in _HEX.finditer(text):
        digits = re.sub(r"[\s:]", "", m.group())
        try:
            dec = bytes.fromhex(digits).decode("utf-8")
        except (ValueError, UnicodeDecodeError):
            continue
        if len(dec) >= 8 and _printable_share(dec) > 0.95:
            out.append(("hex", m.start(), m.end(), dec))
    return out


def _gated(text: str) -> tuple[set[int], set[int]]:
    """Indices of the phrases worth trying on ``text`` and on its rot13 decoding (one pass)."""
    plain: set[int] = set()
    rot: set[int] = set()
    for _end, (p, r) in _ANCHORS.iter(text):
        plain |= p
        rot |= r
    return plain, rot


def _search(text: str, todo: set[int]) -> list[tuple[str, float, int, int]]:
    hits: list[tuple[str, float, int, int]] = []
    for i in sorted(todo):
        code, score, rx = _COMPILED[i]
        m = rx.search(text)
        if m:
            hits.append((code, score, m.start(), m.end()))
    return hits


def match_phrases(text: str) -> list[tuple[str, float, int, int]]:
    """(code, score, start, end) of override/jailbreak/leak phrases in a normalised text."""
    return _search(text, _gated(text)[0])


def match_rot13_phrases(text: str, todo: set[int] | None = None) -> list[tuple[str, float, int, int]]:
    """Phrases with Latin anchors written in rot13 in ``text`` (spans index the decoding, which
    has the same length). ``todo``: the second set of :func:`_gated`, when already known."""
    if todo is None:
        todo = _gated(text)[1]
    return _search(text.translate(_ROT13), todo) if todo else []


@register_detector("injection")
class InjectionDetector(Detector):
    type_name = "injection"

    def __init__(
        self,
        name: str | None = None,
        model: str | None = "injection",
        heuristics: bool = True,
        decode: bool = True,
        invisible_min: int = 8,
        min_score: float = 0.3,
        window: int = 160,
        planted: bool | str = "documents",
        planted_score: float = 0.6,
        document_model: str | None = None,
    ) -> None:
        super().__init__(name)
        self.model: TextModel | None = resolve_model(model) if model else None
        self.document_model: TextModel | None = resolve_model(document_model) if document_model else None
        self.heuristics = heuristics
        self.decode = decode
        self.invisible_min = invisible_min
        self.min_score = min_score
        self.window = window
        mode = ("always" if planted else "never") if isinstance(planted, bool) else planted
        if mode not in PLANTED_MODES:
            raise ConfigError(f"detector {self.name!r} (injection): 'planted' must be one of "
                              f"{', '.join(PLANTED_MODES)} (or true/false), got {planted!r}")
        self.planted = mode
        self.planted_score = planted_score

    def categories(self) -> set[str]:
        return {"S1", "S2", "S3"}

    def _check_planted(self, ctx: DetectContext) -> bool:
        """Whether the planted-request rule applies to this text: by default only to third-party
        content (a tool or function result, or a text the caller marks ``external``: a retrieved
        page, a forwarded email). A user's own message often asks something unrelated in the
        middle of a longer text ("... What is the capital of Australia? My kid asked me ..."),
        which is not an attack."""
        if self.planted != "documents":
            return self.planted == "always"
        return is_external(ctx)

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "model": self.model.name if self.model else None,
                "document_model": self.document_model.name if self.document_model else None}

    def _model_for(self, ctx: DetectContext) -> TextModel | None:
        """The document model for third-party content (:func:`is_external`) when one is set,
        else the model for a user's own words."""
        if self.document_model is not None and is_external(ctx):
            return self.document_model
        return self.model

    def _model_finding(
        self, model: TextModel | None, ctx: DetectContext, offset: tuple[int, int] | None, via: str
    ) -> Finding | None:
        if model is None:
            return None
        best = score_model(model, ctx, self.window)
        if best is None:
            return None
        harm, label, lab_p, s, e = best
        code = model.label_codes.get(label)
        if code is None or harm < self.min_score:
            return None
        if offset is not None:
            s, e = offset
        return Finding(category=code, detector=self.name, score=round(harm, 4), start=s, end=e,
                       evidence=ctx.original_text[s:e] if hasattr(ctx, "original_text") else "",
                       entity=label, metadata={"source": "model", "model": model.name, "via": via,
                                               "label_probability": round(lab_p, 4)})

    def detect(self, ctx: DetectContext) -> list[Finding]:
        text = ctx.text
        if not text.strip():
            return []
        found: list[Finding] = []
        model = self._model_for(ctx)
        norm = ctx.normalized.soft  # word boundaries kept: the phrase rules need them
        if self.heuristics:
            plain, rot13 = _gated(norm.text)
            for code, score, s, e in _search(norm.text, plain):
                os_, oe = norm.span(s, e)
                found.append(Finding(category=code, detector=self.name, score=score, start=os_, end=oe,
                                     evidence=text[os_:oe], normalized=norm.text[s:e],
                                     metadata={"source": "phrase"}))
            if rot13 and _LATIN_WORDS.search(text):
                for code, score, _s, _e in match_rot13_phrases(norm.text, rot13):
                    found.append(Finding(category=code, detector=self.name, score=score, start=0, end=len(text),
                                         evidence=text, normalized=norm.text.translate(_ROT13)[:200], entity="rot13",
                                         metadata={"source": "rot13"}))
            if self._check_planted(ctx) and len(text) >= 200 and _LATIN_WORDS.search(text):
                for s_, e_ in planted_requests(text, margin=0 if is_external(ctx) else PLANTED_MARGIN):
                    found.append(Finding(category="S1", detector=self.name, score=self.planted_score, start=s_,
                                         end=e_, evidence=text[s_:e_], entity="planted_request",
                                         metadata={"source": "planted_request"}))
            n_inv = len(_INVISIBLE.findall(text))
            if n_inv >= self.invisible_min:
                found.append(Finding(category="S1", detector=self.name, score=min(0.5 + n_inv / 100, 0.9),
                                     start=0, end=len(text), evidence=text, entity="invisible_text",
                                     metadata={"source": "invisible", "count": n_inv}))
        if self.decode:
            for enc, s, e, dec in decode_payloads(text):
                sub = DetectContext(dec, ctx.direction)
                hits = match_phrases(sub.normalized.soft.text)
                for code, score, _a, _b in hits:
                    found.append(Finding(category=code, detector=self.name, score=score, start=s, end=e,
                                         evidence=text[s:e], normalized=dec[:200], entity=enc,
                                         metadata={"source": "decoded", "encoding": enc}))
                mf = self._model_finding(model, sub, (s, e), enc)
                if mf is not None:
                    mf.evidence = text[s:e]
                    mf.normalized = dec[:200]
                    found.append(mf)
                elif enc == "unicode_tags" and not hits:
                    found.append(Finding(category="S1", detector=self.name, score=0.7, start=s, end=e,
                                         evidence=text[s:e], normalized=dec[:200], entity=enc,
                                         metadata={"source": "decoded", "encoding": enc}))
        mf = self._model_finding(model, ctx, None, "text")
        if mf is not None:
            mf.evidence = text[mf.start:mf.end]
            found.append(mf)
        return found
