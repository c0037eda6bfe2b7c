"""Per-recogniser properties: valid generated values are found with exact spans; corrupted check
digits are not; context words move scores; full-width input keeps original spans."""

from __future__ import annotations

import random
from collections.abc import Callable

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from genguard.detect.pii import PiiDetector
from genguard.detect.pii import generate as gen
from genguard.detect.pii.checksums import (
    ID_CHECK,
    USCC_ALPHABET,
    luhn_ok,
    valid_cn_id18,
    valid_iban,
    valid_uscc,
)

DET = PiiDetector()
_CARRIER = st.text(alphabet="天气很好今日我们去公园散步吧这是一个测试句子用于检查效果 ，。！", max_size=30)
_seeds = st.integers(min_value=0, max_value=2**32 - 1)


def _spans(text: str, entity: str) -> list[tuple[int, int]]:
    return [(m.start, m.end) for m in DET.matches(text) if m.entity == entity]


GENERATED: list[tuple[str, Callable[[random.Random], str], str]] = [
    ("CN_ID_CARD", gen.cn_id18, ""),
    ("CN_ID_CARD", gen.cn_id15, "身份证号："),
    ("CN_MOBILE", gen.cn_mobile, ""),
    ("CN_LANDLINE", gen.cn_landline, ""),
    ("CN_BANK_CARD", gen.cn_bank_card, ""),
    ("CREDIT_CARD", gen.credit_card, ""),
    ("CN_USCC", gen.uscc, ""),
    ("CN_PASSPORT", gen.cn_passport, "护照号码"),
    ("CN_HMT_PERMIT", gen.hmt_permit, "通行证号"),
    ("CN_PLATE", gen.cn_plate, ""),
    ("IBAN", gen.iban, ""),
]


@pytest.mark.parametrize(("entity", "make", "cue"), GENERATED, ids=[f"{e}-{m.__name__}" for e, m, _ in GENERATED])
@settings(max_examples=60, deadline=None)
@given(seed=_seeds, before=_CARRIER, after=_CARRIER)
def test_generated_values_found_with_exact_span(
    entity: str, make: Callable[[random.Random], str], cue: str, seed: int, before: str, after: str
) -> None:
    value = make(random.Random(seed))
    prefix = before + cue
    text = prefix + value + after
    assert (len(prefix), len(prefix) + len(value)) in _spans(text, entity), (text, DET.matches(text))


@settings(max_examples=80, deadline=None)
@given(seed=_seeds, before=_CARRIER)
def test_id_card_wrong_check_digit_not_found(seed: int, before: str) -> None:
    value = gen.cn_id18(random.Random(seed))
    wrong = value[:17] + next(c for c in ID_CHECK if c != value[17])
    assert not valid_cn_id18(wrong)
    assert _spans(before + "身份证号" + wrong, "CN_ID_CARD") == []


@pytest.mark.parametrize("make", [gen.cn_bank_card, gen.credit_card])
@settings(max_examples=60, deadline=None)
@given(seed=_seeds)
def test_card_wrong_luhn_digit_not_found(make: Callable[[random.Random], str], seed: int) -> None:
    value = make(random.Random(seed))
    wrong = value[:-1] + str((int(value[-1]) + 1 + seed % 9) % 10)
    assert not luhn_ok(wrong)
    found = [m for m in DET.matches("卡号 " + wrong) if m.entity in ("CN_BANK_CARD", "CREDIT_CARD")]
    assert found == []


@settings(max_examples=60, deadline=None)
@given(seed=_seeds)
def test_uscc_wrong_check_char_not_found(seed: int) -> None:
    value = gen.uscc(random.Random(seed))
    wrong = value[:17] + next(c for c in USCC_ALPHABET if c != value[17])
    assert not valid_uscc(wrong)
    assert _spans("统一社会信用代码：" + wrong, "CN_USCC") == []


@settings(max_examples=60, deadline=None)
@given(seed=_seeds, country=st.sampled_from(["DE", "GB", "FR", "NL", "ES"]))
def test_iban_wrong_check_digits_not_found(seed: int, country: str) -> None:
    value = gen.iban(random.Random(seed), country)
    wrong = value[:2] + f"{(int(value[2:4]) + 1) % 97 + 2:02d}" + value[4:]
    if valid_iban(wrong):  # check digits 98 and 00 are congruent mod 97; skip that one case
        wrong = value[:2] + f"{(int(value[2:4]) + 3) % 97 + 2:02d}" + value[4:]
    assert not valid_iban(wrong)
    assert _spans("IBAN " + wrong, "IBAN") == []
    grouped = " ".join(value[i : i + 4] for i in range(0, len(value), 4))
    assert _spans(f"pay to {grouped}.", "IBAN") == [(7, 7 + len(grouped))]


@settings(max_examples=40, deadline=None)
@given(seed=_seeds, sep=st.sampled_from(["", " ", "-"]), prefix=st.sampled_from(["", "+86 ", "+86", "0086 ", "(+86)"]))
def test_mobile_formats(seed: int, sep: str, prefix: str) -> None:
    raw = gen.cn_mobile(random.Random(seed))
    value = prefix + raw[:3] + sep + raw[3:7] + sep + raw[7:]
    assert _spans("电话" + value + "。", "CN_MOBILE") == [(2, 2 + len(value))]


def test_mobile_not_found_inside_longer_digit_runs() -> None:
    assert _spans("编号 138123456789", "CN_MOBILE") == []
    assert _spans("12013812345678", "CN_MOBILE") == []
    assert _spans("号码11012345678", "CN_MOBILE") == []  # 110 is not a mobile prefix


def test_full_width_digits_keep_original_spans() -> None:
    value = gen.cn_id18(random.Random(7))
    full = "".join(chr(ord(c) + 0xFEE0) for c in value)
    text = "身份证号：" + full + "，手机：１３８１２３４５６７８"
    found = {m.entity: (m.start, m.end) for m in DET.matches(text)}
    assert found["CN_ID_CARD"] == (5, 23)
    assert text[found["CN_MOBILE"][0] : found["CN_MOBILE"][1]] == "１３８１２３４５６７８"


def test_context_raises_and_lowers_scores() -> None:
    value = gen.cn_id15(random.Random(3))
    assert _spans("他说" + value, "CN_ID_CARD") == []  # no check digit: not enough alone
    assert _spans("身份证号" + value, "CN_ID_CARD") == [(4, 19)]
    card = gen.cn_bank_card(random.Random(4))
    plain = [m.score for m in DET.matches("数字 " + card) if m.entity == "CN_BANK_CARD"]
    cued = [m.score for m in DET.matches("银行卡号 " + card) if m.entity == "CN_BANK_CARD"]
    assert cued and plain and cued[0] > plain[0]
    passport = "E12345678"
    assert _spans("订单编号 " + passport, "CN_PASSPORT") == []
    assert _spans("护照号 " + passport, "CN_PASSPORT") == [(4, 13)]


def test_id_card_not_double_reported_as_card_or_uscc() -> None:
    rng = random.Random(11)
    for _ in range(200):
        value = gen.cn_id18(rng, region="620102")  # Gansu: starts with 62 like UnionPay
        ms = DET.matches("号码" + value)
        assert [m.entity for m in ms] == ["CN_ID_CARD"]


@pytest.mark.parametrize(
    ("text", "entity", "evidence"),
    [
        ("座机010-87654321转123", "CN_LANDLINE", "010-87654321转123"),
        ("call (0755)82345678 now", "CN_LANDLINE", "(0755)82345678"),
        ("plate 粤BD12345 parked", "CN_PLATE", "粤BD12345"),
        ("车牌号沪A·12345", "CN_PLATE", "沪A·12345"),
        ("收货地址：浙江省杭州市西湖区文三路90号", "CN_ADDRESS", "浙江省杭州市西湖区文三路90号"),
        ("write to li.lei+news@mail.example.com.cn.", "EMAIL", "li.lei+news@mail.example.com.cn"),
        ("server 10.20.30.40, retry", "IP_ADDRESS", "10.20.30.40"),
        ("host fe80::1ff:fe23:4567:890a up", "IP_ADDRESS", "fe80::1ff:fe23:4567:890a"),
        ("mac 00:1A:2b:3C:4d:5E ok", "MAC_ADDRESS", "00:1A:2b:3C:4d:5E"),
        ("Call +1 415-555-2671 today", "PHONE", "+1 415-555-2671"),
        ("phone: (212) 555-0199", "PHONE", "(212) 555-0199"),
        ("SSN 078-05-1121", "US_SSN", "078-05-1121"),
        ("她出生于1990年3月7日", "DATE_OF_BIRTH", "1990年3月7日"),
        ("DOB: March 7, 1990", "DATE_OF_BIRTH", "March 7, 1990"),
        ("see https://example.com/a?b=1).", "URL", "https://example.com/a?b=1"),
        ("联系人：王小明，电话", "PERSON", "王小明"),
        ("我们请欧阳娜娜女士发言", "PERSON", "欧阳娜娜"),
        ("我和王伟先生谈过", "PERSON", "王伟"),
        ("Dear Dr. Jane Goodall, thanks", "PERSON", "Jane Goodall"),
        ("my name is Peter Parker.", "PERSON", "Peter Parker"),
    ],
)
def test_examples(text: str, entity: str, evidence: str) -> None:
    det = PiiDetector(entities=[entity])
    got = [text[m.start : m.end] for m in det.matches(text) if m.entity == entity]
    assert got == [evidence], det.matches(text)


@pytest.mark.parametrize(
    ("text", "entity", "evidence"),
    [
        ("key AKIAIOSFODNN7EXAMPLE in config", "API_KEY", "AKIAIOSFODNN7EXAMPLE"),
        ("token ghp_" + "a1B2" * 9 + " leaked", "API_KEY", "ghp_" + "a1B2" * 9),
        ("export OPENAI_API_KEY=sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8t", "API_KEY", "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8t"),
        ("db password: Hunter2!x;", "PASSWORD", "Hunter2!x"),
        ("数据库密码：Zx9#kq2Lm", "PASSWORD", "Zx9#kq2Lm"),
        ("postgres://admin:s3cr3t@db.local:5432/x", "URL_CREDENTIALS", "admin:s3cr3t"),
        (
            "auth eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U end",
            "JWT",
            "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.dozjgNryP4J3jVmNHl0w5N_XgL0n3I9PlFUP0THsR8U",
        ),
        ("the signing secret 9fQ2xLr7Tz4WbK8mNp3VsY6dHj1C", "HIGH_ENTROPY_SECRET", "9fQ2xLr7Tz4WbK8mNp3VsY6dHj1C"),
    ],
)
def test_secret_examples(text: str, entity: str, evidence: str) -> None:
    ms = [m for m in DET.matches(text) if m.entity == entity]
    assert [text[m.start : m.end] for m in ms] == [evidence], DET.matches(text)
    assert all(m.category == "S5" for m in ms)


def test_entropy_secret_needs_its_cue_close_before_it() -> None:
    token = "9fQ2xLr7Tz4WbK8mNp3VsY6dHj1C"
    assert [m.entity for m in DET.matches(f"the signing secret {token}")] == ["HIGH_ENTROPY_SECRET"]
    far = "the signing secret was rotated. " + "Nothing else in this part of the text matters at all. " + token
    assert DET.matches(far) == []  # a cue elsewhere in the text is not the token's cue
    assert DET.matches(f"build id {token}") == []
    assert [m.entity for m in DET.matches(f"{far} and the bearer {token}")] == ["HIGH_ENTROPY_SECRET"]


def test_private_key_block() -> None:
    pem = "-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7\nabc+/=\n-----END RSA PRIVATE KEY-----"
    text = "here:\n" + pem + "\nbye"
    ms = [m for m in DET.matches(text) if m.entity == "PRIVATE_KEY"]
    assert [(m.start, m.end) for m in ms] == [(6, 6 + len(pem))]


@pytest.mark.parametrize(
    "text",
    [
        "版本号 1.2.3.4 已发布",  # version number, not an IP
        "今天是2023-12-05，天气不错",  # a date with no birth cue
        "共有13800人参加，增长了12.5%",
        "The meeting is at 10:30:45 in room 101.",
        "password: ********",
        "请参考第3章第12条的规定",
        "订单号：20231205123456789",
        "北京是中国的首都",
        "我去了上海市",
        "中关村大街很堵",
        "5月3号我们去海淀区",  # a date's 号 is not a house number
        "地铁3号线到朝阳区人民路",
        "地址栏里输入网址",
    ],
)
def test_no_false_positives_on_ordinary_text(text: str) -> None:
    assert DET.matches(text) == []


def test_entity_selection_and_thresholds() -> None:
    text = "手机13812345678 邮箱 a@example.com"
    only_email = PiiDetector(entities=["EMAIL"])
    assert [m.entity for m in only_email.matches(text)] == ["EMAIL"]
    no_email = PiiDetector(exclude=["EMAIL"])
    assert [m.entity for m in no_email.matches(text)] == ["CN_MOBILE"]
    strict = PiiDetector(thresholds={"EMAIL": 0.95})
    assert [m.entity for m in strict.matches(text)] == ["CN_MOBILE"]


@settings(max_examples=60, deadline=None)
@given(
    surname=st.sampled_from(["王", "李", "张", "刘", "陈", "欧阳", "司马", "赵", "周", "吴"]),
    given_name=st.text(alphabet="伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚英华", min_size=1, max_size=2),
    cue=st.sampled_from(["姓名：", "联系人：", "收件人", "联系人 "]),
    after=st.sampled_from(["", "，电话见下", "。", " 先到"]),
)
def test_person_after_cue(surname: str, given_name: str, cue: str, after: str) -> None:
    name = surname + given_name
    text = "请登记" + cue + name + after
    start = 3 + len(cue)
    assert (start, start + len(name)) in _spans(text, "PERSON")


@settings(max_examples=60, deadline=None)
@given(
    place=st.sampled_from([("广东省", "深圳市", "南山区"), ("浙江省", "杭州市", "西湖区"), ("北京市", "", "海淀区"),
                           ("四川省", "成都市", "武侯区"), ("新疆维吾尔自治区", "乌鲁木齐市", "天山区")]),
    road=st.sampled_from(["科技园路", "文三路", "人民大道", "建设街"]),
    number=st.integers(1, 9999),
    cue=st.sampled_from(["", "地址：", "家住"]),
)
def test_address_levels(place: tuple[str, str, str], road: str, number: int, cue: str) -> None:
    value = "".join(place) + road + f"{number}号"
    text = "快递请寄到" + cue + value + "，谢谢"
    start = 5 + len(cue)
    assert _spans(text, "CN_ADDRESS") == [(start, start + len(value))]


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("北京市海淀区中关村大街27号", "北京市海淀区中关村大街27号"),  # a road named after a village: not cut at 村
        ("地址：杭州市西湖区文三路90号", "杭州市西湖区文三路90号"),  # no province, behind a cue
        ("海淀区中关村大街27号", "海淀区中关村大街27号"),  # district + street + number alone
        ("公司位于海淀区中关村大街27号，欢迎", "海淀区中关村大街27号"),
        ("寄到成都市武侯区科技园路5号吧", "成都市武侯区科技园路5号"),
        ("地址：文三路９０号", "文三路９０号"),  # full-width digits, two levels behind a cue
        ("北京市朝阳区望京花园小区3号楼2单元501，谢谢", "北京市朝阳区望京花园小区3号楼2单元501"),
        ("北京市东城区南锣鼓巷胡同5号", "北京市东城区南锣鼓巷胡同5号"),
    ],
)
def test_address_runs_through_street_community_and_number(text: str, value: str) -> None:
    start = text.index(value)
    assert _spans(text, "CN_ADDRESS") == [(start, start + len(value))], DET.matches(text)


@settings(max_examples=60, deadline=None)
@given(seed=_seeds, fmt=st.sampled_from(["%Y-%m-%d", "%Y年%m月%d日", "%Y/%m/%d", "%m/%d/%Y"]),
       cue=st.sampled_from(["出生日期：", "生日是", "born on ", "DOB: "]))
def test_date_of_birth_only_with_cue(seed: int, fmt: str, cue: str) -> None:
    value = gen.birth_date(random.Random(seed)).strftime(fmt)
    assert _spans("资料：" + cue + value, "DATE_OF_BIRTH") == [(3 + len(cue), 3 + len(cue) + len(value))]
    assert _spans("会议定于" + value + "召开", "DATE_OF_BIRTH") == []


_CUE_PARTS = ["姓名", "患者姓名", "：", "张伟", "王", "先生", "小姐姐", "老师", "Mr", "Mrs", ". ", "Smith", " ", "Dr",
              "Prof", "name", "my name is ", "full ", "regards,", "Signed", "\n", "客户", "\ud800", "😀", "的"]


@settings(max_examples=400, deadline=None)
@given(st.lists(st.sampled_from(_CUE_PARTS), max_size=30).map("".join))
def test_name_cues_are_found_where_the_regexes_find_them(text: str) -> None:
    """The cue automaton only narrows where the regexes run: every regex must match exactly as
    its own scan of the whole text does (surrogates included)."""
    from genguard.detect.pii import names as n
    from genguard.detect.pii.base import Doc, match_at_starts

    doc = Doc(text)
    text = doc.text
    found = n._TEXT_CUES.find(doc)
    for rx, words in ((n._ZH_CUE, n._ZH_CUES), (n._ZH_HONORIFIC, n._HONORIFICS), (n._EN_TITLE, n._EN_TITLES)):
        assert [m.span() for m in match_at_starts(rx, found, words, text)] == [m.span() for m in rx.finditer(text)]
    low = doc.lower
    got = [m.span() for m in match_at_starts(n._EN_CUE, n._LOWER_CUES.find(doc), n._EN_CUE_STARTS, low)]
    assert got == [m.span() for m in n._EN_CUE.finditer(low)]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(["河南", "山西", "西藏", "内蒙古", "北京市", "海淀区", "人", "出生", "出生日期", "生于",
                                 "Born", "birthday", "D.O.B", ":", "1990-01-02", " ", "\ud800", "😀"]), max_size=30).map("".join))
def test_word_finder_equals_the_regex_scans(text: str) -> None:
    """Province anchors: every occurrence (the address loop takes the first at or after its
    position, as re.search does); birth cues: leftmost-longest, as the sorted alternation's
    finditer on the lower-cased text."""
    import re

    from genguard.detect.pii import address, us_ids

    assert not any(a != b and b.startswith(a) for a in address.PROVINCES for b in address.PROVINCES)
    anchors = address._ANCHORS.find(text)
    assert [s for _, s, _ in anchors] == sorted(s for _, s, _ in anchors)  # walked by start
    rx = re.compile("|".join(address.PROVINCES))
    pos = 0
    while (m := rx.search(text, pos)) is not None:
        assert any(s == m.start() and e == m.end() for _, s, e in anchors)
        assert min(s for _, s, _ in anchors if s >= pos) == m.start()
        pos = m.start() + 1
    assert not any(s >= pos for _, s, _ in anchors)
    low = text.lower()
    finder = us_ids.DOB_CONTEXT.pos_words
    assert finder is not None and us_ids.DOB_CONTEXT.pos is not None
    assert [(s, e) for _, s, e in finder.find(low)] == [m.span() for m in us_ids.DOB_CONTEXT.pos.finditer(low)]


@settings(max_examples=200, deadline=None)
@given(st.lists(st.sampled_from(["pas", "s", "pwd", "密码", "口", "令", "secret", "ke", "y", "token", " ", "\ud800"]),
                max_size=20).map("".join))
def test_key_value_gate_equals_the_substring_checks(text: str) -> None:
    from genguard.detect.pii import secrets

    low = text.lower()
    assert bool(secrets._KV_GATE_WORDS.find(low)) == any(g in low for g in secrets._KV_GATE)
