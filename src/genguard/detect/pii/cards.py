"""Payment cards: Luhn plus issuer ranges. UnionPay (62) is CN_BANK_CARD, other brands CREDIT_CARD."""

from __future__ import annotations

import re
from collections.abc import Iterator

from genguard.detect.pii.base import NA, NB, ContextWords, Doc, Match, Recognizer
from genguard.detect.pii.checksums import luhn_ok

_CARD = re.compile(NB + r"[0-9](?:[ -]?[0-9]){11,18}" + NA)
CONTEXT = ContextWords(
    ["银行卡", "卡号", "账号", "帐号", "储蓄卡", "信用卡", "借记卡", "开户", "转账", "汇款", "card", "account", "visa",
     "mastercard", "amex", "credit", "debit", "payment"],
    ["订单", "单号", "快递", "运单", "流水号", "order", "tracking", "invoice", "serial", "isbn", "身份证"],
)


def issuer(d: str) -> str | None:
    """Card brand for a digit string by IIN range and length, or None."""
    n = len(d)
    p2, p3, p4 = int(d[:2]), int(d[:3]), int(d[:4])
    if d[0] == "4" and n in (13, 16, 19):
        return "visa"
    if (51 <= p2 <= 55 or 2221 <= p4 <= 2720) and n == 16:
        return "mastercard"
    if p2 in (34, 37) and n == 15:
        return "amex"
    if p2 == 62 and 16 <= n <= 19:
        return "unionpay"
    if (p4 == 6011 or 644 <= p3 <= 649 or p2 == 65) and 16 <= n <= 19:
        return "discover"
    if 3528 <= p4 <= 3589 and 16 <= n <= 19:
        return "jcb"
    if p4 in (1800, 2131) and n == 15:
        return "jcb"
    if (300 <= p3 <= 305 or p2 in (36, 38, 39)) and 14 <= n <= 19:
        return "diners"
    if (p2 == 50 or 56 <= p2 <= 69) and 12 <= n <= 19:
        return "maestro"
    return None


class CardRecognizer(Recognizer):
    entities = ("CN_BANK_CARD", "CREDIT_CARD")

    def find(self, doc: Doc) -> Iterator[Match]:
        if not doc.has_digit:
            return
        for m in doc.scan(_CARD, 12):
            raw = m.group(0)
            d = raw.replace(" ", "").replace("-", "")
            if not luhn_ok(d):
                continue
            brand = issuer(d)
            if brand is None and not 16 <= len(d) <= 19:
                continue
            entity = "CN_BANK_CARD" if brand in ("unionpay", None) else "CREDIT_CARD"
            base = 0.85 if brand else 0.4  # Luhn alone passes 1 in 10 random numbers
            score, word = CONTEXT.score(doc, m.start(), m.end(), base, up=0.3 if brand is None else 0.1, down=0.4)
            yield Match(entity, m.start(), m.end(), score, validated=f"luhn+{brand}" if brand else "luhn", context=word)
