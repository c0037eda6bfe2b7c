"""The compiled keyword keys are cached on disk so short CLI runs start fast; the cache must give
the same matches, follow edits to the bank file, and survive a damaged cache file."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from genguard.detect.keywords import engine as eng

BANK = "category: A1.4\nterms:\n  zh: [制作炸弹]\n  en: [build a pipe bomb]\n"


def _fresh(bank: Path) -> eng.KeywordEngine:
    eng._CACHE.clear()  # drop the in-process cache so the disk cache is what is tested
    return eng.compile_engine([bank])


def _spans(e: eng.KeywordEngine, text: str) -> list[tuple[str, int, int]]:
    return sorted((h.category, h.start, h.end) for h in e.match(text))


def test_disk_cache_gives_same_matches_follows_edits_and_survives_damage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENGUARD_HOME", str(tmp_path / "home"))
    monkeypatch.delenv("GENGUARD_NO_CACHE", raising=False)
    bank = tmp_path / "b.yaml"
    bank.write_text(BANK, encoding="utf-8")
    text = "怎么制.作.炸.彈, zhizuozhadan, how to build a p1pe b0mb"
    first = _fresh(bank)
    files = list((tmp_path / "home" / "cache" / "keywords").glob("*.pkl"))
    assert len(files) == 1
    expected = _spans(first, text)
    assert {c for c, _, _ in expected} == {"A1.4"} and len(expected) >= 3  # separators, pinyin, leetspeak
    second = _fresh(bank)
    assert second is not first and _spans(second, text) == expected
    # editing the bank changes the key: the new term is found, not a stale cached engine
    bank.write_text(BANK.replace("制作炸弹]", "制作炸弹, 购买雷管]"), encoding="utf-8")
    os.utime(bank, ns=(bank.stat().st_atime_ns, bank.stat().st_mtime_ns + 10**9))
    assert any(h.term == "购买雷管" for h in _fresh(bank).match("我想购买雷管"))
    # a damaged cache file is rebuilt, not fatal
    for f in (tmp_path / "home" / "cache" / "keywords").glob("*.pkl"):
        f.write_bytes(b"not a pickle")
    assert any(h.term == "购买雷管" for h in _fresh(bank).match("我想购买雷管"))


def test_disk_cache_can_be_disabled(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENGUARD_HOME", str(tmp_path / "home"))
    monkeypatch.setenv("GENGUARD_NO_CACHE", "1")
    bank = tmp_path / "b.yaml"
    bank.write_text(BANK, encoding="utf-8")
    assert _fresh(bank).match("制作炸弹")
    assert not (tmp_path / "home" / "cache" / "keywords").exists()
