"""Plain text (and any format without a metadata slot): a sidecar file ``FILE.aigc.json``.

The sidecar holds ``{"AIGC": {...}}``; the labelled file itself is untouched, so the content
digest is the SHA-256 of its bytes.
"""

from __future__ import annotations

import json
from pathlib import Path

from genguard.errors import InputError
from genguard.label.formats.base import FormatHandler, atomic_output, sha256_parts, write_target


def sidecar_path(path: Path) -> Path:
    """``FILE.aigc.json`` next to the file itself: a symlink's label belongs to (and sits next to)
    its target, so reading the target or any link to it finds the same label."""
    target = write_target(path)
    return target.with_name(target.name + ".aigc.json")


class SidecarHandler(FormatHandler):
    name = "sidecar"
    extensions = (".txt", ".text", ".csv", ".tsv", ".json", ".jsonl", ".log")
    description = "plain text: sidecar FILE.aigc.json"

    def read_raw(self, path: Path) -> str | None:
        side = sidecar_path(path)
        if not side.is_file():
            return None
        try:
            obj = json.loads(side.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise InputError(f"{side}: sidecar is not valid UTF-8 JSON: {exc}") from None
        if not isinstance(obj, dict) or not isinstance(obj.get("AIGC"), dict):
            raise InputError(f'{side}: sidecar must be a JSON object {{"AIGC": {{...}}}}')
        return json.dumps(obj["AIGC"], ensure_ascii=False)

    def write_raw(self, path: Path, json_text: str) -> None:
        side = sidecar_path(path)
        if not side.exists():
            side.touch()
        with atomic_output(side) as tmp:
            payload = {"AIGC": json.loads(json_text), "file": write_target(path).name}
            tmp.write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")

    def content_digest(self, path: Path) -> str:
        return sha256_parts(b"file-bytes", path.read_bytes())
