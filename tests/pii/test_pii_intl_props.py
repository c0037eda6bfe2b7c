"""Property tests for the international and secret recognisers: generated values are found with
exact spans; near-misses (bad octet, bad SSN area, broken JWT header) are not."""

from __future__ import annotations

import base64
import ipaddress
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from genguard.detect.pii import PiiDetector

DET = PiiDetector(entities=None)
_word = st.text(alphabet="abcdefghijklmnopqrstuvwxyz", min_size=1, max_size=10)
_before = st.sampled_from(["", "Contact: ", "请联系 ", "see ", "值为"])
_after = st.sampled_from(["", " today.", "，谢谢", ") ok", "; next"])


def _spans(text: str, entity: str) -> list[tuple[int, int]]:
    return [(m.start, m.end) for m in DET.matches(text) if m.entity == entity]


@settings(max_examples=80, deadline=None)
@given(user=_word, dom=_word, tld=st.sampled_from(["com", "cn", "org", "co.uk", "com.cn"]), sep=st.sampled_from([".", "_", "+", ""]),
       user2=_word, before=_before, after=_after)
def test_email(user: str, dom: str, tld: str, sep: str, user2: str, before: str, after: str) -> None:
    value = f"{user}{sep}{user2}@{dom}.{tld}"
    text = before + value + after
    assert (len(before), len(before) + len(value)) in _spans(text, "EMAIL")


@settings(max_examples=80, deadline=None)
@given(ip=st.ip_addresses(v=4), before=st.sampled_from(["", "server ", "IP：", "host="]), after=_after)
def test_ipv4(ip: ipaddress.IPv4Address, before: str, after: str) -> None:
    value = str(ip)
    text = before + value + after
    assert _spans(text, "IP_ADDRESS") == [(len(before), len(before) + len(value))]


@settings(max_examples=60, deadline=None)
@given(ip=st.ip_addresses(v=6), before=st.sampled_from(["", "server ", "地址 "]), after=st.sampled_from(["", " up", "，好"]))
def test_ipv6(ip: ipaddress.IPv6Address, before: str, after: str) -> None:
    value = str(ip)
    if len(value) < 6 or "." in value:  # "::", "::1" and IPv4-mapped forms are out of scope
        return
    text = before + value + after
    assert _spans(text, "IP_ADDRESS") == [(len(before), len(before) + len(value))]


def test_ipv4_with_bad_octet_not_found() -> None:
    assert _spans("server 10.256.1.1 down", "IP_ADDRESS") == []
    assert _spans("server 10.2.1.1.5 down", "IP_ADDRESS") == []


@settings(max_examples=60, deadline=None)
@given(octets=st.lists(st.integers(0, 255), min_size=6, max_size=6), sep=st.sampled_from([":", "-"]), upper=st.booleans())
def test_mac(octets: list[int], sep: str, upper: bool) -> None:
    value = sep.join(f"{o:02X}" if upper else f"{o:02x}" for o in octets)
    if len(set(value.replace(sep, ""))) < 3:
        return
    text = f"mac {value} ok"
    assert _spans(text, "MAC_ADDRESS") == [(4, 4 + len(value))]


@settings(max_examples=80, deadline=None)
@given(area=st.integers(1, 899).filter(lambda a: a != 666), group=st.integers(1, 99), serial=st.integers(1, 9999))
def test_ssn_valid_and_invalid_areas(area: int, group: int, serial: int) -> None:
    value = f"{area:03d}-{group:02d}-{serial:04d}"
    if len(set(value.replace("-", ""))) == 1 or value == "123-45-6789":
        return
    assert _spans(f"SSN {value}.", "US_SSN") == [(4, 15)]
    assert _spans(f"SSN 666-{group:02d}-{serial:04d}.", "US_SSN") == []
    assert _spans(f"SSN 9{area % 100:02d}-{group:02d}-{serial:04d}.", "US_SSN") == []


def _b64(obj: object) -> str:
    return base64.urlsafe_b64encode(json.dumps(obj).encode()).decode().rstrip("=")


@settings(max_examples=50, deadline=None)
@given(sub=_word, alg=st.sampled_from(["HS256", "RS256", "ES384"]), sig=st.binary(min_size=16, max_size=64))
def test_jwt(sub: str, alg: str, sig: bytes) -> None:
    token = f"{_b64({'alg': alg, 'typ': 'JWT'})}.{_b64({'sub': sub, 'iat': 1700000000})}." + base64.urlsafe_b64encode(sig).decode().rstrip("=")
    text = f"Authorization: Bearer {token}"
    assert _spans(text, "JWT") == [(22, 22 + len(token))]
    broken = _b64({"typ": "JWT"}) + token[token.index(".") :]  # header without alg
    assert _spans(f"Authorization: Bearer {broken}", "JWT") == []
