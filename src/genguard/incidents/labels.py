"""Bilingual (zh / en) names for kinds, statuses, severities, categories, criteria and fields."""

from __future__ import annotations

from enum import StrEnum

from genguard.i18n import Messages
from genguard.i18n import parse_lang as parse_lang  # re-exported: the incidents modules import it from here


class Kind(StrEnum):
    complaint = "complaint"
    vulnerability = "vulnerability"
    incident = "incident"


class Severity(StrEnum):
    low = "low"
    moderate = "moderate"
    important = "important"
    critical = "critical"


class VulnCategory(StrEnum):
    """Vulnerability categories from the frontier-AI safety practices (STANDARDS.md section 4)."""

    jailbreak = "jailbreak"
    prompt_injection = "prompt_injection"
    privacy_attack = "privacy_attack"
    unaddressed_misuse = "unaddressed_misuse"
    misalignment = "misalignment"
    poisoning = "poisoning"
    bias_discrimination = "bias_discrimination"
    performance_issue = "performance_issue"


class SeriousCriterion(StrEnum):
    """EU AI Act serious-incident criteria (Art. 3(49) a-d, plus the Art. 3(61) widespread
    infringement that Art. 73(3) gives its own clock). Which reporting clock runs depends on the
    criterion (Art. 73(2)-(4): 2, 10 or 15 days), so the deadline rules select by criterion."""

    death = "death"
    serious_harm_to_health = "serious_harm_to_health"
    critical_infrastructure_disruption = "critical_infrastructure_disruption"
    fundamental_rights_infringement = "fundamental_rights_infringement"
    widespread_infringement = "widespread_infringement"
    property_or_environment_damage = "property_or_environment_damage"


SEVERITY_RANK = {s: i for i, s in enumerate(Severity)}

MESSAGES = Messages(
    {
        # kinds
        "complaint": {"zh": "投诉举报", "en": "Complaint"},
        "vulnerability": {"zh": "漏洞报告", "en": "Vulnerability report"},
        "incident": {"zh": "安全事件", "en": "Incident"},
        # statuses
        "received": {"zh": "已接收", "en": "Received"},
        "triaged": {"zh": "已分诊", "en": "Triaged"},
        "mitigating": {"zh": "处置中", "en": "Mitigating"},
        "resolved": {"zh": "已解决", "en": "Resolved"},
        "disclosed": {"zh": "已披露", "en": "Disclosed"},
        "rejected": {"zh": "已驳回", "en": "Rejected"},
        # severities
        "low": {"zh": "低", "en": "Low"},
        "moderate": {"zh": "中", "en": "Moderate"},
        "important": {"zh": "高", "en": "Important"},
        "critical": {"zh": "严重", "en": "Critical"},
        # vulnerability categories
        "jailbreak": {"zh": "越狱", "en": "Jailbreak"},
        "prompt_injection": {"zh": "提示词注入", "en": "Prompt injection"},
        "privacy_attack": {"zh": "隐私攻击", "en": "Privacy attack"},
        "unaddressed_misuse": {"zh": "未处置的滥用", "en": "Unaddressed misuse"},
        "misalignment": {"zh": "价值未对齐", "en": "Misalignment"},
        "poisoning": {"zh": "投毒", "en": "Poisoning"},
        "bias_discrimination": {"zh": "偏见与歧视", "en": "Bias and discrimination"},
        "performance_issue": {"zh": "性能问题", "en": "Performance issue"},
        # serious-incident criteria
        "death": {"zh": "导致人员死亡", "en": "Death of a person"},
        "serious_harm_to_health": {"zh": "严重损害人身健康", "en": "Serious harm to a person's health"},
        "critical_infrastructure_disruption": {
            "zh": "关键基础设施严重且不可逆的中断",
            "en": "Serious and irreversible disruption of critical infrastructure",
        },
        "fundamental_rights_infringement": {"zh": "侵犯基本权利", "en": "Infringement of fundamental rights"},
        "widespread_infringement": {"zh": "大范围侵权（涉及多个成员国，第3条第61项）",
                                    "en": "Widespread infringement (several Member States, Art. 3(61))"},
        "property_or_environment_damage": {"zh": "财产或环境的严重损害", "en": "Serious damage to property or the environment"},
        # field labels
        "ref": {"zh": "编号", "en": "Reference"},
        "kind": {"zh": "类型", "en": "Kind"},
        "title": {"zh": "标题", "en": "Title"},
        "description": {"zh": "描述", "en": "Description"},
        "affected": {"zh": "受影响的模型/服务", "en": "Affected model / service"},
        "risk_codes": {"zh": "风险类别", "en": "Risk categories"},
        "severity": {"zh": "严重程度", "en": "Severity"},
        "status": {"zh": "状态", "en": "Status"},
        "owner": {"zh": "负责人", "en": "Owner"},
        "category": {"zh": "漏洞类别", "en": "Vulnerability category"},
        "received_at": {"zh": "接收时间", "en": "Received"},
        "aware_at": {"zh": "知悉时间（严重事件期限起算）", "en": "Aware since (serious-incident clocks start)"},
        "reporter": {"zh": "报告人", "en": "Reporter"},
        "anonymous": {"zh": "匿名", "en": "Anonymous"},
        "redacted": {"zh": "[已脱敏]", "en": "[redacted]"},
        "evidence": {"zh": "证据", "en": "Evidence"},
        "timeline": {"zh": "时间线", "en": "Timeline"},
        "deadlines": {"zh": "期限", "en": "Deadlines"},
        "serious_criteria": {"zh": "严重事件判定（欧盟人工智能法）", "en": "Serious-incident criteria (EU AI Act)"},
        "due": {"zh": "截止", "en": "Due"},
        "met": {"zh": "已满足", "en": "Met"},
        "overdue": {"zh": "已逾期", "en": "Overdue"},
        "pending": {"zh": "进行中", "en": "Pending"},
        "report_complaint": {"zh": "投诉处理报告", "en": "Complaint report"},
        "report_vulnerability": {"zh": "漏洞处置报告", "en": "Vulnerability report"},
        "report_incident": {"zh": "安全事件报告", "en": "Incident report"},
        "public_summary": {"zh": "公开摘要（已脱敏）", "en": "Public summary (redacted)"},
        "none": {"zh": "无", "en": "None"},
        "at": {"zh": "时间", "en": "When"},
        "actor": {"zh": "操作人", "en": "Who"},
        "event": {"zh": "事件", "en": "Event"},
        "note": {"zh": "说明", "en": "Note"},
        # timeline event kinds ("created" is shown as the status it enters)
        "event_transition": {"zh": "状态变更", "en": "Status change"},
        "event_assigned": {"zh": "指派负责人", "en": "Assigned"},
        "event_note": {"zh": "备注", "en": "Note"},
        "event_evidence": {"zh": "添加证据", "en": "Evidence added"},
        "event_redacted": {"zh": "报告人信息脱敏", "en": "Reporter redacted"},
        # evidence kinds
        "evidence_file": {"zh": "文件", "en": "File"},
        "evidence_audit_log": {"zh": "审计日志", "en": "Audit log"},
        "evidence_assessment_run": {"zh": "评估运行", "en": "Assessment run"},
        "evidence_url": {"zh": "链接", "en": "URL"},
        # intake channels and the notes the registry writes itself
        "channel_cli": {"zh": "命令行", "en": "cli"},
        "channel_api": {"zh": "接口", "en": "api"},
        "channel_form": {"zh": "公开表单", "en": "public form"},
        "channel_tripwire": {"zh": "网关触发", "en": "gateway tripwire"},
        "channel_assessment": {"zh": "评估回归", "en": "assessment regression"},
        "channel_import": {"zh": "导入", "en": "import"},
        "via_channel": {"zh": "经由{channel}提交", "en": "via {channel}"},
        "reporter_erased": {"zh": "报告人身份已删除", "en": "reporter identity erased"},
        # CLI tables
        "n_records": {"zh": "共 {n} 条记录", "en": "{n} records"},
        "owner_col": {"zh": "负责人", "en": "owner"},
        "deadline": {"zh": "期限", "en": "deadline"},
        "overdue_by": {"zh": "逾期时长", "en": "overdue by"},
        "overdue_title": {"zh": "已逾期", "en": "overdue"},
    }
)

#: what ``--lang`` / ``language`` accept: the two report languages, also as a regional tag
LANG_CODES = ("zh", "en")


def label(key: str, lang: str = "en") -> str:
    return MESSAGES(key, lang)


def event_text(kind: str, note: str, channel: str, lang: str) -> tuple[str, str]:
    """(what, note) of a timeline event for display: kinds and the registry's own notes ("via
    cli", "reporter identity erased", "old -> new", "audit_log: ref") in ``lang``. Notes people
    wrote are shown as written."""
    what = label(f"event_{kind}", lang)
    if kind == "created" and note == f"via {channel}":
        note = label("via_channel", lang).format(channel=label(f"channel_{channel}", lang))
    elif kind == "redacted" and note == "reporter identity erased":
        note = label("reporter_erased", lang)
    elif kind == "assigned" and " -> " in note:
        note = note.replace(" -> ", " → ", 1)
    elif kind == "evidence" and ": " in note:
        ev_kind, _, ref = note.partition(": ")
        if f"evidence_{ev_kind}" in MESSAGES.table:
            note = f"{label(f'evidence_{ev_kind}', lang)}: {ref}"
    return what, note
