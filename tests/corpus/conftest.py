"""Corpus fixtures: a keyword-only test policy that works in every worker, local or Ray."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from corpus_helpers import PHONES


@pytest.fixture
def corpus_policy(tmp_path: Path) -> str:
    """Default rules; keyword detector = shipped bank + planted phone numbers as S4 (personal data)."""
    pol = {
        "name": "corpus-test", "version": "1",
        "detectors": [{"type": "keywords", "config": {"banks": ["default"], "extra_terms": {"S4": PHONES}}}],
        "rules": {
            "*": {"input": {"action": "refuse"}, "output": {"action": "block"}},
            "A5": {"input": {"action": "flag"}, "output": {"action": "flag"}},
            "S4": {"input": {"action": "redact"}, "output": {"action": "redact"}},
        },
        "redaction": {"operator": "placeholder"},
    }
    p = tmp_path / "corpus-policy.yaml"
    p.write_text(yaml.safe_dump(pol, allow_unicode=True), encoding="utf-8")
    return str(p)
