"""Markdown: key ``AIGC`` (a mapping of the label fields) in the YAML front matter.

The front matter is edited as text, not re-dumped: the old top-level ``AIGC`` entry (if any)
is cut out and one line ``AIGC: {json}`` (JSON is a YAML flow mapping) is appended, so the
user's comments, key order, quoting and line endings stay as written. The result is parsed
again and must hold the same other keys and the new label, otherwise nothing is written. A
UTF-8 byte order mark before the opening ``---`` is kept and does not hide the front matter.
The content digest covers the body and the other front-matter keys (canonical JSON), not the
AIGC key.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from genguard.errors import InputError
from genguard.label.formats.base import FormatHandler, atomic_output, sha256_parts

BOM = "\ufeff"
_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)(?:\r?\n)?^---[ \t]*(?:\r?\n|\Z)", re.S | re.M)
_AIGC_KEY = re.compile(r"""^(?:AIGC|"AIGC"|'AIGC')[ \t]*:(?:[ \t]|$)""")


@dataclass(frozen=True)
class _Doc:
    bom: str  # "" or the byte order mark the file started with
    front: str | None  # front-matter text between the delimiters, None when there is none
    front_span: tuple[int, int]  # where ``front`` sits in the text after the BOM
    text: str  # the file's text after the BOM
    data: dict[str, Any]  # parsed front matter
    body: str


def _load(path: Path, front: str) -> dict[str, Any]:
    import yaml

    try:
        data = yaml.safe_load(front) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: front matter is not valid YAML: {' '.join(str(exc).split())}") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: front matter must be a YAML mapping")
    return data


def _parse(path: Path) -> _Doc:
    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: Markdown must be UTF-8 (byte {exc.start} is not)") from None
    bom = BOM if text.startswith(BOM) else ""
    text = text[len(bom) :]
    m = _FRONT.match(text)
    if not m:
        return _Doc(bom, None, (0, 0), text, {}, text)
    return _Doc(bom, m.group(1), m.span(1), text, _load(path, m.group(1)), text[m.end() :])


def _split(path: Path) -> tuple[dict[str, Any], str]:
    doc = _parse(path)
    return doc.data, doc.body


def _without_aigc(lines: list[str]) -> list[str]:
    """The front-matter lines with the top-level AIGC entry (its line and indented continuation) cut out."""
    out: list[str] = []
    skipping = False
    for line in lines:
        if skipping and (not line.strip() or line[0] in " \t"):
            continue
        skipping = bool(_AIGC_KEY.match(line))
        if not skipping:
            out.append(line)
    return out


def _new_front(path: Path, doc: _Doc, json_text: str) -> str:
    """``doc``'s front matter with ``AIGC: {json}`` as its only AIGC entry; checked by parsing it again."""
    label = json.loads(json_text)
    nl = "\r\n" if "\r\n" in (doc.front or doc.text[:200]) else "\n"
    lines = _without_aigc((doc.front or "").splitlines()) if doc.front else []
    lines.append("AIGC: " + json.dumps(label, ensure_ascii=False, separators=(", ", ": ")))
    front = nl.join(lines)
    expected = {k: v for k, v in doc.data.items() if k != "AIGC"}
    got = _load(path, front)
    if got.get("AIGC") != label or {k: v for k, v in got.items() if k != "AIGC"} != expected:
        raise InputError(
            f"{path}: cannot replace the AIGC entry of this front matter without rewriting other keys; "
            "move AIGC to its own top-level block and label again / 无法在不改动其他字段的情况下替换前置元数据中的 AIGC 项"
        )
    return front


class MarkdownHandler(FormatHandler):
    name = "markdown"
    extensions = (".md", ".markdown")
    description = "Markdown: AIGC mapping in the YAML front matter"

    def read_raw(self, path: Path) -> str | None:
        data, _ = _split(path)
        if "AIGC" not in data:
            return None
        value = data["AIGC"]
        return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)

    def write_raw(self, path: Path, json_text: str) -> None:
        doc = _parse(path)
        front = _new_front(path, doc, json_text)
        if doc.front is None:
            nl = "\r\n" if "\r\n" in doc.text[:200] else "\n"
            text = f"---{nl}{front}{nl}---{nl}{doc.text}"
        else:
            a, b = doc.front_span
            text = doc.text[:a] + front + doc.text[b:] if doc.front else doc.text[:a] + front + "\n" + doc.text[b:]
        with atomic_output(path) as tmp:
            tmp.write_bytes((doc.bom + text).encode("utf-8"))

    def content_digest(self, path: Path) -> str:
        data, body = _split(path)
        data.pop("AIGC", None)
        meta = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
        return sha256_parts(b"markdown", meta.encode("utf-8"), body.encode("utf-8"))
