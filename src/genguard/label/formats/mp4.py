"""MP4 / M4A: iTunes-style freeform metadata atom ``----:cn.org.tc260:AIGC`` (moov/udta/meta/ilst),
written with mutagen.

The content digest covers the media data (every top-level ``mdat`` payload), which mutagen
never moves when it rewrites the metadata (it fixes chunk offsets instead).

mutagen saves in place, so it works on a copy that then replaces the file (through a symlink,
its target): an interrupted write never leaves a half-written file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from genguard.errors import InputError
from genguard.label.formats.base import FormatHandler, atomic_output, corrupted, sha256_parts

KEY = "----:cn.org.tc260:AIGC"


def _open(path: Path) -> Any:
    from mutagen.mp4 import MP4

    try:
        return MP4(path)
    except Exception as exc:
        raise corrupted(path, "MP4", exc) from None


class Mp4Handler(FormatHandler):
    name = "mp4"
    extensions = (".mp4", ".m4a", ".m4v", ".mov")
    description = "MP4 video/audio: freeform atom ----:cn.org.tc260:AIGC"

    def sniff(self, head: bytes) -> bool:
        return head[4:8] in (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip")

    def read_raw(self, path: Path) -> str | None:
        mp4 = _open(path)
        values = (mp4.tags or {}).get(KEY) or []
        if not values:
            return None
        if len(values) != 1:
            raise InputError(f"{path}: carries {len(values)} AIGC values; GB 45438 allows exactly one per file")
        return bytes(values[0]).decode("utf-8")

    def write_raw(self, path: Path, json_text: str) -> None:
        from mutagen.mp4 import MP4FreeForm

        _open(path)
        with atomic_output(path) as tmp:
            tmp.write_bytes(path.read_bytes())
            mp4 = _open(tmp)
            if mp4.tags is None:
                mp4.add_tags()
            mp4.tags[KEY] = [MP4FreeForm(json_text.encode("utf-8"))]
            try:
                mp4.save()
            except Exception as exc:
                raise corrupted(path, "MP4", exc) from None
            _open(tmp)

    def content_digest(self, path: Path) -> str:
        from mutagen.mp4 import Atoms

        parts = [b"mp4-mdat"]
        try:
            with path.open("rb") as fh:
                atoms = Atoms(fh)
                for atom in atoms.atoms:
                    if atom.name == b"mdat":
                        ok, data = atom.read(fh)
                        if not ok:
                            raise InputError(f"{path}: truncated mdat box")
                        parts.append(data)
        except InputError:
            raise
        except Exception as exc:
            raise corrupted(path, "MP4", exc) from None
        return sha256_parts(*parts)
