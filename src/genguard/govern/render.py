"""Render governance documents as HTML (self-contained), Markdown and JSON, in zh or en."""

from __future__ import annotations

import json
from typing import Any

from genguard import __version__
from genguard.govern.foodlabel import FoodLabel
from genguard.govern.gates import GateDecision
from genguard.govern.selfassess import SelfAssessment
from genguard.govern.tc260 import ClauseResult
from genguard.i18n import Messages
from genguard.report import render_html

M = Messages({
    "food_label": {"zh": "模型信息标签", "en": "Model food label"},
    "completeness": {"zh": "完整度", "en": "Completeness"},
    "missing": {"zh": "缺失", "en": "Missing"},
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
})


def _ctx(lang: str) -> dict[str, Any]:
    return {"lang": lang, "t": M.for_lang(lang), "version": __version__}


def food_label_html(fl: FoodLabel) -> str:
    return render_html("govern/food_label.html", label=fl, **_ctx(fl.lang))


def food_label_md(fl: FoodLabel) -> str:
    t = M.for_lang(fl.lang)
    lines = [f"# {t['food_label']}: {fl.model} {fl.version}", "",
             f"{fl.provider} · {t['level']}: {t[fl.level]} · {t['completeness']}: {fl.completeness:.0%}", ""]
    for f in fl.fields:
        lines += [f"## {f.title}", "", f.text or f"_{t['missing']}_" if not f.filled else f.text or ""]
        for e in f.evidence:
            lines.append(f"- {t['evidence']} `{e.key}` ({e.status}): {e.summary}")
        lines.append("")
    if fl.energy:
        lines += [f"## {t['energy']}", "", ", ".join(f"{k}: {v:g}" for k, v in fl.energy.items()), ""]
    if fl.missing:
        lines += [f"**{t['missing']}**: {', '.join(fl.missing)}", ""]
    return "\n".join(lines)


def pack_html(results: list[ClauseResult], lang: str) -> str:
    return render_html("govern/pack.html", results=results, **_ctx(lang))


def pack_md(results: list[ClauseResult], lang: str) -> str:
    t = M.for_lang(lang)
    lines = [f"# {t['pack']}", "", f"| {t['clause']} | | {t['verdict']} | {t['detail']} |", "|---|---|---|---|"]
    for r in results:
        lines.append(f"| {r.id} | {r.title(lang)} | {t[r.verdict]} | {r.detail.replace('|', '/')} |")
    return "\n".join(lines) + "\n"


def gate_html(d: GateDecision, lang: str) -> str:
    return render_html("govern/gate.html", d=d, **_ctx(lang))


def gate_md(d: GateDecision, lang: str) -> str:
    t = M.for_lang(lang)
    lines = [f"# {t['gate']}: **{t[d.decision]}**", "", f"{t['continue']}: {d.continue_development}", "",
             f"| gate | metric | value | {t['pre']} | {t['post']} |", "|---|---|---|---|---|"]
    for r in d.results:
        lines.append(f"| {r.title} | {r.metric} | {'-' if r.value is None else f'{r.value:.4f}'} | "
                     f"{r.pre_mitigation or '-'} | {r.post_mitigation or '-'} |")
    lines += ["", *[f"- {x}" for x in d.reasons]]
    return "\n".join(lines) + "\n"


def self_html(sa: SelfAssessment, lang: str, history: list[SelfAssessment] | None = None) -> str:
    history = history or []
    return render_html(
        "govern/self.html", sa=sa, history=history,
        chart_labels=[f"{p.id} {p.title_zh if lang == 'zh' else p.title_en}" for p in sa.totals],
        chart_values=[p.score / p.max for p in sa.totals],
        history_labels=[str(h.date) for h in history], history_values=[h.total / h.max_total for h in history],
        **_ctx(lang),
    )


def self_md(sa: SelfAssessment, lang: str) -> str:
    t = M.for_lang(lang)
    lines = [f"# {t['self']} ({sa.date})", "", f"{t['total']}: {sa.total}/{sa.max_total}", "", "| | score | max |", "|---|---|---|"]
    for p in sa.totals:
        lines.append(f"| {p.id} {p.title_zh if lang == 'zh' else p.title_en} | {p.score} | {p.max} |")
    return "\n".join(lines) + "\n"


def to_json(obj: Any) -> str:
    data = obj.model_dump(mode="json") if hasattr(obj, "model_dump") else [o.model_dump(mode="json") for o in obj]
    return json.dumps(data, ensure_ascii=False, indent=2)
