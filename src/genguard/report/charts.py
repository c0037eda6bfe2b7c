"""Inline SVG charts (no JavaScript, no CDN): reports must render offline and in any browser."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape

from markupsafe import Markup


def bar_chart_svg(
    labels: Sequence[str],
    values: Sequence[float],
    *,
    max_value: float | None = None,
    width: int = 640,
    bar_height: int = 18,
    title: str = "",
    fmt: str = "{:.1%}",
    threshold: float | None = None,
) -> Markup:
    """Horizontal bar chart; ``threshold`` draws a dashed reference line (e.g. a pass mark)."""
    n = len(labels)
    # label column wide enough for the longest label (CJK characters are about twice as wide)
    longest = max((sum(2 if ord(c) > 0x2E80 else 1 for c in str(lab)) for lab in labels), default=10)
    label_w = max(80, min(360, longest * 7 + 12))
    chart_w = width - label_w - 70
    top = 24 if title else 6
    height = top + n * (bar_height + 6) + 6
    vmax = max_value if max_value is not None else max([*values, 1e-9])
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}">'
    ]
    if title:
        parts.append(f'<text x="0" y="16" font-size="14" font-weight="bold">{escape(title)}</text>')
    for i, (lab, val) in enumerate(zip(labels, values, strict=True)):
        y = top + i * (bar_height + 6)
        w = 0 if vmax <= 0 else max(0.0, min(1.0, val / vmax)) * chart_w
        parts.append(f'<text x="{label_w - 6}" y="{y + bar_height - 5}" font-size="12" text-anchor="end">{escape(str(lab))}</text>')
        parts.append(f'<rect x="{label_w}" y="{y}" width="{w:.1f}" height="{bar_height}" fill="#3b6ea8"><title>{escape(str(lab))}: {escape(fmt.format(val))}</title></rect>')
        parts.append(f'<text x="{label_w + w + 4:.1f}" y="{y + bar_height - 5}" font-size="12">{escape(fmt.format(val))}</text>')
    if threshold is not None and vmax > 0:
        x = label_w + min(1.0, threshold / vmax) * chart_w
        parts.append(f'<line x1="{x:.1f}" y1="{top - 2}" x2="{x:.1f}" y2="{height - 2}" stroke="#c0392b" stroke-dasharray="4 3"/>')
    parts.append("</svg>")
    return Markup("".join(parts))
