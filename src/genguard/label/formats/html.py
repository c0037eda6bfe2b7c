"""HTML: ``<meta name="AIGC" content="{json}">`` in the head.

Reading uses the standard library's HTML parser; writing removes every existing AIGC meta
tag and inserts one right after ``<head>`` (or at the top when there is no head), so the
content digest is the document with AIGC meta tags removed.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser
from pathlib import Path

from genguard.errors import InputError
from genguard.label.formats.base import FormatHandler, atomic_output, sha256_parts

_META = re.compile(r"<meta\b(?=[^>]*\bname\s*=\s*[\"']?AIGC[\"'\s/>])[^>]*>", re.I)
_HEAD = re.compile(r"<head\b[^>]*>", re.I)


class _MetaFinder(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.values: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "meta":
            d = {k.lower(): v for k, v in attrs}
            if (d.get("name") or "").upper() == "AIGC":
                self.values.append(d.get("content") or "")

    handle_startendtag = handle_starttag


def _text(path: Path) -> str:
    try:
        return path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: HTML must be UTF-8 to be labelled (byte {exc.start} is not)") from None


class HtmlHandler(FormatHandler):
    name = "html"
    extensions = (".html", ".htm")
    description = "HTML: <meta name=\"AIGC\" content=\"...\">"

    def read_raw(self, path: Path) -> str | None:
        finder = _MetaFinder()
        finder.feed(_text(path))
        if len(finder.values) > 1:
            raise InputError(f"{path}: carries {len(finder.values)} AIGC meta tags; GB 45438 allows exactly one per file")
        return finder.values[0] if finder.values else None

    def write_raw(self, path: Path, json_text: str) -> None:
        doc = _META.sub("", _text(path))
        tag = f'<meta name="AIGC" content="{escape(json_text, quote=True)}">'
        m = _HEAD.search(doc)
        doc = doc[: m.end()] + tag + doc[m.end() :] if m else tag + doc
        with atomic_output(path) as tmp:
            tmp.write_bytes(doc.encode("utf-8"))

    def content_digest(self, path: Path) -> str:
        return sha256_parts(b"html-without-aigc-meta", _META.sub("", _text(path)).encode("utf-8"))
