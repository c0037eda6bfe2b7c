"""Interface strings of the dashboard in zh and en (module data labels come from their modules).

Stored enum values (decisions, run states, diff scopes, retention modes) are shown through
:func:`enum_label`, so a page never prints a raw English value under the Chinese interface.
"""

from __future__ import annotations

from typing import Any

from genguard.i18n import Messages

M = Messages({
    "app": {"zh": "genguard 控制台", "en": "genguard dashboard"},
    "skip": {"zh": "跳到正文", "en": "Skip to content"},
    "nav": {"zh": "主导航", "en": "Main navigation"},
    "overview": {"zh": "总览", "en": "Overview"},
    "traffic": {"zh": "防护流量", "en": "Guard traffic"},
    "assessments": {"zh": "安全评估", "en": "Assessments"},
    "corpus": {"zh": "语料审核", "en": "Corpus audits"},
    "incidents": {"zh": "事件与投诉", "en": "Incidents"},
    "policy": {"zh": "分类与策略", "en": "Taxonomy & policy"},
    "login": {"zh": "登录", "en": "Sign in"},
    "logout": {"zh": "退出", "en": "Sign out"},
    "login_intro": {"zh": "请输入具有 staff 角色的 API 密钥。", "en": "Enter an API key that has the staff role."},
    "api_key": {"zh": "API 密钥", "en": "API key"},
    "login_failed": {"zh": "密钥无效、已停用或不具备 staff 角色。", "en": "That key is unknown, not active, or lacks the staff role."},
    "signed_in_as": {"zh": "当前用户", "en": "Signed in as"},
    "language": {"zh": "语言", "en": "Language"},
    "window": {"zh": "时间范围", "en": "Time window"},
    "w_1h": {"zh": "最近 1 小时", "en": "Last hour"},
    "w_24h": {"zh": "最近 24 小时", "en": "Last 24 hours"},
    "w_7d": {"zh": "最近 7 天", "en": "Last 7 days"},
    "w_30d": {"zh": "最近 30 天", "en": "Last 30 days"},
    "requests": {"zh": "检测次数", "en": "Checked texts"},
    "block_rate": {"zh": "拦截率", "en": "Block rate"},
    "intervention_rate": {"zh": "干预率", "en": "Intervention rate"},
    "block_rate_help": {"zh": "拒答或拦截的比例", "en": "share refused or blocked"},
    "intervention_help": {"zh": "标记、脱敏、拒答或拦截的比例", "en": "share flagged, redacted, refused or blocked"},
    "by_decision": {"zh": "按处置结果", "en": "By decision"},
    "over_time": {"zh": "随时间变化", "en": "Over time"},
    "top_categories": {"zh": "主要风险类别（已干预的流量）", "en": "Top categories (intervened traffic)"},
    "open_incidents": {"zh": "未关闭的事件", "en": "Open incidents"},
    "overdue_items": {"zh": "逾期事项", "en": "Overdue items"},
    "latest_assessment": {"zh": "最近一次评估", "en": "Latest assessment"},
    "blacklisted_sources": {"zh": "黑名单语料来源", "en": "Blacklisted corpus sources"},
    "none_yet": {"zh": "暂无数据", "en": "Nothing yet"},
    "not_installed": {"zh": "该模块的数据表不可用", "en": "This module's tables are not available"},
    "filter": {"zh": "筛选", "en": "Filter"},
    "reset": {"zh": "清除筛选", "en": "Clear filters"},
    "key": {"zh": "密钥", "en": "Key"},
    "category": {"zh": "风险类别", "en": "Category"},
    "decision": {"zh": "处置", "en": "Decision"},
    "direction": {"zh": "方向", "en": "Direction"},
    "since": {"zh": "起始时间 (UTC)", "en": "From (UTC)"},
    "until": {"zh": "截止时间 (UTC)", "en": "Until (UTC)"},
    "any": {"zh": "全部", "en": "Any"},
    "input": {"zh": "输入", "en": "Input"},
    "output": {"zh": "输出", "en": "Output"},
    "time": {"zh": "时间", "en": "Time"},
    "route": {"zh": "接口", "en": "Route"},
    "latency": {"zh": "耗时 (ms)", "en": "Latency (ms)"},
    "chars": {"zh": "字符数", "en": "Characters"},
    "details": {"zh": "详情", "en": "Details"},
    "next_page": {"zh": "下一页", "en": "Next page"},
    "first_page": {"zh": "第一页", "en": "First page"},
    "no_rows": {"zh": "没有符合条件的记录。", "en": "No matching records."},
    "request": {"zh": "请求", "en": "Request"},
    "text": {"zh": "文本", "en": "Text"},
    "text_hidden": {"zh": "文本未保留（按保留策略仅保存哈希）。", "en": "Text not retained (the retention policy keeps only its hash)."},
    "retention": {"zh": "保留策略", "en": "Retention policy"},
    "sha256": {"zh": "SHA-256", "en": "SHA-256"},
    "scores": {"zh": "得分", "en": "Scores"},
    "same_request": {"zh": "同一请求的其他记录", "en": "Other texts of the same request"},
    "runs": {"zh": "评估任务", "en": "Runs"},
    "run": {"zh": "任务", "en": "Run"},
    "name": {"zh": "名称", "en": "Name"},
    "status": {"zh": "状态", "en": "Status"},
    "created": {"zh": "创建时间", "en": "Created"},
    "result": {"zh": "结论", "en": "Result"},
    "pass": {"zh": "通过", "en": "PASS"},
    "fail": {"zh": "不通过", "en": "FAIL"},
    "verdicts": {"zh": "判定", "en": "Verdicts"},
    "criterion": {"zh": "指标", "en": "Criterion"},
    "value": {"zh": "结果", "en": "Value"},
    "requirement": {"zh": "要求", "en": "Requirement"},
    "sample": {"zh": "样本量", "en": "Sample"},
    "note": {"zh": "说明", "en": "Note"},
    "per_risk": {"zh": "按风险类别的合格率", "en": "Pass rate per risk code"},
    "per_class": {"zh": "按风险大类的合格率", "en": "Pass rate per risk class"},
    "code": {"zh": "编号", "en": "Code"},
    "rate": {"zh": "比例", "en": "Rate"},
    "ci": {"zh": "95% 置信区间", "en": "95% CI"},
    "full_report": {"zh": "完整报告", "en": "Full report"},
    "compare": {"zh": "比较两次评估", "en": "Compare two runs"},
    "before": {"zh": "基线（之前）", "en": "Baseline (before)"},
    "after": {"zh": "对比（之后）", "en": "Candidate (after)"},
    "regressions": {"zh": "退化", "en": "Regressions"},
    "improvements": {"zh": "改进", "en": "Improvements"},
    "scope": {"zh": "范围", "en": "Scope"},
    "delta": {"zh": "变化", "en": "Change"},
    "flipped": {"zh": "由通过变为不通过的题目", "en": "Items that passed before and fail now"},
    "no_regressions": {"zh": "未发现退化。", "en": "No regressions."},
    "sources": {"zh": "语料来源", "en": "Sources"},
    "licence": {"zh": "许可", "en": "Licence"},
    "origin": {"zh": "来源地址", "en": "Origin"},
    "last_verdict": {"zh": "最近结论", "en": "Last verdict"},
    "harmful_rate": {"zh": "违法不良比例", "en": "Harmful rate"},
    "qualified_rate": {"zh": "合格率", "en": "Qualified rate"},
    "sampled": {"zh": "抽样数", "en": "Sampled"},
    "total": {"zh": "总数", "en": "Total"},
    "blacklist": {"zh": "黑名单", "en": "Blacklist"},
    "reason": {"zh": "原因", "en": "Reason"},
    "audit_history": {"zh": "审核记录", "en": "Audit history"},
    "qualified": {"zh": "合格", "en": "Qualified"},
    "not_qualified": {"zh": "不合格", "en": "Not qualified"},
    "blacklist_v": {"zh": "列入黑名单", "en": "Blacklist"},
    "harmful_by_source": {"zh": "各来源违法不良比例", "en": "Harmful rate per source"},
    "open_only": {"zh": "仅未关闭", "en": "Open only"},
    "move": {"zh": "变更状态", "en": "Change status"},
    "move_to": {"zh": "目标状态", "en": "New status"},
    "save": {"zh": "提交", "en": "Apply"},
    "assign": {"zh": "指派负责人", "en": "Assign owner"},
    "no_moves": {"zh": "该记录已处于最终状态。", "en": "This record is in a final state."},
    "moved": {"zh": "状态已更新。", "en": "Status updated."},
    "assigned": {"zh": "负责人已更新。", "en": "Owner updated."},
    "report": {"zh": "报告", "en": "Report"},
    "taxonomy": {"zh": "风险分类", "en": "Risk taxonomy"},
    "tier": {"zh": "等级", "en": "Tier"},
    "policy_name": {"zh": "策略", "en": "Policy"},
    "detectors": {"zh": "检测器", "en": "Detectors"},
    "rules": {"zh": "处置规则", "en": "Rules"},
    "threshold": {"zh": "阈值", "en": "Threshold"},
    "enabled": {"zh": "启用", "en": "Enabled"},
    "type": {"zh": "类型", "en": "Type"},
    "description": {"zh": "说明", "en": "Description"},
    "yes": {"zh": "是", "en": "yes"},
    "no": {"zh": "否", "en": "no"},
    "forbidden": {"zh": "请求被拒绝：表单令牌缺失或无效，请刷新页面后重试。",
                  "en": "Request refused: the form token is missing or invalid. Reload the page and try again."},
    "not_found": {"zh": "未找到。", "en": "Not found."},
    "error": {"zh": "错误", "en": "Error"},
    "action_allow": {"zh": "放行", "en": "allow"},
    "action_flag": {"zh": "标记", "en": "flag"},
    "action_redact": {"zh": "脱敏", "en": "redact"},
    "action_refuse": {"zh": "拒答", "en": "refuse"},
    "action_block": {"zh": "拦截", "en": "block"},
    "count": {"zh": "数量", "en": "Count"},
    "share": {"zh": "占比", "en": "Share"},
    "blocked": {"zh": "拒答/拦截", "en": "refused/blocked"},
    "all_traffic": {"zh": "全部", "en": "all"},
    "view_all": {"zh": "查看全部", "en": "View all"},
    "days_left": {"zh": "截止", "en": "Due"},
    "no_policy": {"zh": "未加载网关策略（仅显示默认策略）。", "en": "No gateway policy loaded (showing the default policy)."},
    "governance": {"zh": "治理与标识", "en": "Governance & labels"},
    "gate_decisions": {"zh": "能力门控决策", "en": "Capability gate decisions"},
    "gate": {"zh": "门控", "en": "Gate"},
    "metric": {"zh": "指标", "en": "Metric"},
    "pre_mitigation": {"zh": "缓解前", "en": "Before mitigation"},
    "post_mitigation": {"zh": "缓解后", "en": "After mitigation"},
    "decision_deploy": {"zh": "可部署", "en": "deploy"},
    "decision_hold": {"zh": "暂缓部署", "en": "hold"},
    "continue_dev": {"zh": "可继续开发", "en": "Continue development"},
    "signed_off_by": {"zh": "签批人", "en": "Signed off by"},
    "level_low": {"zh": "低", "en": "low"},
    "level_medium": {"zh": "中", "en": "medium"},
    "level_high": {"zh": "高", "en": "high"},
    "level_critical": {"zh": "严重", "en": "critical"},
    "self_assessments": {"zh": "前沿安全实践自评", "en": "Frontier-safety self-assessments"},
    "assessed_on": {"zh": "评估日期", "en": "Assessed on"},
    "assessor": {"zh": "评估人", "en": "Assessor"},
    "score": {"zh": "得分", "en": "Score"},
    "practice": {"zh": "实践", "en": "Practice"},
    "latest_by_practice": {"zh": "最近一次自评（按实践）", "en": "Latest self-assessment by practice"},
    "unscored": {"zh": "未评分", "en": "Unscored"},
    "label_registry": {"zh": "生成内容登记（隐式标识）", "en": "Output registry (implicit labels)"},
    "registered_outputs": {"zh": "已登记的生成内容", "en": "Registered outputs"},
    "registry_note": {"zh": "仅保存指纹（SHA-256 与 SimHash），不保存内容。",
                      "en": "Only fingerprints (SHA-256 and SimHash) are stored, never the content."},
    "producer": {"zh": "生成方", "en": "Producer"},
    "model": {"zh": "模型", "en": "Model"},
    "produce_id": {"zh": "内容编号", "en": "Produce ID"},
    "answer_banks": {"zh": "标准答案库", "en": "Standard-answer banks"},
    "mode": {"zh": "模式", "en": "Mode"},
    "files": {"zh": "文件", "en": "Files"},
    "question": {"zh": "问题", "en": "Question"},
    "answer": {"zh": "标准答案", "en": "Answer"},
    "paraphrases": {"zh": "同义问法", "en": "Paraphrases"},
    "lang_col": {"zh": "语言", "en": "Language"},
    "active": {"zh": "有效", "en": "Active"},
    "valid_to": {"zh": "有效期至", "en": "Valid until"},
    "hits": {"zh": "命中次数", "en": "Hits"},
    "owner": {"zh": "负责人", "en": "Owner"},
    "bankmode_answer": {"zh": "直接答复", "en": "answer"},
    "bankmode_inform": {"zh": "辅助检测", "en": "inform"},
    "langname_zh": {"zh": "中文", "en": "Chinese"},
    "langname_en": {"zh": "英文", "en": "English"},
    "ev_created": {"zh": "创建", "en": "created"},
    "ev_transition": {"zh": "状态变更", "en": "status change"},
    "ev_assigned": {"zh": "指派", "en": "assigned"},
    "ev_note": {"zh": "备注", "en": "note"},
    "ev_evidence": {"zh": "添加证据", "en": "evidence added"},
    "ev_redacted": {"zh": "已脱敏", "en": "redacted"},
    "evk_audit_log": {"zh": "审计日志", "en": "audit log"},
    "evk_assessment_run": {"zh": "评估任务", "en": "assessment run"},
    "evk_file": {"zh": "文件", "en": "file"},
    "evk_url": {"zh": "网址", "en": "URL"},
    "pre_check": {"zh": "前置检查", "en": "pre-check"},
    "run_created": {"zh": "已创建", "en": "created"},
    "run_running": {"zh": "运行中", "en": "running"},
    "run_interrupted": {"zh": "已中断", "en": "interrupted"},
    "run_finished": {"zh": "已完成", "en": "finished"},
    "scope_risk": {"zh": "风险类别", "en": "risk"},
    "scope_attack": {"zh": "攻击方式", "en": "attack"},
    "scope_headline": {"zh": "总体指标", "en": "headline"},
    "retention_mode_full": {"zh": "保存全文", "en": "full text"},
    "retention_mode_hashed_only": {"zh": "仅保存哈希", "en": "hash only"},
    "text_kept_days": {"zh": "文本保留 {n} 天", "en": "text kept {n} days"},
    "audit_kept_days": {"zh": "审计记录保留 {n} 天", "en": "audit rows kept {n} days"},
    "kept_forever": {"zh": "永久", "en": "forever"},
    "note_sample": {"zh": "样本量 {n} 少于要求的 {min}", "en": "sample {n} < required {min}"},
    "note_bank": {"zh": "题库规模 {n} 少于要求的 {min}", "en": "bank {n} < required {min}"},
    "note_rate": {"zh": "比例 {rate} 未达到 {op} {threshold}", "en": "rate {rate} does not meet {op} {threshold}"},
    "note_coverage": {"zh": "生成内容测试题库覆盖 {n}/31 类附录 A 风险", "en": "generated-content bank covers {n}/31 Appendix A risks"},
    "note_errors": {"zh": "{n} 道题未获得回答；恢复该任务即可重试", "en": "{n} item(s) got no answer; resume the run to retry them"},
})


def enum_label(prefix: str, value: Any, lang: str) -> str:
    """The zh/en label of a stored enum value (``action``/``allow`` -> 放行), or the value itself
    when it is not one the dashboard knows (shown as stored rather than hidden)."""
    key = f"{prefix}_{value}"
    return M(key, lang) if key in M.table else str(value)


def criterion_label(name: str, lang: str) -> str:
    """An assessment criterion / rate name in the interface language (the assess module's labels)."""
    from genguard.assess.reporting import M as AM

    if name in AM.table:
        return AM(name, lang)
    return M(name, lang) if name in M.table else name


def _pct(x: float, digits: int = 1) -> str:
    return f"{x * 100:.{digits}f}%"


def verdict_note(v: dict[str, Any], lang: str) -> str:
    """Why an assessment verdict failed, rebuilt from the verdict's numbers in the interface language
    (the stored note is English); falls back to the stored note for verdicts of unknown shape."""
    name = v.get("criterion")
    if name == "target_errors":
        return M("note_errors", lang).format(n=v.get("value")) if v.get("value") else ""
    if name == "risk_coverage":
        return "" if v.get("passed") else M("note_coverage", lang).format(n=v.get("value"))
    if name == "bank_per_risk":  # a count of risks, not a rate: its stored notes name them in either language
        from genguard.assess.reporting import note_text

        return note_text(v, lang)
    value, threshold = v.get("value"), v.get("threshold")
    if not isinstance(value, int | float) or not isinstance(threshold, int | float) or "sample" not in v:
        return str(v.get("note") or "")
    notes = []
    if v["sample"] < v.get("sample_min", 0):
        notes.append(M("note_sample", lang).format(n=v["sample"], min=v["sample_min"]))
    if v.get("bank", 0) < v.get("bank_min", 0):
        notes.append(M("note_bank", lang).format(n=v["bank"], min=v["bank_min"]))
    meets = value >= threshold if v.get("op") == ">=" else value <= threshold
    if not meets:
        notes.append(M("note_rate", lang).format(rate=_pct(value), op=v.get("op"), threshold=_pct(threshold, 0)))
    return "; ".join(notes) if lang == "en" else "；".join(notes)

