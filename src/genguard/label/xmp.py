"""The AIGC label as XMP (TC260-PG-20258A): property ``TC260:AIGC`` holding the JSON text.

Existing XMP packets are merged rather than replaced, so other metadata (Dublin Core,
rights, editing history) survives labelling; any earlier TC260 label is removed first.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from genguard.errors import InputError

NS_TC260 = "http://www.tc260.org.cn/ns/AIGC/1.0/"
NS_RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
NS_X = "adobe:ns:meta/"
_AIGC = f"{{{NS_TC260}}}AIGC"
_DESC = f"{{{NS_RDF}}}Description"

for _prefix, _uri in {
    "x": NS_X,
    "rdf": NS_RDF,
    "TC260": NS_TC260,
    "dc": "http://purl.org/dc/elements/1.1/",
    "xmp": "http://ns.adobe.com/xap/1.0/",
    "xmpMM": "http://ns.adobe.com/xap/1.0/mm/",
    "stEvt": "http://ns.adobe.com/xap/1.0/sType/ResourceEvent#",
    "photoshop": "http://ns.adobe.com/photoshop/1.0/",
    "tiff": "http://ns.adobe.com/tiff/1.0/",
    "exif": "http://ns.adobe.com/exif/1.0/",
    "xmpRights": "http://ns.adobe.com/xap/1.0/rights/",
    "Iptc4xmpExt": "http://iptc.org/std/Iptc4xmpExt/2008-02-29/",
    "pdf": "http://ns.adobe.com/pdf/1.3/",
}.items():
    ET.register_namespace(_prefix, _uri)

_HEADER = '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>'
_TRAILER = '<?xpacket end="w"?>'


# "&" not starting an entity or character reference: the most common defect of hand-written XMP.
_BARE_AMP = re.compile(r"&(?!(?:[A-Za-z_][\w.-]*|#[0-9]+|#x[0-9A-Fa-f]+);)")


def _parse(packet: str, where: Path | str | None = None) -> ET.Element:
    """Parse an XMP packet; bare ``&`` are read as ``&amp;`` (what their writer meant), anything
    else malformed is a one-line error naming the file, so the user's metadata is never dropped."""
    text = packet.strip().lstrip("\ufeff")
    try:
        return ET.fromstring(text)
    except ET.ParseError as exc:
        first = exc
    try:
        return ET.fromstring(_BARE_AMP.sub("&amp;", text))
    except ET.ParseError:
        pass
    prefix = f"{where}: " if where is not None else ""
    raise InputError(
        f"{prefix}the file's existing XMP metadata is not well-formed XML ({first}); fix or remove it, "
        "then label again / 文件原有的 XMP 元数据不是合法 XML，请修正或删除后再添加标识"
    ) from None


def get_aigc(packet: str | bytes | None, *, where: Path | str | None = None) -> str | None:
    """The TC260:AIGC value in an XMP packet (element or attribute form), or None."""
    if not packet:
        return None
    if isinstance(packet, bytes):
        packet = packet.decode("utf-8", errors="replace")
    if NS_TC260 not in packet:
        return None
    root = _parse(packet, where)
    values: list[str] = []
    for desc in root.iter(_DESC):
        if _AIGC in desc.attrib:
            values.append(desc.attrib[_AIGC])
        values.extend((el.text or "") for el in desc.findall(_AIGC))
    if len(values) > 1:
        prefix = f"{where}: " if where is not None else ""
        raise InputError(f"{prefix}XMP carries {len(values)} TC260:AIGC labels; GB 45438 allows exactly one per file")
    return values[0] if values else None


def set_aigc(packet: str | bytes | None, json_text: str, *, where: Path | str | None = None) -> str:
    """An XMP packet equal to ``packet`` (or a new one) whose only TC260:AIGC is ``json_text``."""
    if isinstance(packet, bytes):
        packet = packet.decode("utf-8", errors="replace")
    root = _parse(packet, where) if packet and packet.strip() else ET.Element(f"{{{NS_X}}}xmpmeta")
    rdf = root if root.tag == f"{{{NS_RDF}}}RDF" else root.find(f"{{{NS_RDF}}}RDF")
    if rdf is None:
        rdf = ET.SubElement(root, f"{{{NS_RDF}}}RDF")
    descs = list(root.iter(_DESC))
    for desc in descs:
        desc.attrib.pop(_AIGC, None)
        for el in desc.findall(_AIGC):
            desc.remove(el)
    target = descs[0] if descs else ET.SubElement(rdf, _DESC, {f"{{{NS_RDF}}}about": ""})
    ET.SubElement(target, _AIGC).text = json_text
    body = ET.tostring(root, encoding="unicode")
    return f"{_HEADER}\n{body}\n{_TRAILER}"
