"""Chinese codes: unified social credit code, passports, HK/Macau/Taiwan permits, vehicle plates."""

from __future__ import annotations

import re
from collections.abc import Iterator

from genguard.detect.pii.base import NA, NB, ContextWords, Doc, Match, Recognizer
from genguard.detect.pii.checksums import valid_uscc
from genguard.detect.pii.generate import PLATE_PROVINCES

_USCC = re.compile(NB + r"[0-9A-HJ-NPQRTUWXY]{2}[0-9]{6}[0-9A-HJ-NPQRTUWXY]{10}" + NA, re.I)
USCC_CONTEXT = ContextWords(["信用代码", "社会信用", "统一代码", "税号", "纳税人识别号", "营业执照", "uscc", "credit code"])


class UsccRecognizer(Recognizer):
    entities = ("CN_USCC",)

    def find(self, doc: Doc) -> Iterator[Match]:
        if not doc.has_digit:
            return
        for m in doc.scan(_USCC, 6, 6):
            if valid_uscc(m.group(0)):
                score, word = USCC_CONTEXT.score(doc, m.start(), m.end(), 0.85, up=0.15)
                yield Match("CN_USCC", m.start(), m.end(), score, validated="gb32100", context=word)


_PASSPORT = re.compile(NB + r"(?:E[0-9A-HJ-NP-Z][0-9]{7}|[GDSP][0-9]{8})" + NA)
PASSPORT_CONTEXT = ContextWords(["护照", "passport", "旅行证件"], ["订单", "order", "型号", "model", "编号"])
_PERMIT = re.compile(NB + r"(?:C[0-9A-HJ-NP-Z][0-9]{7}|W[0-9]{8}|[HM][0-9]{8}(?:[0-9]{2})?|[LT][0-9]{8})" + NA)
PERMIT_CONTEXT = ContextWords(
    ["通行证", "回乡证", "台胞证", "往来港澳", "往来台湾", "港澳", "台湾", "permit", "home return"],
    ["订单", "order", "型号", "model", "编号"],
)


class PassportRecognizer(Recognizer):
    """Mainland passports (E + 8, E + letter + 7; older G/D/S/P + 8): no check digit, context decides."""

    entities = ("CN_PASSPORT",)

    def find(self, doc: Doc) -> Iterator[Match]:
        if not doc.has_digit:
            return
        for m in doc.scan(_PASSPORT, 7, 7):
            base = 0.55 if m.group(0)[0] == "E" else 0.4
            score, word = PASSPORT_CONTEXT.score(doc, m.start(), m.end(), base, up=0.4)
            yield Match("CN_PASSPORT", m.start(), m.end(), score, context=word)


class HmtPermitRecognizer(Recognizer):
    """Travel permits for Hong Kong/Macau (C/W), HK/Macau residents (H/M), Taiwan (L/T)."""

    entities = ("CN_HMT_PERMIT",)

    def find(self, doc: Doc) -> Iterator[Match]:
        if not doc.has_digit:
            return
        for m in doc.scan(_PERMIT, 7, 7):
            score, word = PERMIT_CONTEXT.score(doc, m.start(), m.end(), 0.5, up=0.4)
            yield Match("CN_HMT_PERMIT", m.start(), m.end(), score, context=word)


_PLATE = re.compile(
    f"[{PLATE_PROVINCES}]" + r"[A-HJ-NP-Z][·• ]?(?:[DF][A-HJ-NP-Z0-9][0-9]{4}|[0-9]{5}[DF]|[A-HJ-NP-Z0-9]{4}[A-HJ-NP-Z0-9挂学警港澳])"
    + NA
)
PLATE_CONTEXT = ContextWords(["车牌", "牌照", "车辆", "号牌", "车号", "plate", "license"])


class PlateRecognizer(Recognizer):
    """Vehicle plates, including 8-character new-energy plates (D/F)."""

    entities = ("CN_PLATE",)

    def find(self, doc: Doc) -> Iterator[Match]:
        if not doc.has_cjk or not doc.has_digit:
            return
        for m in doc.scan(_PLATE):
            tail = m.group(0)[2:].lstrip("·• ")
            if sum(c.isdigit() for c in tail) < 3:  # real plates carry at least 3 digits
                continue
            score, word = PLATE_CONTEXT.score(doc, m.start(), m.end(), 0.7, up=0.25)
            yield Match("CN_PLATE", m.start(), m.end(), score, validated="format", context=word)
