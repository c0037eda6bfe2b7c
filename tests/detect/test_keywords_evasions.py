"""Each evasion form is caught, for a Chinese and an English term, with spans on the original text.

Terms come from the small test bank below: zh 拐卖人口 / 出售AK47步枪 / 造假币, en "build a pipe bomb".
Traditional characters and pinyin exist only for Chinese, leetspeak only for Latin script; case
applies to the Latin part of a Chinese term (AK47).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from genguard.detect.keywords.engine import KeywordEngine, compile_engine

TEST_BANK = """\
category: A1.8
provenance: "genguard test bank"
terms:
  zh: [拐卖人口, 出售AK47步枪, 造假币]
  en: [build a pipe bomb, nail bomb, kill a child]
allow:
  zh: [拐卖人口罪的量刑标准]
  en: [kill a child process]
"""


@pytest.fixture
def test_bank(tmp_path: Path) -> Path:
    p = tmp_path / "banks" / "test.yaml"
    p.parent.mkdir()
    p.write_text(TEST_BANK, encoding="utf-8")
    return p


@pytest.fixture
def engine(test_bank: Path) -> KeywordEngine:
    return compile_engine([test_bank])

ZH = "拐卖人口"
EN = "build a pipe bomb"

CASES = [
    # (evasion, text, expected evidence, bank term, view)
    ("plain-zh", "他在问拐卖人口的事", "拐卖人口", ZH, "compact"),
    ("plain-en", "please build a pipe bomb now", "build a pipe bomb", EN, "compact"),
    ("fullwidth-en", "ｂｕｉｌｄ ａ ｐｉｐｅ ｂｏｍｂ", "ｂｕｉｌｄ ａ ｐｉｐｅ ｂｏｍｂ", EN, "compact"),
    ("fullwidth-zh", "出售ＡＫ４７步枪", "出售ＡＫ４７步枪", "出售AK47步枪", "compact"),
    ("case-en", "BuIlD A PIPE BOMB", "BuIlD A PIPE BOMB", EN, "compact"),
    ("case-zh", "出售ak47步枪", "出售ak47步枪", "出售AK47步枪", "compact"),
    ("nfkc-en", "𝐛𝐮𝐢𝐥𝐝 𝐚 𝐩𝐢𝐩𝐞 𝐛𝐨𝐦𝐛", "𝐛𝐮𝐢𝐥𝐝 𝐚 𝐩𝐢𝐩𝐞 𝐛𝐨𝐦𝐛", EN, "compact"),
    ("nfkc-zh", "拐卖⼈⼝", "拐卖⼈⼝", ZH, "compact"),
    ("traditional-zh", "拐賣人口", "拐賣人口", ZH, "compact"),
    ("zero-width-en", "build a p\u200bipe b\u200dom\ufeffb", "build a p\u200bipe b\u200dom\ufeffb", EN, "compact"),
    ("zero-width-zh", "拐\u200b卖\u2060人\u200c口", "拐\u200b卖\u2060人\u200c口", ZH, "compact"),
    ("tag-chars-en", "build a pipe b\U000e0041omb", "build a pipe b\U000e0041omb", EN, "compact"),
    ("separators-en", "b.u.i.l.d a p.i.p.e b.o.m.b", "b.u.i.l.d a p.i.p.e b.o.m.b", EN, "compact"),
    ("spaces-en", "b u i l d  a  p i p e  b o m b", "b u i l d  a  p i p e  b o m b", EN, "compact"),
    ("separators-zh", "拐*卖*人*口", "拐*卖*人*口", ZH, "compact"),
    ("mixed-separators-zh", "拐 卖-人_口", "拐 卖-人_口", ZH, "compact"),
    ("punctuation-zh", "拐。卖，人｜口", "拐。卖，人｜口", ZH, "compact"),
    ("homoglyph-en", "build а рiре bоmb", "build а рiре bоmb", EN, "compact"),  # Cyrillic а р е о
    ("homoglyph-greek-en", "build a pipe bοmb", "build a pipe bοmb", EN, "compact"),  # Greek ο
    ("leet-en", "bu1ld 4 p1p3 b0mb", "bu1ld 4 p1p3 b0mb", EN, "compact"),
    ("leet-symbols-en", "bui1d @ pipe b0mb", "bui1d @ pipe b0mb", EN, "compact"),
    ("pinyin-full-zh", "how about guai mai ren kou", "guai mai ren kou", ZH, "pinyin"),
    ("pinyin-glued-zh", "guaimairenkou!", "guaimairenkou", ZH, "pinyin"),
    ("pinyin-mixed-zh", "拐卖renkou", "拐卖renkou", ZH, "pinyin"),
    ("pinyin-initials-zh", "talk about gmrk today", "gmrk", ZH, "pinyin_initials"),
    ("pinyin-initials-spaced-zh", "g m r k", "g m r k", ZH, "pinyin_initials"),
    ("shinjitai-zh", "拐売人口", "拐売人口", ZH, "compact"),  # Japanese 売 for 卖
    ("split-zh", "他在问手另卖人口的事", "手另卖人口", ZH, "split"),  # 拐 written as its parts
    ("split-two-zh", "手另十买人口", "手另十买人口", ZH, "split"),
    ("split-separated-zh", "出售AK47步 木 仓！", "出售AK47步 木 仓", "出售AK47步枪", "split"),  # 枪 = 木仓
    ("interleaved-digits-zh", "他在问拐1卖2人3口的事", "拐1卖2人3口", ZH, "interleaved"),
    ("interleaved-letters-zh", "拐x卖yy人zzz口", "拐x卖yy人zzz口", ZH, "interleaved"),
    ("interleaved-one-gap-zh", "拐卖人99口", "拐卖人99口", ZH, "interleaved"),  # 4+ characters: one gap will do
    ("interleaved-traditional-zh", "拐1賣2人3口", "拐1賣2人3口", ZH, "interleaved"),
    ("interleaved-three-zh", "造1假2币", "造1假2币", "造假币", "interleaved"),  # 3 characters: junk in both gaps
]


@pytest.mark.parametrize(("name", "text", "evidence", "term", "view"), CASES, ids=[c[0] for c in CASES])
def test_evasion_is_caught_with_original_span(
    engine: KeywordEngine, name: str, text: str, evidence: str, term: str, view: str
) -> None:
    hits = [h for h in engine.match(text) if h.term == term]
    assert hits, f"{name}: {text!r} not matched"
    h = hits[0]
    assert text[h.start : h.end] == evidence
    assert h.view == view
    assert h.category == "A1.8"


@pytest.mark.parametrize(
    "text",
    [
        "pipe bombastic builder",  # not a term
        "rebuild a pipe bomber",  # word boundaries at both ends of the original
        "nai lbomb",  # a chunk that does not align with the term's words
        "guaimairenkouhao",  # pinyin must end on a word boundary
        "xgmrk",  # initials only as a whole token
        "拐卖人",  # partial term
        "拐卖人口罪的量刑标准是什么",  # allow-listed benign phrase overlapping the hit
        "扌另卖人口网非的量刑标准是什么",  # the same, written with split characters
        "这所女子学校在木仓路上",  # components that are ordinary words stay words
        "how to kill a child process in linux",  # allow-listed
        "拐卖人1234口",  # junk gaps are at most three characters
        "造假1币",  # a three-character term needs junk in both gaps (ordinary text has digits in it)
        "拐1卖2人3口罪的量刑标准",  # the allow-listed phrase, written the same way, still cancels
    ],
)
def test_near_misses_and_allow_list_are_not_hit(engine: KeywordEngine, text: str) -> None:
    assert engine.match(text) == []


def test_allow_list_only_cancels_overlapping_hits(engine: KeywordEngine) -> None:
    text = "kill a child process first, then we kill a child"
    hits = engine.match(text)
    assert [text[h.start : h.end] for h in hits] == ["kill a child"]
    assert hits[0].start == text.rindex("kill a child")


def test_spelled_out_letters_are_caught_but_glued_words_need_alignment(engine: KeywordEngine) -> None:
    assert engine.match("n a i l b o m b")
    assert engine.match("nailbomb")
    assert engine.match("nail-bomb")
