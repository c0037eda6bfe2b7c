"""Email, IPv4/IPv6, MAC addresses, URLs, and credentials embedded in URLs."""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterator

from genguard.detect.pii.base import MAC_COLON, MAC_DASH, MAC_DOT, ContextWords, Doc, Match, Recognizer

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9_%+-](?:[A-Za-z0-9._%+-]{0,62}[A-Za-z0-9_%+-])?@"
    r"(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,24}(?![A-Za-z0-9-])"
)


class EmailRecognizer(Recognizer):
    entities = ("EMAIL",)

    def find(self, doc: Doc) -> Iterator[Match]:
        if "@" not in doc.text:
            return
        for m in doc.scan_around(_EMAIL, "@", 64, 256):
            if ".." in m.group(0):
                continue
            yield Match("EMAIL", m.start(), m.end(), 0.9, validated="rfc5322-subset")


_OCTET = r"(?:25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])"
_IPV4 = re.compile(r"(?<![0-9A-Za-z.])" + rf"{_OCTET}(?:\.{_OCTET}){{3}}" + r"(?!\.?[0-9]|[A-Za-z])")
_HEX = frozenset("0123456789abcdefABCDEF")
_IPV6 = re.compile(r"(?<![0-9A-Za-z:.])[0-9A-Fa-f]{0,4}(?::[0-9A-Fa-f]{0,4}){2,7}(?![0-9A-Za-z:])")
IP_CONTEXT = ContextWords(
    ["ip", "地址", "服务器", "server", "host", "主机", "登录", "login", "address"],
    ["version", "版本", "ver.", "section", "条", "章"],
)


class IpRecognizer(Recognizer):
    entities = ("IP_ADDRESS",)

    def find(self, doc: Doc) -> Iterator[Match]:
        text = doc.text
        if doc.has_digit and "." in text:
            for m in doc.scan(_IPV4, 4, needs="."):
                score, word = IP_CONTEXT.score(doc, m.start(), m.end(), 0.7, up=0.2, down=0.5)
                yield Match("IP_ADDRESS", m.start(), m.end(), score, validated="ipv4", context=word)
        if text.count(":") >= 2:
            # anchored at each colon: walk back over at most 4 hex digits, then match from there
            i, n, last = text.find(":"), len(text), -1
            while i != -1:
                s = i
                while s > 0 and i - s < 4 and text[s - 1] in _HEX:
                    s -= 1
                cand = _IPV6.match(text, s) if s >= last else None
                nxt = i + 1
                if cand and self._ipv6_ok(cand.group(0)):
                    score, word = IP_CONTEXT.score(doc, cand.start(), cand.end(), 0.8, up=0.15, down=0.5)
                    yield Match("IP_ADDRESS", cand.start(), cand.end(), score, validated="ipv6", context=word)
                    last = nxt = cand.end()
                i = text.find(":", nxt) if nxt < n else -1

    @staticmethod
    def _ipv6_ok(cand: str) -> bool:
        if len(cand) < 6 or (sum(1 for g in cand.split(":") if g) < 3 and "::" not in cand):
            return False
        try:
            ipaddress.IPv6Address(cand)
        except ValueError:
            return False
        return True


# Anchored on the first separator, which ``re`` can search for directly, with the leading hex digits
# checked by a look-behind after it: a pattern starting with [0-9A-Fa-f] (or with a look-behind) is
# tried at nearly every position of an English text. One pattern per separator, each starting with
# its literal: ``([:-])`` as a first item made ``re`` try the pattern at every position too (web
# text has dozens of list dashes per document). Their matches cannot overlap (a match holds hex
# digits and its own separator only, and may not touch the other separator), so the two scans
# together find what the one pattern found.
def _mac_sep(sep: str) -> re.Pattern[str]:
    return re.compile(sep + rf"(?<=[0-9A-Fa-f]{{2}}{sep})[0-9A-Fa-f]{{2}}(?:{sep}[0-9A-Fa-f]{{2}}){{4}}(?![0-9A-Za-z:-]|\.[0-9A-Fa-f])")


_MAC_SEPS = ((MAC_COLON, _mac_sep(":")), (MAC_DASH, _mac_sep("-")))
_MAC_DOT = re.compile(r"\.(?<=[0-9A-Fa-f]{4}\.)[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}(?![0-9A-Za-z:.-])")


class MacRecognizer(Recognizer):
    entities = ("MAC_ADDRESS",)

    def find(self, doc: Doc) -> Iterator[Match]:
        text, flags = doc.text, doc.flags
        if not flags & (MAC_COLON | MAC_DASH | MAC_DOT):  # nearly every text: no pattern can match
            return
        # each pattern runs only where the text has its separators' shape (Doc.flags), rarely
        sep_matches = sorted((m for bit, rx in _MAC_SEPS if flags & bit for m in rx.finditer(text)), key=lambda m: m.start())
        dot_matches = _MAC_DOT.finditer(text) if flags & MAC_DOT else iter(())
        for lead, matches in ((2, iter(sep_matches)), (4, dot_matches)):
            for m in matches:
                start = m.start() - lead
                if start and ((text[start - 1].isascii() and text[start - 1].isalnum()) or text[start - 1] in ":.-"):
                    continue
                value = text[start : m.end()]
                if not any(c.isalpha() for c in value) and len(set(value.replace(":", "").replace("-", ""))) < 3:
                    continue
                yield Match("MAC_ADDRESS", start, m.end(), 0.75, validated="format")


_URL = re.compile(
    r"(?i)(?<![A-Za-z0-9])(?:(?:https?|ftp|wss?)://|www\.)[^\s<>\"'\u3000-\u303f\uff00-\uffef\u4e00-\u9fff]+"
)
_URL_CRED = re.compile(r"(?i)(?<![A-Za-z0-9])[a-z][a-z0-9+.-]{1,15}://([^\s:/@<>\"']+):([^\s@/<>\"']+)@[^\s/<>\"']+")
_TRAIL = ".,;:!?)]}'\"*"


class UrlRecognizer(Recognizer):
    """URLs (S4, low base score: a URL is only sometimes personal) and URL credentials (S5)."""

    entities = ("URL", "URL_CREDENTIALS")

    def find(self, doc: Doc) -> Iterator[Match]:
        text = doc.text
        if "URL" in self.selected and ("://" in text or "www." in doc.lower):
            yield from self._urls(text)
        # credentials sit in a URL with a scheme: "://" and "@" are both needed
        if "URL_CREDENTIALS" in self.selected and "@" in text and "://" in text:
            for m in _URL_CRED.finditer(text):
                yield Match("URL_CREDENTIALS", m.start(1), m.end(2), 0.95, category="S5", validated="userinfo")

    @staticmethod
    def _urls(text: str) -> Iterator[Match]:
        for m in _URL.finditer(text):
            end = m.end()
            while end > m.start() and text[end - 1] in _TRAIL:
                if text[end - 1] == ")" and text.count("(", m.start(), end) >= text.count(")", m.start(), end):
                    break
                end -= 1
            if end - m.start() > 8:
                yield Match("URL", m.start(), end, 0.6, validated="scheme")
