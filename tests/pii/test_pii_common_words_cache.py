"""The name recogniser's common-word list (from jieba's dictionary) is cached on disk so process
start-up skips the 350,000-line parse; the cache must give the same words, be used when present,
follow the dictionary jieba reads, survive damage, and stay off with GENGUARD_NO_CACHE."""

from __future__ import annotations

import os
from pathlib import Path

import jieba
import pytest

from genguard.detect.pii import names


def _fresh() -> frozenset[str]:
    names._common_words.cache_clear()  # drop the in-process copy: the disk cache is what is tested
    return names._common_words()


def _cache_files(home: Path) -> list[Path]:
    return sorted((home / "cache" / "names").glob("*.pkl"))


def test_cached_words_equal_the_parse_and_are_read_back(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GENGUARD_NO_CACHE", raising=False)
    home = tmp_path / "genguard-home"
    parsed = names._parse_common_words(jieba)
    assert "谢谢" in parsed and len(parsed) > 10_000
    first = _fresh()
    assert first == parsed and len(_cache_files(home)) == 1
    # the second load reads the file: parsing again would fail here
    with monkeypatch.context() as m:
        m.setattr(names, "_parse_common_words", lambda _jieba: pytest.fail("parsed although cached"))
        assert _fresh() == parsed
    # a damaged file is rebuilt, not fatal
    _cache_files(home)[0].write_bytes(b"not a pickle")
    assert _fresh() == parsed
    names._common_words.cache_clear()


def test_another_dictionary_gets_its_own_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GENGUARD_NO_CACHE", raising=False)
    home = tmp_path / "genguard-home"
    own = tmp_path / "dict.txt"
    own.write_text("张三丰 100 nr\n谢谢 500 v\n天气 30 n\n稀有 3 a\n", encoding="utf-8")
    monkeypatch.setattr(jieba.dt, "dictionary", str(own))
    try:
        assert _fresh() == {"天气", "谢谢"}  # three-character nr entries and rare words are left out
        assert len(_cache_files(home)) == 1
        # each edit of the dictionary is another cache file; only the newest few are kept
        for n in range(6):
            own.write_text(f"天气 30 n\n词{n}语 40 n\n", encoding="utf-8")
            os.utime(own, ns=(own.stat().st_atime_ns, own.stat().st_mtime_ns + (n + 1) * 10**9))
            assert _fresh() == {"天气", f"词{n}语"}
        assert len(_cache_files(home)) == names._COMMON_CACHE_KEEP
    finally:
        names._common_words.cache_clear()


def test_no_cache_writes_nothing(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GENGUARD_NO_CACHE", "1")
    try:
        assert "谢谢" in _fresh()
        assert not (tmp_path / "genguard-home" / "cache" / "names").exists()
    finally:
        names._common_words.cache_clear()
