"""Chinese postal addresses anchored on a province / municipality, down to district or street."""

from __future__ import annotations

import re
from collections.abc import Iterator

from genguard.detect.pii.base import ContextWords, Doc, Match, Recognizer, WordFinder

PROVINCES = ["北京", "天津", "上海", "重庆", "河北", "山西", "辽宁", "吉林", "黑龙江", "江苏", "浙江", "安徽", "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "海南", "四川", "贵州", "云南", "陕西", "甘肃", "青海", "台湾", "内蒙古", "广西", "西藏", "宁夏", "新疆", "香港", "澳门"]
_PROV = (
    "(?:(?:北京|天津|上海|重庆)市?|(?:" + "|".join(p for p in PROVINCES if p not in ("北京", "天津", "上海", "重庆"))
    + r")(?:省|壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区)?)"
)
# CJK characters that do not occur inside place names: "上海等其他城市", "贵州都市报", "地区的城市".
_H = r"(?:(?![的了是和等个有里在与或及就都也还这那你我他她它们某些级其])[\u4e00-\u9fff])"
_CITY = _H + r"{1,6}?(?:市|自治州|地区|盟)"
_DIST = _H + r"{1,6}?(?:区|县|旗|市)"
# Below the district the address goes on through streets, communities and house numbers for as
# long as they continue ("中关村大街27号", "望京花园小区3号楼2单元501室"): each part is a name
# ending in its own suffix, so a road named after a village ("中关村大街") is not cut at 村.
# Names below the district exclude fewer characters than _H: "成都市武侯区科技园路" and "和平区南京路"
# have to be read as one street when the city or district pattern cannot take them (as before).
_NAMED = r"(?:(?![的了是在与或及就也还这那你我他她它们些其])[\u4e00-\u9fff0-9])"
_TOWN = _NAMED + r"{1,6}?(?:街道|镇|乡)"
_ROAD = _NAMED + r"{1,10}?(?:大街|大道|路|街|巷|胡同|道|弄)+"
_COMM = _NAMED + r"{1,10}?(?:小区|社区|花园|公寓|大厦|新村|村)+"
_STREET = f"(?:{_TOWN})?(?:{_ROAD}|{_COMM}){{1,3}}|{_TOWN}"
_NUM1 = r"(?:[0-9]{1,5}(?:号院|号楼|号|弄|栋|幢|座|单元|室|层|楼|-[0-9]{1,5}))"
# a room number may follow a unit or building bare ("2单元501"), but not a count ("3号楼200人")
_ROOM = r"(?:(?:(?<=单元)|(?<=号楼)|(?<=[栋幢座]))[0-9]{1,5}(?![0-9年月日个人元米天次]))?"
_NUM = f"{_NUM1}{{1,6}}(?:{_COMM}{_NUM1}{{1,4}})?{_ROOM}"
_ADDRESS = re.compile(
    f"(?P<prov>{_PROV})(?P<city>{_CITY})?(?P<dist>{_DIST})?(?P<street>{_STREET})?(?P<num>{_NUM})?"
)
# Addresses that do not start with a province ("杭州市西湖区文三路90号", "海淀区中关村大街27号") are
# looked for only right after an address cue or back from a house number. Their start is not
# fixed by an anchor word, so their names may not contain the verbs and prepositions that lead
# into an address ("位于", "搬到", "住在"): "我家住在海淀区..." starts at 海淀区.
_HU = r"(?:(?![的了是和等个有里在与或及就也还这那你我他她它们某些级其住去到来从往于至向为位])[\u4e00-\u9fff])"
_U_CITY = _HU + r"{1,4}?(?:市|自治州|地区|盟)"
_U_DIST = _HU + r"{1,4}?(?:新区|区|县|旗|市)"
_UNANCHORED = re.compile(
    f"(?P<city>{_U_CITY})?(?P<dist>{_U_DIST})?(?P<street>{_STREET})?(?P<num>{_NUM})?"
)
_ANCHORS = WordFinder(PROVINCES, view="text")
_LEVEL = re.compile("[市区县旗州盟路街道巷弄村镇乡号]")
_CUES = ["地址", "住址", "家住", "住在", "收货", "寄到", "送到", "户籍", "居住", "address", "邮寄"]
CONTEXT = ContextWords(_CUES)
# the cue words as CONTEXT.pos_words finds them, from the lower-cased view's shared pass
_CUE_WORDS = WordFinder(sorted({w.lower() for w in _CUES}), longest=True, view="lower")
# a house number "27号" counts as an anchor only right after what ends a street or community name
_NUMBER_AFTER = frozenset("路街道巷同弄村区园寓厦楼")
_LEAD = re.compile(r"[\s:：是为在]{0,3}")
_BACK = 30  # how far back from a house number an unanchored address may start


_LEVEL_GROUPS = ("prov", "city", "dist", "street", "num")
# the level groups each pattern has (the unanchored one has no province)
_GROUPS_OF = {rx: tuple(g for g in _LEVEL_GROUPS if g in rx.groupindex) for rx in (_ADDRESS, _UNANCHORED)}


def _levels(m: re.Match[str]) -> int:
    """How many levels (province, city, district, street, number) the match has: read in one
    call (a ``groupdict()`` per level was a tenth of the recogniser's time on corpus text)."""
    return sum(1 for v in m.group(*_GROUPS_OF[m.re]) if v)


class CnAddressRecognizer(Recognizer):
    """Needs three levels (province + city/district + street/number), or two with an address cue."""

    entities = ("CN_ADDRESS",)

    def find(self, doc: Doc) -> Iterator[Match]:
        if not doc.has_cjk:
            return
        text = doc.text
        # every province name in the text (overlapping ones too: none is a prefix of another, so
        # the first at or after ``pos`` is what re.search("|".join(PROVINCES), text, pos) finds)
        anchors = _ANCHORS.find_in(doc)
        found: list[re.Match[str]] = []
        pos = 0
        for _, a_start, a_end in anchors:
            if a_start < pos:
                continue
            pos = a_end
            if _LEVEL.search(text, a_end, a_end + 12) is None:  # "河南人": no level follows
                continue
            m = _ADDRESS.match(text, a_start)
            if m is None:
                continue
            pos = max(pos, m.end())
            if _levels(m) >= 2:
                found.append(m)
        found.extend(self._unanchored(doc, found))
        for m in sorted(found, key=lambda m: m.start()):
            levels = _levels(m)
            base = 0.75 if levels >= 4 else 0.55 if levels == 3 else 0.35
            score, word = CONTEXT.score(doc, m.start(), m.end(), base, up=0.3)
            yield Match("CN_ADDRESS", m.start(), m.end(), score, validated=f"{levels}-levels", context=word)

    @staticmethod
    def _unanchored(doc: Doc, found: list[re.Match[str]]) -> Iterator[re.Match[str]]:
        """Addresses without a province: right after an address cue, or ending in a house number.

        Why two anchors: a cue fixes the start ("地址：杭州市西湖区", two levels are enough behind
        it), a number after a street fixes the end ("海淀区中关村大街27号", which needs three
        levels alone). Both are rare in ordinary text, so the recogniser still runs its pattern
        only at a handful of places instead of at every 市/区 of a text.
        """
        text = doc.text
        taken = [(m.start(), m.end()) for m in found]

        def free(s: int, e: int) -> bool:
            return all(e <= ts or s >= te for ts, te in taken)

        for _, _, c_end in _CUE_WORDS.find_in(doc):
            start = _LEAD.match(text, c_end)
            m = _UNANCHORED.match(text, start.end() if start else c_end)
            if m is not None and m.end() > m.start() and _levels(m) >= 2 and free(m.start(), m.end()):
                taken.append((m.start(), m.end()))
                yield m
        i = text.find("号")
        while i != -1:
            d = i
            while d > 0 and "0" <= text[d - 1] <= "9":
                d -= 1
            if d < i and d > 0 and text[d - 1] in _NUMBER_AFTER and free(d, i + 1):
                best = None
                for s in range(max(0, i - _BACK), d):
                    m = _UNANCHORED.match(text, s)
                    if m is not None and m.end() > i and (m.group("city") or m.group("dist")):
                        best = m
                        break
                if best is not None and free(best.start(), best.end()):
                    taken.append((best.start(), best.end()))
                    yield best
            i = text.find("号", i + 1)
