"""Validated input for new records (shared by the CLI, the staff API and the public form).

Strict on purpose: unknown fields are refused (nothing a user sends is silently dropped),
lengths are bounded, control characters are refused, and risk codes must exist in the
shared taxonomy.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from genguard.errors import InputError
from genguard.incidents.labels import Kind, SeriousCriterion, Severity, VulnCategory
from genguard.incidents.state import Status

CONTROL_CHARS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u202a-\u202e\u2066-\u2069]")

#: tolerance for a client clock slightly ahead when checking that aware_at is not in the future
_CLOCK_SKEW = timedelta(minutes=5)

class LocalizedError(ValueError):
    """A validation problem worded in zh and en. ``str()`` is the English text plus ``hint`` (what
    the CLI and ``incidents import`` print); the public form answers with ``text(lang)``, which
    leaves out the hint because it names CLI commands a web reporter cannot run."""

    def __init__(self, en: str, zh: str, hint: str = "") -> None:
        super().__init__(en + (f" {hint}" if hint else ""))
        self.en, self.zh = en, zh

    def text(self, lang: str) -> str:
        return self.zh if lang == "zh" else self.en


LIMITS = {"title": 300, "description": 20_000, "affected": 200, "name": 120, "contact": 200, "ref": 500, "note": 4000}


# letters that render as nothing although Unicode files them as letters or symbols (Hangul fillers,
# the blank braille pattern); format characters (zero-width space / joiners, BOM, soft hyphen) and
# separators are found by category
_BLANK_LETTERS = frozenset("\u115f\u1160\u3164\uffa0\u2800")
_INVISIBLE_CATEGORIES = frozenset({"Cc", "Cf", "Zs", "Zl", "Zp"})
#: weight of a wide (CJK) character in minimum-length rules, see :func:`visible_length`
WIDE_WEIGHT = 3
#: minimum visible length of a title and of a public-form description
TITLE_MIN = 3
PUBLIC_DESCRIPTION_MIN = 10


def _invisible(ch: str) -> bool:
    return ch.isspace() or ch in _BLANK_LETTERS or unicodedata.category(ch) in _INVISIBLE_CATEGORIES


def visible_length(text: str) -> int:
    """Length for minimum-length rules: invisible characters count 0, wide (CJK) characters
    :data:`WIDE_WEIGHT`, every other character 1.

    Why weighted: a Chinese character carries about as much as a short English word, so a plain
    character count asks two and a half times more of a Chinese reporter ("模型辱骂用户" says in 6
    characters what takes 20 letters in English). With weight 3 the 10-character minimum of the
    public form is met by 4 Chinese characters or 10 Latin letters.
    """
    return sum(0 if _invisible(ch) else WIDE_WEIGHT if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _clean(value: str) -> str:
    """Refuse control and bidi-override characters; normalise to NFC; strip outer whitespace and
    invisible characters (so three zero-width spaces are as empty as three spaces)."""
    if CONTROL_CHARS.search(value):
        raise LocalizedError("contains control or bidirectional-override characters", "含有控制字符或双向覆盖字符")
    value = unicodedata.normalize("NFC", value)
    start, end = 0, len(value)
    while start < end and _invisible(value[start]):
        start += 1
    while end > start and _invisible(value[end - 1]):
        end -= 1
    return value[start:end]


def min_visible(n: int) -> AfterValidator:
    """A minimum length checked after cleaning, on :func:`visible_length`.

    Why not ``Field(min_length=...)``: pydantic checks that on the raw input, before the cleaning
    validator runs, so "   " passed a minimum of 3 and was stored as "". Used by ``incidents new``,
    the staff API, the public form and ``incidents import`` alike.
    """

    def check(value: str) -> str:
        if visible_length(value) < n:
            got = visible_length(value)
            raise LocalizedError(f"needs at least {n} characters of visible text (a Chinese, Japanese or Korean "
                                 f"character counts {WIDE_WEIGHT}); got {got}",
                                 f"可见文字太短：至少需要 {n}（一个汉字计 {WIDE_WEIGHT}），当前为 {got}")
        return value

    return AfterValidator(check)


CleanStr = Annotated[str, AfterValidator(_clean)]
Title = Annotated[CleanStr, min_visible(TITLE_MIN)]


def _risk_code(code: str) -> str:
    from genguard.taxonomy import get_taxonomy

    code = code.strip()
    if not get_taxonomy().has(code):
        raise LocalizedError(f"unknown risk code {code!r}", f"未知的风险类别代码 {code!r}", hint="(see `genguard taxonomy`)")
    return code


class ReporterIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    name: CleanStr | None = Field(default=None, max_length=LIMITS["name"])
    contact: CleanStr | None = Field(default=None, max_length=LIMITS["contact"])
    consent_contact: bool = False


class EvidenceIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: str = Field(pattern=r"^(audit_log|assessment_run|file|url)$")
    ref: Annotated[CleanStr, min_visible(1)] = Field(max_length=LIMITS["ref"])
    sha256: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    note: CleanStr = Field(default="", max_length=LIMITS["note"])
    data: dict[str, Any] = Field(default_factory=dict)

    @model_validator(mode="after")
    def _file_needs_hash(self) -> EvidenceIn:
        if self.kind == "file" and not self.sha256:
            raise ValueError("file evidence needs its sha256")
        return self


class NewRecord(BaseModel):
    model_config = ConfigDict(extra="forbid")

    kind: Kind
    title: Title = Field(max_length=LIMITS["title"])
    description: CleanStr = Field(default="", max_length=LIMITS["description"])
    category: VulnCategory | None = None
    affected: CleanStr = Field(default="", max_length=LIMITS["affected"])
    risk_codes: list[str] = Field(default_factory=list, max_length=20)
    severity: Severity = Severity.moderate
    serious_criteria: list[SeriousCriterion] = Field(default_factory=list)
    reporter: ReporterIn | None = None
    evidence: list[EvidenceIn] = Field(default_factory=list, max_length=50)
    language: str = Field(default="zh", pattern=r"^(zh|en)$")
    aware_at: datetime | None = None
    owner: CleanStr | None = Field(default=None, max_length=120)

    @field_validator("risk_codes")
    @classmethod
    def _codes(cls, v: list[str]) -> list[str]:
        return list(dict.fromkeys(_risk_code(c) for c in v))

    @model_validator(mode="after")
    def _kind_rules(self) -> NewRecord:
        if self.kind == Kind.vulnerability and self.category is None:
            cats = ", ".join(c.value for c in VulnCategory)
            raise LocalizedError(f"a vulnerability report needs a category: one of {cats}", f"漏洞报告需要填写类别（category）：{cats} 之一")
        if self.kind != Kind.vulnerability and self.category is not None:
            raise LocalizedError("category applies to vulnerability reports only", "类别（category）只适用于漏洞报告")
        if self.serious_criteria and self.kind != Kind.incident:
            raise ValueError("serious-incident criteria apply to incidents only")
        if self.aware_at is not None and self.aware_at.tzinfo is None:
            raise ValueError("aware_at needs a timezone (e.g. 2026-01-02T10:00:00Z)")
        if self.aware_at is not None and self.aware_at > datetime.now(UTC) + _CLOCK_SKEW:
            raise ValueError(f"aware_at {self.aware_at.isoformat()} is in the future")
        return self


def _aware(value: datetime | None, name: str) -> None:
    if value is not None and value.tzinfo is None:
        raise ValueError(f"{name} needs a timezone (e.g. 2026-01-02T10:00:00Z)")


class ImportedReporter(ReporterIn):
    """A reporter as ``incidents export -f json`` writes it (identity absent when exported redacted)."""

    contact_hash: str | None = Field(default=None, pattern=r"^[0-9a-f]{64}$")
    redacted: bool = False


class ImportedEvidence(EvidenceIn):
    added_at: datetime | None = None
    added_by: CleanStr = Field(default="", max_length=120)

    @model_validator(mode="after")
    def _tz(self) -> ImportedEvidence:
        _aware(self.added_at, "added_at")
        return self


class ImportedEvent(BaseModel):
    """One timeline entry of an export (``from`` / ``to`` must be real statuses)."""

    model_config = ConfigDict(extra="forbid", populate_by_name=True)

    at: datetime
    actor: CleanStr = Field(default="", max_length=120)
    kind: Literal["created", "transition", "assigned", "note", "evidence", "redacted"]
    from_status: Status | None = Field(default=None, alias="from")
    to_status: Status | None = Field(default=None, alias="to")
    note: CleanStr = Field(default="", max_length=LIMITS["description"])

    @model_validator(mode="after")
    def _tz(self) -> ImportedEvent:
        _aware(self.at, "at")
        return self


class ImportedRecord(NewRecord):
    """A record from a JSON export: every rule of :class:`NewRecord` (what ``incidents new`` and the
    form enforce) plus the fields only an existing record has.

    Why: an import writes rows directly, so without this a hand-edited or foreign file could store
    states the rest of the module cannot handle (an unknown status that later crashes ``move``).
    """

    ref: str = Field(pattern=r"^(CMP|VUL|INC)-\d{8}-[0-9a-f]{8}$")
    status: Status
    channel: str = Field(default="import", pattern=r"^[a-z_]{1,16}$")
    source_event_id: str | None = Field(default=None, min_length=1, max_length=200)
    extra: dict[str, Any] = Field(default_factory=dict)
    received_at: datetime
    updated_at: datetime | None = None
    closed_at: datetime | None = None
    reporter: ImportedReporter | None = None
    evidence: list[ImportedEvidence] = Field(default_factory=list)  # type: ignore[assignment]  # records gain evidence after intake
    timeline: list[ImportedEvent] = Field(default_factory=list)

    @model_validator(mode="after")
    def _import_rules(self) -> ImportedRecord:
        for name in ("received_at", "updated_at", "closed_at"):
            _aware(getattr(self, name), name)
        return self


def validation_reasons(exc: ValidationError) -> list[str]:
    """One readable line per problem: ``field.path: message``."""
    out = []
    for err in exc.errors():
        loc = ".".join(str(p) for p in err["loc"]) or "body"
        out.append(f"{loc}: {err['msg']}")
    return out


#: field names of the public form in Chinese (English answers use the field names themselves)
_FIELD_ZH = {"kind": "类型", "title": "标题", "description": "描述", "category": "类别", "affected": "受影响的模型/服务",
             "risk_codes": "风险类别", "reporter": "报告人", "name": "姓名", "contact": "联系方式",
             "consent_contact": "同意联系", "language": "语言", "body": "请求体"}

#: pydantic error types worded for people (``{...}`` filled from the error's context)
_PLAIN = {
    "missing": ("required", "必填"),
    "extra_forbidden": ("not accepted by this form", "表单不接受此字段"),
    "string_type": ("must be text", "必须是文本"),
    "string_too_long": ("too long: at most {max_length} characters", "太长：最多 {max_length} 个字符"),
    "too_long": ("too many: at most {max_length}", "太多：最多 {max_length} 项"),
    "list_type": ("must be a list", "必须是列表"),
    "enum": ("must be one of {expected}", "必须是以下之一：{expected}"),
    "literal_error": ("must be one of {expected}", "必须是以下之一：{expected}"),
    "string_pattern_mismatch": ("has the wrong format", "格式不正确"),
    "bool_type": ("must be true or false", "必须是 true 或 false"),
    "bool_parsing": ("must be true or false", "必须是 true 或 false"),
    "model_type": ("must be an object", "必须是对象"),
    "model_attributes_type": ("must be an object", "必须是对象"),
}


def localized_reasons(exc: ValidationError, lang: str) -> list[str]:
    """One plain line per problem in ``lang`` (zh / en) for people filling in the public form: no
    pydantic wording ("Value error, ...", "Input should be ...") and no CLI hints."""
    zh = lang == "zh"
    out = []
    for err in exc.errors():
        parts = [str(p) for p in err["loc"]]
        loc = ".".join(_FIELD_ZH.get(p, p) for p in parts) if zh else ".".join(parts)
        cause = (err.get("ctx") or {}).get("error")
        if isinstance(cause, LocalizedError):
            msg = cause.text(lang)
        elif parts and parts[-1] == "language" and err["type"] == "string_pattern_mismatch":
            msg = "必须是 zh 或 en" if zh else "must be zh or en"
        elif err["type"] in _PLAIN:
            en_text, zh_text = _PLAIN[err["type"]]
            ctx = {k: (v.replace("' or '", "'、'") if zh and isinstance(v, str) else v)
                   for k, v in (err.get("ctx") or {}).items() if isinstance(v, str | int)}
            msg = (zh_text if zh else en_text).format(**ctx)
        else:
            msg = ("取值无效：" if zh else "invalid: ") + err["msg"].removeprefix("Value error, ")
        out.append(f"{loc}: {msg}" if loc else msg)
    return out


def parse_new_record(data: Any, *, where: str = "input") -> NewRecord:
    try:
        return NewRecord.model_validate(data)
    except ValidationError as exc:
        raise InputError(f"{where}: " + "; ".join(validation_reasons(exc))) from None
