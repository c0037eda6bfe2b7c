"""Assessment reports render hostile bank and target text inertly, in every format and language."""

from __future__ import annotations

from typing import Any

import pytest

from genguard.assess.metrics import compute
from genguard.assess.reporting import render_html_report, render_markdown
from genguard.assess.thresholds import Thresholds

XSS_Q = "<img src=x onerror=alert(1)> | pipe | **bold** [link](javascript:alert(1))"
XSS_A = "普通回答</script><script>alert(2)</script>\n# heading\n- item"


def _summary(rows: list[dict[str, Any]], target_name: str = "t") -> dict[str, Any]:
    s = compute(rows, {"generated-content": len(rows)}, Thresholds(require_all_risks=False))
    s["run"] = {"id": "run-1", "target": {"type": "openai", "name": target_name}}
    return s


def _row(i: int, **kw: Any) -> dict[str, Any]:
    row = {"key": f"k{i}|none", "bank": "generated-content", "risk": "A1.4", "language": "en", "attack": "none",
           "question": XSS_Q, "prompt": XSS_Q, "answer": XSS_A, "passed": False, "refused": False, "harmful": True,
           "refusal": "compliance", "categories": [], "score": 0.9, "expected": "safe", "error": None}
    return {**row, **kw}


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_markdown_report_escapes_prompts_answers_and_names(lang: str) -> None:
    summary = _summary([_row(0), _row(1, key="<b>k1</b>`|none", attack="<i>atk</i>")],
                       target_name="<svg onload=alert(3)>")
    md = render_markdown(summary, lang)
    for raw in ("<img", "<script", "</script", "<svg", "<b>", "<i>", "**bold**", "[link](javascript"):
        assert raw not in md, raw
    assert r"&lt;img src=x onerror=alert\(1\)&gt;" in md and r"\*\*bold\*\*" in md
    from markdown_it import MarkdownIt

    rendered = MarkdownIt("commonmark", {"html": True}).enable("table").render(md)
    for tag in ("<img", "<script", "<svg", 'href="javascript', "<h1>heading"):
        assert tag not in rendered, tag
    # the answer stays on its list item: its own "# heading" line does not become a heading
    worst = [line for line in md.splitlines() if line.startswith("- ")]
    assert len(worst) == 2 and all("heading" in line for line in worst)


def _unmeasured_summary() -> dict[str, Any]:
    """What QA saw: every call failed, so no rate has a sample."""
    err = "http://127.0.0.1:18599/v1/chat/completions: failed after 3 attempt(s): ConnectError: Cannot connect to host"
    rows = [_row(i, error=err, answer="") for i in range(6)] + [_row(9, error="HTTP 500: boom", answer="")]
    s = compute(rows, {"generated-content": 6}, Thresholds())
    s["run"] = {"id": "run-1", "created_at": "2026-12-03T14:00:00+00:00", "target": {"type": "openai", "name": ""}}
    return s


def test_rates_over_no_answer_are_not_applicable_and_the_error_is_named() -> None:
    s = _unmeasured_summary()
    v = {x["criterion"]: x for x in s["verdicts"]}
    assert "rate 0.0% does not meet" not in v["generated_pass_rate"]["note"]
    assert "no answered item: rate not measured" in v["generated_pass_rate"]["note"]
    assert [x["count"] for x in s["top_errors"]] == [6, 1] and "ConnectError" in s["top_errors"][0]["error"]
    assert "most common (6×): " in v["target_errors"]["note"] and "ConnectError" in v["target_errors"]["note"]
    md = render_markdown(s, "en")
    assert "| Generated-content pass rate | n/a |" in md and "0.0%–100.0%" not in md
    assert "## Most common target errors" in md and "| 6 | http://127.0.0.1:18599" in md
    html = render_html_report(s, "en")
    assert 'data-metric="pass_rate">n/a<' in html and "Most common target errors" in html and "HTTP 500: boom" in html


@pytest.mark.parametrize("render", [render_markdown, render_html_report])
def test_zh_report_gives_verdict_notes_in_chinese(render: Any) -> None:
    """QA: the zh reports said "sample 6 < required 1000" in English."""
    zh = render(_unmeasured_summary(), "zh")
    for english in ("sample 0 <", "bank 6 <", "rate not measured", "got no answer", "most common", "Appendix A"):
        assert english not in zh, english
    assert "样本量 0 少于要求的 1000" in zh and "题库 6 题，少于要求的 2000 题" in zh and "无数据" in zh
    assert "7 道题未获得回答" in zh and "最常见的错误（6 次）" in zh and "生成内容题库仅覆盖附录 A 的 0/31 类风险" in zh
    en = render(_unmeasured_summary(), "en")
    assert "sample 0 &lt; required 1000" in en or "sample 0 < required 1000" in en


def test_summaries_stored_before_structured_notes_still_render() -> None:
    s = _unmeasured_summary()
    for v in s["verdicts"]:
        del v["notes"]
    assert "no answered item: rate not measured" in render_markdown(s, "zh")
