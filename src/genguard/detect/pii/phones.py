"""Phone numbers: mainland mobiles, landlines with area codes, and international formats."""

from __future__ import annotations

import re
from collections.abc import Iterator

from genguard.detect.pii.base import NA, ContextWords, Doc, Match, Recognizer
from genguard.detect.pii.generate import MOBILE_PREFIXES

_MOBILE_PREFIXES = frozenset(MOBILE_PREFIXES)
_MOBILE = re.compile(
    r"(?<![0-9A-Za-z+])(?:(?:\+|00)?86[ -]?|\(\+?86\)[ -]?)?(1[3-9][0-9])([ -]?)([0-9]{4})\2([0-9]{4})" + NA
)
_LANDLINE = re.compile(
    r"(?<![0-9A-Za-z])(?:(?:\+|00)86[ -]?)?(\(0[1-9][0-9]{1,2}\)|0[1-9][0-9]{1,2})[ -]?([2-9][0-9]{6,7})"
    r"(?:(?:转|-|ext\.?|x)([0-9]{1,5}))?" + NA
)
PHONE_CONTEXT = ContextWords(
    ["手机", "电话", "联系", "致电", "拨打", "号码", "微信", "热线", "座机", "传真", "tel", "phone", "mobile", "call",
     "fax", "contact", "cell", "whatsapp", "text me", "reach"],
    ["订单", "单号", "快递", "运单", "编号", "流水", "order", "tracking", "invoice", "isbn", "serial", "账号", "卡号"],
)


class CnMobileRecognizer(Recognizer):
    entities = ("CN_MOBILE",)

    def find(self, doc: Doc) -> Iterator[Match]:
        if not doc.has_digit:
            return
        for m in doc.scan(_MOBILE, 11, 3):
            if m.group(1) not in _MOBILE_PREFIXES:
                continue
            score, word = PHONE_CONTEXT.score(doc, m.start(), m.end(), 0.8, up=0.15, down=0.4)
            yield Match("CN_MOBILE", m.start(), m.end(), score, validated="prefix", context=word)


class CnLandlineRecognizer(Recognizer):
    entities = ("CN_LANDLINE",)

    def find(self, doc: Doc) -> Iterator[Match]:
        if not doc.has_digit:
            return
        for m in doc.scan(_LANDLINE, 10, 2):
            area = m.group(1).strip("()")
            local = m.group(2)
            if area.startswith(("010", "02")):
                if len(area) != 3 or len(local) != 8:
                    continue
            elif area.startswith("01") or len(area) != 4:
                continue
            seps = m.group(0).count("-") + m.group(0).count(" ") + m.group(0).count("(")
            base = 0.7 if seps else 0.45
            score, word = PHONE_CONTEXT.score(doc, m.start(), m.end(), base, up=0.25, down=0.4)
            yield Match("CN_LANDLINE", m.start(), m.end(), score, validated="area-code", context=word)


# International / national formats: +CC, (area), groups of 2-4 digits separated by space . -
_INTL = re.compile(
    r"(?<![0-9A-Za-z+.\-/:])(\+[1-9][0-9]{0,2}[ .-]?(?:\(0\)[ .-]?)?)?(\([0-9]{1,4}\)[ .-]?)?"
    r"([0-9]{2,5}(?:[ .-][0-9]{2,5}){0,5}|[0-9]{7,12})"
    r"(?:\s?(?:x|ext\.?)\s?[0-9]{1,5})?(?![0-9A-Za-z]|[.\-/:][0-9])"
)
_DATE_LIKE = re.compile(r"^(?:(?:19|20)[0-9]{2}[-./][0-9]{1,2}[-./][0-9]{1,2}|[0-9]{1,2}[-./][0-9]{1,2}[-./](?:19|20)?[0-9]{2})$")
_NANP = re.compile(r"^(?:\(?[2-9][0-9]{2}\)?[ .-]?)[2-9][0-9]{2}[ .-]?[0-9]{4}$")
_DIGIT = re.compile(r"[0-9]")
_SSN_LIKE = re.compile(r"^[0-9]{3}-[0-9]{2}-[0-9]{4}$")


class IntlPhoneRecognizer(Recognizer):
    """E.164 and common national formats. Without a '+' or phone-like grouping it needs context."""

    entities = ("PHONE",)

    def find(self, doc: Doc) -> Iterator[Match]:
        if not doc.has_digit:
            return
        for m in doc.scan(_INTL, 7):
            whole = m.group(0)
            digits = len(whole) - len(_DIGIT.sub("", whole))  # the pattern's digits are ASCII
            if not 7 <= digits <= 15:
                continue
            plus, paren, body = m.group(1), m.group(2), m.group(3)
            if not plus and not paren and (_DATE_LIKE.match(body) or _SSN_LIKE.match(body)):
                continue
            if body.count(".") == 3 and not plus:  # IPv4-like
                continue
            grouped = not body.isdigit()
            if plus:
                base = 0.75 if digits >= 9 else 0.5
            elif paren or _NANP.match(whole.split("x")[0].strip()):
                base = 0.6
            elif grouped and digits >= 8:
                base = 0.4
            else:
                base = 0.3
            score, word = PHONE_CONTEXT.score(doc, m.start(), m.end(), base, up=0.3, down=0.3)
            yield Match("PHONE", m.start(), m.end(), score, validated=None, context=word)
