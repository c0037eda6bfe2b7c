"""Masking for public summaries: contact details and identifiers never leave in a public export.

Patterns cover what reporters typically paste into free text (e-mail, phone numbers, Chinese
resident ID numbers, IP addresses, API-key-like tokens); the reporter's own name and contact
are masked wherever they appear.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

_PATTERNS = [
    ("EMAIL", re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}")),
    ("ID", re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")),
    ("PHONE", re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d{9}(?!\d)")),
    ("PHONE", re.compile(r"(?<![\w])\+?\d[\d -]{7,}\d(?![\w])")),
    ("IP", re.compile(r"(?<![\d.])(?:\d{1,3}\.){3}\d{1,3}(?![\d.])")),
    ("TOKEN", re.compile(r"\b(?:sk|gg|key|tok)[-_][A-Za-z0-9_-]{12,}\b")),
]


def mask_text(text: str, extra: Iterable[str | None] = ()) -> str:
    for value in extra:
        if value and len(value.strip()) >= 2:
            text = text.replace(value.strip(), "[REDACTED]")
    for name, pat in _PATTERNS:
        text = pat.sub(f"[{name}]", text)
    return text
