"""A tiny, randomly initialised GPT-2 and word-level tokenizer built locally (no download).

Used by the watermark tests, the robustness benchmark and the demo: the watermark's
statistics depend on the generator's entropy, not on its quality, and a model hub is not
available. ``initializer_range`` controls how peaked the random next-token distributions are.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

SPECIALS = ["[UNK]", "[BOS]", "[EOS]", "[PAD]"]


def build_tiny_lm(
    vocab_size: int = 1000, *, seed: int = 0, n_embd: int = 32, n_layer: int = 1, initializer_range: float = 0.3
) -> tuple[Any, Any]:
    """(model, tokenizer) with ``vocab_size`` tokens: 4 specials + words ``w4`` .. ``w{vocab_size-1}``."""
    import torch
    from tokenizers import Tokenizer, models, pre_tokenizers
    from transformers import GPT2Config, GPT2LMHeadModel, PreTrainedTokenizerFast

    vocab = {tok: i for i, tok in enumerate(SPECIALS)}
    for i in range(len(SPECIALS), vocab_size):
        vocab[f"w{i}"] = i
    core = Tokenizer(models.WordLevel(vocab=vocab, unk_token="[UNK]"))
    core.pre_tokenizer = pre_tokenizers.WhitespaceSplit()
    tokenizer = PreTrainedTokenizerFast(
        tokenizer_object=core, unk_token="[UNK]", bos_token="[BOS]", eos_token="[EOS]", pad_token="[PAD]"
    )
    config = GPT2Config(
        vocab_size=vocab_size,
        n_positions=512,
        n_embd=n_embd,
        n_layer=n_layer,
        n_head=2,
        bos_token_id=1,
        eos_token_id=2,
        pad_token_id=3,
        initializer_range=initializer_range,
    )
    torch.manual_seed(seed)
    model = GPT2LMHeadModel(config).eval()
    return model, tokenizer


def save_tiny_lm(model: Any, tokenizer: Any, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder
