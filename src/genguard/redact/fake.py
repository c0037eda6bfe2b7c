"""``fake`` operator: format-preserving, valid-looking substitutes.

A fake ID number has a correct MOD 11-2 check digit, a fake card keeps its issuer prefix and
passes Luhn, a fake phone keeps its separators, so downstream parsers and models see text of
the same shape. Fakes are deterministic per (key, value): the same original always maps to the
same fake, which keeps a document internally consistent.
"""

from __future__ import annotations

import hashlib
import hmac
import random
from collections.abc import Callable

from genguard.detect.pii import generate as gen
from genguard.detect.pii.checksums import luhn_check_digit
from genguard.findings import Finding
from genguard.redact.keys import derive, load_vault_key, normalize_key
from genguard.redact.operators import RedactionOperator, register_operator

_ZH_SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高"
_ZH_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华"
_EN_FIRST = ["Alex", "Jordan", "Taylor", "Morgan", "Casey", "Riley", "Jamie", "Avery", "Quinn", "Drew"]
_EN_LAST = ["Smith", "Brown", "Miller", "Davis", "Wilson", "Moore", "Clark", "Lewis", "Walker", "Young"]
_UPPER = "ABCDEFGHJKLMNPQRSTUVWXYZ"


def reshape(original: str, new_chars: str) -> str:
    """Put ``new_chars`` into the letter/digit positions of ``original``; separators stay."""
    it = iter(new_chars)
    return "".join(next(it, c) if c.isalnum() else c for c in original)


def _digits_of(s: str) -> str:
    return "".join(c for c in s if c.isalnum())


def _shape_alike(rng: random.Random, original: str) -> str:
    out = []
    for c in original:
        if c.isdigit():
            out.append(rng.choice("0123456789"))
        elif c.isupper():
            out.append(rng.choice(_UPPER))
        elif c.islower():
            out.append(rng.choice("abcdefghijkmnpqrstuvwxyz"))
        else:
            out.append(c)
    return "".join(out)


def _card(rng: random.Random, original: str) -> str:
    digits = _digits_of(original)
    body = digits[:6] + "".join(rng.choice("0123456789") for _ in range(len(digits) - 7))
    return reshape(original, body + luhn_check_digit(body))


def _cn_id(rng: random.Random, original: str) -> str:
    v = _digits_of(original)
    return gen.cn_id15(rng) if len(v) == 15 else gen.cn_id18(rng)


def _mobile(rng: random.Random, original: str) -> str:
    digits = _digits_of(original)
    new = gen.cn_mobile(rng)
    return reshape(original, digits[: len(digits) - 11] + new)  # keep a leading 86 country code


def _email(rng: random.Random, original: str) -> str:
    return f"user{rng.randrange(16**6):06x}@example.com"


def _ip(rng: random.Random, original: str) -> str:
    if ":" in original:
        return f"2001:db8::{rng.randrange(1, 0xFFFF):x}"
    return f"192.0.2.{rng.randint(1, 254)}"


def _mac(rng: random.Random, original: str) -> str:
    tail = f"{rng.randrange(256):02X}"
    sep = "-" if "-" in original else ":"
    return sep.join(["00", "00", "5E", "00", "53", tail])


def _person(rng: random.Random, original: str) -> str:
    if any("\u4e00" <= c <= "\u9fff" for c in original):
        return rng.choice(_ZH_SURNAMES) + "".join(rng.choice(_ZH_GIVEN) for _ in range(max(1, len(original) - 1)))
    return f"{rng.choice(_EN_FIRST)} {rng.choice(_EN_LAST)}" if " " in original.strip() else rng.choice(_EN_FIRST)


def _iban(rng: random.Random, original: str) -> str:
    from genguard.detect.pii.checksums import IBAN_LENGTHS

    country = _digits_of(original)[:2].upper()
    value = gen.iban(rng, country if country in IBAN_LENGTHS else "DE")
    return reshape(original, value) if len(_digits_of(original)) == len(value) else value


def _plate(rng: random.Random, original: str) -> str:
    new = gen.cn_plate(rng)
    return original[0] + new[1:] if original else new


FAKERS: dict[str, Callable[[random.Random, str], str]] = {
    "CN_ID_CARD": _cn_id,
    "CN_MOBILE": _mobile,
    "CN_BANK_CARD": _card,
    "CREDIT_CARD": _card,
    "CN_USCC": lambda rng, o: gen.uscc(rng),
    "CN_PASSPORT": lambda rng, o: gen.cn_passport(rng),
    "CN_HMT_PERMIT": lambda rng, o: _shape_alike(rng, o),
    "CN_PLATE": _plate,
    "EMAIL": _email,
    "IP_ADDRESS": _ip,
    "MAC_ADDRESS": _mac,
    "PERSON": _person,
    "IBAN": _iban,
}


@register_operator("fake")
def _fake(key: str | None = None, salt: str = "genguard-fake") -> RedactionOperator:
    """Valid-looking substitute per entity type, deterministic per value under the vault key."""
    master = normalize_key(key, where="redaction.options.key") if key else load_vault_key()
    sub = derive(master, "genguard-fake")

    def op(finding: Finding, original: str) -> str:
        seed = hmac.new(sub, f"{salt}\x00{finding.entity}\x00{original}".encode(), hashlib.sha256).digest()
        rng = random.Random(seed)
        faker = FAKERS.get(finding.entity or "", _shape_alike)
        return faker(rng, original)

    return op
