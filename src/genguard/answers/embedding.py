"""Optional embedding matcher (extra ``ml``): semantic paraphrase matching for the answer bank.

``Embedder`` is anything with ``encode(texts) -> np.ndarray`` (rows L2-normalised);
``HFEmbedder`` mean-pools a local transformers encoder (no download: give a directory).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from genguard.answers.model import AnswerEntry
from genguard.errors import ConfigError


class Encoder(Protocol):
    def encode(self, texts: Sequence[str]) -> np.ndarray: ...


class EmbeddingIndex:
    def __init__(self, encoder: Encoder, entries: Sequence[AnswerEntry]) -> None:
        self.encoder = encoder
        self.refs: list[tuple[AnswerEntry, str]] = [(e, q) for e in entries for q in e.questions]
        self.matrix = encoder.encode([q for _, q in self.refs]) if self.refs else np.zeros((0, 1))

    def search(self, text: str, threshold: float) -> list[tuple[AnswerEntry, str, float]]:
        if not self.refs:
            return []
        v = self.encoder.encode([text])[0]
        sims = self.matrix @ v
        order = np.argsort(-sims)[:5]
        return [(*self.refs[i], float(sims[i])) for i in order if sims[i] >= threshold]


class Embedder:
    """Wraps an encoder so the bank can (re)build an index on every reload."""

    def __init__(self, encoder: Encoder) -> None:
        self.encoder = encoder

    def build(self, entries: Sequence[AnswerEntry]) -> EmbeddingIndex:
        return EmbeddingIndex(self.encoder, entries)


class _HFEncoder:
    def __init__(self, model_dir: str) -> None:
        try:
            import torch
            from transformers import AutoModel, AutoTokenizer
        except ImportError:
            raise ConfigError("embedding matcher needs the 'ml' extra: pip install 'genguard[ml]'") from None
        if not Path(model_dir).is_dir():
            raise ConfigError(f"embedding model directory {model_dir!r} does not exist (models are never downloaded)")
        self.torch = torch
        try:
            self.tok: Any = AutoTokenizer.from_pretrained(model_dir, local_files_only=True)
            self.model: Any = AutoModel.from_pretrained(model_dir, local_files_only=True).eval()
        except (OSError, ValueError) as exc:
            raise ConfigError(f"cannot load embedding model from {model_dir!r}: {exc}") from None

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        torch = self.torch
        with torch.no_grad():
            batch = self.tok(list(texts), padding=True, truncation=True, max_length=128, return_tensors="pt")
            out = self.model(**batch).last_hidden_state
            mask = batch["attention_mask"].unsqueeze(-1).float()
            pooled = (out * mask).sum(1) / mask.sum(1).clamp(min=1.0)
            pooled = torch.nn.functional.normalize(pooled, dim=-1)
        result: np.ndarray = pooled.numpy()
        return result


class HFEmbedder(Embedder):
    def __init__(self, model_dir: str) -> None:
        super().__init__(_HFEncoder(model_dir))
