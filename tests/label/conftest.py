"""Sample files of every labelled format, built in the test (no binary fixtures committed)."""

from __future__ import annotations

import struct
from collections.abc import Callable
from pathlib import Path

import pytest


def _png(path: Path) -> None:
    from PIL import Image, PngImagePlugin

    im = Image.new("RGB", (32, 24), (10, 120, 200))
    for x in range(32):
        im.putpixel((x, x % 24), (255, 0, 0))
    info = PngImagePlugin.PngInfo()
    info.add_text("Software", "genguard-test")
    im.save(path, pnginfo=info)


def _jpeg(path: Path) -> None:
    from PIL import Image

    im = Image.new("RGB", (40, 30), (200, 100, 50))
    for x in range(40):
        im.putpixel((x, x % 30), (0, 0, 255))
    im.save(path, quality=90)


def _pdf(path: Path) -> None:
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, NameObject

    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    stream = DecodedStreamObject()
    stream.set_data(b"BT /F1 12 Tf 20 100 Td (Hello AIGC) Tj ET")
    page[NameObject("/Contents")] = writer._add_object(stream)
    writer.add_metadata({"/Title": "sample"})
    with path.open("wb") as fh:
        writer.write(fh)


def _docx(path: Path) -> None:
    import docx

    d = docx.Document()
    d.add_paragraph("这是一段由模型生成的文字。")
    d.save(str(path))


def _xlsx(path: Path) -> None:
    import openpyxl

    wb = openpyxl.Workbook()
    ws = wb.active
    ws["A1"] = "generated"
    ws["B2"] = 42
    wb.save(path)


def _pptx(path: Path) -> None:
    import pptx

    prs = pptx.Presentation()
    slide = prs.slides.add_slide(prs.slide_layouts[1])
    slide.shapes.title.text = "AI slide"
    prs.save(str(path))


def _mp3(path: Path) -> None:
    # MPEG-1 Layer III, 128 kbit/s, 44.1 kHz, no padding: 417-byte frames (silent payload).
    header = bytes([0xFF, 0xFB, 0x90, 0x64])
    frame = header + bytes(417 - 4)
    body = b"".join(frame[:4] + bytes([i % 7]) + frame[5:] for i in range(40))
    path.write_bytes(body)


def _box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def _mp4(path: Path) -> None:
    mvhd = struct.pack(">I", 0) + struct.pack(">IIII", 0, 0, 1000, 5000) + struct.pack(">IH", 0x00010000, 0x0100)
    mvhd += bytes(10) + struct.pack(">9I", 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000)
    mvhd += bytes(24) + struct.pack(">I", 2)
    ftyp = _box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2mp41")
    moov = _box(b"moov", _box(b"mvhd", mvhd))
    mdat = _box(b"mdat", bytes(range(256)) * 8)
    path.write_bytes(ftyp + moov + mdat)


def _html(path: Path) -> None:
    path.write_text(
        "<!doctype html>\n<html><head><title>t</title></head><body><p>模型输出 output</p></body></html>\n",
        encoding="utf-8",
    )


def _md(path: Path) -> None:
    path.write_text("---\ntitle: 春天\ntags: [poem]\n---\n# 春天\n\n春风拂面，花开满园。\n", encoding="utf-8")


def _txt(path: Path) -> None:
    path.write_text("plain generated text 纯文本\n", encoding="utf-8")


MAKERS: dict[str, Callable[[Path], None]] = {
    "png": _png,
    "jpg": _jpeg,
    "pdf": _pdf,
    "docx": _docx,
    "xlsx": _xlsx,
    "pptx": _pptx,
    "mp3": _mp3,
    "mp4": _mp4,
    "html": _html,
    "md": _md,
    "txt": _txt,
}


@pytest.fixture
def make_sample(tmp_path: Path) -> Callable[[str], Path]:
    def make(ext: str) -> Path:
        path = tmp_path / f"sample.{ext}"
        MAKERS[ext](path)
        return path

    return make
