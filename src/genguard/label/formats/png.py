"""PNG: XMP packet in the iTXt chunk ``XML:com.adobe.xmp``, written with Pillow's PngInfo.

Pillow re-encodes the image data losslessly when saving, so the content digest is taken over
the decoded pixels (mode, size, palette, pixel bytes), not the compressed chunks.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from genguard.errors import InputError
from genguard.label import xmp
from genguard.label.formats.base import FormatHandler, atomic_output, corrupted, sha256_parts

XMP_KEY = "XML:com.adobe.xmp"


def _open(path: Path) -> Any:
    from PIL import Image

    try:
        im = Image.open(path)
        im.load()
    except Exception as exc:
        raise corrupted(path, "PNG", exc) from None
    if im.format != "PNG":
        raise InputError(f"{path}: Pillow reads it as {im.format}, not PNG")
    return im


class PngHandler(FormatHandler):
    name = "png"
    extensions = (".png",)
    description = "PNG image: XMP (TC260 namespace) in iTXt XML:com.adobe.xmp"

    def sniff(self, head: bytes) -> bool:
        return head.startswith(b"\x89PNG\r\n\x1a\n")

    def read_raw(self, path: Path) -> str | None:
        im = _open(path)
        packet = im.text.get(XMP_KEY) or im.info.get("xmp")
        return xmp.get_aigc(packet)

    def write_raw(self, path: Path, json_text: str) -> None:
        from PIL import PngImagePlugin

        im = _open(path)
        if getattr(im, "is_animated", False):
            raise InputError(f"{path}: animated PNG (APNG) is not supported for labelling")
        info = PngImagePlugin.PngInfo()
        for key, value in im.text.items():
            if key == XMP_KEY:
                continue
            if isinstance(value, PngImagePlugin.iTXt):
                info.add_itxt(key, value, value.lang or "", value.tkey or "")
            else:
                info.add_text(key, value)
        info.add_itxt(XMP_KEY, xmp.set_aigc(im.text.get(XMP_KEY) or im.info.get("xmp"), json_text))
        kwargs: dict[str, Any] = {"pnginfo": info}
        for key in ("icc_profile", "dpi", "transparency", "exif"):
            if im.info.get(key) is not None:
                kwargs[key] = im.info[key]
        with atomic_output(path) as tmp:
            im.save(tmp, format="PNG", **kwargs)

    def content_digest(self, path: Path) -> str:
        im = _open(path)
        palette = bytes(im.getpalette() or []) if im.mode in ("P", "PA") else b""
        return sha256_parts(b"png-pixels", im.mode.encode(), repr(im.size).encode(), palette, im.tobytes())
