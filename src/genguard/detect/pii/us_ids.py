"""US social security numbers and dates of birth (the latter only next to a birth cue)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from genguard.detect.pii.base import NA, NB, ContextWords, Doc, Match, Recognizer, WordFinder

_SSN = re.compile(NB + r"([0-9]{3})([- ]?)([0-9]{2})\2([0-9]{4})" + NA)
SSN_CONTEXT = ContextWords(["ssn", "social security", "social sec", "tax id", "taxpayer"], ["order", "订单", "phone", "tel"])


class SsnRecognizer(Recognizer):
    entities = ("US_SSN",)

    def find(self, doc: Doc) -> Iterator[Match]:
        if not doc.has_digit:
            return
        for m in doc.scan(_SSN, 9):
            area, sep, group, serial = m.groups()
            if area in ("000", "666") or area[0] == "9" or group == "00" or serial == "0000":
                continue
            if len(set(area + group + serial)) == 1 or area + group + serial == "123456789":
                continue
            base = 0.6 if sep == "-" else 0.35 if sep == " " else 0.2
            score, word = SSN_CONTEXT.score(doc, m.start(), m.end(), base, up=0.35, down=0.3)
            yield Match("US_SSN", m.start(), m.end(), score, validated="ssa-ranges", context=word)


_MONTHS = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?"
_DATE = re.compile(
    r"(?i)(?<![0-9])(?:"
    r"(?:19|20)[0-9]{2}(?:年(?:0?[1-9]|1[0-2])月(?:0?[1-9]|[12][0-9]|3[01])[日号]?|[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12][0-9]|3[01]))"
    r"|(?:0?[1-9]|[12][0-9]|3[01])[-/.](?:0?[1-9]|[12][0-9]|3[01])[-/.](?:19|20)[0-9]{2}"
    rf"|{_MONTHS} (?:0?[1-9]|[12][0-9]|3[01])(?:st|nd|rd|th)?,? (?:19|20)[0-9]{{2}}"
    rf"|(?:0?[1-9]|[12][0-9]|3[01])(?:st|nd|rd|th)? {_MONTHS},? (?:19|20)[0-9]{{2}}"
    r")(?![0-9])"
)
_DOB_CUES = ["出生", "生日", "生于", "诞生", "出生日期", "born", "birth", "dob", "d.o.b", "birthday"]
DOB_CONTEXT = ContextWords(_DOB_CUES, before=24, after=0)
# the cue words as DOB_CONTEXT.pos_words finds them, from the lower-cased view's shared pass
_DOB_WORDS = WordFinder(sorted({w.lower() for w in _DOB_CUES}), longest=True, view="lower")


class DateOfBirthRecognizer(Recognizer):
    """A date is personal only as a birth date: emitted only with a birth cue just before it."""

    entities = ("DATE_OF_BIRTH",)

    def find(self, doc: Doc) -> Iterator[Match]:
        if not doc.has_digit:
            return
        text, n, low = doc.text, len(doc.text), doc.lower
        last = -1
        # scan only just after each birth cue: the date must follow it within 24 characters
        for _, cue_start, cue_end in _DOB_WORDS.find_in(doc):
            s = max(cue_end, last)
            e = min(n, cue_end + 24 + 20)
            while e < n and text[e].isascii() and text[e].isalnum():
                e += 1
            for m in _DATE.finditer(text, s, e):
                if m.start() - cue_end <= 24:
                    last = m.end()
                    yield Match("DATE_OF_BIRTH", m.start(), m.end(), 0.8, validated="date", context=low[cue_start:cue_end])
