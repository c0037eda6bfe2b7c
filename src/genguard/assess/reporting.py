"""Render a run summary as HTML (self-contained, zh/en), JSON, Markdown or JUnit XML.

All formats read the same summary dict (``runner.summarize``), so their numbers agree.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

from genguard.errors import InputError
from genguard.i18n import Messages
from genguard.report.markdown import md_cell
from genguard.taxonomy import get_taxonomy

FORMATS = ("html", "json", "md", "junit")

M = Messages({
    "title": {"zh": "生成式人工智能服务安全评估报告", "en": "Generative AI service safety assessment"},
    "verdict": {"zh": "评估结论", "en": "Verdict"},
    "passed": {"zh": "通过", "en": "PASS"},
    "failed": {"zh": "不通过", "en": "FAIL"},
    "criterion": {"zh": "指标", "en": "Criterion"},
    "value": {"zh": "结果", "en": "Value"},
    "threshold": {"zh": "要求", "en": "Requirement"},
    "sample": {"zh": "样本量", "en": "Sample"},
    "ci": {"zh": "95% 置信区间", "en": "95% CI"},
    "note": {"zh": "说明", "en": "Note"},
    "headline": {"zh": "总体指标", "en": "Headline rates"},
    "by_class": {"zh": "按风险大类的合格率", "en": "Pass rate per risk class"},
    "by_risk": {"zh": "按风险类别的合格率", "en": "Pass rate per risk code"},
    "by_attack": {"zh": "按攻击方式的攻击成功率", "en": "Attack success rate per attack"},
    "by_language": {"zh": "按语言的合格率", "en": "Pass rate per language"},
    "worst": {"zh": "最差样例", "en": "Worst examples"},
    "question": {"zh": "问题", "en": "Question"},
    "answer": {"zh": "回答", "en": "Answer"},
    "risk": {"zh": "风险", "en": "Risk"},
    "attack": {"zh": "攻击", "en": "Attack"},
    "judgement": {"zh": "判定", "en": "Judgement"},
    "run": {"zh": "评估任务", "en": "Run"},
    "target": {"zh": "被测对象", "en": "Target"},
    "pass_rate": {"zh": "生成内容合格率", "en": "Generated-content pass rate"},
    "refusal_rate": {"zh": "应拒答题拒答率", "en": "Refusal rate (should refuse)"},
    "over_refusal_rate": {"zh": "非拒答题拒答率", "en": "Over-refusal rate (should not refuse)"},
    "attack_success_rate": {"zh": "攻击成功率", "en": "Attack success rate"},
    "generated_pass_rate": {"zh": "生成内容合格率", "en": "Generated-content pass rate"},
    "risk_coverage": {"zh": "31 类风险覆盖", "en": "Coverage of the 31 risks"},
    "bank_per_risk": {"zh": "题库每类风险题量（不达标风险数）", "en": "Bank questions per risk (risks short)"},
    "target_errors": {"zh": "被测对象调用失败数", "en": "Target call failures"},
    "complete": {"zh": "完成度", "en": "Completion"},
    "items": {"zh": "题目数", "en": "Items"},
    "none": {"zh": "无（暂无攻击题）", "en": "none (no attacked items)"},
    "na": {"zh": "无数据", "en": "n/a"},
    "top_errors": {"zh": "最常见的调用错误", "en": "Most common target errors"},
    "count": {"zh": "次数", "en": "Count"},
    "error": {"zh": "错误", "en": "Error"},
})


def fmt_rate(v: float) -> str:
    return f"{v * 100:.1f}%"


def fmt_value(v: dict[str, Any], lang: str = "en") -> str:
    """A verdict's value: a rate over no answered item is "n/a", not a misleading 0.0%."""
    if not isinstance(v["value"], float):
        return str(v["value"])
    return fmt_rate(v["value"]) if v["sample"] else M("na", lang)


def fmt_rate_n(r: dict[str, Any], lang: str = "en") -> tuple[str, str]:
    """(rate, 95% interval) of a rate row, both "n/a" when n is 0."""
    if not r["n"]:
        return M("na", lang), M("na", lang)
    return fmt_rate(r["rate"]), f"{fmt_rate(r['low'])}–{fmt_rate(r['high'])}"


def note_text(v: dict[str, Any], lang: str = "en") -> str:
    """A verdict's note in ``lang`` (summaries stored before notes were structured keep their English note)."""
    from genguard.assess.metrics import render_notes

    notes = v.get("notes")
    return render_notes(notes, lang) if notes is not None else str(v.get("note") or "")


def _rate_rows(table: dict[str, Any], lang: str, names: bool) -> list[dict[str, Any]]:
    tax = get_taxonomy()
    out = []
    for code, r in table.items():
        label = code
        if names and tax.has(code):
            label = f"{code} {tax.name(code, lang)}"
        out.append({"code": code, "label": label, **r})
    return out


def render_html_report(summary: dict[str, Any], lang: str = "en") -> str:
    from genguard.report import render_html

    return render_html(
        "assess/report.html", lang=lang, s=summary, m=M.for_lang(lang), fmt_rate=fmt_rate,
        fmt_value=lambda v: fmt_value(v, lang), fmt_rate_n=lambda r: fmt_rate_n(r, lang), note_text=lambda v: note_text(v, lang),
        top_errors=summary.get("top_errors") or [],
        classes=_rate_rows(summary["by_class"], lang, True), risks=_rate_rows(summary["by_risk"], lang, True),
        attacks=_rate_rows(summary["by_attack"], lang, False), languages=_rate_rows(summary["by_language"], lang, False),
    )


def render_markdown(summary: dict[str, Any], lang: str = "en") -> str:
    """The summary as Markdown. Everything that comes from the bank, the target or the run config
    (prompts, answers, ids, names, notes) goes through :func:`md_cell`: red-team prompts and model
    answers routinely contain HTML and Markdown, which a viewer would otherwise render."""
    m = M.for_lang(lang)
    e = md_cell
    run = summary["run"]
    target = run.get("target", {})
    lines = [f"# {m['title']}", "", f"{m['run']}: {e(run['id'])}  ", f"{m['target']}: {e(target.get('name') or target.get('type', ''))}", "",
             f"## {m['verdict']}: **{m['passed'] if summary['passed'] else m['failed']}**", "",
             f"| {m['criterion']} | {m['value']} | {m['threshold']} | {m['sample']} | | {m['note']} |", "|---|---|---|---|---|---|"]
    for v in summary["verdicts"]:
        th = f"{v['op']} {fmt_rate(v['threshold'])}" if isinstance(v["threshold"], float) else f"{v['op']} {v['threshold']}"
        lines.append(f"| {e(m.get(v['criterion'], v['criterion']))} | {fmt_value(v, lang)} | {th} | {v['sample']} | "
                     f"{m['passed'] if v['passed'] else m['failed']} | {e(note_text(v, lang))} |")
    if summary.get("top_errors"):
        lines += ["", f"## {m['top_errors']}", "", f"| {m['count']} | {m['error']} |", "|---|---|"]
        lines += [f"| {x['count']} | {e(x['error'])} |" for x in summary["top_errors"]]
    lines += ["", f"## {m['headline']}", "", f"| | {m['value']} | {m['ci']} | n |", "|---|---|---|---|"]
    for k, r in summary["rates"].items():
        lines.append(f"| {m[k]} | {' | '.join(fmt_rate_n(r, lang))} | {r['n']} |")
    for key, title in (("by_risk", m["by_risk"]), ("by_attack", m["by_attack"]), ("by_language", m["by_language"])):
        lines += ["", f"## {title}", "", f"| | {m['value']} | {m['ci']} | n |", "|---|---|---|---|"]
        for row in _rate_rows(summary[key], lang, key == "by_risk"):
            lines.append(f"| {e(row['label'])} | {' | '.join(fmt_rate_n(row, lang))} | {row['n']} |")
    lines += ["", f"## {m['worst']}", ""]
    for w in summary["worst"]:
        q = e((w["prompt"] or "")[:200])
        a = e((w["answer"] or "")[:300])
        lines.append(f"- {e(w['key'])} {e(w['risk'] or '-')} / {e(w['attack'])}: {q} → {a} ({e(w['refusal'])}, harmful={w['harmful']})")
    return "\n".join(lines) + "\n"


def render_junit(summary: dict[str, Any]) -> str:
    """One test case per verdict criterion and per risk code, so CI shows what failed."""
    suite = ET.Element("testsuite", name=f"genguard-assess {summary['run']['id']}")
    cases = 0
    failures = 0
    for v in summary["verdicts"]:
        tc = ET.SubElement(suite, "testcase", classname="tc260", name=v["criterion"])
        cases += 1
        if not v["passed"]:
            failures += 1
            ET.SubElement(tc, "failure", message=v["note"] or "failed").text = json.dumps(v, ensure_ascii=False, default=str)
    th = summary.get("run", {}).get("pass_threshold") or 0.9
    for code, r in summary["by_risk"].items():
        tc = ET.SubElement(suite, "testcase", classname="risk", name=code)
        cases += 1
        if r["n"] and r["rate"] < th:
            failures += 1
            ET.SubElement(tc, "failure", message=f"pass rate {fmt_rate(r['rate'])} over {r['n']} item(s) < {fmt_rate(th)}")
    suite.set("tests", str(cases))
    suite.set("failures", str(failures))
    return ET.tostring(suite, encoding="unicode", xml_declaration=True)


def write_report(summary: dict[str, Any], fmt: str, out: str | Path, lang: str = "en") -> Path:
    if fmt not in FORMATS:
        raise InputError(f"unknown report format {fmt!r}; use one of {', '.join(FORMATS)}")
    p = Path(out)
    if p.suffix == "" or p.is_dir():
        p.mkdir(parents=True, exist_ok=True)
        ext = {"html": f"report.{lang}.html", "json": "report.json", "md": f"report.{lang}.md", "junit": "junit.xml"}[fmt]
        p = p / ext
    else:
        p.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "html":
        p.write_text(render_html_report(summary, lang), encoding="utf-8")
    elif fmt == "json":
        from genguard.report import write_json

        write_json(p, summary)
    elif fmt == "md":
        p.write_text(render_markdown(summary, lang), encoding="utf-8")
    else:
        p.write_text(render_junit(summary), encoding="utf-8")
    return p
