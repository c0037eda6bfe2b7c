"""Blanking the Latin words that no pinyin key can contain (keywords/prune.py) changes no hit.

Why: the pruning is only sound because of the engine's word-boundary rule (an accepted pinyin
occurrence covers every word it touches). These tests pin (1) the compiled kernel to a
straightforward Python reading of its definition, character by character, (2) ``match()`` with
pruning to the plain reference algorithm of test_keywords_fast_path on generated text where
pinyin keys are glued to English words, digits, ``@``, invisible characters and separators, and
(3) ``match()`` with and without pruning to the same hits on real data (COLD, JADE, XSTest,
GPTFuzz and their pinyin-spelled variants). A kernel that split words at invisible characters,
joined them across separators, or looked at windows wrongly would fail (1); one that blanked a
word some key holds would fail (2) or (3).
"""

from __future__ import annotations

import csv
import random
from functools import lru_cache
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_keywords_fast_path import _reference_match  # tests/detect is on sys.path (no packages)

from genguard.detect.keywords.engine import Hit, KeywordEngine, compile_engine
from genguard.detect.keywords.prune import WIDTH, WordPruner, gram_bitmap
from genguard.text.compiled import compiled_fold
from genguard.text.normalize import is_invisible, is_visible_separator, is_word_char, normalize, tables


@pytest.fixture(scope="module")
def engine() -> KeywordEngine:
    return compile_engine(["default"])


@lru_cache(maxsize=1)
def _grams() -> frozenset[str]:
    """Every string of at most WIDTH letters found in a pinyin key of the default banks."""
    keys = compile_engine(["default"])._pinyin.key_list()
    return frozenset(k[i:j] for k in keys for i in range(len(k)) for j in range(i + 1, min(len(k), i + WIDTH) + 1))


def _reference_pinyin_view(view_text: str, offsets: list[int], original: str, grams: frozenset[str],
                           reach: int) -> tuple[str, list[int]]:
    """The definition, on the whole pinyin view: a word is a maximal run of view characters from
    word characters with only invisible characters between them in the original; it stays when
    it is a gram or all its WIDTH-windows are. A compact character (the view characters of one
    offset) goes when it is in a word that goes or all its view characters lie ``reach`` or more
    positions from every kept word character. Each run of characters that go becomes one space
    with the offset of the run's first character."""
    kept: set[int] = set()
    gone: set[int] = set()
    i = 0
    while i < len(view_text):
        if not is_word_char(original[offsets[i]]):
            i += 1
            continue
        j = i + 1
        while (j < len(view_text) and is_word_char(original[offsets[j]]) and offsets[j] > offsets[j - 1]
               and all(is_invisible(c) and not is_visible_separator(c) for c in original[offsets[j - 1] + 1 : offsets[j]])):
            j += 1
        word = view_text[i:j]
        windows = [word] if len(word) <= WIDTH else [word[k : k + WIDTH] for k in range(len(word) - WIDTH + 1)]
        (kept if all(w in grams for w in windows) else gone).update(range(i, j))
        i = j
    groups: dict[int, list[int]] = {}
    for p, o in enumerate(offsets):
        groups.setdefault(o, []).append(p)
    for ps in groups.values():
        if all(all(abs(p - k) >= reach for k in kept) for p in ps):
            gone.update(ps)
    text: list[str] = []
    offs: list[int] = []
    for p, ch in enumerate(view_text):
        if p not in gone:
            text.append(ch)
            offs.append(offsets[p])
        elif p == 0 or p - 1 not in gone:
            text.append(" ")
            offs.append(offsets[p])
    return "".join(text), offs


_WORDS = st.sampled_from([
    "the", "zhadan", "zha", "dan", "Zhadan", "ZHA", "ｚｈａ", "thezha", "danx", "x", "ab", "zh", "of", "and", "bomb",
    "2", "zh2a", "d4n", "zh@dan", "$b", "ｓｂ", "nmb", "tmd", "caonima", "fuck", "shabi", "sha", "bi", "ѕb", "lian",
    "炸", "弹", "傻", "逼", "制作", "\u200b", "\u00ad", "\U000e0041", " ", " ", ".", "-", "，", "\n", "😀", "𠀀", "ü",
])
_TEXTS = st.lists(_WORDS, max_size=24).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_TEXTS, st.sampled_from([1, 2, 3, 5, 8, 47]))
def test_kernel_equals_the_definition(engine: KeywordEngine, text: str, reach: int) -> None:
    if not compiled_fold.active():
        pytest.skip("the compiled text kernel is not built")
    n = normalize(text)
    full = n.pinyin
    got = engine._pruner.pinyin_view(n, reach)
    want = _reference_pinyin_view(full.text, full.offsets.tolist(), text, _grams(), reach)
    assert (got.text, got.offsets.tolist()) == want


def test_what_goes_and_what_stays(engine: KeywordEngine) -> None:
    if not engine._pruner.active():
        pytest.skip("the compiled text kernel is off (GENGUARD_PURE_PYTHON=1 or not built)")

    def pruned(text: str, reach: int = 47) -> str:
        return engine._pruner.pinyin_view(normalize(text), reach).text

    assert pruned("zhadan") == "zhadan"  # in a key
    assert pruned("the zha dan") == " zhadan"  # 'the' is in no key; separators are not in the view
    assert pruned("the\u200bzhadan") == " "  # an invisible character joins the word: 'thezhadan'
    assert pruned("zh2dan") == " "  # '2' is in no key
    assert pruned("zh@dan") == "zhadan"  # '@' is not a word character: 'zh' and 'dan' are words
    assert pruned("炸dan the") == "zhadan "
    assert pruned("炸弹" * 10 + "dan" + "炸弹" * 10, reach=7) == " zhadandanzhadan "  # 6 letters either side
    assert pruned("炸弹" * 10 + "dan" + "炸弹" * 10, reach=4) == " dandanzha "  # a character goes whole
    assert pruned("今天天气很好") == " "  # no Latin word: nothing to scan
    view = engine._pruner.pinyin_view(normalize("the zhi zuo zha dan"), 47)
    assert view.text == " zhizuozhadan" and view.offsets.tolist()[:2] == [0, 4]


@pytest.mark.parametrize("text", [
    "zha" + "炸弹制作" * 30 + "dan",  # long spellings around kept words: the kernel grows its buffers
    "炸弹制作" * 30 + "zha the dan" + "傻逼" * 30,
    "the " * 20 + "zha",  # words that go before the only kept one
    "zha " + "the " * 20 + "dan",  # a gap wider than the reach between two kept words
])
@pytest.mark.parametrize("reach", [1, 2, 9, 47, 200])
def test_spans_near_kept_words_equal_the_definition(engine: KeywordEngine, text: str, reach: int) -> None:
    if not engine._pruner.active():
        pytest.skip("the compiled text kernel is off (GENGUARD_PURE_PYTHON=1 or not built)")
    n = normalize(text)
    got = engine._pruner.pinyin_view(n, reach)
    want = _reference_pinyin_view(n.pinyin.text, n.pinyin.offsets.tolist(), text, _grams(), reach)
    assert (got.text, got.offsets.tolist()) == want


def test_keys_with_other_characters_turn_pruning_off() -> None:
    assert gram_bitmap(["zhadan", "zha-dan"]) is None and gram_bitmap([]) is None
    bits = gram_bitmap(["ab"], width=2)
    assert bits is not None
    on = np.flatnonzero(np.unpackbits(bits, bitorder="little"))
    assert on.tolist() == [1, 2, 1 * 27 + 2]  # "a", "b", "ab"
    assert not WordPruner(gram_bitmap(["zha-dan"])).active()


_MIXED = st.lists(st.one_of(_WORDS, st.sampled_from(["how to make a ", " zhi zuo zha dan ", "sha bi", " the "])),
                  max_size=30).map("".join)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(_MIXED)
def test_match_with_pruning_equals_the_reference(engine: KeywordEngine, text: str) -> None:
    assert engine.match(text) == _reference_match(engine, text)


def _column(path: Path, column: str) -> list[str]:
    if not path.is_file():
        return []
    with path.open(encoding="utf-8-sig", newline="") as fh:
        return [row[column] for row in csv.DictReader(fh) if row.get(column)]


def _spell_han(text: str, rng: random.Random) -> str:
    """Every third Han character spelled in pinyin: lower case, capitalised, spaced or upper case."""
    spell = tables().pinyin
    out: list[str] = []
    for i, ch in enumerate(text):
        py = spell.get(ord(ch))
        how = rng.randrange(4)
        if py is None or i % 3:
            out.append(ch)
        else:
            out.append(py if how == 0 else py.capitalize() if how == 1 else f" {py} " if how == 2 else py.upper())
    return "".join(out)


def _real_texts(data: Path) -> list[str]:
    """COLD dev, JADE, XSTest and GPTFuzz questions and templates, plus pinyin-spelled variants of
    the Chinese ones (bench/guard/keyword_equivalence.py compares more, across checkouts)."""
    texts = (_column(data / "cold" / "dev.csv", "TEXT") + _column(data / "jade" / "jade_v1_zh.csv", "问题")
             + _column(data / "jade" / "jade_v1_en.csv", "问题") + _column(data / "jade" / "jade_v2_easy_zh.csv", "问题")
             + _column(data / "xstest" / "xstest_prompts.csv", "prompt")
             + _column(data / "gptfuzz" / "harmful_questions.csv", "text")
             + _column(data / "gptfuzz" / "jailbreak_templates.csv", "text"))
    rng = random.Random(3)
    return texts + [_spell_han(t, rng) for t in texts if any("\u4e00" <= c <= "\u9fff" for c in t)]


def test_real_data_hits_are_the_same_with_and_without_pruning(engine: KeywordEngine, shared_data: Path) -> None:
    """Compiled with pruning, compiled without it, and the pure-Python path (which does not
    prune): the same hits on every text."""
    if not engine._pruner.active():
        pytest.skip("the compiled text kernel is off (GENGUARD_PURE_PYTHON=1 or not built)")
    texts = _real_texts(shared_data)
    assert len(texts) > 10_000
    pruned = [engine.match(t) for t in texts]

    def grouped() -> list[list[Hit]]:  # match_many: the automata over a group, then each text checked
        return [hits for i in range(0, len(texts), 32) for hits in engine.match_many(texts[i : i + 32])]

    assert grouped() == pruned
    bits, engine._pruner._bits = engine._pruner._bits, None
    try:
        assert [engine.match(t) for t in texts] == pruned
        assert grouped() == pruned
    finally:
        engine._pruner._bits = bits
    saved = compiled_fold.enabled
    compiled_fold.enabled = False
    try:
        assert not engine._pruner.active()
        assert [engine.match(t) for t in texts] == pruned
        assert grouped() == pruned
    finally:
        compiled_fold.enabled = saved
    assert sum(h.view == "pinyin" for hs in pruned for h in hs) > 100  # pinyin keys are exercised
