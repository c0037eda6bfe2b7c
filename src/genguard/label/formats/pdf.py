"""PDF: the label in the document information dictionary (``/AIGC``) and in the XMP metadata
stream (``TC260:AIGC``), both written with pypdf.

Both copies carry the same JSON; a file whose two copies disagree is reported, since that
means one of them was edited.

The content digest covers, for each page in order: its decoded content streams, its media box
and rotation, and everything its resources reach (image and form XObjects with their decoded
data, fonts and embedded font files, colour spaces, patterns, shadings, graphics states),
walked recursively in a canonical form that does not depend on object numbers or on how
streams are compressed, since pypdf's clone-and-save renumbers objects. Not covered: the
document catalogue and metadata (where the label lives), outlines, annotations and form
fields, attachments and JavaScript.
"""

from __future__ import annotations

import hashlib
from pathlib import Path
from typing import Any

from genguard.errors import InputError
from genguard.label import xmp
from genguard.label.formats.base import FormatHandler, LegacyDigest, atomic_output, corrupted, sha256_parts

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


# Stream-dictionary keys that describe the encoding, not the content (decoded data is hashed).
_ENCODING_KEYS = {"/Length", "/Filter", "/DecodeParms", "/DL"}


def _inherited(page: Any, key: str) -> Any:
    """A page attribute, looked up through /Parent like a PDF viewer does (Resources, Rotate)."""
    node, hops = page, 0
    while node is not None and hops < 64:
        if key in node:
            return node[key].get_object() if hasattr(node[key], "get_object") else node[key]
        parent = node.get("/Parent")
        node = parent.get_object() if parent is not None else None
        hops += 1
    return None


def _canonical(obj: Any, h: Any, memo: dict[tuple[int, int], bytes], stack: set[tuple[int, int]]) -> None:
    """Feed ``obj`` and everything it references into ``h`` in a form independent of object
    numbers and stream compression. Each referenced object is hashed once (fonts and images
    shared by many pages are not re-read per page); a reference back into an object being
    hashed is written as a cycle marker."""
    from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, StreamObject

    if isinstance(obj, IndirectObject):
        ref = (obj.idnum, obj.generation)
        if ref not in memo:
            if ref in stack:
                h.update(b"cycle;")
                return
            sub = hashlib.sha256()
            _canonical(obj.get_object(), sub, memo, stack | {ref})
            memo[ref] = sub.digest()
        h.update(b"R" + memo[ref])
        return
    if isinstance(obj, StreamObject):
        h.update(b"S{")
        _canonical(DictionaryObject({k: v for k, v in obj.items() if k not in _ENCODING_KEYS}), h, memo, stack)
        data = obj.get_data()
        h.update(b"%d:" % len(data) + data + b"}")
    elif isinstance(obj, DictionaryObject):
        h.update(b"D{")
        for k in sorted(obj.keys()):
            if k == "/Parent":  # points back up the page tree, which is hashed page by page
                continue
            h.update(k.encode("utf-8", "replace") + b"=")
            _canonical(obj.raw_get(k), h, memo, stack)
        h.update(b"}")
    elif isinstance(obj, ArrayObject):
        h.update(b"A[")
        for item in obj:
            _canonical(item, h, memo, stack)
        h.update(b"]")
    else:
        text = repr(obj).encode("utf-8", "replace")
        h.update(b"%s%d:" % (type(obj).__name__.encode(), len(text)) + text)


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

    def legacy_digests(self, path: Path) -> list[LegacyDigest]:
        """Earlier releases hashed only the pages' content streams and media boxes."""
        reader = _reader(path)
        parts: list[bytes] = [b"pdf-pages", str(len(reader.pages)).encode()]
        try:
            for page in reader.pages:
                contents = page.get_contents()
                parts.append(contents.get_data() if contents is not None else b"")
                parts.append(repr([float(x) for x in page.mediabox]).encode())
        except Exception as exc:
            raise corrupted(path, "PDF", exc) from None
        covered = "page content streams and media boxes only; images, fonts and other page resources not covered"
        return [LegacyDigest(sha256_parts(*parts), covered, False)]

    def content_digest(self, path: Path) -> str:
        reader = _reader(path)
        parts: list[bytes] = [b"pdf-pages-v2", str(len(reader.pages)).encode()]
        memo: dict[tuple[int, int], bytes] = {}
        try:
            for page in reader.pages:
                contents = page.get_contents()
                parts.append(contents.get_data() if contents is not None else b"")
                parts.append(repr([float(x) for x in page.mediabox]).encode())
                parts.append(str(int(_inherited(page, "/Rotate") or 0)).encode())
                h = hashlib.sha256()
                _canonical(_inherited(page, "/Resources"), h, memo, set())
                parts.append(h.digest())
        except Exception as exc:
            raise corrupted(path, "PDF", exc) from None
        return sha256_parts(*parts)
