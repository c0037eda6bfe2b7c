"""Output registry on a real database (SQLite and PostgreSQL): exact + near-duplicate lookups."""

from __future__ import annotations

import random

import pytest
from sqlalchemy import inspect, select

from genguard.errors import InputError
from genguard.label import simhash as sh
from genguard.label.models import RegistryOutput
from genguard.label.registry import OutputRegistry, band_probes, fingerprint
from genguard.store import open_store

POEM = (
    "春风拂面，花开满园。小河流水潺潺，远山如黛，燕子归来筑新巢。"
    "孩子们在田野里奔跑，风筝高高飞上蓝天，老人坐在树下讲着古老的故事。"
    "傍晚时分，炊烟袅袅升起，母亲在厨房里忙碌，饭菜的香味飘满了整条小巷。"
    "夜幕降临，星星一颗接一颗地亮起来，青蛙在池塘边唱歌，村庄渐渐安静下来。"
    "第二天清晨，露珠挂在草叶上，阳光洒满山坡，新的一天又开始了。"
)
ESSAY = (
    "Large language models generate fluent text but the provenance of that text is often unknown "
    "so a registry of fingerprints lets a provider answer whether a given passage was produced by "
    "its service without keeping a copy of the passage itself which matters for privacy and for "
    "the storage budget of a busy deployment"
)


def _random_text(rng: random.Random, n: int = 80) -> str:
    vocab = [f"w{i}" for i in range(5000)]
    return " ".join(rng.choice(vocab) for _ in range(n))


def test_exact_and_near_lookup(store_url: str) -> None:
    store = open_store(store_url)
    assert "label_outputs" in inspect(store.engine).get_table_names()
    reg = OutputRegistry(store)
    rng = random.Random(7)
    for i in range(200):
        reg.record(_random_text(rng), producer="other", model="m0", produce_id=f"noise-{i}")
    pid = reg.record(ESSAY, producer="genguard", model="tiny-gpt", produce_id="essay-1")
    reg.record(POEM, producer="genguard", model="tiny-gpt", produce_id="poem-1")

    exact = reg.lookup(ESSAY)
    assert exact.produced_here and [m.produce_id for m in exact.exact] == [pid]
    assert exact.exact[0].producer == "genguard" and exact.exact[0].model == "tiny-gpt"

    # case, width and spacing changes: not the same bytes, same normalised text -> near, distance 0
    variant = ESSAY.upper().replace(" ", "  ")
    res = reg.lookup(variant)
    assert not res.exact and [m.produce_id for m in res.near] == ["essay-1"] and res.near[0].distance == 0

    # one word changed in a 60-word passage: a near duplicate, found through the band probes
    edited = ESSAY.replace("privacy", "secrecy")
    res = reg.lookup(edited)
    assert not res.exact
    assert [m.produce_id for m in res.near] == ["essay-1"]
    assert 0 < res.near[0].distance <= 7

    zh_edit = POEM.replace("青蛙", "青虫")
    assert [m.produce_id for m in reg.lookup(zh_edit).near] == ["poem-1"]

    miss = reg.lookup("A completely different sentence about the weather in the mountains today.")
    assert not miss.produced_here

    # lookup by fingerprint only (client computed it; the service never sees the text)
    fp = fingerprint(edited)
    by_fp = reg.lookup(sha256=fp.sha256, simhash=fp.simhash_hex)
    assert [m.produce_id for m in by_fp.near] == ["essay-1"]
    store.dispose()


def test_rows_without_content_match_only_exactly(store_url: str) -> None:
    """A row whose SimHash is 0 (a text without content, recorded through the bulk path or before
    record() refused such texts) is found by its sha256 but never as a near duplicate of a
    sparse fingerprint."""
    store = open_store(store_url)
    reg = OutputRegistry(store)
    blank = fingerprint("...")
    assert blank.simhash == 0
    reg.record_fingerprints([(blank, "old-gateway", "m", "blank-1", None, {})])
    pid = reg.record(ESSAY, producer="genguard", produce_id="essay-1")
    sparse = reg.lookup(simhash="0000000000000123")
    assert sparse.near == [] and not sparse.produced_here
    assert [m.produce_id for m in reg.lookup(sha256=blank.sha256).exact] == ["blank-1"]
    fp = fingerprint(ESSAY)
    assert [m.produce_id for m in reg.lookup(simhash=fp.simhash_hex).near] == [pid]
    store.dispose()


def test_nothing_but_fingerprints_stored(store_url: str) -> None:
    store = open_store(store_url)
    reg = OutputRegistry(store)
    reg.record(POEM, producer="p", model="m", meta={"tenant": "t1"})
    with store.session() as s:
        row = s.execute(select(RegistryOutput)).scalar_one()
        stored = " ".join(str(getattr(row, c.name)) for c in RegistryOutput.__table__.columns)
    assert "春风" not in stored and len(row.sha256) == 64 and row.n_chars == len(POEM)
    assert row.created_at is not None
    store.dispose()


def test_band_probes_guarantee_recall() -> None:
    rng = random.Random(3)
    for _ in range(300):
        h = rng.getrandbits(64)
        d = rng.randint(0, 7)
        other = h
        for bit in rng.sample(range(64), d):
            other ^= 1 << bit
        probes = band_probes(h, 7)
        assert any(b in probes[i] for i, b in enumerate(sh.bands(other)))
    assert all(len(p) == 1 for p in band_probes(123, 3))


def test_simhash_properties() -> None:
    assert sh.simhash("") == 0
    assert sh.hamming(sh.simhash(ESSAY), sh.simhash(ESSAY.lower())) == 0
    rng = random.Random(1)
    far = [sh.hamming(sh.simhash(_random_text(rng)), sh.simhash(_random_text(rng))) for _ in range(50)]
    assert min(far) > 12
    for v in (0, 1, (1 << 63) - 1, 1 << 63, (1 << 64) - 1):
        assert sh.to_unsigned(sh.to_signed(v)) == v


def test_simhash_words_width_invisibles_and_stability() -> None:
    # words stay words (a Latin paragraph is not one token), full width and zero-width characters fold away
    assert sh.tokens("Ｈｅｌｌｏ，\u200bwor\u200bld！ 你好") == ["hello", "world", "你", "好"]
    assert sh.simhash("Hello,  World! 你好") == sh.simhash("ｈｅｌｌｏ world\u200d 你好")
    assert sh.tokens(ESSAY)[:4] == ["large", "language", "models", "generate"]
    # fingerprints are stored in registries: the function must not drift with other normalisers.
    # (value computed when this normalisation was fixed; a change here invalidates stored records)
    assert sh.simhash("Large language models generate fluent text. 大语言模型生成流畅的文本。") == 0xD65FC6225B4FB5A9


def test_bad_lookup_input(store_url: str) -> None:
    store = open_store(store_url)
    reg = OutputRegistry(store)
    with pytest.raises(InputError, match="give text"):
        reg.lookup()
    with pytest.raises(InputError, match="sha256"):
        reg.lookup(sha256="xyz")
    with pytest.raises(InputError, match="simhash"):
        reg.lookup(simhash="nothex")
    with pytest.raises(InputError, match="max_distance"):
        reg.lookup("x", max_distance=9)
    store.dispose()
