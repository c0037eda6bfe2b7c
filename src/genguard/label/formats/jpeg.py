"""JPEG: XMP packet in an APP1 segment (``http://ns.adobe.com/xap/1.0/``).

Pillow can only write XMP into a JPEG by re-encoding it (lossy), so the APP1 segment is
spliced into the marker stream before the scan data instead: only the metadata segment
changes, the compressed image stays byte-identical. Pillow still opens and decodes the file
before and after (checked in ``write_raw``).

The content digest covers every byte except metadata segments that provenance and asset tools
add or rewrite without touching the image: XMP (APP1, standard and extended), JUMBF (APP11,
where C2PA manifests live), Photoshop/IPTC (APP13) and comments (COM). Segments that change
how the image decodes or displays (quantisation and Huffman tables, frame header, Exif with
its orientation, ICC profile in APP2, Adobe APP14) and the scan data are covered.

A JPEG that already carries a C2PA manifest is refused: its data hash covers the bytes around
the manifest, so a new XMP segment would invalidate it (label first, then C2PA-sign).
"""

from __future__ import annotations

import struct
from pathlib import Path

from genguard.errors import InputError
from genguard.label import xmp
from genguard.label.formats.base import (
    FormatHandler,
    LegacyDigest,
    atomic_output,
    c2pa_refusal,
    check_pillow,
    sha256_parts,
)

XMP_SIG = b"http://ns.adobe.com/xap/1.0/\x00"
XMP_EXT_SIG = b"http://ns.adobe.com/xmp/extension/\x00"
APP11, APP13, COM = 0xEB, 0xED, 0xFE
_STANDALONE = {0x01, *range(0xD0, 0xD8)}


def _segments(path: Path, data: bytes) -> tuple[list[tuple[int, bytes]], int]:
    """Header segments as (marker, full bytes) up to SOS, and the offset where SOS starts."""
    if not data.startswith(b"\xff\xd8"):
        raise InputError(f"{path}: not a JPEG file (no SOI marker)")
    segs: list[tuple[int, bytes]] = []
    pos = 2
    while pos < len(data):
        if data[pos] != 0xFF:
            raise InputError(f"{path}: corrupted JPEG (expected a marker at byte {pos})")
        while pos < len(data) and data[pos] == 0xFF:
            pos += 1
        if pos >= len(data):
            break
        marker = data[pos]
        start = pos - 1
        pos += 1
        if marker == 0xDA:  # SOS: the rest is scan data
            return segs, start
        if marker in _STANDALONE:
            segs.append((marker, data[start:pos]))
            continue
        if pos + 2 > len(data):
            break
        (length,) = struct.unpack(">H", data[pos : pos + 2])
        end = pos + length
        if length < 2 or end > len(data):
            raise InputError(f"{path}: corrupted JPEG (segment 0x{marker:02X} runs past the end of the file)")
        segs.append((marker, data[start:end]))
        pos = end
    raise InputError(f"{path}: corrupted or truncated JPEG (no image scan found)")


def _is_xmp(marker: int, seg: bytes) -> bool:
    return marker == 0xE1 and seg[4 : 4 + len(XMP_SIG)] == XMP_SIG


def _is_metadata(marker: int, seg: bytes) -> bool:
    """Segments left out of the content digest (see the module docstring for why these)."""
    if marker == 0xE1:
        return seg[4 : 4 + len(XMP_SIG)] == XMP_SIG or seg[4 : 4 + len(XMP_EXT_SIG)] == XMP_EXT_SIG
    return marker in (APP11, APP13, COM)


def _is_c2pa(marker: int, seg: bytes) -> bool:
    """An APP11 JUMBF segment of a C2PA manifest store (``JP`` common identifier, ``c2pa`` label)."""
    return marker == APP11 and seg[4:6] == b"JP" and b"c2pa" in seg[:256]


class JpegHandler(FormatHandler):
    name = "jpeg"
    extensions = (".jpg", ".jpeg")
    description = "JPEG image: XMP (TC260 namespace) in an APP1 segment"

    def sniff(self, head: bytes) -> bool:
        return head.startswith(b"\xff\xd8\xff")

    def _xmp_packets(self, path: Path) -> list[bytes]:
        data = path.read_bytes()
        segs, _ = _segments(path, data)
        return [seg[4 + len(XMP_SIG) :] for m, seg in segs if _is_xmp(m, seg)]

    def read_raw(self, path: Path) -> str | None:
        values = [v for v in (xmp.get_aigc(p, where=path) for p in self._xmp_packets(path)) if v is not None]
        if len(values) > 1:
            raise InputError(f"{path}: carries {len(values)} AIGC labels; GB 45438 allows exactly one per file")
        return values[0] if values else None

    def write_raw(self, path: Path, json_text: str) -> None:
        check_pillow(path, "JPEG")
        data = path.read_bytes()
        segs, sos = _segments(path, data)
        if any(_is_c2pa(m, seg) for m, seg in segs):
            raise c2pa_refusal(path)
        old = [seg[4 + len(XMP_SIG) :] for m, seg in segs if _is_xmp(m, seg)]
        packet = xmp.set_aigc(old[0] if old else None, json_text, where=path).encode("utf-8")
        payload = XMP_SIG + packet
        if len(payload) + 2 > 0xFFFF:
            raise InputError(f"{path}: XMP packet would exceed the 64 KiB JPEG segment limit")
        new_seg = b"\xff\xe1" + struct.pack(">H", len(payload) + 2) + payload
        kept = [(m, s) for m, s in segs if not _is_xmp(m, s)]
        # after APP0 (JFIF) / APP1 (Exif) at the front, as XMP readers expect
        insert_at = 0
        while insert_at < len(kept) and kept[insert_at][0] in (0xE0, 0xE1):
            insert_at += 1
        kept.insert(insert_at, (0xE1, new_seg))
        out = b"\xff\xd8" + b"".join(s for _, s in kept) + data[sos:]
        with atomic_output(path) as tmp:
            tmp.write_bytes(out)
            check_pillow(tmp, "JPEG")

    def legacy_digests(self, path: Path) -> list[LegacyDigest]:
        """Earlier releases hashed every byte except XMP (metadata segments included)."""
        data = path.read_bytes()
        segs, sos = _segments(path, data)
        kept = b"".join(s for m, s in segs if not _is_xmp(m, s))
        digest = sha256_parts(b"jpeg-without-xmp", kept, data[sos:])
        return [LegacyDigest(digest, "every byte except XMP, metadata segments included", True)]

    def content_digest(self, path: Path) -> str:
        data = path.read_bytes()
        segs, sos = _segments(path, data)
        kept = b"".join(s for m, s in segs if not _is_metadata(m, s))
        return sha256_parts(b"jpeg-without-metadata", kept, data[sos:])
