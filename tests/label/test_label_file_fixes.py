"""Per-format labelling pins from the QA report: nothing in the file is lost or re-encoded,
C2PA and our label coexist (or we refuse), the digests cover what they claim, symlinks and
ID3 versions are kept, and errors name the file."""

from __future__ import annotations

import struct
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from genguard.errors import InputError
from genguard.label import implicit, integrity
from genguard.label.fields import AIGCLabel

FORMATS = ["png", "jpg", "pdf", "docx", "xlsx", "pptx", "mp3", "mp4", "html", "md", "txt"]


@pytest.fixture
def key() -> Ed25519PrivateKey:
    return Ed25519PrivateKey.generate()


def _verify(path: Path, key: Ed25519PrivateKey) -> integrity.VerifyResult:
    return integrity.verify_file(path, public_keys=[key.public_key()])


# --- PNG (defect 3) ---------------------------------------------------------------------


def _chunk(kind: bytes, data: bytes) -> bytes:
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def _png_chunks(data: bytes) -> list[tuple[bytes, bytes]]:
    out, pos = [], 8
    while pos < len(data):
        (n,) = struct.unpack(">I", data[pos : pos + 4])
        out.append((data[pos + 4 : pos + 8], data[pos : pos + 12 + n]))
        pos += 12 + n
    return out


def _rgb48_png(path: Path) -> None:
    """A 16-bit-per-channel RGB PNG with gAMA, cHRM, tIME and tEXt chunks (Pillow cannot write one)."""
    w, h = 4, 3
    rows = b"".join(b"\x00" + b"".join(struct.pack(">HHH", x * 9000 + 1, y * 20000 + 3, 65535 - x) for x in range(w)) for y in range(h))
    path.write_bytes(
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, 2, 0, 0, 0))
        + _chunk(b"gAMA", struct.pack(">I", 45455))
        + _chunk(b"cHRM", struct.pack(">8I", 31270, 32900, 64000, 33000, 30000, 60000, 15000, 6000))
        + _chunk(b"tIME", struct.pack(">HBBBBB", 2026, 12, 3, 16, 40, 0))
        + _chunk(b"tEXt", b"Software\x00genguard-test")
        + _chunk(b"IDAT", zlib.compress(rows))
        + _chunk(b"IEND", b"")
    )


def test_png_label_is_spliced_not_reencoded(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = tmp_path / "rgb48.png"
    _rgb48_png(path)
    before = _png_chunks(path.read_bytes())
    digest = implicit.content_digest(path)
    integrity.sign_file(path, producer="ACME", key=key)
    integrity.sign_file(path, producer="ACME", key=key)  # replacing keeps one XMP chunk
    after = _png_chunks(path.read_bytes())
    assert [c for c in after if c[0] != b"iTXt"] == before  # every other chunk byte for byte
    assert [k for k, _ in after].count(b"iTXt") == 1
    assert after[0][1][16] == 16  # IHDR bit depth (first data byte after width, height) still 16
    assert implicit.content_digest(path) == digest
    assert _verify(path, key).status == "present"


def test_png_digest_covers_image_data_not_metadata(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = tmp_path / "rgb48.png"
    _rgb48_png(path)
    integrity.sign_file(path, producer="ACME", key=key)
    chunks = _png_chunks(path.read_bytes())
    # a metadata chunk added later (another tool's tEXt, a C2PA caBX) is not a content change
    extra = _chunk(b"tEXt", b"Comment\x00later") + _chunk(b"caBX", b"\x00" * 16)
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + chunks[0][1] + extra + b"".join(c for _, c in chunks[1:]))
    assert _verify(path, key).status == "present"
    # changing the gamma changes how the pixels look: content changed
    gama = next(i for i, (k, _) in enumerate(chunks) if k == b"gAMA")
    chunks[gama] = (b"gAMA", _chunk(b"gAMA", struct.pack(">I", 100000)))
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + b"".join(c for _, c in chunks))
    res = _verify(path, key)
    assert res.status == "tampered" and any("content changed" in r for r in res.reasons)


# --- JPEG metadata segments (defect 4) ----------------------------------------------------


def _insert_after_soi(path: Path, *segments: bytes) -> None:
    data = path.read_bytes()
    path.write_bytes(data[:2] + b"".join(segments) + data[2:])


def _segment(marker: int, payload: bytes) -> bytes:
    return bytes([0xFF, marker]) + struct.pack(">H", len(payload) + 2) + payload


def test_jpeg_digest_ignores_metadata_segments(make_sample: Callable[[str], Path], key: Ed25519PrivateKey) -> None:
    path = make_sample("jpg")
    integrity.sign_file(path, producer="ACME", key=key)
    _insert_after_soi(path, _segment(0xFE, b"a comment"), _segment(0xED, b"Photoshop 3.0\x00IPTC"))
    assert _verify(path, key).status == "present"
    data = bytearray(path.read_bytes())  # a changed quantisation table is a content change
    dqt = data.index(b"\xff\xdb")
    data[dqt + 6] ^= 0x01
    path.write_bytes(bytes(data))
    assert _verify(path, key).status == "tampered"


def test_jpeg_with_c2pa_segment_is_refused_unchanged(make_sample: Callable[[str], Path]) -> None:
    path = make_sample("jpg")
    _insert_after_soi(path, _segment(0xEB, b"JP\x02\x11\x00\x00\x00\x01\x00\x00\x00\x20jumb\x00\x00\x00\x18jumdc2pa"))
    original = path.read_bytes()
    with pytest.raises(InputError, match=r"sample\.jpg: carries a C2PA manifest.*C2PA"):
        implicit.write_label(path, AIGCLabel(ContentProducer="x"))
    assert path.read_bytes() == original


@pytest.mark.parametrize("ext", ["jpg", "png"])
def test_label_then_c2pa_both_verify(ext: str, make_sample: Callable[[str], Path], tmp_path: Path, key: Ed25519PrivateKey) -> None:
    pytest.importorskip("c2pa", reason="c2pa-python (optional extra 'c2pa') is not installed")
    from genguard.label.c2pa_sign import make_test_chain, sign_image, verify_image

    chain, signer, _ = make_test_chain(tmp_path / "pki")
    path = make_sample(ext)
    integrity.sign_file(path, producer="ACME", key=key)
    signed = tmp_path / f"signed.{ext}"
    sign_image(path, signed, chain.read_bytes(), signer.read_bytes())
    assert _verify(signed, key).status == "present"
    assert verify_image(signed).valid
    # the other order would silently break the C2PA data hash: refused, file untouched
    before = signed.read_bytes()
    with pytest.raises(InputError, match="C2PA"):
        integrity.sign_file(signed, producer="ACME", key=key)
    assert signed.read_bytes() == before and verify_image(signed).valid


# --- errors name the file (defect 14) -----------------------------------------------------


def _jpeg_with_xmp(path: Path, packet: bytes) -> None:
    _insert_after_soi(path, _segment(0xE1, b"http://ns.adobe.com/xap/1.0/\x00" + packet))


def test_malformed_xmp_repaired_or_named(make_sample: Callable[[str], Path], key: Ed25519PrivateKey) -> None:
    path = make_sample("jpg")
    packet = (
        '<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">'
        '<rdf:Description xmlns:dc="http://purl.org/dc/elements/1.1/"><dc:title>Tom & Jerry</dc:title>'
        "</rdf:Description></rdf:RDF></x:xmpmeta>"
    )
    _jpeg_with_xmp(path, packet.encode())
    integrity.sign_file(path, producer="ACME", key=key)
    assert b"<dc:title>Tom &amp; Jerry</dc:title>" in path.read_bytes()  # the user's metadata survives
    assert _verify(path, key).status == "present"

    broken = make_sample("jpg").with_name("broken.jpg")
    make_sample("jpg").rename(broken)
    _jpeg_with_xmp(broken, b"<x:xmpmeta><rdf:RDF><unclosed></x:xmpmeta>")
    with pytest.raises(InputError, match=r"^\S*broken\.jpg: .*XMP metadata is not well-formed"):
        integrity.sign_file(broken, producer="ACME", key=key)


# --- symlinks (defect 15) -----------------------------------------------------------------


@pytest.mark.parametrize("ext", FORMATS)
def test_symlink_is_kept_and_target_labelled(ext: str, make_sample: Callable[[str], Path], tmp_path: Path, key: Ed25519PrivateKey) -> None:
    target = make_sample(ext)
    (tmp_path / "links").mkdir()
    link = tmp_path / "links" / f"link.{ext}"
    link.symlink_to(target)
    target.chmod(0o640)
    integrity.sign_file(link, producer="ACME", key=key)
    assert link.is_symlink() and link.resolve() == target.resolve()
    assert (target.stat().st_mode & 0o777) == 0o640
    assert not [p for p in tmp_path.rglob(".*.tmp")]
    label = implicit.read_label(target)
    assert label is not None and label.ContentProducer == "ACME"
    assert _verify(link, key).status == "present"


# --- ID3 version (defect 16) --------------------------------------------------------------


def test_mp3_keeps_id3v23(make_sample: Callable[[str], Path], key: Ed25519PrivateKey) -> None:
    from mutagen.id3 import ID3, TDAT, TIT2, TYER

    path = make_sample("mp3")
    tags = ID3()
    tags.add(TIT2(encoding=1, text=["春天"]))
    tags.add(TYER(encoding=1, text=["2020"]))
    tags.add(TDAT(encoding=1, text=["0105"]))
    tags.save(path, v2_version=3)
    integrity.sign_file(path, producer="生成方", key=key)
    data = path.read_bytes()
    assert data[:4] == b"ID3\x03" and b"TYER" in data and b"TDAT" in data and b"TDRC" not in data
    got = ID3(path)
    assert str(got["TIT2"]) == "春天" and got.getall("TXXX:AIGC")
    label = implicit.read_label(path)
    assert label is not None and label.ContentProducer == "生成方"
    assert _verify(path, key).status == "present"
# --- label field errors name the file (defect 14) ---------------------------------------


def test_bad_label_value_names_the_file(make_sample: Callable[[str], Path]) -> None:
    path = make_sample("png")
    with pytest.raises(InputError, match=r"sample\.png: .*Label must be one of"):
        integrity.sign_file(path, producer="ACME", key=None, label="0")
    md = make_sample("md")
    md.write_text('---\nAIGC: {"Label": "0", "ContentProducer": "x"}\n---\nbody\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"sample\.md: .*Label must be one of"):
        implicit.read_label(md)


# --- PDF image XObjects (defect 5) --------------------------------------------------------


def _pdf_with_image(path: Path) -> None:
    from pypdf import PdfWriter
    from pypdf.generic import DecodedStreamObject, DictionaryObject, NameObject, NumberObject

    writer = PdfWriter()
    page = writer.add_blank_page(200, 200)
    img = DecodedStreamObject()
    img.set_data(bytes(range(48)))
    img.update(
        {
            NameObject("/Type"): NameObject("/XObject"),
            NameObject("/Subtype"): NameObject("/Image"),
            NameObject("/Width"): NumberObject(4),
            NameObject("/Height"): NumberObject(4),
            NameObject("/ColorSpace"): NameObject("/DeviceRGB"),
            NameObject("/BitsPerComponent"): NumberObject(8),
        }
    )
    xobjects = DictionaryObject({NameObject("/Im0"): writer._add_object(img)})
    page[NameObject("/Resources")] = DictionaryObject({NameObject("/XObject"): xobjects})
    content = DecodedStreamObject()
    content.set_data(b"q 100 0 0 100 50 50 cm /Im0 Do Q")
    page[NameObject("/Contents")] = writer._add_object(content)
    with path.open("wb") as fh:
        writer.write(fh)


def test_pdf_digest_covers_image_xobjects(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    from pypdf import PdfWriter

    path = tmp_path / "img.pdf"
    _pdf_with_image(path)
    digest = implicit.content_digest(path)
    integrity.sign_file(path, producer="ACME", key=key)
    assert implicit.content_digest(path) == digest
    assert _verify(path, key).status == "present"
    w = PdfWriter(clone_from=str(path))
    img = w.pages[0]["/Resources"]["/XObject"]["/Im0"].get_object()
    img.set_data(bytes(reversed(range(48))))  # same page content stream, swapped image
    with path.open("wb") as fh:
        w.write(fh)
    res = _verify(path, key)
    assert res.status == "tampered" and any("content changed" in r for r in res.reasons)


# --- HTML (defect 9) ----------------------------------------------------------------------


def _meta_pos(text: str) -> int:
    return text.index('<meta name="AIGC"')


def test_html_without_head_keeps_doctype_first(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = tmp_path / "nohead.html"
    path.write_text("<!DOCTYPE html>\n<html lang=\"zh\">\n<body><p>AI 回答</p></body></html>\n", encoding="utf-8")
    integrity.sign_file(path, producer="ACME", key=key)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>\n<html lang=\"zh\"><meta name=\"AIGC\"")
    assert _verify(path, key).status == "present"
    bare = tmp_path / "bare.html"
    bare.write_text("\ufeff<!-- note: a > b -->\n<!doctype html><p>x</p>", encoding="utf-8")
    integrity.sign_file(bare, producer="ACME", key=key)
    text = bare.read_text(encoding="utf-8")
    assert text.index("<!doctype html>") < _meta_pos(text) < text.index("<p>x</p>")


def test_html_head_inside_comment_or_script_is_not_the_head(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = tmp_path / "comment.html"
    path.write_text(
        "<!DOCTYPE html>\n<!-- layout: <head> comes next -->\n<script>var s = '<head>';</script>\n"
        "<html><head><title>x</title></head><body>hi</body></html>\n",
        encoding="utf-8",
    )
    integrity.sign_file(path, producer="ACME", key=key)
    text = path.read_text(encoding="utf-8")
    assert "<head><meta name=\"AIGC\"" in text and text.count("<meta") == 1
    label = implicit.read_label(path)
    assert label is not None and label.ContentProducer == "ACME"
    assert _verify(path, key).status == "present"


# --- Markdown (defect 11) -----------------------------------------------------------------


def test_markdown_bom_and_comments_kept(tmp_path: Path, key: Ed25519PrivateKey) -> None:
    path = tmp_path / "b.md"
    path.write_bytes("\ufeff---\ntitle: 春天\n---\n# 春天\n".encode())
    integrity.sign_file(path, producer="A", key=key)
    text = path.read_bytes().decode("utf-8")
    assert text.startswith("\ufeff---\ntitle: 春天\nAIGC: {") and text.count("---") == 2
    assert text.endswith("---\n# 春天\n")
    assert _verify(path, key).status == "present"

    cm = tmp_path / "cm.md"
    cm.write_bytes(
        "---\r\n# 作者注释\r\ntitle: '春天'  # 行内注释\r\nAIGC:\r\n  Label: '1'\r\n  ContentProducer: old\r\n"
        "# 尾注\r\ntags: [a, b]\r\n---\r\n正文\r\n".encode()
    )
    integrity.sign_file(cm, producer="新", key=key)
    integrity.sign_file(cm, producer="新", key=key)
    text = cm.read_bytes().decode("utf-8")
    for kept in ("# 作者注释\r\n", "title: '春天'  # 行内注释\r\n", "# 尾注\r\n", "tags: [a, b]\r\n", "---\r\n正文\r\n"):
        assert kept in text
    assert "old" not in text and text.count("AIGC:") == 1
    label = implicit.read_label(cm)
    assert label is not None and label.ContentProducer == "新"
    assert _verify(cm, key).status == "present"


# --- labels signed before the digests changed (defects 3, 4, 5) ----------------------------


@pytest.mark.parametrize(("ext", "status"), [("png", "present"), ("jpg", "present"), ("pdf", "unverified")])
def test_label_signed_with_earlier_digest(ext: str, status: str, make_sample: Callable[[str], Path], key: Ed25519PrivateKey) -> None:
    """A file an earlier release signed is not 'tampered'; the verdict says what that digest covered
    (PDF: images were not covered, so it cannot be 'present')."""
    path = make_sample(ext)
    old = implicit.legacy_digests(path)[0]
    assert old.digest != implicit.content_digest(path)
    lab = AIGCLabel(ContentProducer="old release", ProduceID="p-1")
    implicit.write_label(path, AIGCLabel(**{**lab.to_dict(), "ReservedCode1": integrity.make_code(key, old.digest, lab)}))
    res = _verify(path, key)
    assert res.status == status, res.reasons
    assert any("earlier genguard release" in r and old.covered in r for r in res.reasons)
    forged = AIGCLabel(**{**implicit.read_label(path).to_dict(), "ContentProducer": "someone else"})  # type: ignore[union-attr]
    implicit.write_label(path, forged)
    assert _verify(path, key).status == "tampered"


def test_platform_signs_a_file_labelled_by_an_earlier_release(make_sample: Callable[[str], Path], key: Ed25519PrivateKey) -> None:
    path = make_sample("png")
    old = implicit.legacy_digests(path)[0].digest
    lab = AIGCLabel(ContentProducer="old release", ProduceID="p-1")
    implicit.write_label(path, AIGCLabel(**{**lab.to_dict(), "ReservedCode1": integrity.make_code(key, old, lab)}))
    platform = Ed25519PrivateKey.generate()
    integrity.propagate_file(path, propagator="平台", propagate_id="s1", key=platform)
    res = integrity.verify_file(path, public_keys=[key.public_key(), platform.public_key()])
    assert res.status == "present", res.reasons
    assert res.propagator_signer
