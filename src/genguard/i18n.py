"""Bilingual strings. Every user-facing label exists in zh and en; pick by language code."""

from __future__ import annotations

from collections.abc import Mapping

LANGS = ("zh", "en")


def parse_lang(value: str, *, where: str = "--lang") -> str:
    """``zh`` or ``en`` from a language option; regional tags (``zh-CN``, ``zh_Hans``, ``en-US``)
    map to their language. Anything else is refused: it used to fall back to English silently."""
    from genguard.errors import InputError

    primary = value.strip().replace("_", "-").split("-")[0].lower()
    if primary not in LANGS:
        raise InputError(f"{where} {value!r}: not a supported language; use zh or en (zh-CN, en-US and the like also work)")
    return primary


def pick(lang: str, zh: str, en: str) -> str:
    return zh if lang == "zh" else en


class Messages:
    """A table of ``key -> {zh, en}``; ``m("key", lang)`` returns the string in ``lang``."""

    def __init__(self, table: Mapping[str, Mapping[str, str]]) -> None:
        for key, val in table.items():
            missing = [lang for lang in LANGS if lang not in val]
            if missing:
                raise ValueError(f"message {key!r} lacks {', '.join(missing)}")
        self.table = table

    def __call__(self, key: str, lang: str = "en") -> str:
        entry = self.table.get(key)
        if entry is None:
            return key
        return entry["zh" if lang == "zh" else "en"]

    def for_lang(self, lang: str) -> dict[str, str]:
        return {k: self(k, lang) for k in self.table}
