"""Shared rendering for every report genguard writes (HTML, Markdown, JSON).

Reports are self-contained: inline CSS and inline SVG charts, no external requests, output
escaped by Jinja2 autoescaping. Modules supply their own templates that extend ``base.html``.
"""

from genguard.report.charts import bar_chart_svg
from genguard.report.render import render_html, write_json

__all__ = ["bar_chart_svg", "render_html", "write_json"]
