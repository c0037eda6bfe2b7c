"""HTML: ``<meta name="AIGC" content="{json}">`` in the head.

Reading and writing both go through the standard library's HTML parser, so text that only
looks like a tag (``<head>`` or an AIGC meta inside a comment, a script or a style) is never
taken for one. Writing removes every real AIGC meta tag and inserts one right after the
``<head>`` start tag; without a head, right after ``<html>`` (the browser then opens the head
there), else after the doctype, leading comments and processing instructions, so the page
never drops into quirks mode. The content digest is the document with the AIGC meta tags
removed.
"""

from __future__ import annotations

import re
from html import escape
from html.parser import HTMLParser
from pathlib import Path

from genguard.errors import InputError
from genguard.label.formats.base import FormatHandler, atomic_output, sha256_parts


class _Scan(HTMLParser):
    """Character spans of the real AIGC meta tags and the place where a new one belongs."""

    def __init__(self, doc: str) -> None:
        super().__init__(convert_charrefs=True)
        self.doc = doc
        self._line_starts = [0, *(m.end() for m in re.finditer("\n", doc))]
        self.values: list[str] = []
        self.metas: list[tuple[int, int]] = []
        self.head_end: int | None = None
        self.html_end: int | None = None
        self.prolog_end = 1 if doc.startswith("\ufeff") else 0
        self._in_prolog = True
        self.feed(doc)
        self.close()

    def _offset(self) -> int:
        line, col = self.getpos()
        return self._line_starts[line - 1] + col

    def _tag_span(self) -> tuple[int, int]:
        start = self._offset()
        return start, start + len(self.get_starttag_text() or "")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._in_prolog = False
        if tag == "meta":
            d = {k.lower(): v for k, v in attrs}
            if (d.get("name") or "").strip().upper() == "AIGC":
                self.values.append(d.get("content") or "")
                self.metas.append(self._tag_span())
        elif tag == "head" and self.head_end is None:
            self.head_end = self._tag_span()[1]
        elif tag == "html" and self.html_end is None:
            self.html_end = self._tag_span()[1]

    handle_startendtag = handle_starttag

    def handle_decl(self, decl: str) -> None:
        self._mark_prolog(">")

    def handle_comment(self, data: str) -> None:
        self._mark_prolog("-->")

    def handle_pi(self, data: str) -> None:
        self._mark_prolog(">")

    def handle_data(self, data: str) -> None:
        if data.replace("\ufeff", "").strip():
            self._in_prolog = False

    def _mark_prolog(self, closer: str) -> None:
        """Move the insertion point past a doctype, comment or PI seen before any content."""
        if not self._in_prolog:
            return
        end = self.doc.find(closer, self._offset())
        self.prolog_end = len(self.doc) if end < 0 else end + len(closer)

    def insert_at(self) -> int:
        for pos in (self.head_end, self.html_end):
            if pos is not None:
                return pos
        return self.prolog_end

    def without_metas(self) -> str:
        out, last = [], 0
        for a, b in self.metas:
            out.append(self.doc[last:a])
            last = b
        out.append(self.doc[last:])
        return "".join(out)


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
        scan = _Scan(_text(path))
        if len(scan.values) > 1:
            raise InputError(f"{path}: carries {len(scan.values)} AIGC meta tags; GB 45438 allows exactly one per file")
        return scan.values[0] if scan.values else None

    def write_raw(self, path: Path, json_text: str) -> None:
        doc = _Scan(_text(path)).without_metas()
        scan = _Scan(doc)
        at = scan.insert_at()
        tag = f'<meta name="AIGC" content="{escape(json_text, quote=True)}">'
        doc = doc[:at] + tag + doc[at:]
        with atomic_output(path) as tmp:
            tmp.write_bytes(doc.encode("utf-8"))

    def content_digest(self, path: Path) -> str:
        doc = _Scan(_text(path)).without_metas()
        return sha256_parts(b"html-without-aigc-meta", doc.encode("utf-8"))
