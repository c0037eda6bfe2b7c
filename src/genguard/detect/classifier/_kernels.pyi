# Types of the compiled classifier kernels (_kernels.c); see kernels.py for how they are used.
from typing import Any

def word_hash(word: str, /) -> int: ...
def count_tokens(
    text: str, lens: Any, char_min: int, char_max: int, uni: Any, gram_keys: Any, gram_vals: Any, gram_bits: int,
    words: bool, word_keys: Any, word_vals: Any, word_bits: int, word_uni: Any, pair_keys: Any, pair_vals: Any,
    pair_bits: int, /,
) -> tuple[bytearray, bytearray, bytearray]: ...
def window_logits(
    gids: Any, counts: Any, win: Any, columns: Any, idf: Any, coef_t: Any, n_rows: int, z: Any, /
) -> None: ...
