"""Checks shared by the compiled-kernel tests."""

from __future__ import annotations

import numpy as np

from genguard.detect.classifier import kernels
from genguard.detect.classifier.detector import WindowTokens
from genguard.detect.classifier.model_io import TextModel
from genguard.detect.classifier.model_tables import model_tables


def assert_scored_from_text_as_from_tokens(
    m: TextModel, text: str, size: int, got: WindowTokens, mask: np.ndarray
) -> None:
    """``score_windows`` (the model's own tables, straight from the text) gives the logits that
    ``count_tokens`` + ``window_logits`` give for the windows' counted tokens ``got``, bit for
    bit, with the windows ``mask`` selects and with all."""
    tables = model_tables(m)
    ready = kernels.prepare_windows(text, size)
    assert tables is not None and ready is not None
    _, joined, lens, _ = ready
    assert len(lens) == got.n
    for scored in (None, mask):
        fused = kernels.score_windows(tables, joined, lens, scored)
        shared = kernels.window_logits(got.gids, got.counts, got.starts, got.n, m.global_columns(), m.idf, m.coef_t,
                                       scored=scored)
        assert shared is not None
        assert np.array_equal(fused, shared), (m.name, text)
