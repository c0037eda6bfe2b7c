"""The start-up caches (fold tables, keyword keys, common words) share ``genguard.disk_cache``: a
file named by a hash of its inputs, read back only in the expected shape, written atomically,
pruned to the newest few of its kind, and never an error when the home cannot be written."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from genguard.disk_cache import cache_file, read_cached, write_cached


def test_the_name_follows_every_input_and_the_switch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GENGUARD_NO_CACHE", raising=False)
    a = cache_file("kind", "p-", [b"ab", b"c"])
    assert a is not None and a.parent.name == "kind" and a.name.startswith("p-") and a.suffix == ".pkl"
    assert a == cache_file("kind", "p-", [b"ab", b"c"])
    assert a != cache_file("kind", "p-", [b"a", b"bc"])  # parts do not run into each other
    assert a != cache_file("kind", "p-", [b"ab", b"d"])
    root = cache_file("", "q-", [b"x"])
    assert root is not None and root.parent.name == "cache"
    monkeypatch.setenv("GENGUARD_NO_CACHE", "1")
    assert cache_file("kind", "p-", [b"ab", b"c"]) is None

    def unread() -> Iterator[bytes]:  # the inputs of a cache that is off are never computed
        pytest.fail("inputs read although caching is off")
        yield b""

    assert cache_file("kind", "p-", unread()) is None


def test_values_round_trip_and_bad_files_read_as_absent(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GENGUARD_NO_CACHE", raising=False)
    path = cache_file("kind", "p-", [b"1"])
    assert read_cached(path, lambda v: True) is None  # nothing written yet
    write_cached(path, ("a", 1))
    assert read_cached(path, lambda v: isinstance(v, tuple)) == ("a", 1)
    assert read_cached(path, lambda v: isinstance(v, dict)) is None  # not the expected shape
    assert path is not None
    path.write_bytes(b"not a pickle")
    assert read_cached(path, lambda v: True) is None
    assert not list(path.parent.glob("*.tmp"))
    write_cached(None, 1)  # caching off: nothing to do
    assert read_cached(None, lambda v: True) is None


def test_only_the_newest_files_of_a_kind_stay(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GENGUARD_NO_CACHE", raising=False)
    other = cache_file("kind", "other-", [b"x"])
    write_cached(other, 0)
    paths: list[Path] = []
    for i in range(5):
        p = cache_file("kind", "p-", [str(i).encode()])
        assert p is not None
        write_cached(p, i, keep=2)
        os.utime(p, ns=(p.stat().st_atime_ns, 10**18 + i * 10**9))  # distinct, increasing times
        paths.append(p)
    kept = sorted(p.name for p in paths[0].parent.glob("p-*.pkl"))
    assert kept == sorted(p.name for p in paths[-2:])
    assert other is not None and other.is_file()  # another kind is not touched


def test_an_unwritable_home_is_no_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GENGUARD_NO_CACHE", raising=False)
    home = tmp_path / "home"
    home.write_text("a file where the home folder should be", encoding="utf-8")
    monkeypatch.setenv("GENGUARD_HOME", str(home))
    path = cache_file("kind", "p-", [b"1"])
    write_cached(path, 1)
    assert read_cached(path, lambda v: True) is None
