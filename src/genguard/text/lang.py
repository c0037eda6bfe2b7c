"""Cheap language identification: enough to pick the zh or en standard answer and report."""

from __future__ import annotations

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
        return "zh" if han and (han * 4 >= latin or han >= 20) else "en"
    sample = text[:_SAMPLE]
    if not sample or sample.isascii():  # no Han at all (one C pass; most English texts stop here)
        return "en"
    c = np.frombuffer(sample.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    han = int(
        np.count_nonzero(
            ((c >= 0x3400) & (c <= 0x4DBF)) | ((c >= 0x4E00) & (c <= 0x9FFF)) | ((c >= 0xF900) & (c <= 0xFAFF))
        )
    )
    if han == 0:
        return "en"
    lower = c | 0x20  # ASCII letters fold onto a-z
    latin = int(np.count_nonzero((lower >= 0x61) & (lower <= 0x7A) & (c < 0x80)))
    return "zh" if han * 4 >= latin * 1 or han >= 20 else "en"
