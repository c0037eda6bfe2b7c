"""MP3: ID3v2 user text frame ``TXXX:AIGC``, written with mutagen.

The content digest covers the audio stream after the ID3v2 tag (mutagen reports the tag
size), so rewriting the tag does not change it.

The tag is saved in the ID3v2 version the file had (v2.3 stays v2.3 with its TYER/TDAT frames;
mutagen cannot write v2.2, which becomes v2.3, the closest version; untagged files get v2.4), on
a copy that then replaces the file (through a symlink to its target), so an interrupted write
never leaves a half-written file.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from genguard.errors import InputError
from genguard.label.formats.base import FormatHandler, atomic_output, corrupted, sha256_parts

DESC = "AIGC"


def _check_audio(path: Path) -> None:
    from mutagen.mp3 import MP3

    try:
        MP3(path)
    except Exception as exc:
        raise corrupted(path, "MP3", exc) from None


def _tags(path: Path, v2_version: int = 4) -> Any | None:
    """The ID3v2 tag with frames translated to ``v2_version`` (3 keeps TYER/TDAT, 4 uses TDRC)."""
    from mutagen.id3 import ID3, ID3NoHeaderError

    try:
        return ID3(path, v2_version=v2_version)
    except ID3NoHeaderError:
        return None
    except Exception as exc:
        raise corrupted(path, "MP3 (ID3 tag)", exc) from None


class Mp3Handler(FormatHandler):
    name = "mp3"
    extensions = (".mp3",)
    description = "MP3 audio: ID3v2 TXXX frame with description AIGC"

    def sniff(self, head: bytes) -> bool:
        return head.startswith(b"ID3") or (len(head) > 1 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0)

    def read_raw(self, path: Path) -> str | None:
        _check_audio(path)
        tags = _tags(path)
        if tags is None:
            return None
        frames = tags.getall(f"TXXX:{DESC}")
        if not frames:
            return None
        texts = [t for f in frames for t in f.text]
        if len(texts) != 1:
            raise InputError(f"{path}: carries {len(texts)} AIGC values; GB 45438 allows exactly one per file")
        return str(texts[0])

    def write_raw(self, path: Path, json_text: str) -> None:
        from mutagen.id3 import ID3, TXXX

        _check_audio(path)
        tags = _tags(path)
        version = 4 if tags is None or tags.version >= (2, 4, 0) else 3
        if version == 3:
            tags = _tags(path, v2_version=3)
        tags = tags or ID3()
        tags.delall(f"TXXX:{DESC}")
        # v2.3 has no UTF-8 text encoding; mutagen writes UTF-16 there (encoding 1)
        tags.add(TXXX(encoding=3 if version == 4 else 1, desc=DESC, text=[json_text]))
        with atomic_output(path) as tmp:
            tmp.write_bytes(path.read_bytes())
            try:
                tags.save(tmp, v2_version=version)
            except Exception as exc:
                raise corrupted(path, "MP3", exc) from None
            _check_audio(tmp)

    def content_digest(self, path: Path) -> str:
        tags = _tags(path)
        data = path.read_bytes()
        start = int(tags.size) if tags is not None else 0
        audio = data[start:]
        if audio[-128:-125] == b"TAG":  # ID3v1 trailer is metadata too
            audio = audio[:-128]
        return sha256_parts(b"mp3-audio", audio)
