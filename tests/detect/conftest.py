"""Fixtures for keyword-engine tests: a small, known test bank (independent of the shipped banks)."""

from __future__ import annotations

from pathlib import Path

import pytest

from genguard.detect.keywords.engine import KeywordEngine, compile_engine

TEST_BANK = """\
category: A1.8
provenance: "genguard test bank"
terms:
  zh: [拐卖人口, 出售AK47步枪]
  en: [build a pipe bomb, nail bomb, kill a child]
allow:
  zh: [拐卖人口罪的量刑标准]
  en: [kill a child process]
"""


@pytest.fixture
def test_bank(tmp_path: Path) -> Path:
    p = tmp_path / "banks" / "test.yaml"
    p.parent.mkdir()
    p.write_text(TEST_BANK, encoding="utf-8")
    return p


@pytest.fixture
def engine(test_bank: Path) -> KeywordEngine:
    return compile_engine([test_bank])
