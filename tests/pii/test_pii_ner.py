"""The optional NER adapter, exercised with a tiny BERT built in the test (no download).

The model has no encoder layers, so each token's label depends only on its own embedding: name
tokens get an embedding aligned with the B-PER classifier row, all others with the O row. That
makes the expected spans known, so the test checks the adapter's offset and label mapping.
"""

from __future__ import annotations

from pathlib import Path

import pytest

torch = pytest.importorskip("torch")
transformers = pytest.importorskip("transformers")

from genguard.detect.pii import PiiDetector  # noqa: E402
from genguard.errors import ConfigError  # noqa: E402

VOCAB = ["[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]", "alice", "bob", "met", "at", "the", "park", "张", "三", "在", "公", "园", "."]
NAMES = {"alice", "bob", "张", "三"}


@pytest.fixture(scope="module")
def tiny_ner(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("tiny-ner")
    tok = transformers.BertTokenizerFast(vocab={w: i for i, w in enumerate(VOCAB)}, do_lower_case=True)
    cfg = transformers.BertConfig(
        vocab_size=len(VOCAB), hidden_size=8, num_hidden_layers=0, num_attention_heads=2, intermediate_size=16,
        max_position_embeddings=64, id2label={0: "O", 1: "B-PER", 2: "I-PER"}, label2id={"O": 0, "B-PER": 1, "I-PER": 2},
    )
    torch.manual_seed(0)
    model = transformers.BertForTokenClassification(cfg)
    pattern = torch.tensor([1.0, -1.0] * 4)
    with torch.no_grad():
        emb = model.bert.embeddings
        emb.position_embeddings.weight.zero_()
        emb.token_type_embeddings.weight.zero_()
        for i, w in enumerate(VOCAB):
            emb.word_embeddings.weight[i] = pattern if w in NAMES else -pattern
        model.classifier.weight.zero_()
        model.classifier.bias.zero_()
        model.classifier.weight[1] = pattern  # B-PER
        model.classifier.weight[0] = -pattern  # O
    model.eval()
    model.save_pretrained(path)
    tok.save_pretrained(path)
    return path


def test_ner_adapter_finds_names_with_exact_spans(tiny_ner: Path) -> None:
    det = PiiDetector(entities=["PERSON"], ner={"model": str(tiny_ner), "min_score": 0.5})
    text = "Alice met Bob at the park."
    got = [(text[m.start : m.end], m.entity, m.validated) for m in det.matches(text)]
    assert got == [("Alice", "PERSON", "ner"), ("Bob", "PERSON", "ner")]
    zh = "张三在公园"
    spans = [(m.start, m.end) for m in det.matches(zh)]
    assert spans and all(zh[s:e] in ("张", "三", "张三") for s, e in spans)


def test_ner_model_must_be_a_local_directory(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="local model directory"):
        PiiDetector(ner={"model": "bert-base-chinese"})
    with pytest.raises(ConfigError, match="cannot load"):
        PiiDetector(ner={"model": str(tmp_path)})
