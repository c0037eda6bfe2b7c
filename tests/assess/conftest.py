"""Fixtures for assessment tests: a real uvicorn stub model server on 127.0.0.1."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from genguard.assess.stub import StubScript, create_stub_app, serve


@pytest.fixture
def stub() -> Iterator[tuple[str, Any]]:
    """(base_url, app): change ``app.state.script`` to change the model's behaviour."""
    app = create_stub_app(StubScript())
    with serve(app) as url:
        yield url, app
