"""Render governance documents as HTML (self-contained), Markdown and JSON, in zh or en."""

from __future__ import annotations

import json
from typing import Any

from genguard import __version__
from genguard.govern.evidence import Evidence
from genguard.govern.foodlabel import FoodLabel
from genguard.govern.gates import GateDecision
from genguard.govern.selfassess import SelfAssessment
from genguard.govern.tc260 import ClauseResult
from genguard.i18n import Messages
from genguard.report import render_html

M = Messages({
    "food_label": {"zh": "模型信息标签", "en": "Model food label"},
    "completeness": {"zh": "完整度", "en": "Completeness"},
    "missing": {"zh": "缺失", "en": "missing"},
    "evidence": {"zh": "证据", "en": "Evidence"},
    "energy": {"zh": "能耗与排放估算", "en": "Energy and emissions estimate"},
    "level": {"zh": "披露级别", "en": "Detail level"},
    "public": {"zh": "公开版", "en": "public"},
    "regulator": {"zh": "监管版", "en": "regulator"},
    "pack": {"zh": "TC260-003 合规证据包", "en": "TC260-003 evidence pack"},
    "clause": {"zh": "条款", "en": "Clause"},
    "verdict": {"zh": "结论", "en": "Verdict"},
    "detail": {"zh": "说明", "en": "Detail"},
    "met": {"zh": "符合", "en": "met"},
    "not_met": {"zh": "不符合", "en": "not met"},
    "not_applicable": {"zh": "不适用", "en": "not applicable"},
    "gate": {"zh": "能力门控决策", "en": "Capability gate decision"},
    "deploy": {"zh": "可部署", "en": "deploy"},
    "hold": {"zh": "暂缓", "en": "hold"},
    "self": {"zh": "前沿安全实践自评", "en": "Frontier-safety self-assessment"},
    "total": {"zh": "总分", "en": "Total"},
    "none": {"zh": "无", "en": "none"},
    "generated": {"zh": "生成时间", "en": "Generated"},
    "pre": {"zh": "缓解前", "en": "pre-mitigation"},
    "post": {"zh": "缓解后", "en": "post-mitigation"},
    "continue": {"zh": "可继续开发", "en": "continue development"},
    "present": {"zh": "已有", "en": "present"},
    "source": {"zh": "来源", "en": "Source"},
    "collected": {"zh": "收集时间", "en": "Collected"},
    "evidence_held": {"zh": "系统持有的证据", "en": "Evidence the system holds"},
    "summary_counts": {"zh": "结论统计", "en": "Verdicts"},
    "raw": {"zh": "原始数据", "en": "raw data"},
    "gate_col": {"zh": "门控", "en": "Gate"},
    "metric": {"zh": "指标", "en": "Metric"},
    "value": {"zh": "数值", "en": "Value"},
    "low": {"zh": "低", "en": "low"},
    "medium": {"zh": "中", "en": "medium"},
    "high": {"zh": "高", "en": "high"},
    "critical": {"zh": "严重", "en": "critical"},
    "yes": {"zh": "是", "en": "yes"},
    "no": {"zh": "否", "en": "no"},
    "score": {"zh": "得分", "en": "Score"},
    "max": {"zh": "满分", "en": "Max"},
    "unscored": {"zh": "未评分", "en": "Unscored"},
    "notes": {"zh": "备注", "en": "Notes"},
    "practice": {"zh": "实践", "en": "Practice"},
    "change": {"zh": "较上次变化", "en": "Change since"},
    "history": {"zh": "历次自评", "en": "Assessments over time"},
    "date": {"zh": "日期", "en": "Date"},
    "sub_items": {"zh": "子实践评分", "en": "Sub-practice scores"},
})

# what each evidence key is, in both languages (keys come from genguard.govern.evidence / collectors)
EVIDENCE_TITLES = Messages({
    "guard.policy": {"zh": "防护策略", "en": "Guard policy"},
    "keywords.banks": {"zh": "关键词库", "en": "Keyword banks"},
    "answers.bank": {"zh": "标准答案库", "en": "Standard-answer bank"},
    "incidents.channel": {"zh": "投诉举报与事件登记", "en": "Complaints and incident registry"},
    "corpus.audits": {"zh": "语料来源评估", "en": "Corpus source audits"},
    "assess.latest": {"zh": "最近一次安全评估", "en": "Latest assessment run"},
    "assess.banks": {"zh": "评估测试题库", "en": "Assessment test banks"},
    "classifier.models": {"zh": "分类模型（模型卡）", "en": "Classification models (model cards)"},
    "label.config": {"zh": "内容标识配置", "en": "Content-labelling configuration"},
    "gateway.audit": {"zh": "网关审计与留存", "en": "Gateway audit log and retention"},
})


def evidence_title(key: str, lang: str) -> str:
    return EVIDENCE_TITLES(key, lang)


def _ctx(lang: str) -> dict[str, Any]:
    return {"lang": lang, "t": M.for_lang(lang), "version": __version__, "etitle": lambda k: evidence_title(k, lang)}


def food_label_html(fl: FoodLabel) -> str:
    return render_html("govern/food_label.html", label=fl, **_ctx(fl.lang))


def food_label_md(fl: FoodLabel) -> str:
    t = M.for_lang(fl.lang)
    lines = [f"# {t['food_label']}: {fl.model} {fl.version}", "",
             f"{fl.provider} · {t['level']}: {t[fl.level]} · {t['completeness']}: {fl.completeness:.0%}", ""]
    for f in fl.fields:
        lines += [f"## {f.title}", "", f.text or f"_{t['missing']}_" if not f.filled else f.text or ""]
        for e in f.evidence:
            lines.append(f"- {t['evidence']} {evidence_title(e.key, fl.lang)} `{e.key}` ({t[e.status]}): {e.summary_for(fl.lang)}")
        lines.append("")
    if fl.energy:
        lines += [f"## {t['energy']}", "", ", ".join(f"{k}: {v:g}" for k, v in fl.energy.items()), ""]
    if fl.missing:
        titles = {f.key: f.title for f in fl.fields}
        lines += [f"**{t['missing']}**: {', '.join(titles.get(k, k) for k in fl.missing)}", ""]
    return "\n".join(lines)


def _verdict_counts(results: list[ClauseResult]) -> dict[str, int]:
    return {v: sum(1 for r in results if r.verdict == v) for v in ("met", "not_met", "missing", "not_applicable")}


def pack_html(results: list[ClauseResult], lang: str, evidence: dict[str, Evidence] | None = None) -> str:
    """One self-contained report: the clause checklist, then every piece of evidence it used."""
    used = [k for k in dict.fromkeys(k for r in results for k in r.evidence)]
    ev = [evidence[k] for k in used if evidence and k in evidence]
    return render_html("govern/pack.html", results=results, evidence=ev, counts=_verdict_counts(results), **_ctx(lang))


def pack_md(results: list[ClauseResult], lang: str, evidence: dict[str, Evidence] | None = None) -> str:
    t = M.for_lang(lang)
    counts = ", ".join(f"{t[k]} {n}" for k, n in _verdict_counts(results).items())
    lines = [f"# {t['pack']}", "", f"{t['summary_counts']}: {counts}", "",
             f"| {t['clause']} | | {t['verdict']} | {t['detail']} | {t['evidence']} |", "|---|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r.id} | {r.title(lang)} | {t[r.verdict]} | {r.detail_for(lang).replace('|', '/')} | "
                     f"{', '.join(f'`{k}`' for k in r.evidence)} |")
    if evidence:
        lines += ["", f"## {t['evidence_held']}", ""]
        for k in dict.fromkeys(k for r in results for k in r.evidence):
            e = evidence.get(k)
            if e is None:
                continue
            lines.append(f"- **{evidence_title(k, lang)}** `{k}` ({t[e.status]}): {e.summary_for(lang)}"
                         + (f" · {t['source']}: {e.source}" if e.source else ""))
    return "\n".join(lines) + "\n"


def gate_html(d: GateDecision, lang: str) -> str:
    return render_html("govern/gate.html", d=d, **_ctx(lang))


def gate_md(d: GateDecision, lang: str) -> str:
    t = M.for_lang(lang)
    lines = [f"# {t['gate']}: **{t[d.decision]}**", "", f"{t['continue']}: {t['yes'] if d.continue_development else t['no']}", "",
             f"| {t['gate_col']} | {t['metric']} | {t['value']} | {t['pre']} | {t['post']} |", "|---|---|---|---|---|"]
    for r in d.results:
        lines.append(f"| {r.title} | {r.metric} | {'-' if r.value is None else f'{r.value:.4f}'} | "
                     f"{t[r.pre_mitigation] if r.pre_mitigation else '-'} | {t[r.post_mitigation] if r.post_mitigation else '-'} |")
    lines += ["", *[f"- {x}" for x in d.reasons_for(lang)]]
    return "\n".join(lines) + "\n"


def _cell(text: str) -> str:
    """Free text inside a Markdown table cell."""
    return text.replace("|", "/").replace("\n", " ")


def _previous(sa: SelfAssessment, history: list[SelfAssessment]) -> SelfAssessment | None:
    older = [h for h in history if h.date < sa.date]
    return older[-1] if older else None


def self_html(sa: SelfAssessment, lang: str, history: list[SelfAssessment] | None = None) -> str:
    from genguard.govern.selfassess import compare, practices

    history = history or []
    prev = _previous(sa, history)
    return render_html(
        "govern/self.html", sa=sa, history=history, practices=practices(), prev=prev,
        change={c["id"]: c["change"] for c in compare(prev, sa)} if prev else {},
        chart_labels=[f"{p.id} {p.title_zh if lang == 'zh' else p.title_en}" for p in sa.totals],
        chart_values=[p.score / p.max for p in sa.totals],
        history_labels=[str(h.date) for h in history], history_values=[h.total / h.max_total for h in history],
        **_ctx(lang),
    )


def self_md(sa: SelfAssessment, lang: str, history: list[SelfAssessment] | None = None) -> str:
    from genguard.govern.selfassess import compare, practices

    t = M.for_lang(lang)
    prev = _previous(sa, history or [])
    change = {c["id"]: c["change"] for c in compare(prev, sa)} if prev else {}
    head = f"| {t['practice']} | {t['score']} | {t['max']} |" + (f" {t['change']} {prev.date} |" if prev else "")
    lines = [f"# {t['self']} ({sa.date})", "", f"{t['total']}: {sa.total}/{sa.max_total}", "", head,
             "|---|---|---|" + ("---|" if prev else "")]
    for p in sa.totals:
        row = f"| {p.id} {p.title_zh if lang == 'zh' else p.title_en} | {p.score} | {p.max} |"
        lines.append(row + (f" {change.get(p.id, 0):+d} |" if prev else ""))
    lines += _history_md(history or [], t)
    lines += ["", f"## {t['sub_items']}", "", f"| | | {t['score']} | {t['evidence']} | {t['notes']} |", "|---|---|---|---|---|"]
    for pr in practices():
        for it in pr.items:
            sc = sa.scores.get(it.id)
            lines.append(f"| {it.id} | {it.zh if lang == 'zh' else it.en} | {sc.score if sc else t['unscored']} | "
                         f"{_cell(sc.evidence) if sc else ''} | {_cell(sc.notes) if sc else ''} |")
    return "\n".join(lines) + "\n"


def _history_md(history: list[SelfAssessment], t: dict[str, str]) -> list[str]:
    """The totals over time, as the HTML page's history chart shows them (only with two or more dates)."""
    if len(history) < 2:
        return []
    lines = ["", f"## {t['history']}", "", f"| {t['date']} | {t['total']} | {t['max']} | % |", "|---|---|---|---|"]
    lines += [f"| {h.date} | {h.total} | {h.max_total} | {h.total / h.max_total:.0%} |" for h in history]
    return lines


def to_json(obj: Any) -> str:
    data = obj.model_dump(mode="json") if hasattr(obj, "model_dump") else [o.model_dump(mode="json") for o in obj]
    return json.dumps(data, ensure_ascii=False, indent=2)
