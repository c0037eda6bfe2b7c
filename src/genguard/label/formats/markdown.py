"""Markdown: key ``AIGC`` (a mapping of the label fields) in the YAML front matter.

Other front-matter keys are kept. The content digest covers the body and the other
front-matter keys (canonical JSON), not the AIGC key.
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

from genguard.errors import InputError
from genguard.label.formats.base import FormatHandler, atomic_output, sha256_parts

_FRONT = re.compile(r"\A---[ \t]*\r?\n(.*?)(?:\r?\n)?^---[ \t]*(?:\r?\n|\Z)", re.S | re.M)


def _split(path: Path) -> tuple[dict[str, Any], str]:
    import yaml

    try:
        text = path.read_bytes().decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: Markdown must be UTF-8 (byte {exc.start} is not)") from None
    m = _FRONT.match(text)
    if not m:
        return {}, text
    try:
        data = yaml.safe_load(m.group(1)) or {}
    except yaml.YAMLError as exc:
        raise InputError(f"{path}: front matter is not valid YAML: {exc}") from None
    if not isinstance(data, dict):
        raise InputError(f"{path}: front matter must be a YAML mapping")
    return data, text[m.end() :]


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
        import yaml

        data, body = _split(path)
        data.pop("AIGC", None)
        data["AIGC"] = json.loads(json_text)
        front = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=10_000)
        with atomic_output(path) as tmp:
            tmp.write_bytes(f"---\n{front}---\n{body}".encode())

    def content_digest(self, path: Path) -> str:
        data, body = _split(path)
        data.pop("AIGC", None)
        meta = json.dumps(data, sort_keys=True, ensure_ascii=False, default=str)
        return sha256_parts(b"markdown", meta.encode("utf-8"), body.encode("utf-8"))
