"""DOCX / XLSX / PPTX: custom document property ``AIGC`` in ``docProps/custom.xml``.

python-docx and python-pptx have no custom-property API and openpyxl's would re-save the whole
workbook, so the package is rewritten with :mod:`zipfile`, copying every other part byte for
byte and adding the custom-properties part, its content-type override and its package
relationship when missing. Other custom properties are kept. The content digest covers every
part except ``docProps/*``, ``[Content_Types].xml`` and ``_rels/.rels`` (package metadata).
"""

from __future__ import annotations

import re
import zipfile
from html import escape, unescape
from pathlib import Path

from genguard.errors import InputError
from genguard.label.formats.base import FormatHandler, atomic_output, corrupted, sha256_parts

CUSTOM = "docProps/custom.xml"
CT = "[Content_Types].xml"
RELS = "_rels/.rels"
NS_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/custom-properties"
NS_VT = "http://schemas.openxmlformats.org/officeDocument/2006/docPropsVTypes"
CT_CUSTOM = "application/vnd.openxmlformats-officedocument.custom-properties+xml"
REL_CUSTOM = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/custom-properties"
FMTID = "{D5CDD505-2E9C-101B-9397-08002B2CF9AE}"

_PROP = re.compile(r"<(?:\w+:)?property\b[^>]*\bname=\"AIGC\"[^>]*>(.*?)</(?:\w+:)?property>", re.S)
_VALUE = re.compile(r"<(?:\w+:)?lpwstr>(.*?)</(?:\w+:)?lpwstr>", re.S)
_PID = re.compile(r"\bpid=\"(\d+)\"")
_MAIN_PART = {".docx": "word/", ".xlsx": "xl/", ".pptx": "ppt/"}


def _open(path: Path) -> zipfile.ZipFile:
    try:
        zf = zipfile.ZipFile(path)
        bad = zf.testzip()
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise corrupted(path, path.suffix.lstrip(".").upper(), exc) from None
    if bad is not None:
        raise InputError(f"{path}: corrupted package part {bad}")
    names = set(zf.namelist())
    prefix = _MAIN_PART.get(path.suffix.lower(), "")
    if CT not in names or not any(n.startswith(prefix) for n in names):
        zf.close()
        raise InputError(f"{path}: a ZIP file but not an Office Open XML {path.suffix.lstrip('.').upper()} package")
    return zf


def _custom_xml(existing: str | None, json_text: str) -> str:
    prop_body = f"<vt:lpwstr>{escape(json_text, quote=False)}</vt:lpwstr>"
    if existing and "</Properties>" in existing:
        rest = _PROP.sub("", existing)
        pids = [int(p) for p in _PID.findall(rest)]
        pid = max([1, *pids]) + 1
        prop = f'<property fmtid="{FMTID}" pid="{pid}" name="AIGC">{prop_body}</property>'
        return rest.replace("</Properties>", prop + "</Properties>")
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<Properties xmlns="{NS_CUSTOM}" xmlns:vt="{NS_VT}">'
        f'<property fmtid="{FMTID}" pid="2" name="AIGC">{prop_body}</property></Properties>'
    )


class OoxmlHandler(FormatHandler):
    name = "ooxml"
    extensions = (".docx", ".xlsx", ".pptx")
    description = "DOCX/XLSX/PPTX: custom property AIGC in docProps/custom.xml"

    def sniff(self, head: bytes) -> bool:
        return head.startswith(b"PK\x03\x04")

    def read_raw(self, path: Path) -> str | None:
        with _open(path) as zf:
            if CUSTOM not in zf.namelist():
                return None
            xml = zf.read(CUSTOM).decode("utf-8", errors="replace")
        props = _PROP.findall(xml)
        if len(props) > 1:
            raise InputError(f"{path}: carries {len(props)} AIGC properties; GB 45438 allows exactly one per file")
        if not props:
            return None
        m = _VALUE.search(props[0])
        if m is None:
            raise InputError(f"{path}: the AIGC custom property is not a string (vt:lpwstr)")
        return unescape(m.group(1))

    def write_raw(self, path: Path, json_text: str) -> None:
        with _open(path) as zf:
            infos = zf.infolist()
            parts = {i.filename: zf.read(i.filename) for i in infos}
        existing = parts[CUSTOM].decode("utf-8", errors="replace") if CUSTOM in parts else None
        parts[CUSTOM] = _custom_xml(existing, json_text).encode("utf-8")
        ct = parts[CT].decode("utf-8")
        if "/docProps/custom.xml" not in ct:
            ct = ct.replace("</Types>", f'<Override PartName="/docProps/custom.xml" ContentType="{CT_CUSTOM}"/></Types>')
            parts[CT] = ct.encode("utf-8")
        rels = parts.get(RELS, b"").decode("utf-8")
        if "docProps/custom.xml" not in rels:
            if "</Relationships>" not in rels:
                raise InputError(f"{path}: package has no readable _rels/.rels")
            ids = {int(x) for x in re.findall(r'Id="rId(\d+)"', rels)}
            rid = f"rId{max([0, *ids]) + 1}"
            rels = rels.replace(
                "</Relationships>", f'<Relationship Id="{rid}" Type="{REL_CUSTOM}" Target="docProps/custom.xml"/></Relationships>'
            )
            parts[RELS] = rels.encode("utf-8")
        order = [i.filename for i in infos] + ([CUSTOM] if CUSTOM not in {i.filename for i in infos} else [])
        compress = {i.filename: i.compress_type for i in infos}
        with atomic_output(path) as tmp:
            with zipfile.ZipFile(tmp, "w") as out:
                for name in order:
                    out.writestr(name, parts[name], compress_type=compress.get(name, zipfile.ZIP_DEFLATED))
            _open(tmp).close()

    def content_digest(self, path: Path) -> str:
        with _open(path) as zf:
            names = sorted(n for n in zf.namelist() if not n.startswith("docProps/") and n not in (CT, RELS))
            parts = [b"ooxml-parts"]
            for n in names:
                parts += [n.encode(), zf.read(n)]
        return sha256_parts(*parts)
