"""PDF: the label in the document information dictionary (``/AIGC``) and in the XMP metadata
stream (``TC260:AIGC``), both written with pypdf.

Both copies carry the same JSON; a file whose two copies disagree is reported, since that
means one of them was edited. The content digest covers each page's decoded content stream
and media box, which pypdf's clone-and-save keeps unchanged.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from genguard.errors import InputError
from genguard.label import xmp
from genguard.label.formats.base import FormatHandler, atomic_output, corrupted, sha256_parts

INFO_KEY = "/AIGC"


def _reader(path: Path) -> Any:
    from pypdf import PdfReader

    try:
        reader = PdfReader(path, strict=False)
        if reader.is_encrypted:
            raise InputError(f"{path}: encrypted PDF; decrypt it before labelling")
        _ = len(reader.pages)
    except InputError:
        raise
    except Exception as exc:
        raise corrupted(path, "PDF", exc) from None
    return reader


def _xmp_bytes(reader: Any) -> bytes | None:
    try:
        meta = reader.trailer["/Root"].get("/Metadata")
        return meta.get_object().get_data() if meta is not None else None
    except Exception:
        return None


class PdfHandler(FormatHandler):
    name = "pdf"
    extensions = (".pdf",)
    description = "PDF: document information /AIGC and XMP TC260:AIGC"

    def sniff(self, head: bytes) -> bool:
        return head.lstrip()[:5] == b"%PDF-"

    def read_raw(self, path: Path) -> str | None:
        reader = _reader(path)
        info = reader.metadata or {}
        from_info = info.get(INFO_KEY)
        from_xmp = xmp.get_aigc(_xmp_bytes(reader))
        if from_info is not None and from_xmp is not None and str(from_info) != from_xmp:
            raise InputError(f"{path}: the document-info and XMP AIGC labels differ (one was edited)")
        value = from_xmp if from_xmp is not None else from_info
        return None if value is None else str(value)

    def write_raw(self, path: Path, json_text: str) -> None:
        from pypdf import PdfWriter

        reader = _reader(path)
        try:
            writer = PdfWriter(clone_from=reader)
            writer.add_metadata({INFO_KEY: json_text})
            writer.xmp_metadata = xmp.set_aigc(_xmp_bytes(reader), json_text).encode("utf-8")
        except InputError:
            raise
        except Exception as exc:
            raise corrupted(path, "PDF", exc) from None
        with atomic_output(path) as tmp:
            with tmp.open("wb") as fh:
                writer.write(fh)
            _reader(tmp)

    def content_digest(self, path: Path) -> str:
        reader = _reader(path)
        parts: list[bytes] = [b"pdf-pages", str(len(reader.pages)).encode()]
        try:
            for page in reader.pages:
                contents = page.get_contents()
                parts.append(contents.get_data() if contents is not None else b"")
                parts.append(repr([float(x) for x in page.mediabox]).encode())
        except Exception as exc:
            raise corrupted(path, "PDF", exc) from None
        return sha256_parts(*parts)
