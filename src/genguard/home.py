"""Where genguard keeps its files: ``$GENGUARD_HOME``, else ``~/.genguard``.

Why a module of its own: the guard needs the folder for its caches (fold tables, keyword keys)
and its redaction vault key, and reading it from ``genguard.store.db`` pulled SQLAlchemy into
every ``import genguard.guard`` (a quarter of a second of every CLI start-up and gateway
worker). Nothing here imports anything heavier than ``os``.
"""

from __future__ import annotations

import os
from pathlib import Path


def genguard_home() -> Path:
    """Where embedded defaults (SQLite file, keys, vault, caches) live: $GENGUARD_HOME or ~/.genguard."""
    return Path(os.environ.get("GENGUARD_HOME", Path.home() / ".genguard"))


def cache_dir() -> Path:
    """``<home>/cache``: files genguard can rebuild (fold tables, keyword keys)."""
    return genguard_home() / "cache"
