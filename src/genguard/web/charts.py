"""Inline SVG time series (no JavaScript, no CDN): traffic per time bucket, blocked part in red."""

from __future__ import annotations

from collections.abc import Sequence
from html import escape
from typing import Any

from markupsafe import Markup


def traffic_svg(points: Sequence[dict[str, Any]], *, title: str, blocked_label: str, width: int = 960,
                height: int = 180) -> Markup:
    """Columns of ``total`` per bucket with the ``blocked`` share overlaid; every column has a tooltip."""
    n = len(points)
    top, bottom, left = 22, 22, 44
    chart_h = height - top - bottom
    vmax = max([p["total"] for p in points] + [1])
    step = (width - left - 4) / max(n, 1)
    bar_w = max(1.0, step * 0.8)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" role="img" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" aria-label="{escape(title)}">',
             f'<text x="0" y="14" font-size="13" font-weight="bold">{escape(title)}</text>',
             f'<text x="{left - 6}" y="{top + 10}" font-size="11" text-anchor="end">{vmax}</text>',
             f'<text x="{left - 6}" y="{top + chart_h}" font-size="11" text-anchor="end">0</text>',
             f'<line x1="{left}" y1="{top + chart_h}" x2="{width - 2}" y2="{top + chart_h}" stroke="#5b6475"/>']
    for i, p in enumerate(points):
        x = left + i * step
        h = chart_h * p["total"] / vmax
        hb = chart_h * p["blocked"] / vmax
        tip = f'{p["bucket"]}: {p["total"]} ({blocked_label}: {p["blocked"]})'
        parts.append(f'<g><title>{escape(tip)}</title>'
                     f'<rect x="{x:.1f}" y="{top + chart_h - h:.1f}" width="{bar_w:.1f}" height="{h:.1f}" fill="#3b6ea8"/>'
                     f'<rect x="{x:.1f}" y="{top + chart_h - hb:.1f}" width="{bar_w:.1f}" height="{hb:.1f}" fill="#b02a2a"/></g>')
    if points:
        parts.append(f'<text x="{left}" y="{height - 6}" font-size="11">{escape(points[0]["bucket"])}</text>')
        parts.append(f'<text x="{width - 2}" y="{height - 6}" font-size="11" text-anchor="end">{escape(points[-1]["bucket"])}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
