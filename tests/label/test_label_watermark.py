"""KGW watermark through transformers, on a tiny GPT-2 built locally (no download).

Run counts are small to keep the suite fast; bench/label/watermark_robustness.py measures the
same rates on thousands of generations.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from genguard.errors import ConfigError

torch = pytest.importorskip("torch")
pytest.importorskip("transformers")

from genguard.label import watermark as wm  # noqa: E402
from genguard.label.tinylm import build_tiny_lm, save_tiny_lm  # noqa: E402

SECRET = "test-secret-1"


@pytest.fixture(scope="module")
def lm() -> tuple[Any, Any]:
    torch.set_num_threads(1)
    return build_tiny_lm(vocab_size=1000, seed=0)


def _prompts(n: int) -> Any:
    return torch.full((n, 1), 1, dtype=torch.long)


def test_watermarked_generations_detected(lm: tuple[Any, Any]) -> None:
    model, _ = lm
    ids = torch.cat([wm.generate(model, _prompts(25), SECRET, seed=s) for s in (11, 12)])
    assert ids.shape == (50, 200)
    scores = wm.detect_ids(ids, model.config, SECRET)
    detected = sum(s.z_score >= 4 for s in scores)
    assert detected >= 0.98 * len(scores), [round(s.z_score, 2) for s in scores]
    assert all(s.p_value < 1e-4 for s in scores if s.watermarked)
    # the same text under another key is not detected: the key is what makes it a watermark
    other = wm.detect_ids(ids, model.config, "another-secret")
    assert sum(s.z_score >= 4 for s in other) == 0


def test_unwatermarked_generations_not_flagged(lm: tuple[Any, Any]) -> None:
    model, _ = lm
    ids = torch.cat([wm.generate(model, _prompts(50), None, seed=s) for s in (21, 22, 23)])
    scores = wm.detect_ids(ids, model.config, SECRET)
    assert len(scores) == 150
    assert sum(s.z_score > 4 for s in scores) == 0, max(s.z_score for s in scores)
    assert abs(sum(s.green_fraction for s in scores) / len(scores) - 0.25) < 0.03


def test_text_detection_through_saved_tokenizer(lm: tuple[Any, Any], tmp_path: Path) -> None:
    model, tokenizer = lm
    folder = save_tiny_lm(model, tokenizer, tmp_path / "tiny")
    marked = tokenizer.decode(wm.generate(model, _prompts(1), SECRET, seed=5)[0])
    plain = tokenizer.decode(wm.generate(model, _prompts(1), None, seed=6)[0])
    hit = wm.detect_text(marked, folder, SECRET)
    assert hit.watermarked and hit.z_score >= 4 and hit.num_tokens_scored > 150
    miss = wm.detect_text(plain, folder, SECRET)
    assert not miss.watermarked and miss.z_score < 4


def test_key_management(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    assert wm.hashing_key("a") == wm.hashing_key(b"a") != wm.hashing_key("b")
    assert 0 < wm.hashing_key("a") < 2**48
    with pytest.raises(ConfigError, match="no watermark secret"):
        wm.load_secret(tmp_path / "missing")
    path = wm.create_secret()
    assert path.stat().st_mode & 0o777 == 0o600
    assert len(wm.load_secret()) == 64
    monkeypatch.setenv("GENGUARD_WATERMARK_SECRET", "from-env")
    assert wm.load_secret() == b"from-env"


def test_watermark_detect_cli(lm: tuple[Any, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import json

    from typer.testing import CliRunner

    from genguard.cli.app import app

    model, tokenizer = lm
    folder = save_tiny_lm(model, tokenizer, tmp_path / "tiny")
    marked = tokenizer.decode(wm.generate(model, _prompts(1), SECRET, seed=7)[0])
    monkeypatch.setenv("GENGUARD_WATERMARK_SECRET", SECRET)
    res = CliRunner().invoke(app, ["label", "watermark-detect", "--model", str(folder), marked])
    assert res.exit_code == 0, res.output
    out = json.loads(res.stdout)
    assert out["watermarked"] and out["z_score"] >= 4 and out["p_value"] < 1e-4
    monkeypatch.setenv("GENGUARD_WATERMARK_SECRET", "wrong")
    assert CliRunner().invoke(app, ["label", "watermark-detect", "--model", str(folder), marked]).exit_code == 1
