"""The optional embedding matcher, with a tiny BERT built locally (never downloaded)."""

from __future__ import annotations

from pathlib import Path

import pytest

from genguard.answers import AnswerBank, AnswerEntry
from genguard.errors import ConfigError

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")


def tiny_encoder_dir(tmp_path: Path) -> Path:
    from transformers import BertConfig, BertModel, BertTokenizerFast

    vocab = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", *list("abcdefghijklmnopqrstuvwxyz"), "台", "风", "出", "海"]
    d = tmp_path / "tiny-bert"
    d.mkdir()
    (d / "vocab.txt").write_text("\n".join(vocab), encoding="utf-8")
    tok = BertTokenizerFast(vocab_file=str(d / "vocab.txt"))
    torch.manual_seed(0)
    cfg = BertConfig(vocab_size=len(vocab), hidden_size=16, num_hidden_layers=1, num_attention_heads=2,
                     intermediate_size=32, max_position_embeddings=64)
    BertModel(cfg).save_pretrained(d)
    tok.save_pretrained(d)
    return d


def test_embedding_matcher_finds_semantic_neighbour(tmp_path: Path) -> None:
    from genguard.answers.embedding import HFEmbedder

    model = tiny_encoder_dir(tmp_path)
    entries = [
        AnswerEntry(id="a", question="台风出海", language="zh", risk="A4.1", answer="危险"),
        AnswerEntry(id="b", question="zzzz qqqq", language="en", risk="A5.2", answer="other"),
    ]
    bank = AnswerBank(entries=entries, fuzzy_threshold=1.0, embedder=HFEmbedder(str(model)), embedding_threshold=0.0)
    m = bank.match("台风 出 海 ?!")  # canonical form differs from both, so only embeddings can match
    assert m is not None
    # identical text must score ~1.0 against itself
    idx = bank._snap.embedding
    hits = idx.search("zzzz qqqq", 0.99)
    assert hits and hits[0][0].id == "b" and hits[0][2] == pytest.approx(1.0, abs=1e-4)


def test_missing_model_dir_is_clear_error(tmp_path: Path) -> None:
    from genguard.answers.embedding import HFEmbedder

    with pytest.raises(ConfigError, match="does not exist"):
        HFEmbedder(str(tmp_path / "nope"))
