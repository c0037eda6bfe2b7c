"""The compiled kernels score real text exactly as the numpy path does.

Why: the kernels read each window's token range (``starts``) and skip the windows a
language-gated model does not score; a range off by one, or a skipped window that leaks into a
scored one, changes scores only on real multi-window, mixed-language text, which the synthetic
texts of test_kernels.py rarely build. This runs the default policy's classifier detectors on
COLD dev, ToxiGen, JADE and XSTest sentences and on long documents mixing them, with the kernels
and without, and requires the same findings (category, span, score, detector, label) and window
probabilities equal to float rounding. Skipped when the shared datasets are absent.
"""

from __future__ import annotations

import csv
import random
from pathlib import Path

import numpy as np
import pytest
from kernel_helpers import assert_scored_from_text_as_from_tokens

from genguard.detect.base import DetectContext
from genguard.detect.classifier import detector, kernels
from genguard.detect.classifier.detector import ClassifierDetector, window_tokens
from genguard.findings import Direction, Finding
from genguard.guard import Guard


def _lines(path: Path, column: str | None = None) -> list[str]:
    with path.open(encoding="utf-8-sig") as fh:
        if column is None:
            return [line.strip() for line in fh if line.strip()]
        return [row[column] for row in csv.DictReader(fh) if row[column].strip()]


def _texts(data: Path) -> list[str]:
    """Short sentences of each set, and long documents of them shuffled together (many windows,
    Chinese and English ones side by side, as in a corpus)."""
    rng = random.Random(7)
    sets = []
    for path, column in ((data / "cold" / "dev.csv", "TEXT"), (data / "jade" / "jade_v1_zh.csv", "问题"),
                         (data / "jade" / "jade_v1_en.csv", "问题"), (data / "xstest" / "xstest_prompts.csv", "prompt")):
        if path.is_file():
            sets.append(_lines(path, column))
    toxigen = sorted((data / "toxigen" / "prompts").glob("*.txt"))
    sets += [_lines(p) for p in toxigen[:: max(1, len(toxigen) // 6)]]
    if not sets:
        pytest.skip("none of COLD, JADE, XSTest, ToxiGen in the shared datasets")
    short = [t for lines in sets for t in rng.sample(lines, min(40, len(lines)))]
    pool = [t for lines in sets for t in lines[:400]]
    docs = ["\n".join(rng.sample(pool, 60)) for _ in range(12)]
    return short + docs


def _findings(dets: list[ClassifierDetector], texts: list[str]) -> list[list[tuple[object, ...]]]:
    def key(f: Finding) -> tuple[object, ...]:
        return f.category, f.detector, f.score, f.start, f.end, f.entity, sorted(f.metadata.items())

    return [[key(f) for d in dets for f in d.detect(DetectContext(t, Direction.OUTPUT))] for t in texts]


@pytest.mark.parametrize("from_text", [True, False])
def test_default_classifiers_find_the_same_with_and_without_the_kernels(
    shared_data: Path, monkeypatch: pytest.MonkeyPatch, from_text: bool
) -> None:
    """Both compiled paths (each model straight from the text, or the shared token count) find
    what the numpy path finds."""
    if not kernels.active():
        pytest.skip("the compiled kernels are not built")
    monkeypatch.setattr(detector, "FROM_TEXT_MODELS", 10**9 if from_text else -1)
    guard = Guard.from_policy(None)
    dets = [d for d, _ in guard._detectors if isinstance(d, ClassifierDetector)]
    assert {d.name for d in dets} >= {"offensive_zh", "toxicity_en"}
    texts = _texts(shared_data)
    compiled = _findings(dets, texts)
    monkeypatch.setattr(kernels.state, "enabled", False)
    assert _findings(dets, texts) == compiled
    assert sum(map(len, compiled)) > 10  # real findings were compared, not only empty lists


def test_window_probabilities_on_mixed_documents_equal_the_numpy_path(
    shared_data: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Every window of the long mixed documents, each model, with and without a language mask:
    the masked windows' probabilities are the unmasked ones, bit for bit, and all equal numpy's."""
    if not kernels.active():
        pytest.skip("the compiled kernels are not built")
    guard = Guard.from_policy(None)
    dets = [d for d, _ in guard._detectors if isinstance(d, ClassifierDetector)]
    docs = [t for t in _texts(shared_data) if len(t) > 2000]
    assert docs
    for text in docs:
        for det in dets:
            for m in det.models:
                ctx = DetectContext(text, Direction.OUTPUT)
                wt = window_tokens(ctx, m.features, det.window)
                held = wt.holding("zh")
                assert 0 < held.sum() < wt.n  # mixed: a mask that skips some windows
                full = m.proba_windows(wt.gids, wt.counts, None, wt.n, None, wt.starts)
                part = m.proba_windows(wt.gids, wt.counts, None, wt.n, held, wt.starts)
                assert np.array_equal(part[held], full[held])
                with monkeypatch.context() as patch:
                    patch.setattr(kernels.state, "enabled", False)
                    want = m.proba_windows(wt.gids, wt.counts, wt.win, wt.n)
                    want_part = m.proba_windows(wt.gids, wt.counts, wt.win, wt.n, held)
                assert np.allclose(full, want, rtol=0, atol=1e-12)
                assert np.allclose(part, want_part, rtol=0, atol=1e-12)


def test_scoring_from_the_text_equals_counting_then_scoring_on_mixed_documents(shared_data: Path) -> None:
    """``score_windows`` (each model's own tables, straight from the text; what ``score_model``
    runs) against ``count_tokens`` + ``window_logits`` (the shared token count): the same logits,
    bit for bit, for every window of the long mixed documents, every shipped model of the
    default policy, with the language mask and without."""
    if not kernels.active():
        pytest.skip("the compiled kernels are not built")
    guard = Guard.from_policy(None)
    dets = [d for d, _ in guard._detectors if isinstance(d, ClassifierDetector)]
    docs = [t for t in _texts(shared_data) if len(t) > 2000]
    for text in docs:
        for det in dets:
            for m in det.models:
                ctx = DetectContext(text, Direction.OUTPUT)
                wt = window_tokens(ctx, m.features, det.window)
                assert_scored_from_text_as_from_tokens(m, ctx.normalized.soft.text, det.window, wt, wt.holding("zh"))
