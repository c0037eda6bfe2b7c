"""Implicit labels in files: pick the format handler, read/write the single AIGC object.

Every public function here goes through the same handler interface, so the CLI, the gateway
and tests treat PNG, JPEG, PDF, Office, MP3, MP4, HTML, Markdown and plain text alike.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from pathlib import Path

from genguard.errors import InputError
from genguard.label.fields import AIGCLabel
from genguard.label.formats.base import FormatHandler, LegacyDigest
from genguard.label.formats.html import HtmlHandler
from genguard.label.formats.jpeg import JpegHandler
from genguard.label.formats.markdown import MarkdownHandler
from genguard.label.formats.mp3 import Mp3Handler
from genguard.label.formats.mp4 import Mp4Handler
from genguard.label.formats.ooxml import OoxmlHandler
from genguard.label.formats.pdf import PdfHandler
from genguard.label.formats.png import PngHandler
from genguard.label.formats.sidecar import SidecarHandler

HANDLERS: dict[str, FormatHandler] = {
    h.name: h
    for h in (
        PngHandler(),
        JpegHandler(),
        PdfHandler(),
        OoxmlHandler(),
        Mp3Handler(),
        Mp4Handler(),
        HtmlHandler(),
        MarkdownHandler(),
        SidecarHandler(),
    )
}


def handler_for(path: Path | str, fmt: str | None = None) -> FormatHandler:
    """The handler for ``path`` (by ``fmt`` name or by extension), after checking the file's magic bytes."""
    path = Path(path)
    if path.is_dir():  # else it read as a file of an unsupported type "(no extension)"
        raise InputError(f"{path}: is a directory; give a file / 这是目录，请给出文件")
    if fmt:
        handler = HANDLERS.get(fmt)
        if handler is None:
            raise InputError(f"unknown label format {fmt!r}; known: {', '.join(HANDLERS)}")
    else:
        suffix = path.suffix.lower()
        found = [h for h in HANDLERS.values() if suffix in h.extensions]
        if not found:
            known = sorted(e for h in HANDLERS.values() for e in h.extensions)
            raise InputError(
                f"{path}: unsupported file type {suffix or '(no extension)'!r}; supported: {' '.join(known)} "
                "(or pass --format sidecar to label any file through FILE.aigc.json)"
            )
        handler = found[0]
    handler.check(path)
    return handler


@contextlib.contextmanager
def naming(path: Path) -> Iterator[None]:
    """Prefix ``path`` to any InputError raised inside that does not name it yet.

    The project promises one-line errors naming the file; messages built deep down (label
    field checks, XMP parsing) do not know which file they are about.
    """
    try:
        yield
    except InputError as exc:
        if str(exc).startswith(f"{path}"):
            raise
        raise type(exc)(f"{path}: {exc}") from None


def read_label(path: Path | str, fmt: str | None = None) -> AIGCLabel | None:
    """The file's AIGC label, or None when it has none."""
    path = Path(path)
    with naming(path):
        raw = handler_for(path, fmt).read_raw(path)
        return None if raw is None else AIGCLabel.from_obj(raw, where=f"{path}: AIGC label")


def write_label(path: Path | str, label: AIGCLabel, fmt: str | None = None) -> None:
    """Make ``label`` the file's only AIGC label (an existing one is replaced, never duplicated)."""
    path = Path(path)
    with naming(path):
        handler_for(path, fmt).write_raw(path, label.to_json())


def content_digest(path: Path | str, fmt: str | None = None) -> str:
    path = Path(path)
    with naming(path):
        return handler_for(path, fmt).content_digest(path)


def legacy_digests(path: Path | str, fmt: str | None = None) -> list[LegacyDigest]:
    """Content digests earlier releases signed for this file (see :class:`LegacyDigest`)."""
    path = Path(path)
    with naming(path):
        return handler_for(path, fmt).legacy_digests(path)


def formats_table() -> list[tuple[str, str, str]]:
    return [(h.name, " ".join(h.extensions), h.description) for h in HANDLERS.values()]
