"""Labelled Chinese PII embedded in real Chinese sentences (COLD) -> span-level P/R/F1 per type,
plus the false-positive rate on the untouched carrier sentences.

Values come from ``genguard.detect.pii.generate`` (valid by construction: check digits, Luhn,
GB 32100), with a seeded RNG; each carrier gets one value, inserted at a random CJK boundary,
half of them behind a cue phrase (身份证号：...) and half bare. Run from the repo root:

    python -m bench.pii.chinese [--n 6000] [--seed 7]
"""

from __future__ import annotations

import argparse
import random
import time

from bench.pii.common import Scores, cold_sentences
from genguard.detect.pii import PiiDetector
from genguard.detect.pii import generate as gen

CHECKSUM_TYPES = ("CN_ID_CARD", "CN_BANK_CARD", "CN_USCC", "CREDIT_CARD")
_CITIES = [("广东省", "深圳市", "南山区"), ("浙江省", "杭州市", "西湖区"), ("江苏省", "南京市", "鼓楼区"),
           ("四川省", "成都市", "武侯区"), ("湖北省", "武汉市", "洪山区"), ("北京市", "", "海淀区"),
           ("上海市", "", "浦东新区"), ("山东省", "青岛市", "市南区"), ("河南省", "郑州市", "金水区")]
_ROADS = ["科技园路", "文三路", "中山路", "人民大道", "解放路", "长江路", "建设街", "学院路"]
_GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华建国志红"
_SURN = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何林罗高郑梁谢宋唐"


def _address(rng: random.Random) -> str:
    p, c, d = rng.choice(_CITIES)
    return f"{p}{c}{d}{rng.choice(_ROADS)}{rng.randint(1, 999)}号"


def _name(rng: random.Random) -> str:
    return rng.choice(_SURN) + "".join(rng.choice(_GIVEN) for _ in range(rng.choice((1, 2))))


def _mobile_fmt(rng: random.Random) -> str:
    m = gen.cn_mobile(rng)
    return rng.choice([m, f"{m[:3]} {m[3:7]} {m[7:]}", f"{m[:3]}-{m[3:7]}-{m[7:]}", f"+86 {m}", f"+86-{m}"])


def _email(rng: random.Random) -> str:
    user = "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(3, 9)))
    return f"{user}{rng.randint(1, 999)}@{rng.choice(['qq.com', '163.com', 'example.cn', 'mail.sina.com.cn'])}"


# entity -> (generator, cue phrases)
TYPES = {
    "CN_ID_CARD": (gen.cn_id18, ["身份证号：", "身份证号码是", "证件号"]),
    "CN_MOBILE": (_mobile_fmt, ["手机：", "电话", "联系方式"]),
    "CN_LANDLINE": (gen.cn_landline, ["座机：", "办公电话", "传真"]),
    "CN_BANK_CARD": (gen.cn_bank_card, ["银行卡号：", "卡号", "收款账号"]),
    "CREDIT_CARD": (gen.credit_card, ["信用卡号", "card "]),
    "CN_USCC": (gen.uscc, ["统一社会信用代码：", "信用代码"]),
    "CN_PASSPORT": (gen.cn_passport, ["护照号：", "护照号码"]),
    "CN_HMT_PERMIT": (gen.hmt_permit, ["港澳通行证号", "通行证："]),
    "CN_PLATE": (gen.cn_plate, ["车牌号", "车牌："]),
    "CN_ADDRESS": (_address, ["地址：", "家住", "收货地址"]),
    "EMAIL": (_email, ["邮箱：", "email "]),
    "PERSON": (_name, ["姓名：", "联系人"]),
}
# without a cue only formats specific enough on their own are inserted bare
BARE_OK = {"CN_ID_CARD", "CN_MOBILE", "CN_LANDLINE", "CN_BANK_CARD", "CREDIT_CARD", "CN_USCC", "CN_PLATE", "EMAIL", "CN_ADDRESS"}


def _insert_point(rng: random.Random, s: str) -> int:
    ok = [i for i in range(len(s) + 1) if (i == 0 or not s[i - 1].isascii()) and (i == len(s) or not s[i].isascii())]
    return rng.choice(ok) if ok else len(s)


def build(n: int, seed: int, carriers: list[str]) -> list[tuple[str, tuple[int, int, str]]]:
    rng = random.Random(seed)
    types = list(TYPES)
    out = []
    for i in range(n):
        carrier = carriers[i % len(carriers)]
        ent = types[i % len(types)]
        make, cues = TYPES[ent]
        value = make(rng)
        cue = rng.choice(cues) if ent not in BARE_OK or rng.random() < 0.5 else ""
        at = _insert_point(rng, carrier)
        # half the values sit directly between Chinese characters, half are set off by commas
        comma = rng.random() < 0.5
        left = carrier[:at] + ("，" if comma and at and carrier[at - 1] not in "，。！？、" else "") + cue
        text = left + value + ("，" if comma and at < len(carrier) else "") + carrier[at:]
        out.append((text, (len(left), len(left) + len(value), ent)))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, default=6000, help="labelled samples (one value each)")
    ap.add_argument("--seed", type=int, default=7)
    args = ap.parse_args()
    carriers = cold_sentences("dev") + cold_sentences("train")
    det = PiiDetector()
    samples = build(args.n, args.seed, carriers)
    scores = Scores()
    t0 = time.process_time()
    for i, (text, (s, e, ent)) in enumerate(samples):
        pred = [(i, m.start, m.end, m.entity) for m in det.matches(text)]
        scores.add([(i, s, e, ent)], pred)
    labelled_s = time.process_time() - t0
    print(f"labelled samples: {len(samples)} (seed {args.seed}), {labelled_s:.2f}s CPU")
    print(f"{'entity':16} {'P':>6} {'R':>6} {'F1':>6} {'n':>6}")
    for ent in scores.entities():
        p, r, f, n = scores.row(ent)
        mark = "  (checksum)" if ent in CHECKSUM_TYPES else ""
        print(f"{ent:16} {p:6.3f} {r:6.3f} {f:6.3f} {n:6d}{mark}")
    fp_sent = 0
    fp_types: dict[str, int] = {}
    examples: list[str] = []
    for c in carriers:
        ms = det.matches(c)
        if ms:
            fp_sent += 1
            for m in ms:
                fp_types[m.entity] = fp_types.get(m.entity, 0) + 1
            if len(examples) < 8:
                examples.append(" | ".join(f"{m.entity}:{c[m.start:m.end]}" for m in ms))
    print(f"carrier FP: {fp_sent}/{len(carriers)} sentences = {100 * fp_sent / len(carriers):.3f}%  by type {fp_types}")
    for ex in examples:
        print("  e.g.", ex)


if __name__ == "__main__":
    main()
