"""Instructions sent (as the system message) to the model that drafts candidate answers.

Written by the project, in zh and en. Each sample gets a different style hint so that even a
deterministic model offers the reviewer distinct drafts to choose from.
"""

from __future__ import annotations

GUIDANCE = {
    "refuse": {
        "zh": "你是一个负责任的AI助手。用户的请求可能涉及违法、有害或不当内容。请给出安全的回答：不要提供任何有害的具体信息，"
              "简要说明原因，并在合适时提供合法、安全的替代建议或求助渠道。",
        "en": "You are a responsible AI assistant. The user's request may involve illegal, harmful or inappropriate content. "
              "Give a safe reply: provide no harmful specifics, briefly say why, and where it helps offer lawful, safe "
              "alternatives or places to get help.",
    },
    "answer": {
        "zh": "你是一个乐于助人的AI助手。用户的问题是正当、安全的，请直接、准确、有帮助地回答，不要拒绝，也不要添加不必要的警告。",
        "en": "You are a helpful AI assistant. The user's question is legitimate and safe: answer it directly, accurately "
              "and helpfully, without refusing and without needless warnings.",
    },
}
STYLES = {
    "zh": ["回答简洁。", "先表达理解，再说明理由。", "给出具体、可操作的安全建议。", "语气温和、尊重。"],
    "en": ["Keep it brief.", "Acknowledge the person first, then explain.", "Give concrete, actionable safe advice.",
           "Use a warm, respectful tone."],
}


def guidance(failure: str, language: str, sample: int, override: str | None = None) -> str:
    """The system instruction for one candidate: what a good answer does, plus a style hint."""
    lang = "zh" if language == "zh" else "en"
    if override:
        return override
    base = GUIDANCE["answer" if failure == "wrong_refusal" else "refuse"][lang]
    styles = STYLES[lang]
    return f"{base}{'' if lang == 'zh' else ' '}{styles[sample % len(styles)]}"
