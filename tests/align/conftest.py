"""Fixtures for alignment tests: a real uvicorn stub model on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from genguard.assess.stub import StubScript, create_stub_app, serve


@pytest.fixture
def align_stub() -> Iterator[tuple[str, Any]]:
    """(base_url, app): set ``app.state.script`` to change the model."""
    stub_app = create_stub_app(StubScript())
    with serve(stub_app) as url:
        yield url, stub_app
