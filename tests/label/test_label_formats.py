"""Round trip per format: write, read, re-write (still one label), propagate, tamper, verify."""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from genguard.errors import InputError
from genguard.label import implicit, integrity
from genguard.label.fields import AIGCLabel

FORMATS = ["png", "jpg", "pdf", "docx", "xlsx", "pptx", "mp3", "mp4", "html", "md", "txt"]


def _count_labels(path: Path) -> int:
    """Count label occurrences in the raw bytes (or sidecar): a file must carry exactly one."""
    data = path.read_bytes()
    if path.suffix in (".docx", ".xlsx", ".pptx"):
        with zipfile.ZipFile(path) as zf:
            data = zf.read("docProps/custom.xml")
        return len(re.findall(rb'name="AIGC"', data))
    if path.suffix == ".txt":
        data = path.with_name(path.name + ".aigc.json").read_bytes()
    return data.count(b"ContentProducer")


def _opens_normally(path: Path) -> None:
    """The file still opens in its usual library after labelling."""
    ext = path.suffix
    if ext in (".png", ".jpg"):
        from PIL import Image

        with Image.open(path) as im:
            im.load()
            assert im.size[0] > 0
    elif ext == ".pdf":
        from pypdf import PdfReader

        r = PdfReader(path)
        assert len(r.pages) == 1 and r.metadata is not None and r.metadata.get("/Title") == "sample"
    elif ext == ".docx":
        import docx

        assert "模型生成" in docx.Document(str(path)).paragraphs[0].text
    elif ext == ".xlsx":
        import openpyxl

        wb = openpyxl.load_workbook(path)
        assert wb.active["B2"].value == 42
        assert "AIGC" in [p.name for p in wb.custom_doc_props.props]
    elif ext == ".pptx":
        import pptx

        assert pptx.Presentation(str(path)).slides[0].shapes.title.text == "AI slide"
    elif ext == ".mp3":
        from mutagen.mp3 import MP3

        assert MP3(path).info.length > 0
    elif ext == ".mp4":
        from mutagen.mp4 import MP4

        assert MP4(path).info.length == pytest.approx(5.0)
    elif ext == ".html":
        from html.parser import HTMLParser

        HTMLParser().feed(path.read_text(encoding="utf-8"))
        assert "模型输出" in path.read_text(encoding="utf-8")
    elif ext == ".md":
        assert path.read_text(encoding="utf-8").rstrip().endswith("春风拂面，花开满园。")
        assert "title: 春天" in path.read_text(encoding="utf-8")


def _tamper_content(path: Path) -> None:
    ext = path.suffix
    if ext == ".png":
        from PIL import Image, PngImagePlugin

        with Image.open(path) as im:
            im.load()
            info = PngImagePlugin.PngInfo()
            for k, v in im.text.items():
                info.add_itxt(k, v)
            im.putpixel((1, 1), (1, 2, 3))
            im.save(path, pnginfo=info)
    elif ext in (".jpg", ".mp3", ".mp4"):
        data = bytearray(path.read_bytes())
        pos = len(data) - 40
        data[pos] ^= 0x55
        path.write_bytes(bytes(data))
    elif ext == ".pdf":
        from pypdf import PdfWriter

        w = PdfWriter(clone_from=str(path))
        w.add_blank_page(100, 100)
        with path.open("wb") as fh:
            w.write(fh)
    elif ext in (".docx", ".xlsx", ".pptx"):
        src = path.read_bytes()
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(src)
        with zipfile.ZipFile(tmp) as zin, zipfile.ZipFile(path, "w") as zout:
            for item in zin.infolist():
                data = zin.read(item.filename)
                if item.filename.startswith(("word/document", "xl/worksheets/sheet1", "ppt/slides/slide1")):
                    data = data.replace(b"</", b" </", 1)
                zout.writestr(item, data)
    else:
        path.write_text(path.read_text(encoding="utf-8").replace("output", "0utput").replace("春风", "秋风").replace(
            "plain", "plane"), encoding="utf-8")


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


@pytest.mark.parametrize("ext", FORMATS)
def test_round_trip_one_label_and_readers(ext: str, make_sample: Callable[[str], Path], key: Ed25519PrivateKey) -> None:
    path = make_sample(ext)
    assert implicit.read_label(path) is None
    assert integrity.verify_file(path, public_keys=[key.public_key()]).status == "absent"
    digest = implicit.content_digest(path)
    for i in range(3):
        written = integrity.sign_file(path, producer="genguard-test 生成方", key=key, produce_id=f"id-{i}")
    assert _count_labels(path) == 1
    assert implicit.content_digest(path) == digest
    got = implicit.read_label(path)
    assert got == written and got.ProduceID == "id-2" and got.ContentProducer == "genguard-test 生成方"
    _opens_normally(path)
    res = integrity.verify_file(path, public_keys=[key.public_key()])
    assert res.status == "present", res.reasons


@pytest.mark.parametrize("ext", FORMATS)
def test_propagator_keeps_producer(ext: str, make_sample: Callable[[str], Path], key: Ed25519PrivateKey) -> None:
    path = make_sample(ext)
    produced = integrity.sign_file(path, producer="maker", key=key, produce_id="p-1")
    platform_key = Ed25519PrivateKey.generate()
    integrity.propagate_file(path, propagator="平台", propagate_id="share-9", key=platform_key)
    integrity.propagate_file(path, propagator="平台", propagate_id="share-10", key=platform_key)
    got = implicit.read_label(path)
    assert got is not None
    assert got.producer_fields() == produced.producer_fields()
    assert got.ReservedCode1 == produced.ReservedCode1
    assert (got.ContentPropagator, got.PropagateID) == ("平台", "share-10")
    assert _count_labels(path) == 1
    res = integrity.verify_file(path, public_keys=[key.public_key(), platform_key.public_key()])
    assert res.status == "present", res.reasons
    assert res.propagator_signer and res.signer and res.signer != res.propagator_signer


@pytest.mark.parametrize("ext", FORMATS)
def test_tampered_content_detected(ext: str, make_sample: Callable[[str], Path], key: Ed25519PrivateKey) -> None:
    path = make_sample(ext)
    integrity.sign_file(path, producer="maker", key=key)
    _tamper_content(path)
    assert implicit.read_label(path) is not None
    res = integrity.verify_file(path, public_keys=[key.public_key()])
    assert res.status == "tampered"
    assert any("content changed" in r for r in res.reasons)


@pytest.mark.parametrize("ext", FORMATS)
def test_tampered_fields_detected(ext: str, make_sample: Callable[[str], Path], key: Ed25519PrivateKey) -> None:
    path = make_sample(ext)
    label = integrity.sign_file(path, producer="maker", key=key)
    forged = AIGCLabel(**{**label.to_dict(), "ContentProducer": "someone else"})
    implicit.write_label(path, forged)
    res = integrity.verify_file(path, public_keys=[key.public_key()])
    assert res.status == "tampered"
    assert any("fields changed" in r for r in res.reasons)


def test_unknown_key_and_unsigned(make_sample: Callable[[str], Path], key: Ed25519PrivateKey) -> None:
    path = make_sample("png")
    integrity.sign_file(path, producer="maker", key=key)
    other = Ed25519PrivateKey.generate()
    res = integrity.verify_file(path, public_keys=[other.public_key()])
    assert res.status == "unverified" and "not supplied" in res.reasons[0]
    integrity.sign_file(path, producer="maker", key=None)
    assert integrity.verify_file(path).status == "unverified"


def test_wrong_and_corrupted_files(tmp_path: Path, make_sample: Callable[[str], Path]) -> None:
    fake = tmp_path / "fake.png"
    fake.write_bytes(b"GIF89a not a png at all")
    with pytest.raises(InputError, match="not a PNG"):
        implicit.read_label(fake)
    jpg = make_sample("jpg")
    jpg.write_bytes(jpg.read_bytes()[:30])
    with pytest.raises(InputError, match="JPEG"):
        implicit.write_label(jpg, AIGCLabel(ContentProducer="x"))
    pdf = tmp_path / "broken.pdf"
    pdf.write_bytes(b"%PDF-1.7\n garbage without objects")
    with pytest.raises(InputError, match="PDF"):
        implicit.read_label(pdf)
    docx = tmp_path / "x.docx"
    docx.write_bytes(b"PK\x03\x04 truncated zip")
    with pytest.raises(InputError, match="DOCX"):
        implicit.read_label(docx)
    with pytest.raises(InputError, match="unsupported file type"):
        implicit.read_label(tmp_path / "x.bin")
    with pytest.raises(InputError, match="no such file"):
        implicit.read_label(tmp_path / "missing.png")
    html = tmp_path / "gbk.html"
    html.write_bytes("<html>中文</html>".encode("gbk"))
    with pytest.raises(InputError, match="UTF-8"):
        implicit.write_label(html, AIGCLabel(ContentProducer="x"))


def test_duplicate_labels_reported_as_tampered(make_sample: Callable[[str], Path]) -> None:
    path = make_sample("html")
    implicit.write_label(path, AIGCLabel(ContentProducer="a"))
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("<body>", '<body><meta name="AIGC" content="{}">'), encoding="utf-8")
    with pytest.raises(InputError, match="exactly one"):
        implicit.read_label(path)
    assert integrity.verify_file(path).status == "tampered"


def test_label_field_validation() -> None:
    assert AIGCLabel(Label="suspected").Label == "3"
    with pytest.raises(InputError, match="Label"):
        AIGCLabel(Label="maybe")
    extra = AIGCLabel.from_obj({"Label": "1", "Extra": "x"})  # another vendor's field: kept and reported
    assert extra.Label == "1" and extra.extra_fields() == {"Extra": "x"}
    with pytest.raises(InputError, match="JSON"):
        AIGCLabel.from_obj("{not json")
    lab = AIGCLabel.from_obj('{"AIGC": {"Label": "1", "ContentProducer": "p"}}')
    assert lab.ContentProducer == "p"
