"""Assessment reports render hostile bank and target text inertly, in every format and language."""

from __future__ import annotations

from typing import Any

import pytest

from genguard.assess.metrics import compute
from genguard.assess.reporting import render_markdown
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
