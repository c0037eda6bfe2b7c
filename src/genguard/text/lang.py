"""Cheap language identification: enough to pick the zh or en standard answer and report."""

from __future__ import annotations

from typing import Any

import numpy as np

from genguard.text.compiled import compiled_fold

_SAMPLE = 2000  # characters looked at: enough to tell, bounded for huge texts


def detect_language(text: str) -> str:
    """``zh`` when Han characters make up a meaningful share of the letters, else ``en``.

    Chinese needs far fewer characters than English for the same content, so a Han share of
    a quarter of the letters already means the writer is writing Chinese. Counting is done in
    the compiled text kernel, else with numpy on the code points (the guard calls this on every
    text).
    """
    kernel = compiled_fold.active()
    if kernel is not None:  # the same counts in one compiled pass
        han, latin = kernel.script_counts(text, _SAMPLE)
        return "zh" if is_chinese(int(han), int(latin)) else "en"
    sample = text[:_SAMPLE]
    if not sample or sample.isascii():  # no Han at all (one C pass; most English texts stop here)
        return "en"
    c = np.frombuffer(sample.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    han = int(np.count_nonzero(_han_mask(c)))
    if han == 0:
        return "en"
    latin = int(np.count_nonzero(_latin_mask(c)))
    return "zh" if is_chinese(han, latin) else "en"


def is_chinese(han: Any, latin: Any) -> Any:
    """The rule itself, on counts of Han characters and ASCII letters (ints, or numpy arrays of
    counts element by element)."""
    return (han > 0) & ((han * 4 >= latin) | (han >= 20))


# a segment holds a language (besides its main one) when it has at least a short phrase of it
MIN_HAN_PHRASE = 5
MIN_LATIN_PHRASE = 20


def holds_language(han: np.ndarray, latin: np.ndarray, language: str) -> np.ndarray:
    """Whether each segment (its Han and ASCII-letter counts) holds ``language``: it is its main
    language (:func:`is_chinese`), or the segment has at least a short phrase of it
    (:data:`MIN_HAN_PHRASE` Han characters, :data:`MIN_LATIN_PHRASE` letters). Only ``zh`` and
    ``en`` are told apart; no segment holds another language."""
    main_zh = np.asarray(is_chinese(han, latin), dtype=bool)
    if language == "zh":
        return main_zh | (han >= MIN_HAN_PHRASE)
    if language == "en":
        return ~main_zh | (latin >= MIN_LATIN_PHRASE)
    return np.zeros(len(main_zh), dtype=bool)


def _han_mask(c: np.ndarray) -> np.ndarray:
    return ((c >= 0x3400) & (c <= 0x4DBF)) | ((c >= 0x4E00) & (c <= 0x9FFF)) | ((c >= 0xF900) & (c <= 0xFAFF))


def _latin_mask(c: np.ndarray) -> np.ndarray:
    lower = c | 0x20  # ASCII letters fold onto a-z
    return (lower >= 0x61) & (lower <= 0x7A) & (c < 0x80)


def segment_scripts(text: str, lens: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Han characters and ASCII letters in each consecutive segment of ``text`` (``lens`` are
    their lengths, summing to ``len(text)``), counted as :func:`detect_language` counts them
    but over all of each segment.

    Why: a long text mixes languages (a Chinese web page quoting English, a prompt padded with
    the other language to steer a language-gated detector away); the classifiers decide which
    model and which threshold apply window by window, not once for the whole text."""
    c = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    lens = np.asarray(lens, dtype=np.int64)
    ends = np.cumsum(lens)
    if (len(ends) and ends[-1] != len(c)) or (not len(ends) and len(c)):
        raise ValueError("segment lengths do not add up to the text's length")
    han = np.concatenate(([0], np.cumsum(_han_mask(c), dtype=np.int64)))
    latin = np.concatenate(([0], np.cumsum(_latin_mask(c), dtype=np.int64)))
    starts = ends - lens
    return han[ends] - han[starts], latin[ends] - latin[starts]
