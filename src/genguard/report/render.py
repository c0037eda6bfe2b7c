"""Jinja2 environment over every module's ``templates`` folder plus the shared base."""

from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import ChoiceLoader, Environment, PackageLoader, StrictUndefined, select_autoescape


@lru_cache(maxsize=1)
def _env() -> Environment:
    # Each module that renders HTML keeps templates in genguard/<module>/templates and names them
    # "<module>/<file>.html" by placing them in a subfolder; the shared base lives here.
    env = Environment(
        loader=ChoiceLoader([PackageLoader("genguard", "report/templates")]),
        autoescape=select_autoescape(["html", "xml"], default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    from genguard.report.charts import bar_chart_svg

    env.globals["bar_chart"] = bar_chart_svg
    return env


def render_html(template: str, **context: Any) -> str:
    """Render ``template`` (path under report/templates, e.g. ``assess/report.html``)."""
    context.setdefault("lang", "en")
    return _env().get_template(template).render(**context)


def write_json(path: str | Path, data: Any) -> None:
    Path(path).write_text(json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n", encoding="utf-8")
