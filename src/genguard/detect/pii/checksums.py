"""Check-digit algorithms for the formats that carry one.

Recognisers only call these on regex candidates, so they are written for clarity over speed;
the generators in :mod:`genguard.detect.pii.generate` use the same functions to build values
that are valid by construction.
"""

from __future__ import annotations

import datetime as _dt

# GB 11643: resident identity number, ISO 7064 MOD 11-2.
ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"
# First two digits of a GB/T 2260 administrative division code (province level), plus 71
# (Taiwan), 81/82 (Hong Kong / Macau residents' residence permits) and 83 (Taiwan residents').
PROVINCE_CODES = frozenset(
    ["11", "12", "13", "14", "15", "21", "22", "23", "31", "32", "33", "34", "35", "36", "37", "41", "42", "43", "44", "45", "46", "50", "51", "52", "53", "54", "61", "62", "63", "64", "65", "71", "81", "82", "83"]
)

# GB 32100: unified social credit code, 31-character alphabet without I O S V Z.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)

# ISO 13616 IBAN lengths by country (SWIFT IBAN registry).
IBAN_LENGTHS = {
    "AD": 24, "AE": 23, "AL": 28, "AT": 20, "AZ": 28, "BA": 20, "BE": 16, "BG": 22, "BH": 22, "BR": 29,
    "BY": 28, "CH": 21, "CR": 22, "CY": 28, "CZ": 24, "DE": 22, "DK": 18, "DO": 28, "EE": 20, "EG": 29,
    "ES": 24, "FI": 18, "FO": 18, "FR": 27, "GB": 22, "GE": 22, "GI": 23, "GL": 18, "GR": 27, "GT": 28,
    "HR": 21, "HU": 28, "IE": 22, "IL": 23, "IQ": 23, "IS": 26, "IT": 27, "JO": 30, "KW": 30, "KZ": 20,
    "LB": 28, "LC": 32, "LI": 21, "LT": 20, "LU": 20, "LV": 21, "LY": 25, "MC": 27, "MD": 24, "ME": 22,
    "MK": 19, "MR": 27, "MT": 31, "MU": 30, "NL": 18, "NO": 15, "PK": 24, "PL": 28, "PS": 29, "PT": 25,
    "QA": 29, "RO": 24, "RS": 22, "SA": 24, "SC": 31, "SD": 18, "SE": 24, "SI": 19, "SK": 24, "SM": 27,
    "ST": 25, "SV": 28, "TL": 23, "TN": 24, "TR": 26, "UA": 29, "VA": 22, "VG": 24, "XK": 20,
}


def id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def valid_birth_date(yyyymmdd: str, *, today: _dt.date | None = None) -> bool:
    try:
        d = _dt.date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return False
    return _dt.date(1900, 1, 1) <= d <= (today or _dt.date.today())


def valid_region(code6: str) -> bool:
    """Province prefix known and the remaining four digits not all zero."""
    return code6[:2] in PROVINCE_CODES and code6[2:6] != "0000"


def valid_cn_id18(value: str) -> bool:
    """18-character resident identity number: region, birth date and MOD 11-2 check."""
    if len(value) != 18 or not value[:17].isdigit():
        return False
    return (
        valid_region(value[:6])
        and valid_birth_date(value[6:14])
        and id_check_char(value[:17]) == value[17].upper()
    )


def valid_cn_id15(value: str) -> bool:
    """Legacy 15-digit number (pre-1999): region + YYMMDD (19YY) + sequence, no check digit."""
    return len(value) == 15 and value.isdigit() and valid_region(value[:6]) and valid_birth_date("19" + value[6:12])


def luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        n = ord(ch) - 48
        if i % 2:
            n *= 2
            if n > 9:
                n -= 9
        total += n
    return total % 10 == 0


def luhn_check_digit(partial: str) -> str:
    """The digit that makes ``partial + digit`` Luhn-valid."""
    for d in "0123456789":
        if luhn_ok(partial + d):
            return d
    raise AssertionError("unreachable")


def uscc_check_char(first17: str) -> str:
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def valid_uscc(value: str) -> bool:
    v = value.upper()
    if len(v) != 18 or any(c not in USCC_ALPHABET for c in v) or not v[2:8].isdigit():
        return False
    return uscc_check_char(v[:17]) == v[17]


def iban_remainder(iban: str) -> int:
    s = iban[4:] + iban[:4]
    return int("".join(str(int(c, 36)) for c in s)) % 97


def valid_iban(value: str) -> bool:
    v = value.replace(" ", "").replace("-", "").upper()
    if len(v) < 15 or not v.isalnum() or not v[:2].isalpha() or not v[2:4].isdigit():
        return False
    expected = IBAN_LENGTHS.get(v[:2])
    if expected is None or len(v) != expected:
        return False
    return iban_remainder(v) == 1


def iban_check_digits(country: str, bban: str) -> str:
    return f"{98 - iban_remainder(country + '00' + bban):02d}"
