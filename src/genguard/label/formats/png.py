"""PNG: XMP packet in the iTXt chunk ``XML:com.adobe.xmp``, spliced into the chunk stream.

The file is never re-encoded: labelling replaces (or inserts, before the first IDAT) one iTXt
chunk and copies every other chunk byte for byte, so bit depth, colour chunks (gAMA, cHRM,
iCCP...), text chunks and the compressed image data stay exactly as they were. Re-saving
through Pillow would reduce 16-bit images to 8 bits and drop chunks it does not know.

The content digest covers the image as stored: every chunk except the metadata ones
(tEXt/zTXt/iTXt, tIME and C2PA's caBX), with the IDAT payloads joined into one stream, so
a C2PA manifest added after labelling does not count as a content change, while any change
to the compressed pixels or to how they are decoded (IHDR, PLTE, tRNS, gAMA...) does.

A PNG that already carries a C2PA manifest is refused: the manifest's hash covers the bytes
around it, so inserting a chunk would invalidate it (label first, then C2PA-sign).
"""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from pathlib import Path

from genguard.errors import InputError
from genguard.label import xmp
from genguard.label.formats.base import (
    FormatHandler,
    LegacyDigest,
    atomic_output,
    c2pa_refusal,
    check_pillow,
    corrupted,
    sha256_parts,
)

SIGNATURE = b"\x89PNG\r\n\x1a\n"
XMP_KEY = b"XML:com.adobe.xmp"
METADATA_CHUNKS = {b"tEXt", b"zTXt", b"iTXt", b"tIME", b"caBX"}
C2PA_CHUNK = b"caBX"


@dataclass(frozen=True)
class Chunk:
    kind: bytes
    data: bytes
    raw: bytes  # length + type + data + CRC, exactly as in the file


def _chunks(path: Path, data: bytes) -> list[Chunk]:
    """Every chunk up to IEND; raises a one-line InputError on a truncated or corrupted file."""
    if not data.startswith(SIGNATURE):
        raise InputError(f"{path}: not a PNG file (no PNG signature)")
    out: list[Chunk] = []
    pos = len(SIGNATURE)
    while True:
        if pos + 12 > len(data):
            raise InputError(f"{path}: corrupted or truncated PNG (no IEND chunk)")
        (length,) = struct.unpack(">I", data[pos : pos + 4])
        kind = data[pos + 4 : pos + 8]
        end = pos + 12 + length
        if end > len(data):
            raise InputError(f"{path}: corrupted or truncated PNG (chunk {kind!r} runs past the end of the file)")
        body = data[pos + 8 : pos + 8 + length]
        (crc,) = struct.unpack(">I", data[end - 4 : end])
        if zlib.crc32(kind + body) != crc:
            raise InputError(f"{path}: corrupted PNG (CRC mismatch in chunk {kind.decode('latin-1')!r})")
        out.append(Chunk(kind, body, data[pos:end]))
        pos = end
        if kind == b"IEND":
            break
    if not out or out[0].kind != b"IHDR":
        raise InputError(f"{path}: corrupted PNG (first chunk is not IHDR)")
    return out


def _xmp_text(path: Path, chunk: Chunk) -> str | None:
    """The XMP packet of an iTXt ``XML:com.adobe.xmp`` chunk, or None for any other chunk."""
    if chunk.kind != b"iTXt" or not chunk.data.startswith(XMP_KEY + b"\x00"):
        return None
    rest = chunk.data[len(XMP_KEY) + 1 :]
    if len(rest) < 2:
        raise InputError(f"{path}: corrupted PNG (truncated XMP iTXt chunk)")
    compressed, rest = rest[0], rest[2:]
    parts = rest.split(b"\x00", 2)  # language tag, translated keyword, text
    if len(parts) != 3:
        raise InputError(f"{path}: corrupted PNG (malformed XMP iTXt chunk)")
    text = parts[2]
    if compressed:
        try:
            text = zlib.decompress(text)
        except zlib.error as exc:
            raise InputError(f"{path}: corrupted PNG (XMP iTXt chunk does not decompress: {exc})") from None
    return text.decode("utf-8", errors="replace")


def _itxt(packet: str) -> bytes:
    body = XMP_KEY + b"\x00\x00\x00\x00\x00" + packet.encode("utf-8")
    return struct.pack(">I", len(body)) + b"iTXt" + body + struct.pack(">I", zlib.crc32(b"iTXt" + body))


class PngHandler(FormatHandler):
    name = "png"
    extensions = (".png",)
    description = "PNG image: XMP (TC260 namespace) in iTXt XML:com.adobe.xmp"

    def sniff(self, head: bytes) -> bool:
        return head.startswith(SIGNATURE)

    def _packets(self, path: Path) -> list[str]:
        chunks = _chunks(path, path.read_bytes())
        return [p for p in (_xmp_text(path, c) for c in chunks) if p is not None]

    def read_raw(self, path: Path) -> str | None:
        values = [v for v in (xmp.get_aigc(p, where=path) for p in self._packets(path)) if v is not None]
        if len(values) > 1:
            raise InputError(f"{path}: carries {len(values)} AIGC labels; GB 45438 allows exactly one per file")
        return values[0] if values else None

    def write_raw(self, path: Path, json_text: str) -> None:
        check_pillow(path, "PNG")
        chunks = _chunks(path, path.read_bytes())
        if any(c.kind == C2PA_CHUNK for c in chunks):
            raise c2pa_refusal(path)
        old = [(i, p) for i, p in ((i, _xmp_text(path, c)) for i, c in enumerate(chunks)) if p is not None]
        new = _itxt(xmp.set_aigc(old[0][1] if old else None, json_text, where=path))
        at = old[0][0] if old else next(i for i, c in enumerate(chunks) if c.kind in (b"IDAT", b"IEND"))
        drop = {i for i, _ in old}
        raws = [c.raw for i, c in enumerate(chunks) if i not in drop]
        raws.insert(at - sum(1 for i in drop if i < at), new)
        with atomic_output(path) as tmp:
            tmp.write_bytes(SIGNATURE + b"".join(raws))
            check_pillow(tmp, "PNG")

    def legacy_digests(self, path: Path) -> list[LegacyDigest]:
        """Releases before the chunk splice hashed Pillow's decoded pixels (8 bits per channel)."""
        from PIL import Image

        try:
            with Image.open(path) as im:
                im.load()
                palette = bytes(im.getpalette() or []) if im.mode in ("P", "PA") else b""
                digest = sha256_parts(b"png-pixels", im.mode.encode(), repr(im.size).encode(), palette, im.tobytes())
        except Exception as exc:
            raise corrupted(path, "PNG", exc) from None
        return [LegacyDigest(digest, "decoded pixels as Pillow reads them; colour chunks such as gAMA not covered", True)]

    def content_digest(self, path: Path) -> str:
        chunks = _chunks(path, path.read_bytes())
        parts: list[bytes] = [b"png-chunks"]
        idat = b"".join(c.data for c in chunks if c.kind == b"IDAT")
        for c in chunks:
            if c.kind in METADATA_CHUNKS:
                continue
            if c.kind == b"IDAT":
                if idat:
                    parts += [b"IDAT", idat]
                    idat = b""
                continue
            parts += [c.kind, c.data]
        return sha256_parts(*parts)
