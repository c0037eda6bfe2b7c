"""The PII detector's findings on real text, pinned: speed work on the recognisers must not change one.

The digests below are of the findings (detector, category, entity, span, score, evidence,
metadata) that main produced before the recognisers' cost was cut (issue 7), over the shared
datasets: Presidio synthetic PII, COLD dev sentences, ToxiGen neutral statements, generated
Chinese PII in COLD carriers, and upper-cased / full-width / odd-Unicode variants of those. A
change of any finding changes a digest; if a change is intended, say so in the commit and
re-pin (``bench.pii.equivalence`` compares whole dumps and shows the differing findings). Both
the compiled text kernels and the pure-Python paths must give the same findings.
"""

from __future__ import annotations

import csv
import hashlib
import json
import random
import re
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genguard.detect.base import DetectContext
from genguard.detect.pii import ALL_ENTITIES, PiiDetector
from genguard.detect.pii import generate as gen
from genguard.detect.pii.base import SHARED_WORDS, Doc, WordFinder, _leftmost_longest
from genguard.text.compiled import compiled_fold

PINNED = {  # main at b21b6d7
    "presidio": "bf3406dd5ed632416b377fb0ab937081649c76ecf1009cc315276da1bdaa80e7",
    "cold": "d8503bc9689feac3273e81e50b782feaaedb138e6cec136e9f8ef768e36d8023",
    "toxigen": "67d0fb421500a64cd597eb39b28223bf975d240213de83df483296102a6cd7c3",
    "chinese_pii": "254fbaf8cccef0af3548304500ee02d6cda069fbc0a073790c99968ae27de892",
    "variants": "14010a15c5abe1a28b52265758e125d6882bfe8be441094d51e8eaac7e2d7869",
    "presidio_all_entities": "cf104ce5e980cd45615b03adc3463fff3d3e1bb17df3aa31a376673b228a2cde",
}


def _cold(data: Path) -> list[str]:
    with (data / "cold" / "dev.csv").open(encoding="utf-8-sig") as fh:
        return [r["TEXT"].strip() for r in csv.DictReader(fh) if r["TEXT"].strip()]


def _presidio(data: Path) -> list[str]:
    synth = json.loads((data / "presidio-synth" / "synth_dataset_v2.json").read_text(encoding="utf-8"))
    return [d["full_text"] for d in synth]


def _toxigen(data: Path) -> list[str]:
    lines: list[str] = []
    for f in sorted((data / "toxigen" / "prompts").glob("neutral_*_1k.txt")):
        lines += [ln.strip("- ").strip() for ln in f.read_text(encoding="utf-8").split("\\n") if ln.strip()]
    joined, buf = [], ""
    for ln in lines:
        buf += ln + " "
        if len(buf) >= 1000:
            joined.append(buf)
            buf = ""
    # and with a phone number and an e-mail address in each, as bench.pii.throughput has them
    with_pii = [t[:300] + f" call +1 415-555-{i % 10000:04d} or mail j.doe@example.com " + t[300:] for i, t in enumerate(joined)]
    return joined + with_pii


_MAKERS = [
    (gen.cn_id18, "身份证号："), (gen.cn_mobile, "手机："), (gen.cn_landline, "座机："), (gen.cn_bank_card, "卡号"),
    (gen.credit_card, "card "), (gen.uscc, "信用代码"), (gen.cn_passport, "护照号："), (gen.hmt_permit, "通行证："),
    (gen.cn_plate, "车牌号"),
]


def _chinese_pii(data: Path) -> list[str]:
    """Generated values (valid by construction) inside COLD sentences, with and without a cue."""
    rng = random.Random(7)
    out = []
    for i, c in enumerate(_cold(data)[:4000]):
        make, cue = _MAKERS[i % len(_MAKERS)]
        at = rng.randrange(len(c) + 1)
        out.append(c[:at] + (cue if i % 2 else "，") + make(rng) + "，" + c[at:])
    return out


_FULLWIDTH = {i: i + 0xFEE0 for i in range(0x21, 0x7F)}


def _variants(data: Path) -> list[str]:
    """Upper-cased and full-width texts, and characters whose lower case changes the length
    (U+0130), is ASCII (KELVIN SIGN) or depends on context (final sigma)."""
    rng = random.Random(5)
    out = []
    for t in _presidio(data)[:600] + _chinese_pii(data)[:900]:
        at = rng.randrange(len(t) + 1)
        odd = rng.choice(["\u0130", "\u212a", "\u03a3", "\u00df", "\U0001f600"])
        out += [t.upper(), t.translate(_FULLWIDTH), t[:at] + odd + t[at:]]
    return out


SETS = {"presidio": _presidio, "cold": _cold, "toxigen": _toxigen, "chinese_pii": _chinese_pii, "variants": _variants,
        "presidio_all_entities": _presidio}


def _lines(det: PiiDetector, texts: list[str]) -> Iterator[str]:
    for i, t in enumerate(texts):
        fs = det.detect(DetectContext(t))
        if fs:
            rows = [[f.detector, f.category, f.entity, f.start, f.end, f.score, f.evidence, f.metadata] for f in fs]
            yield json.dumps([i, rows], ensure_ascii=False, sort_keys=True)


def findings_digest(texts: list[str], *, every_entity: bool = False) -> str:
    """sha256 of the findings of the default detector, or of one with every entity (URLs too)."""
    det = PiiDetector(entities=list(ALL_ENTITIES)) if every_entity else PiiDetector()
    h = hashlib.sha256()
    for line in _lines(det, texts):
        h.update(line.encode() + b"\n")
    return h.hexdigest()


@pytest.fixture(params=["compiled", "pure-python"])
def kernels(request: pytest.FixtureRequest) -> Iterator[str]:
    saved = compiled_fold.enabled
    compiled_fold.enabled = request.param == "compiled" and compiled_fold.built()
    try:
        yield request.param
    finally:
        compiled_fold.enabled = saved


@pytest.mark.parametrize("name", list(SETS))
def test_findings_on_real_text_are_pinned(shared_data: Path, kernels: str, name: str) -> None:
    assert findings_digest(SETS[name](shared_data), every_entity=name.endswith("_all_entities")) == PINNED[name]


def test_shared_word_index_answers_what_each_finder_finds(shared_data: Path) -> None:
    """Every finder of a view gets from the one shared pass exactly what its own automaton finds."""
    texts = _presidio(shared_data)[:300] + _chinese_pii(shared_data)[:300] + _variants(shared_data)[:300]
    texts += ["我家住在北京市海淀区，地址：上海市 password: hunter22 Mr. Smith, my name is Ann, born 1990-01-02"]
    texts += ["MR. Mr mr Dr. DR. İstanbul Mr. Lee 北京 password", "Kelvin \u212aey: x Ms. Sırma Mrs. Σ地址"]
    finders = SHARED_WORDS.finders
    assert {f.view for f in finders} == {"text", "lower"} and len(finders) >= 6
    for t in texts:
        doc = Doc(t)
        for f in finders:
            assert f.find_in(doc) == f.find(doc.lower if f.view == "lower" else doc.text)


def test_leftmost_longest_walk_matches_the_automaton() -> None:
    """The walk over all occurrences reproduces a LeftmostLongest automaton, on words that overlap
    and nest (random texts over their alphabet)."""
    rng = random.Random(1)
    words = ["ab", "abc", "bc", "b", "cab", "abca", "ca"]
    own = WordFinder(words, longest=True)
    every = WordFinder(words)
    for _ in range(3000):
        t = "".join(rng.choice("abcx") for _ in range(rng.randint(0, 30)))
        assert _leftmost_longest(every.find(t)) == own.find(t)


_OLD_MAC_SEP = re.compile(r"([:-])(?<=[0-9A-Fa-f]{2}[:-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}(?![0-9A-Za-z:-]|\.[0-9A-Fa-f])")


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(["a1", "0F", "ff", "9", ":", "-", ".", "::", "-x", " ", "ab:", "0a-", "e.", "\\n- "]),
                max_size=40).map("".join))
def test_mac_separator_scans_find_what_the_one_pattern_found(text: str) -> None:
    """The colon and the dash scan, merged by start, give the single ``([:-])...\\1`` pattern's matches."""
    from genguard.detect.pii import network

    merged = sorted((m.span() for _, rx in network._MAC_SEPS for m in rx.finditer(text)))
    assert merged == [m.span() for m in _OLD_MAC_SEP.finditer(text)]


_KERNEL_TEXT = st.lists(
    st.sampled_from(["0", "7", "12", "345", "a", "Z", "x9", " ", "(", ")", "+", ".", "-", "/", ":", "·", "•", "年", "月",
                     "日", "号", "中", "，", "１", "２", "：", "（", "）", "\u3000", "Ａ", "ｚ", "＠", "＿", "é", "😀"]),
    max_size=60,
).map("".join)


@settings(max_examples=1500, deadline=None)
@given(_KERNEL_TEXT)
def test_compiled_fold_and_windows_equal_the_python_ones(text: str) -> None:
    """The compiled full-width fold and digit windows give exactly the regex-based Python ones."""
    from genguard.detect.pii.base import WINDOW_MARGIN, fold_python, windows_python
    from genguard.text.compiled import fold as kernel

    if kernel is None:
        pytest.skip("text kernels not built")
    folded = fold_python(text)
    assert kernel.fold_fullwidth(text) == folded
    assert kernel.digit_windows(folded, WINDOW_MARGIN) == windows_python(folded)


def test_compiled_windows_on_real_text(shared_data: Path) -> None:
    from genguard.detect.pii.base import WINDOW_MARGIN, fold_python, windows_python
    from genguard.text.compiled import fold as kernel

    if kernel is None:
        pytest.skip("text kernels not built")
    for t in _presidio(shared_data) + _chinese_pii(shared_data) + _variants(shared_data)[:2000]:
        folded = fold_python(t)
        assert kernel.fold_fullwidth(t) == folded
        assert kernel.digit_windows(folded, WINDOW_MARGIN) == windows_python(folded)


@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(["Mr", "MR", "mr", "Mrs", "Dr", "dR", "Sir", "SIR", "Madam", "北京", "河南", "地址", "住在",
                                 "Pass", "PASS", "password", "secret", "Key", "name", "Name", "my NAME is", "Regards,",
                                 "born", "BIRTH", "D.O.B", "birthday", "出生日期", "先生", "女士", "小姐姐", "王", "Ms",
                                 "Miss", " ", ".", "İ", "\u212a", "Σ", "ß", "\ud800", "😀", "１", "Ｍｒ"]),
                max_size=30).map("".join))
def test_shared_word_index_on_mixed_case_text(text: str) -> None:
    """One pass over the lower-cased text answers each finder as its own automaton does on its
    view, whatever the case of the words and with characters whose lower case is longer."""
    doc = Doc(text)
    for f in SHARED_WORDS.finders:
        assert f.find_in(doc) == f.find(doc.lower if f.view == "lower" else doc.text)


def test_compiled_lower_is_str_lower_for_every_character() -> None:
    """Every code point alone, and mixed texts: the kernel's lower case is str.lower(), or None for
    the two characters it leaves to str.lower() (U+0130, U+03A3)."""
    from genguard.text.compiled import fold as kernel

    if kernel is None:
        pytest.skip("text kernels not built")
    for c in range(0x110000):
        got = kernel.lower(chr(c))
        assert got == chr(c).lower() if got is not None else c in (0x130, 0x3A3)
    for t in ["", "ABC", "Straße ÀÉ \u212a 中文 😀 Ω", "\ud800X", "x" * 1000 + "\u0130", "ΣΑΣ"]:
        got = kernel.lower(t)
        assert got == t.lower() if got is not None else ("\u0130" in t or "\u03a3" in t)


@settings(max_examples=1500, deadline=None)
@given(st.text(max_size=40))
def test_compiled_lower_on_any_text(text: str) -> None:
    from genguard.text.compiled import fold as kernel

    if kernel is None:
        pytest.skip("text kernels not built")
    got = kernel.lower(text)
    if got is None:
        assert "\u0130" in text or "\u03a3" in text
    else:
        assert got == text.lower() and got.isascii() == text.lower().isascii()


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(["password", "passwd", "pass", "pwd", "passphrase", "密码", "口令", "secret", "client_",
                                 "api", "access", "private", "auth", "_", "-", "key", "token", "KEY", "Token", " ", ":",
                                 "=", "=>", " is ", "'", '"', "hunter22", "abcd", "x", "；", "\u0130"]),
                max_size=25).map("".join))
def test_key_value_pattern_tried_at_its_key_words_finds_what_its_scan_finds(text: str) -> None:
    """Every key of the key=value pattern holds a gate word at a listed offset, so trying the
    pattern there gives its whole-text scan of the lower-cased text."""
    from genguard.detect.pii import secrets
    from genguard.detect.pii.base import match_at_starts

    doc = Doc(text)
    low = doc.lower
    got = [m.span() for m in match_at_starts(secrets._KV_LOWER, secrets._KV_CUES.find(doc), secrets._KV_STARTS, low)]
    if len(low) == len(doc.text):
        assert got == [m.span() for m in secrets._KV_LOWER.finditer(low)]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(["abcdefghijklmnop", "x" * 15, "y" * 16, "A1b2C3d4", "+/=", "_.-", " ", "密钥", "é",
                                 "😀", ":", "\u00ff", "-" * 17]), max_size=30).map("".join),
       st.sampled_from([1, 2, 15, 16, 17]))
def test_secret_token_runs_skip_ahead_exactly(text: str, min_len: int) -> None:
    """The compiled run scan skips ahead by ``min_len``; it still finds the regex's runs exactly,
    runs just shorter, just longer and exactly ``min_len`` long included."""
    import string

    from genguard.text.runs import AsciiRuns

    runs = AsciiRuns(string.ascii_letters + string.digits + "+/=_.-", min_len)
    assert runs.spans(text) == [m.span() for m in runs._rx.finditer(text)]


_FLAG_TEXT = st.lists(st.sampled_from(["0", "9", "a", "F", "g", "Z", ":", "-", ".", "::", "--", "..", "ab", "0f:", "1e-",
                                       "abcd.", " ", "\n", "中", "\u4dff", "\u9fff", "\ua000", "é", "😀", "１"]),
                      max_size=60).map("".join)


@settings(max_examples=2000, deadline=None)
@given(_FLAG_TEXT)
def test_compiled_pii_flags_equal_the_python_ones(text: str) -> None:
    """The compiled one-pass gates (digit, CJK, MAC separator shapes) give exactly the regex-based
    Python ones; and a MAC pattern never matches where its shape bit is clear."""
    from genguard.detect.pii import network
    from genguard.detect.pii.base import MAC_DOT, pii_flags_python
    from genguard.text.compiled import fold as kernel

    flags = pii_flags_python(text)
    for bit, rx in (*network._MAC_SEPS, (MAC_DOT, network._MAC_DOT)):
        assert flags & bit or rx.search(text) is None
    if kernel is not None:
        assert kernel.pii_flags(text) == flags


def test_compiled_pii_flags_on_real_text(shared_data: Path) -> None:
    from genguard.detect.pii.base import fold_python, pii_flags_python
    from genguard.text.compiled import fold as kernel

    if kernel is None:
        pytest.skip("text kernels not built")
    texts = _presidio(shared_data) + _chinese_pii(shared_data) + _variants(shared_data)[:2000] + _toxigen(shared_data)[:500]
    texts += ["aa:bb:cc:dd:ee:ff", "00-1A-2b-3C-4d-5E", "0011.2233.4455", "a:b", "x" * 20 + "中" + "😀"]
    for t in texts:
        folded = fold_python(t)
        assert kernel.pii_flags(folded) == pii_flags_python(folded)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.text(alphabet="abcAé中国人\u212a", min_size=2, max_size=5), min_size=1, max_size=12, unique=True),
       st.text(alphabet="abcxAé中国人😀\ud800\ufffd\u212a ", max_size=60))
def test_compiled_word_scan_finds_what_the_automaton_finds(words: list[str], text: str) -> None:
    """The compiled scan by first-two-character pairs finds every occurrence the overlapping
    Aho-Corasick pass finds (lone surrogates read as U+FFFD there), on words that overlap and nest."""
    import ahocorasick_rs

    from genguard.detect.pii.base import WordIndex
    from genguard.text.compiled import fold as kernel

    index = WordIndex.build(words)
    if kernel is None or index is None:
        pytest.skip("text kernels not built")
    ac = ahocorasick_rs.AhoCorasick(words, matchkind=ahocorasick_rs.MatchKind.Standard)
    expected = ac.find_matches_as_indexes(text.replace("\ud800", "\ufffd"), overlapping=True)
    assert sorted(index.find(kernel, text)) == sorted(expected)


def test_compiled_word_scan_serves_the_shared_index() -> None:
    """The shared index's words qualify for the compiled scan (else it silently runs the library's)."""
    from genguard.detect.pii import PiiDetector

    PiiDetector()
    SHARED_WORDS.hits("x", "x")
    assert SHARED_WORDS._index is not None
