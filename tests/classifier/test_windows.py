"""Window cutting of the classifier detector: bisected cuts, numpy sentence ends and the whitespace fast
path must cut and prepare exactly like the plain regex walk they replace."""

from __future__ import annotations

import sys

from hypothesis import given, settings
from hypothesis import strategies as st

from genguard.detect.base import DetectContext
from genguard.detect.classifier.detector import _SENT_END, _SPACE, _prepared_windows, sentence_ends, windows


def _walk(text: str, size: int) -> list[tuple[int, int]]:
    """The reference: visit every sentence end in order (the implementation before bisection)."""
    if len(text) <= size:
        return [(0, len(text))]
    spans: list[tuple[int, int]] = []
    start = last = 0
    for c in [*(m.end() for m in _SENT_END.finditer(text)), len(text)]:
        if c - start > size:
            if last > start:
                spans.append((start, last))
                start = last
            while c - start > size:
                spans.append((start, start + size))
                start += size
        last = c
    if start < len(text):
        spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from(list("ab 。!.?\n；x")), max_size=400), st.sampled_from([1, 5, 12, 50, 160]))
def test_bisected_windows_equal_the_sentence_walk(text: str, size: int) -> None:
    assert windows(text, size) == _walk(text, size)


def test_long_sentences_are_cut_hard_and_blank_windows_dropped() -> None:
    assert windows("a" * 25, 10) == [(0, 10), (10, 20), (20, 25)]
    assert windows("ab. " + " " * 20 + "cd.", 10) == [(0, 3), (23, 27)]  # the two blank hard cuts go


@settings(max_examples=300, deadline=None)
@given(st.text(st.sampled_from(list("ab 。!.\n\t\u3000\u200bＡ😀")), max_size=300), st.sampled_from([5, 50, 160]))
def test_prepared_windows_equal_per_window_span_and_collapse(text: str, size: int) -> None:
    """Spans mapped at once and the single-space fast path give what each window gave alone."""
    view = DetectContext(text).normalized.soft
    cuts = windows(view.text, size)
    assert _prepared_windows(view, size) == (
        [view.span(s, e) for s, e in cuts],
        [_SPACE.sub(" ", view.text[s:e]).strip() for s, e in cuts],
    )


@settings(max_examples=400, deadline=None)
@given(st.text(st.sampled_from([*"ab 。!.?\n；;\t\u3000x", "\u2029", "😀", "\x85"]), max_size=60))
def test_sentence_ends_equal_the_regex(text: str) -> None:
    assert sentence_ends(text) == [m.end() for m in _SENT_END.finditer(text)]


def test_no_printable_whitespace_but_the_space() -> None:
    """``_collapse`` skips the whitespace regex for printable texts without a double space; that
    is only right while the space is the one whitespace character ``isprintable`` accepts."""
    assert [c for c in range(sys.maxunicode + 1) if chr(c).isspace() and chr(c).isprintable()] == [0x20]
