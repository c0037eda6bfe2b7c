"""Web dashboard fixtures: one real gateway (all module routes) on loopback, seeded once per session.

Tests that change data (incident moves) use records no other test counts on."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from web_seed import Seeded, seed


@pytest.fixture(scope="session")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Seeded]:
    folder = tmp_path_factory.mktemp("web")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("GENGUARD_HOME", str(folder / "home"))
        mp.delenv("GENGUARD_DB_URL", raising=False)
        mp.delenv("GENGUARD_WEB_SECRET", raising=False)
        data, server, upstream = seed(Path(folder))
        try:
            yield data
        finally:
            server.stop()
            upstream.stop()
