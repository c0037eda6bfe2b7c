"""Audit / clean / annotation-QA reports in HTML (zh or en) and Markdown, via genguard.report."""

from __future__ import annotations

from typing import Any

from genguard.i18n import Messages
from genguard.report import render_html

MSG = Messages({
    "audit_title": {"zh": "训练语料安全评估报告", "en": "Training-corpus audit"},
    "clean_title": {"zh": "语料清洗报告", "en": "Corpus cleaning report"},
    "qa_title": {"zh": "标注质量检查报告", "en": "Annotation QA report"},
    "source": {"zh": "来源", "en": "Source"},
    "verdict": {"zh": "结论", "en": "Verdict"},
    "qualified": {"zh": "合格", "en": "qualified"},
    "not_qualified": {"zh": "不合格（需清洗）", "en": "not qualified (clean it)"},
    "blacklist": {"zh": "列入黑名单", "en": "blacklist"},
    "total": {"zh": "文档数", "en": "Documents"},
    "sampled": {"zh": "抽样数", "en": "Sampled"},
    "scanned": {"zh": "技术抽检数", "en": "Scanned"},
    "harmful": {"zh": "违法不良信息占比", "en": "Harmful share"},
    "qualified_share": {"zh": "合格率", "en": "Qualified share"},
    "technical": {"zh": "技术抽检合格率", "en": "Technical-sample qualified"},
    "reasons": {"zh": "原因", "en": "Reasons"},
    "rates": {"zh": "各风险类别占比", "en": "Rate per risk category"},
    "code": {"zh": "编码", "en": "Code"},
    "risk": {"zh": "风险", "en": "Risk"},
    "hits": {"zh": "命中", "en": "Hits"},
    "rate": {"zh": "占比", "en": "Rate"},
    "ci": {"zh": "置信区间", "en": "Confidence interval"},
    "examples": {"zh": "命中示例", "en": "Examples of hits"},
    "malformed": {"zh": "格式错误记录", "en": "Malformed records"},
    "file": {"zh": "文件", "en": "File"},
    "line": {"zh": "行", "en": "Line"},
    "problem": {"zh": "问题", "en": "Problem"},
    "mode": {"zh": "模式", "en": "Mode"},
    "settings": {"zh": "参数", "en": "Settings"},
    "detectors": {"zh": "检测器", "en": "Detectors"},
    "none": {"zh": "无", "en": "none"},
    "more_in": {"zh": "完整列表见", "en": "full list in"},
    "check": {"zh": "检查项", "en": "Check"},
    "issues": {"zh": "问题记录", "en": "Issues"},
    "check.unsafe_answer": {"zh": "标注回答不安全", "en": "unsafe annotated answer"},
    "check.harmful_compliance": {"zh": "回答顺从了有害请求", "en": "answer complies with a harmful request"},
    "check.label_mismatch": {"zh": "安全标签与检测结论不一致", "en": "safety label disagrees with the guard"},
    "check.conflicting_labels": {"zh": "同一条目标签冲突", "en": "same item, conflicting labels"},
    "check.preference_inverted": {"zh": "偏好对选中回答更不安全", "en": "chosen answer less safe than rejected"},
})


def _ctx(report: dict[str, Any], lang: str) -> dict[str, Any]:
    return {"r": report, "lang": lang, "t": MSG.for_lang(lang)}


def render_audit_html(report: dict[str, Any], lang: str = "en") -> str:
    values = [s["harmful_rate"] for s in report["sources"]]
    return render_html(
        "corpus/audit.html", **_ctx(report, lang), chart_labels=[s["source"] for s in report["sources"]],
        chart_values=values, chart_max=max([report["settings"]["harmful_max"] * 2, *values]),
    )


def render_clean_html(report: dict[str, Any], lang: str = "en") -> str:
    return render_html("corpus/clean.html", **_ctx(report, lang))


def render_qa_html(report: dict[str, Any], lang: str = "en") -> str:
    return render_html("corpus/annotation.html", **_ctx(report, lang))


def _pct(x: float) -> str:
    return f"{x:.2%}"


def render_audit_markdown(r: dict[str, Any]) -> str:
    lines = [f"# Training-corpus audit / 训练语料安全评估 ({r['mode']})", ""]
    lines.append(f"Run `{r.get('run_id', '')}`, policy {r.get('policy', '')}, detectors: {', '.join(r.get('detectors', []))}, "
                 f"seed {r['seed']}, {r['inputs']['docs']:,} documents, {r['inputs']['malformed']:,} malformed.")
    lines += ["", "| source | verdict | docs | sampled | harmful (95% CI) | qualified (95% CI) | technical qualified | reasons |",
              "|---|---|---:|---:|---|---|---|---|"]
    for s in r["sources"]:
        h, q, t = s["harmful"], s["qualified"], s["technical"]
        lines.append(
            f"| {s['source']} | **{s['verdict']}** | {s['total']:,} | {s['sampled']:,} | {_pct(h['rate'])} "
            f"({_pct(h['ci'][0])}–{_pct(h['ci'][1])}) | {_pct(q['rate'])} ({_pct(q['ci'][0])}–{_pct(q['ci'][1])}) | "
            f"{_pct(t['rate'])} of {t['n']:,} | {'; '.join(s['reasons']) or '—'} |"
        )
    for s in r["sources"]:
        if not s["rates"]:
            continue
        lines += ["", f"## {s['source']}: rate per risk category", "", "| code | risk | hits | rate | 95% CI |", "|---|---|---:|---:|---|"]
        for x in s["rates"]:
            lines.append(f"| {x['code']} | {x['name_en']} / {x['name_zh']} | {x['hits']} | {_pct(x['rate'])} | "
                         f"{_pct(x['ci'][0])}–{_pct(x['ci'][1])} |")
        for code, exs in s["examples"].items():
            for e in exs:
                lines.append(f"- {code} `{e['doc_id']}`: {e['snippet']}")
    if r["malformed"]:
        lines += ["", f"## Malformed records ({r['inputs']['malformed']:,}; full list in malformed.jsonl)", "",
                  "| file | line | problem |", "|---|---:|---|"]
        for m in r["malformed"][:50]:
            lines.append(f"| {m['file']} | {m['line']} | {m['problem']} |")
    return "\n".join(lines) + "\n"
