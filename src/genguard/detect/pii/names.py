"""Person names from context cues: 姓名/联系人/收件人 ... 先生/女士 in Chinese, Mr./Dr./name: in English.

Names have no format, so only a cue makes a name a finding; the optional NER adapter
(:mod:`genguard.detect.pii.ner`) covers names without cues.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path
from types import ModuleType

from genguard.detect.pii.base import CueStarts, Doc, Match, Recognizer, match_at_starts
from genguard.disk_cache import cache_file, read_cached, write_cached

# The most frequent Chinese surnames (single and compound), enough to cover the vast majority.
SURNAMES = set(
    "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢"
    "姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤常温康施"
    "文牛樊葛邢安齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿关兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕单季裴霍涂成苗谷"
    "盛曲翁冉骆蓝路游辛靳管柴蒙鲍华喻祁蒲房滕屈饶解牟艾尤阳时穆农司卓古吉缪简车项连芦麦褚娄窦戚岑景党宫费卜冷"
    "晏席卫米柏宗瞿桂全佟应臧闵苟邬边卞姬师和仇栾隋商刁沙荣巫寇桑郎甄丛仲虞敖巩明佘池查麻苑迟邝官封谈匡鞠惠荆"
    "乐冀郁胥南班储原栗燕楚鄢劳谌奚皮粟冼蔺楼盘满闻位厉伊仝区郜海阚花权强帅屠豆朴盖练廉禹井祖漆巴丰支卿国狄平"
    "计索宣晋相初门云容敬来扈晁芮都普阙浦戈伏鹿薄邸雍辜羊阿乌母裘亓修邰赫杭况那宿鲜印逯隆茹诸战慕危玉银亢嵇公"
    "哈湛宾戎勾茅利於呼居揭干但尉冶斯元束檀衣信展阴昝智幸奉植衡富尧闭由"
)
COMPOUND = ("欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "长孙", "宇文", "司徒", "夏侯", "令狐", "端木")
# Characters/words that end a name after a cue ("联系人张三电话...").
_STOP = ("电话", "手机", "身份", "地址", "性别", "年龄", "先生", "女士", "小姐", "的", "是", "在", "和", "与", "说", "于", "已", "将", "住", "电", "联", "等", "今")

_ZH_CUES = ("姓名", "名字叫", "联系人", "收件人", "收货人", "寄件人", "户主", "法定代表人", "法人代表", "申请人", "持卡人",
            "负责人", "经办人", "签名", "患者姓名", "客户姓名")
_ZH_CUE = re.compile(
    "(?:" + "|".join(_ZH_CUES) + r")[为是:：\s]{0,3}((?:" + "|".join(COMPOUND) + r")?[\u4e00-\u9fff]{2,4})"
)
_HONORIFICS = ("先生", "女士", "小姐", "老师", "医生", "教授", "律师", "经理", "主任")
_ZH_HONORIFIC = re.compile("(?:" + "|".join(_HONORIFICS) + ")")
_STRONG_HONORIFIC = ("先生", "女士", "小姐")
# Characters that (almost) never occur in a personal name but often before a title:
# "历史老师", "农村的老师", "印度女士".
_NON_NAME = set("的了是们个这那你我他她它在有和就都也还不说要会么什样里人女男某些各每该其此等级班语历数科为当谢副处性")
_CJK3 = re.compile(r"[\u4e00-\u9fff]{1,4}$")
# Function words that are also surnames; a candidate starting with one is probably "和 + name".
_FUNCTION = set("和与于向对把被给跟让叫是在的了也都还就又请位名个但时来将从为及或由同")
_EN_TITLES = ("Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Sir", "Madam")
_EN_TITLE = re.compile(
    "(?:" + "|".join(_EN_TITLES) + r")\.?\s+((?:[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?)(?:\s+[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?){0,2})"
)
_EN_CUE = re.compile(  # on the lower-cased text; the name itself is matched on the original
    r"(?:my name is|name\s*[:=]|full name\s*[:=]|contact person\s*[:=]?|patient\s*[:=]|signed\s*[:,]?|regards,|sincerely,)\s*"
)
# where each alternative of _EN_CUE starts relative to the cue word it contains
_EN_CUE_STARTS = {"name": (-5, -3, 0), "contact person": (0,), "patient": (0,), "signed": (0,), "regards": (0,),
                  "sincerely": (0,)}
_EN_NAME = re.compile(r"(?:[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?)(?:\s+[A-Z][a-z]+(?:[-'][A-Z]?[a-z]+)?){0,2}")


# on the text itself: the Chinese cues and honorifics and the (case-sensitive) English titles
_TEXT_CUES = CueStarts({w: (0,) for w in (*_ZH_CUES, *_HONORIFICS, *_EN_TITLES)}, "text")
# on the lower-cased text: the English cue words
_LOWER_CUES = CueStarts(_EN_CUE_STARTS, "lower")


_COMMON_CACHE_KEEP = 4


@lru_cache(maxsize=1)
def _common_words() -> frozenset[str]:
    """Frequent jieba dictionary words, loaded on first use. jieba's ``nr`` (person) tag is noisy
    (祝福, 谢谢 carry it), so only three-character ``nr`` entries, which are mostly real full names,
    are left out.

    Parsing jieba's 350,000-line dictionary took ~0.3 s of every process that met a name cue (a
    corpus run's start-up, before its workers fork); the 65,000 words are kept in the genguard
    cache (``genguard.disk_cache``: keyed by the dictionary file and this module's code), read
    back in ~10 ms."""
    import jieba

    cache = _common_words_cache(jieba)
    words = read_cached(cache, lambda v: isinstance(v, tuple) and all(isinstance(w, str) for w in v))
    if words is not None:
        return frozenset(words)
    built = _parse_common_words(jieba)
    write_cached(cache, tuple(sorted(built)), keep=_COMMON_CACHE_KEEP)
    return built


def _parse_common_words(jieba: ModuleType) -> frozenset[str]:
    words = set()
    with jieba.get_dict_file() as fh:
        for raw in fh:
            parts = raw.decode("utf-8").split()
            if len(parts) >= 2 and 2 <= len(parts[0]) <= 4 and int(parts[1]) >= 20 and not (
                len(parts) >= 3 and parts[2] == "nr" and len(parts[0]) == 3
            ):
                words.add(parts[0])
    return frozenset(words)


def _common_words_cache(jieba: ModuleType) -> Path | None:
    """The cache file for the dictionary jieba reads now (its default one, or the one set with
    ``jieba.set_dictionary``), or None when caching is off or the file cannot be found."""
    chosen = jieba.dt.dictionary
    path = Path(chosen) if chosen else Path(str(jieba.__file__)).parent / "dict.txt"
    try:
        st = path.stat()
    except OSError:
        return None
    def inputs() -> Iterator[bytes]:
        yield f"{path.resolve()}|{st.st_mtime_ns}|{st.st_size}".encode()
        yield Path(__file__).read_bytes()

    return cache_file("names", "common-", inputs())


def is_common_word(s: str) -> bool:
    return s in _common_words()


def _trim_zh(name: str) -> str:
    cut = len(name)
    for stop in _STOP:
        i = name.find(stop, 1)
        if i != -1:
            cut = min(cut, i)
    return name[:cut]


def _surname_len(name: str) -> int:
    if name[:2] in COMPOUND:
        return 2
    return 1 if name[:1] in SURNAMES else 0


class PersonNameRecognizer(Recognizer):
    entities = ("PERSON",)

    def find(self, doc: Doc) -> Iterator[Match]:
        text = doc.text
        found = _TEXT_CUES.find(doc)
        if doc.has_cjk:
            for m in match_at_starts(_ZH_CUE, found, _ZH_CUES, text):
                name = _trim_zh(m.group(1))
                sl = _surname_len(name)
                # no segmentation: cut at the first character that never occurs in names
                cut = next((i for i, c in enumerate(name) if i >= sl and c in _NON_NAME), len(name))
                name = name[: min(cut, sl + 2)]
                if sl and sl + 1 <= len(name):
                    yield Match("PERSON", m.start(1), m.start(1) + len(name), 0.85, validated="surname", context="cue")
            for h in match_at_starts(_ZH_HONORIFIC, found, _HONORIFICS, text):
                if text.startswith("小姐姐", h.start()):
                    continue
                tail = _CJK3.search(text, max(0, h.start() - 4), h.start())
                if tail is None:
                    continue
                raw = tail.group(0)
                # take the longest tail that starts with a surname: "我联系了张伟先生" -> 张伟
                for k in range(min(4, len(raw)), 0, -1):
                    cand = raw[-k:]
                    if cand[0] in _FUNCTION or any(c in _NON_NAME for c in cand):
                        continue
                    sl = _surname_len(cand)
                    if sl and len(cand) <= sl + 2:
                        if len(cand) == sl:  # "王先生": a surname alone is weak
                            score = 0.45
                        elif is_common_word(cand) or (sl == 1 and is_common_word(cand[:2])):
                            break  # "印度女士", "华人教授": a dictionary word, not a name
                        else:
                            score = 0.75 if h.group(0) in _STRONG_HONORIFIC else 0.6
                        s = tail.start() + len(raw) - k
                        yield Match("PERSON", s, s + len(cand), score, validated="surname", context="honorific")
                        break
        if any(t in found for t in _EN_TITLES):
            for m in match_at_starts(_EN_TITLE, found, _EN_TITLES, text):
                if m.start() == 0 or not text[m.start() - 1].isalpha():
                    yield Match("PERSON", m.start(1), m.end(1), 0.85, context="title")
        low = doc.lower
        if len(low) == len(text):
            for c in match_at_starts(_EN_CUE, _LOWER_CUES.find(doc), _EN_CUE_STARTS, low):
                if c.start() and low[c.start() - 1].isalpha():
                    continue
                nm = _EN_NAME.match(text, c.end())
                if nm:
                    yield Match("PERSON", nm.start(), nm.end(), 0.8, context="cue")
