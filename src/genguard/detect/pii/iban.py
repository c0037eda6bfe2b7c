"""IBAN (ISO 13616): country length table + mod 97, compact or in groups of four."""

from __future__ import annotations

import re
from collections.abc import Iterator

from genguard.detect.pii.base import NB, Doc, Match, Recognizer
from genguard.detect.pii.checksums import IBAN_LENGTHS, valid_iban

_START = re.compile(NB + r"([A-Za-z]{2})[0-9]{2}[ ]?[A-Za-z0-9]")


class IbanRecognizer(Recognizer):
    entities = ("IBAN",)

    def find(self, doc: Doc) -> Iterator[Match]:
        text = doc.text
        if not doc.has_digit:
            return
        for m in doc.scan(_START, 8, 2):
            need = IBAN_LENGTHS.get(m.group(1).upper())
            if need is None:
                continue
            # walk exactly `need` alphanumerics, allowing single spaces between groups
            i, n, chars = m.start(), 0, []
            while i < len(text) and n < need:
                c = text[i]
                if c.isascii() and c.isalnum():
                    chars.append(c)
                    n += 1
                elif c == " " and i + 1 < len(text) and text[i + 1].isascii() and text[i + 1].isalnum():
                    pass
                else:
                    break
                i += 1
            if n != need or (i < len(text) and text[i].isascii() and text[i].isalnum()):
                continue
            if valid_iban("".join(chars)):
                yield Match("IBAN", m.start(), i, 0.95, validated="mod97")
