"""Generators of valid-by-construction values, driven by a ``random.Random``.

Used by the format-preserving ``fake`` redaction operator, the property tests and the labelled
Chinese PII benchmark, so all three agree on what "valid" means (the checks in
:mod:`genguard.detect.pii.checksums`).
"""

from __future__ import annotations

import datetime as _dt
import random

from genguard.detect.pii.checksums import (
    PROVINCE_CODES,
    USCC_ALPHABET,
    iban_check_digits,
    id_check_char,
    luhn_check_digit,
    uscc_check_char,
)

MOBILE_PREFIXES = ["130", "131", "132", "133", "134", "135", "136", "137", "138", "139", "145", "147", "149", "150", "151", "152", "153", "155", "156", "157", "158", "159", "162", "165", "166", "167", "170", "171", "172", "173", "175", "176", "177", "178", "180", "181", "182", "183", "184", "185", "186", "187", "188", "189", "190", "191", "192", "193", "195", "196", "197", "198", "199"]
PLATE_PROVINCES = "京津沪渝冀豫云辽黑湘皖鲁新苏浙赣鄂桂甘晋蒙陕吉闽贵粤青藏川宁琼"
PLATE_LETTERS = "ABCDEFGHJKLMNPQRSTUVWXYZ"
_MAINLAND_PROVINCES = sorted(p for p in PROVINCE_CODES if p < "70")


def _digits(rng: random.Random, n: int) -> str:
    return "".join(rng.choice("0123456789") for _ in range(n))


def birth_date(rng: random.Random, start_year: int = 1940, end_year: int = 2005) -> _dt.date:
    start = _dt.date(start_year, 1, 1).toordinal()
    end = _dt.date(end_year, 12, 31).toordinal()
    return _dt.date.fromordinal(rng.randint(start, end))


def region_code(rng: random.Random) -> str:
    return rng.choice(_MAINLAND_PROVINCES) + f"{rng.randint(1, 30):02d}" + f"{rng.randint(1, 40):02d}"


def cn_id18(rng: random.Random, *, region: str | None = None) -> str:
    body = (region or region_code(rng)) + birth_date(rng).strftime("%Y%m%d") + _digits(rng, 3)
    return body + id_check_char(body)


def cn_id15(rng: random.Random) -> str:
    return region_code(rng) + birth_date(rng, 1930, 1998).strftime("%y%m%d") + _digits(rng, 3)


def cn_mobile(rng: random.Random) -> str:
    return rng.choice(MOBILE_PREFIXES) + _digits(rng, 8)


def cn_landline(rng: random.Random) -> str:
    """Area code + local number: 010/02X take 8 digits, 0XXX take 7 or 8."""
    if rng.random() < 0.4:
        area = rng.choice(["010"] + [f"02{d}" for d in range(10)])
        return area + "-" + str(rng.randint(2, 8)) + _digits(rng, 7)
    area = f"0{rng.randint(3, 9)}{_digits(rng, 2)}"
    return area + "-" + str(rng.randint(2, 8)) + _digits(rng, rng.choice((6, 7)))


def luhn_number(rng: random.Random, prefix: str, length: int) -> str:
    body = prefix + _digits(rng, length - len(prefix) - 1)
    return body + luhn_check_digit(body)


def cn_bank_card(rng: random.Random) -> str:
    """UnionPay (62) debit/credit card, 16 or 19 digits, Luhn-valid."""
    return luhn_number(rng, "62" + _digits(rng, 4), rng.choice((16, 19)))


def credit_card(rng: random.Random) -> str:
    """Visa, Mastercard (51-55, 2221-2720), Amex, Discover or JCB number, Luhn-valid."""
    brand = rng.choice(["visa", "mc", "mc2", "amex", "discover", "jcb"])
    prefix, length = {
        "visa": ("4", 16),
        "mc": (str(rng.randint(51, 55)), 16),
        "mc2": (str(rng.randint(2221, 2720)), 16),
        "amex": (rng.choice(["34", "37"]), 15),
        "discover": ("6011", 16),
        "jcb": (str(rng.randint(3528, 3589)), 16),
    }[brand]
    return luhn_number(rng, prefix, length)


def uscc(rng: random.Random) -> str:
    body = (
        rng.choice("159Y")
        + rng.choice("123")
        + region_code(rng)
        + "".join(rng.choice(USCC_ALPHABET) for _ in range(9))
    )
    return body + uscc_check_char(body)


def cn_passport(rng: random.Random) -> str:
    if rng.random() < 0.5:
        return "E" + _digits(rng, 8)
    return "E" + rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + _digits(rng, 7)


def hmt_permit(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.4:
        return "C" + rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ") + _digits(rng, 7)
    if kind < 0.7:
        return rng.choice("HM") + _digits(rng, 8)
    return "L" + _digits(rng, 8)


def cn_plate(rng: random.Random) -> str:
    head = rng.choice(PLATE_PROVINCES) + rng.choice(PLATE_LETTERS)
    if rng.random() < 0.3:  # new-energy: D/F + 5 (small cars)
        return head + rng.choice("DF") + rng.choice(PLATE_LETTERS + "0123456789") + _digits(rng, 4)
    return head + rng.choice(PLATE_LETTERS + "0123456789") + _digits(rng, 4)


def iban(rng: random.Random, country: str = "DE") -> str:
    from genguard.detect.pii.checksums import IBAN_LENGTHS

    n = IBAN_LENGTHS[country] - 4
    bban = _digits(rng, n) if country != "GB" else "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(4)) + _digits(rng, n - 4)
    return country + iban_check_digits(country, bban) + bban
