"""Markdown escaping shared by every Markdown report (incident reports, assessment reports).

Why escape at all: reports quote text nobody on our side wrote (complaints, red-team prompts,
model answers), and Markdown renderers pass raw HTML through, so an answer containing
``<img src=x onerror=...>`` would run in whatever viewer renders the report. One helper keeps
every report escaping the same way.
"""

from __future__ import annotations

import re

_MD_INLINE = re.compile(r"([\\`*_{}\[\]()!|~])")
_MD_LINE_START = re.compile(r"^(\s*)([#+\-=]|\d+[.)])", re.MULTILINE)


def md_escape(text: str) -> str:
    """Escape HTML (so raw tags never reach a Markdown renderer), inline Markdown syntax everywhere,
    and block syntax (headings, lists, rules) at line starts."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace('"', "&quot;")
    text = _MD_INLINE.sub(r"\\\1", text)

    def block(m: re.Match[str]) -> str:
        mark = m.group(2)
        return m.group(1) + (mark[:-1] + "\\" + mark[-1] if mark[0].isdigit() else "\\" + mark)

    return _MD_LINE_START.sub(block, text)


def md_cell(text: object) -> str:
    """One line of escaped text, safe inside a table cell or list item (newlines become spaces)."""
    return md_escape(" ".join(str(text).splitlines()))
