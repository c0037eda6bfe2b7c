"""Resident identity card numbers (GB 11643): 18-digit with MOD 11-2, and 15-digit legacy."""

from __future__ import annotations

import re
from collections.abc import Iterator

from genguard.detect.pii.base import NA, NB, ContextWords, Doc, Match, Recognizer
from genguard.detect.pii.checksums import valid_cn_id15, valid_cn_id18

_ID = re.compile(
    NB + r"([1-9][0-9]{5}(?:(?:18|19|20)[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}[0-9Xx]"
    r"|[0-9]{2}(?:0[1-9]|1[0-2])(?:0[1-9]|[12][0-9]|3[01])[0-9]{3}))" + NA
)
CONTEXT = ContextWords(
    ["身份证", "身份号码", "证件号", "公民身份", "居民身份", "id card", "id number", "id no", "identity", "证号", "身份信息"],
    ["订单", "单号", "快递", "运单", "流水号", "order", "tracking", "invoice", "serial"],
)


class CnIdCardRecognizer(Recognizer):
    entities = ("CN_ID_CARD",)

    def find(self, doc: Doc) -> Iterator[Match]:
        if not doc.has_digit:
            return
        for m in doc.scan(_ID, 15, 15):
            value = m.group(1)
            if len(value) == 18:
                if not valid_cn_id18(value):
                    continue
                score, word = CONTEXT.score(doc, m.start(), m.end(), 0.9, up=0.1, down=0.3)
                yield Match("CN_ID_CARD", m.start(), m.end(), score, validated="mod11-2", context=word)
            elif valid_cn_id15(value):
                # no check digit: region + date only, so it needs context to be sure
                score, word = CONTEXT.score(doc, m.start(), m.end(), 0.45, up=0.45, down=0.4)
                yield Match("CN_ID_CARD", m.start(), m.end(), score, validated="region+date", context=word)
