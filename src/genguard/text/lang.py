"""Cheap language identification: enough to pick the zh or en standard answer and report."""

from __future__ import annotations

import re

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")


def detect_language(text: str) -> str:
    """``zh`` when Han characters make up a meaningful share of the letters, else ``en``.

    Chinese needs far fewer characters than English for the same content, so a Han share of
    a quarter of the letters already means the writer is writing Chinese.
    """
    sample = text[:2000]
    han = len(_HAN.findall(sample))
    if han == 0:
        return "en"
    latin = len(_LATIN.findall(sample))
    return "zh" if han * 4 >= latin * 1 or han >= 20 else "en"
