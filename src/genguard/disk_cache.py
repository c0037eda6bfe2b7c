"""Pickled start-up data in ``$GENGUARD_HOME/cache``: computed once, read back by later processes.

Why one module: the fold tables, the keyword engine's keys and the name recogniser's common words
each cost a CLI run, a gateway worker or a corpus run's start-up from a tenth of a second to
seconds, and each is kept the same way: a file named by a hash of everything it was computed from
(inputs and the code that computes it, so any change rebuilds), written atomically, read back
only when it has the expected shape; a damaged file is rebuilt and an unwritable home means no
cache, never an error. ``GENGUARD_NO_CACHE=1`` turns every such cache off. Only the standard
library is imported here (the guard's import time matters).
"""

from __future__ import annotations

import hashlib
import os
import pickle
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from genguard.home import cache_dir

_HASH_TAIL = 24 + len(".pkl")  # what follows the prefix in a cache file's name


def cache_file(folder: str, prefix: str, parts: Iterable[bytes]) -> Path | None:
    """``<cache>/<folder>/<prefix><hash>.pkl`` for data computed from ``parts`` (``folder`` may be
    empty), or None when caching is off. ``parts`` is iterated only when caching is on: pass a
    generator, and the files it reads to key the cache are not read for nothing."""
    if os.environ.get("GENGUARD_NO_CACHE"):
        return None
    h = hashlib.sha256()
    for part in parts:
        h.update(hashlib.sha256(part).digest())  # a part's digest: parts cannot run into each other
    base = cache_dir() / folder if folder else cache_dir()
    return base / f"{prefix}{h.hexdigest()[:24]}.pkl"


def read_cached(path: Path | None, accept: Callable[[Any], bool]) -> Any | None:
    """What ``path`` holds when it exists, unpickles and ``accept`` takes it; else None."""
    if path is None or not path.is_file():
        return None
    try:
        with path.open("rb") as fh:
            value = pickle.load(fh)
    except Exception:  # a damaged or foreign file is rebuilt, never fatal
        return None
    return value if accept(value) else None


def write_cached(path: Path | None, value: Any, keep: int = 0) -> None:
    """Pickle ``value`` to ``path`` atomically (another process reading it sees the old file or the
    new one); with ``keep``, only the newest ``keep`` files of the same prefix stay in its folder
    (older inputs or code versions). Errors of a read-only or full home are ignored."""
    if path is None:
        return
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        tmp = path.with_suffix(f".{os.getpid()}.tmp")
        with tmp.open("wb") as fh:
            pickle.dump(value, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        if keep:
            prefix = path.name[:-_HASH_TAIL]
            old = sorted(path.parent.glob(f"{prefix}*.pkl"), key=lambda p: p.stat().st_mtime, reverse=True)
            for stale in old[keep:]:
                stale.unlink(missing_ok=True)
    except OSError:
        return
