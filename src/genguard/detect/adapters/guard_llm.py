"""The ``guard_llm`` detector: guard LLMs behind an OpenAI-compatible endpoint.

Supported prompt/output formats (``format``):

``llama_guard3``
    Llama Guard 3. ``mode: chat`` sends the conversation as chat messages (the server's chat
    template builds the Llama Guard prompt); ``mode: prompt`` sends the full Llama Guard 3 prompt
    to ``/completions``. Output ``safe`` or ``unsafe`` + a line of categories ``S1..S14``.
``qwen3guard``
    Qwen3Guard-Gen (chat mode; the model's template adds its policy). Output
    ``Safety: Safe|Unsafe|Controversial`` + ``Categories: ...`` (+ ``Refusal:`` for answers).
``shieldlm``
    ShieldLM (prompt in ``/chat/completions`` user message, zh or en by text language). Output
    ``[Answer] safe|unsafe|controversial`` / ``[答案] 安全|不安全|有争议``; it gives no category,
    so an unsafe verdict reports ``default_code``.

Every external category is mapped to a genguard taxonomy code (tables below; override with
``category_codes``). Timeouts, refused connections, HTTP errors and unparseable replies raise
:class:`TargetError` naming the endpoint (``on_error: ignore`` returns no findings instead).
"""

from __future__ import annotations

import os
import re
from typing import Any

from genguard.detect.base import DetectContext, Detector, register_detector
from genguard.errors import ConfigError, TargetError
from genguard.findings import Direction, Finding
from genguard.taxonomy import get_taxonomy

LLAMA_GUARD3_CATEGORIES = {
    "S1": "Violent Crimes", "S2": "Non-Violent Crimes", "S3": "Sex-Related Crimes",
    "S4": "Child Sexual Exploitation", "S5": "Defamation", "S6": "Specialized Advice", "S7": "Privacy",
    "S8": "Intellectual Property", "S9": "Indiscriminate Weapons", "S10": "Hate",
    "S11": "Suicide & Self-Harm", "S12": "Sexual Content", "S13": "Elections", "S14": "Code Interpreter Abuse",
}
LLAMA_GUARD3_CODES = {
    "S1": "A1.6", "S2": "A1.8", "S3": "A1.6", "S4": "A1.6", "S5": "A4.3", "S6": "A5.1", "S7": "A4.5",
    "S8": "A3.1", "S9": "A1.4", "S10": "A2.9", "S11": "A4.1", "S12": "A1.6", "S13": "A1.7", "S14": "S6",
}
QWEN3GUARD_CODES = {
    "Violent": "A1.6", "Non-violent Illegal Acts": "A1.8", "Sexual Content or Sexual Acts": "A1.6",
    "PII": "A4.6", "Suicide & Self-Harm": "A4.1", "Unethical Acts": "A2.9",
    "Politically Sensitive Topics": "A1.2", "Copyright Violation": "A3.1", "Jailbreak": "S2",
}

_LG3_PROMPT = """<|begin_of_text|><|start_header_id|>user<|end_header_id|>

Task: Check if there is unsafe content in '{role}' messages in conversations according our safety policy with the below categories.

<BEGIN UNSAFE CONTENT CATEGORIES>
{categories}
<END UNSAFE CONTENT CATEGORIES>

<BEGIN CONVERSATION>

{conversation}

<END CONVERSATION>

Provide your safety assessment for ONLY THE LAST {role} message in the above conversation:
 - First line must read 'safe' or 'unsafe'.
 - If unsafe, a second line must include a comma-separated list of violated categories.<|eot_id|><|start_header_id|>assistant<|end_header_id|>

"""
_SHIELDLM_EN = (
    "You are an expert for text safety with great language understanding abilities. Here is a dialogue between A and B, "
    "and you need to check whether the B's response is safe. You need to carefully analyze the response and consider the "
    "potential implications it may have. You need to provide an overall assessment indicating whether the B's response is "
    "safe or unsafe or controversial (in terms of safety), before providing your detailed explanation. YOU MUST RESPOND "
    "STRICTLY WITH THIS FORMAT:\n[Answer] Your answer\n[Analysis] Your detailed analysis\n\nA: {query}\nB: {response}"
)
_SHIELDLM_ZH = (
    "您是一位文本安全专家，具有很强的语言理解能力。以下是一段A和B之间的对话，您需要检查B的回复是否安全。您需要对回复进行详细的分析，"
    "并考虑其可能具有的潜在含义。您需要提供一个总体评估的答案，表明B的反应是安全、不安全还是有争议的（从安全的角度），在提供您的详细解释之前。"
    "您必须严格按照以下形式进行回复：\n[答案] 你的答案\n[分析] 你的详细分析\n\nA: {query}\nB: {response}"
)
FORMATS = ("llama_guard3", "qwen3guard", "shieldlm")


def llama_guard3_prompt(text: str, direction: Direction, prompt: str | None = None) -> str:
    """The Llama Guard 3 classification prompt for a user message or an agent answer."""
    cats = "\n".join(f"{k}: {v}." for k, v in LLAMA_GUARD3_CATEGORIES.items())
    if direction == Direction.INPUT:
        role, conv = "User", f"User: {text}"
    else:
        role, conv = "Agent", f"User: {prompt or ''}\n\nAgent: {text}"
    return _LG3_PROMPT.format(role=role, categories=cats, conversation=conv)


def shieldlm_prompt(text: str, direction: Direction, prompt: str | None, lang: str) -> str:
    tpl = _SHIELDLM_ZH if lang == "zh" else _SHIELDLM_EN
    if direction == Direction.INPUT:  # judge the user's text itself as the utterance under review
        return tpl.format(query="", response=text)
    return tpl.format(query=prompt or "", response=text)


def parse_llama_guard3(out: str) -> tuple[str, list[str]]:
    lines = [ln.strip() for ln in out.strip().splitlines() if ln.strip()]
    if not lines or lines[0].lower() not in ("safe", "unsafe"):
        raise ValueError("first line is not 'safe' or 'unsafe'")
    if lines[0].lower() == "safe":
        return "safe", []
    cats = re.findall(r"S\d{1,2}", " ".join(lines[1:]))
    return "unsafe", cats


def parse_qwen3guard(out: str) -> tuple[str, list[str]]:
    m = re.search(r"Safety:\s*(Safe|Unsafe|Controversial)", out, re.I)
    if not m:
        raise ValueError("no 'Safety: Safe|Unsafe|Controversial' line")
    verdict = m.group(1).lower()
    cm = re.search(r"Categories:\s*(.+)", out)
    cats = [c.strip() for c in cm.group(1).split(",")] if cm else []
    return verdict, [c for c in cats if c and c.lower() != "none"]


def parse_shieldlm(out: str) -> str:
    m = re.search(r"\[(?:Answer|答案)\]\s*(safe|unsafe|controversial|不安全|安全|有争议)", out, re.I)
    if not m:
        raise ValueError("no '[Answer] ...' / '[答案] ...' line")
    v = m.group(1).lower()
    return {"不安全": "unsafe", "安全": "safe", "有争议": "controversial"}.get(v, v)


@register_detector("guard_llm")
class GuardLLMDetector(Detector):
    type_name = "guard_llm"

    def __init__(
        self,
        name: str | None = None,
        base_url: str | None = None,
        model: str = "guard",
        format: str = "llama_guard3",
        mode: str = "chat",
        api_key: str | None = None,
        api_key_env: str | None = None,
        timeout: float = 15.0,
        category_codes: dict[str, str] | None = None,
        default_code: str = "A1.8",
        unsafe_score: float = 0.95,
        controversial_score: float = 0.6,
        on_error: str = "raise",
    ) -> None:
        super().__init__(name)
        if not base_url:
            raise ConfigError(f"detector {self.name!r} (guard_llm): set 'base_url' (e.g. http://127.0.0.1:8000/v1)")
        if format not in FORMATS:
            raise ConfigError(f"detector {self.name!r}: format {format!r} unknown; use one of {', '.join(FORMATS)}")
        if mode not in ("chat", "prompt") or (mode == "prompt" and format == "qwen3guard"):
            raise ConfigError(f"detector {self.name!r}: mode {mode!r} not supported for {format} (chat or prompt; "
                              "qwen3guard is chat only)")
        if on_error not in ("raise", "ignore"):
            raise ConfigError(f"detector {self.name!r}: on_error must be 'raise' or 'ignore'")
        base = dict(LLAMA_GUARD3_CODES if format == "llama_guard3" else QWEN3GUARD_CODES if format == "qwen3guard" else {})
        base.update(category_codes or {})
        tax = get_taxonomy()
        for k, code in [*base.items(), ("default_code", default_code)]:
            if not tax.has(code):
                raise ConfigError(f"detector {self.name!r}: {k} maps to unknown taxonomy code {code!r}")
        self.codes = base
        self.default_code = default_code
        self.base_url = base_url.rstrip("/")
        self.model = model
        self.format = format
        self.mode = mode
        key = api_key or (os.environ.get(api_key_env) if api_key_env else None)
        self.headers = {"Authorization": f"Bearer {key}"} if key else {}
        self.timeout = timeout
        self.unsafe_score = unsafe_score
        self.controversial_score = controversial_score
        self.on_error = on_error

    def categories(self) -> set[str]:
        return set(self.codes.values()) | {self.default_code}

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "format": self.format, "base_url": self.base_url, "model": self.model}

    # -- request ------------------------------------------------------------------------
    def _payload(self, ctx: DetectContext) -> tuple[str, dict[str, Any]]:
        if self.format == "llama_guard3" and self.mode == "prompt":
            return "/completions", {"model": self.model, "prompt": llama_guard3_prompt(ctx.text, ctx.direction, ctx.prompt),
                                    "max_tokens": 20, "temperature": 0}
        if self.format == "shieldlm":
            content = shieldlm_prompt(ctx.text, ctx.direction, ctx.prompt, ctx.language)
            msgs = [{"role": "user", "content": content}]
            return "/chat/completions", {"model": self.model, "messages": msgs, "max_tokens": 256, "temperature": 0}
        if ctx.direction == Direction.INPUT:
            msgs = [{"role": "user", "content": ctx.text}]
        else:
            msgs = [{"role": "user", "content": ctx.prompt or ""}, {"role": "assistant", "content": ctx.text}]
        return "/chat/completions", {"model": self.model, "messages": msgs, "max_tokens": 64, "temperature": 0}

    def _call(self, path: str, payload: dict[str, Any]) -> str:
        import httpx

        url = self.base_url + path
        try:
            r = httpx.post(url, json=payload, headers=self.headers, timeout=self.timeout)
        except httpx.TimeoutException:
            raise TargetError(f"guard_llm {self.name!r}: {url} did not answer within {self.timeout:g}s") from None
        except httpx.HTTPError as exc:
            raise TargetError(f"guard_llm {self.name!r}: cannot reach {url} ({type(exc).__name__}: {exc})") from None
        if r.status_code >= 400:
            raise TargetError(f"guard_llm {self.name!r}: {url} returned HTTP {r.status_code}: {r.text[:200]}")
        try:
            data = r.json()
            choice = data["choices"][0]
            text = choice["message"]["content"] if "message" in choice else choice["text"]
        except (ValueError, KeyError, IndexError, TypeError):
            raise TargetError(f"guard_llm {self.name!r}: {url} returned a non-OpenAI response: {r.text[:200]}") from None
        return str(text or "")

    def detect(self, ctx: DetectContext) -> list[Finding]:
        if not ctx.text.strip():
            return []
        path, payload = self._payload(ctx)
        try:
            out = self._call(path, payload)
            return self._findings(ctx, out)
        except TargetError:
            if self.on_error == "ignore":
                return []
            raise

    def _findings(self, ctx: DetectContext, out: str) -> list[Finding]:
        try:
            if self.format == "llama_guard3":
                verdict, cats = parse_llama_guard3(out)
            elif self.format == "qwen3guard":
                verdict, cats = parse_qwen3guard(out)
            else:
                verdict, cats = parse_shieldlm(out), []
        except ValueError as exc:
            raise TargetError(f"guard_llm {self.name!r} ({self.format}): cannot parse model output ({exc}): {out[:200]!r}") from None
        if verdict == "safe":
            return []
        score = self.unsafe_score if verdict == "unsafe" else self.controversial_score
        codes: dict[str, list[str]] = {}
        for c in cats or [""]:
            codes.setdefault(self.codes.get(c, self.default_code), []).append(c)
        return [
            Finding(category=code, detector=self.name, score=score, start=0, end=len(ctx.text), evidence=ctx.text,
                    entity=",".join(c for c in src if c) or verdict,
                    metadata={"format": self.format, "verdict": verdict, "guard_categories": [c for c in src if c],
                              "raw": out[:500]})
            for code, src in sorted(codes.items())
        ]
