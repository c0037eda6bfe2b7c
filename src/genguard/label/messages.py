"""zh/en wording of what ``label verify`` and ``label read`` report (status words and reasons).

Reasons are kept as (key, params) so the same result renders in either language; the English
rendering is also what ``VerifyResult.reasons`` holds for API and JSON callers.
"""

from __future__ import annotations

from genguard.errors import InputError
from genguard.i18n import LANGS, Messages

M = Messages({
    "present": {"zh": "存在（标识完整）", "en": "present"},
    "absent": {"zh": "缺失", "en": "absent"},
    "tampered": {"zh": "已被篡改", "en": "tampered"},
    "unverified": {"zh": "未验证", "en": "unverified"},
    "role.producer": {"zh": "生成方", "en": "producer"},
    "role.propagator": {"zh": "传播方", "en": "propagator"},
    "absent_label": {"zh": "文件中没有 AIGC 标识", "en": "no AIGC label in the file"},
    "not_one_label": {"zh": "文件中的 AIGC 标识不唯一或互相矛盾：{detail}", "en": "{detail}"},
    "no_signature": {
        "zh": "{field} 中没有 genguard 签名（无法检查完整性）",
        "en": "{field} carries no genguard signature (cannot check integrity)",
    },
    "content_changed": {
        "zh": "{role}签名之后内容已被修改（内容摘要不一致）",
        "en": "content changed since the {role} signed it (content digest differs)",
    },
    "key_not_supplied": {
        "zh": "{role}签名所用的密钥 {kid} 未提供（--pubkey）",
        "en": "{role} signature made with key {kid}, which was not supplied (--pubkey)",
    },
    "fields_changed": {
        "zh": "{role}的标识字段已被修改（签名不匹配）",
        "en": "{role} label fields changed (signature does not match)",
    },
    "intact": {
        "zh": "标识完整；内容未改动；签名密钥 {kid}",
        "en": "label intact; content unchanged; signed by key {kid}",
    },
    "intact_partly_checked": {
        "zh": "标识完整；签名密钥 {kid}；内容只有部分可以核对",
        "en": "label intact; signed by key {kid}; only part of the content could be checked",
    },
    "legacy_digest": {
        "zh": "签名使用的是 genguard 早期版本的内容摘要（覆盖：{covered}）；请重新为文件加标识",
        "en": "signed with an earlier genguard release's content digest ({covered}); label the file again",
    },
    "extra_fields": {
        "zh": "标识含有 GB 45438 未定义的字段：{names}（已保留，不在任何签名范围内）",
        "en": "label has field(s) GB 45438 does not define: {names} (kept; not covered by any signature)",
    },
    "missing_fields": {
        "zh": "标识未写明以下字段：{names}",
        "en": "label does not state: {names}",
    },
    "label_not_stated": {
        "zh": "标识未写明 Label（生成 / 可能生成 / 疑似生成），无法判断其属性",
        "en": "label does not state Label (generated / possibly / suspected)",
    },
    "key.private": {"zh": "私钥：{path}", "en": "private key: {path}"},
    "key.public": {"zh": "公钥：{path}", "en": "public key:  {path}"},
    "key.backup": {"zh": "原有密钥已另存为：{path}", "en": "previous key kept as: {path}"},
    "watermark.secret": {"zh": "水印密钥：{path}", "en": "watermark secret: {path}"},
    "watermark.backup": {"zh": "原有水印密钥已另存为：{path}", "en": "previous watermark secret kept as: {path}"},
    "c2pa.signed": {"zh": "已签名：{path}", "en": "signed: {path}"},
    "label.1": {"zh": "人工智能生成", "en": "AI-generated"},
    "label.2": {"zh": "可能为人工智能生成", "en": "possibly AI-generated"},
    "label.3": {"zh": "疑似人工智能生成", "en": "suspected AI-generated"},
})

Reason = tuple[str, dict[str, str]]


def check_lang(lang: str) -> str:
    """``lang`` if it is one the CLI speaks; an unknown code is an error, not a silent fallback."""
    if lang not in LANGS:
        raise InputError(f"--lang must be one of {', '.join(LANGS)}, got {lang!r}")
    return lang


def render(reason: Reason, lang: str) -> str:
    key, params = reason
    values = dict(params)
    if "role" in values:
        values["role"] = M(f"role.{values['role']}", lang)
    return M(key, lang).format(**values)
