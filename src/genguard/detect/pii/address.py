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
_STREET = r"[\u4e00-\u9fff0-9]{1,12}?(?:路|街|大道|道|巷|胡同|弄|村|镇|乡)"
_NUM = r"(?:[0-9]{1,5}(?:号院|号楼|号|弄|栋|幢|座|室|楼|单元|层|-[0-9]{1,5}))"
_ADDRESS = re.compile(
    f"(?P<prov>{_PROV})(?P<city>{_CITY})?(?P<dist>{_DIST})?(?P<street>{_STREET})?(?P<num>{_NUM}{{1,4}})?"
)
_ANCHORS = WordFinder(PROVINCES)
_LEVEL = re.compile("[市区县旗州盟路街道巷弄村镇乡号]")
CONTEXT = ContextWords(["地址", "住址", "家住", "住在", "收货", "寄到", "送到", "户籍", "居住", "address", "邮寄"])


class CnAddressRecognizer(Recognizer):
    """Needs three levels (province + city/district + street/number), or two with an address cue."""

    entities = ("CN_ADDRESS",)

    def find(self, doc: Doc) -> Iterator[Match]:
        if not doc.has_cjk:
            return
        text = doc.text
        # every province name in the text (overlapping ones too: none is a prefix of another, so
        # the first at or after ``pos`` is what re.search("|".join(PROVINCES), text, pos) finds)
        anchors = _ANCHORS.find(text)
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
            levels = 1 + sum(1 for g in ("city", "dist", "street", "num") if m.group(g))
            if levels < 2:
                continue
            base = 0.75 if levels >= 4 else 0.55 if levels == 3 else 0.35
            score, word = CONTEXT.score(doc, m.start(), m.end(), base, up=0.3)
            yield Match("CN_ADDRESS", m.start(), m.end(), score, validated=f"{levels}-levels", context=word)
