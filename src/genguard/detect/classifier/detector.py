"""The ``classifier`` detector: runs one or more trained text models and reports taxonomy codes.

Policy example::

    - type: classifier
      name: harmful_intent
      threshold: 0.6            # per-detector minimum score (DetectorSpec.threshold)
      directions: [input]
      config:
        models: [intent]        # shipped model names or model directories
        languages: [zh, en]     # optional: only score windows holding these languages
        min_score: 0.3          # findings below this are not reported at all
        thresholds: {intent: 0.4}          # optional per-model floor (replaces min_score)
        language_thresholds: {en: 0.95}    # optional floor by a window's main language

Each model contributes at most one finding per window: the most probable non-negative label,
mapped to its taxonomy code, with score = 1 - P(negative) (the calibrated probability that the
text is harmful in any way). The guard then applies the detector threshold and the category
rule threshold; ``thresholds`` / ``language_thresholds`` add per-model and per-language floors
(used by the default policy because English prompts that merely sound unsafe, as in XSTest,
score higher than Chinese ones). Short texts are scored whole (span [0, len)); texts longer than
``window`` characters are cut at sentence ends into windows of about that size and the
highest-scoring window's span is reported, so one harmful sentence is not diluted by pages
of benign text. Languages are decided window by window (:func:`score_model`), so a mixed text
meets each language's model and floor where that language is. Tokens are cached on the :class:`DetectContext`, so several models with the
same feature settings tokenise a text once.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from genguard.detect.base import DetectContext, Detector, register_detector
from genguard.detect.classifier import kernels
from genguard.detect.classifier.features import FeatureConfig, analyze_prepared, gram_keys, keyed
from genguard.detect.classifier.model_io import (
    GLOBAL_TOKENS,
    TextModel,
    global_ids,
    gram_index,
    resolve_model,
)
from genguard.detect.classifier.model_tables import model_tables
from genguard.detect.classifier.word_index import word_index
from genguard.errors import ConfigError
from genguard.findings import Finding, assemble
from genguard.taxonomy import get_taxonomy
from genguard.text.lang import holds_language, is_chinese, segment_scripts
from genguard.text.normalize import View

_SENT_END = re.compile(r"[。！？!?；;\n]+|\.(?=\s)")
_SPACE = re.compile(r"\s+")
# packed (window, id) pairs below this sort as int32: texts of up to ~2**31 / 2**18 = 8,192 windows
INT32_PACK_LIMIT = 2**31


_END_CODES = np.array([ord(c) for c in "。！？!?；;\n"], dtype=np.uint32)


def sentence_ends(text: str) -> list[int]:
    """``[m.end() for m in _SENT_END.finditer(text)]`` with numpy: the end of each run of
    sentence-final marks, and each "." followed by whitespace (the regex's ``\\s`` is
    ``str.isspace``). A regex pass costs ~20 ns per character of a mostly Chinese text; this is
    a few vectorised passes plus a Python step per full stop."""
    cp = np.frombuffer(text.encode("utf-32-le", "surrogatepass"), dtype=np.uint32)
    mark = np.isin(cp, _END_CODES)
    run_end = np.flatnonzero(mark[:-1] & ~mark[1:]) + 1
    ends = run_end.tolist()
    if len(mark) and mark[-1]:
        ends.append(len(cp))
    dots = [i + 1 for i in np.flatnonzero(cp[:-1] == 0x2E).tolist() if text[i + 1].isspace()]
    if dots:
        ends = sorted(ends + dots)
    return ends


def windows(text: str, size: int) -> list[tuple[int, int]]:
    """Spans of ``text`` of at most about ``size`` characters, cut after sentence ends.

    Greedy: a window runs from its start to the last sentence end within ``size`` characters
    (a sentence longer than ``size`` is cut hard every ``size`` characters). The next cut past
    each window is found by bisection, so a long document costs one step per window, not one
    per sentence (corpus documents have a hundred sentences or more)."""
    n = len(text)
    if n <= size:
        return [(0, n)]
    seq = sentence_ends(text)
    seq.append(n)
    spans: list[tuple[int, int]] = []
    start = 0
    i = 0  # seq[:i] are consumed; ``last`` is the latest consumed cut (0 before the first)
    while True:
        j = bisect_right(seq, start + size, i)  # first cut that would overflow the window
        if j == len(seq):
            break
        last = seq[j - 1] if j else 0
        c = seq[j]
        if last > start:
            spans.append((start, last))
            start = last
        while c - start > size:  # one very long sentence: hard cut
            spans.append((start, start + size))
            start += size
        i = j + 1
    if start < n:
        spans.append((start, n))
    return [(s, e) for s, e in spans if text[s:e].strip()]


class WindowSet:
    """The windows of a text: where each lies in the original text, their prepared
    (whitespace-collapsed) texts joined with each one's length, and the languages each holds.
    What every model of a text shares before it counts tokens."""

    __slots__ = ("_bounds", "_holding", "_main_zh", "_scored", "_scripts", "_spans", "_view", "joined", "lens", "n")

    def __init__(
        self, spans: list[tuple[int, int]] | None, *, view: View | None = None, bounds: np.ndarray | None = None,
        joined: str = "", lens: np.ndarray | None = None, scripts: np.ndarray | None = None,
    ) -> None:
        """Either the windows' ``spans`` in the original text, or the ``view`` they were cut from
        and their ``bounds`` in it, mapped back only when asked: a score needs the span of its
        best window alone, and mapping all of a long document's windows cost as much as
        scoring them. ``joined`` holds the windows' prepared texts one after another and
        ``lens`` their lengths, for :meth:`scripts` (unless the caller counted them already:
        ``scripts``, a (n, 2) array as the compiled ``prepare_windows`` gives)."""
        if spans is not None:
            self.n = len(spans)
        elif view is not None and bounds is not None:
            self.n = len(bounds)
        else:
            raise ValueError("the windows need spans, or a view and the bounds in it")
        self._spans = spans
        self._view = view
        self._bounds = bounds
        self.joined = joined
        self.lens = lens
        self._scripts: tuple[np.ndarray, np.ndarray] | None = None if scripts is None else (scripts[:, 0], scripts[:, 1])
        self._main_zh: np.ndarray | None = None
        self._holding: dict[str, np.ndarray] = {}
        self._scored: dict[frozenset[str], tuple[np.ndarray | None, np.ndarray | None]] = {}

    def scripts(self) -> tuple[np.ndarray, np.ndarray]:
        """Han characters and ASCII letters in each window (:func:`~genguard.text.lang.segment_scripts`
        on the windows' prepared texts; computed once, on first use)."""
        if self._scripts is None:
            lens = self.lens if self.lens is not None else np.zeros(0, dtype=np.int64)
            self._scripts = segment_scripts(self.joined, lens)
            if len(self._scripts[0]) != self.n:
                raise ValueError("window texts were not kept for these window tokens")
        return self._scripts

    def main_chinese(self) -> np.ndarray:
        """Whether each window's main language is Chinese (:func:`~genguard.text.lang.is_chinese`;
        cached: every model of a text asks)."""
        if self._main_zh is None:
            self._main_zh = np.asarray(is_chinese(*self.scripts()), dtype=bool)
        return self._main_zh

    def holding(self, language: str) -> np.ndarray:
        """Whether each window holds ``language`` (:func:`~genguard.text.lang.holds_language`;
        cached, read-only)."""
        mask = self._holding.get(language)
        if mask is None:
            mask = self._holding[language] = holds_language(*self.scripts(), language)
            mask.flags.writeable = False
        return mask

    def scored_by(self, languages: set[str]) -> tuple[np.ndarray | None, np.ndarray | None]:
        """(mask, rows) of the windows holding one of ``languages``: a bool per window and the
        indexes of the true ones, both None when every window holds one (cached: each model of a
        text with the same languages asks)."""
        key = frozenset(languages)
        hit = self._scored.get(key)
        if hit is None:
            held = [self.holding(lang) for lang in languages]
            mask = held[0] if len(held) == 1 else np.logical_or.reduce(held)
            rows = np.flatnonzero(mask)
            hit = self._scored[key] = (None, None) if len(rows) == self.n else (mask, rows)
        return hit

    @property
    def spans(self) -> list[tuple[int, int]]:
        """Every window's span in the original text."""
        if self._spans is None:
            assert self._view is not None and self._bounds is not None
            self._spans = _spans(self._view, self._bounds)
        return self._spans

    def span(self, i: int) -> tuple[int, int]:
        """Window ``i``'s span in the original text."""
        if self._spans is not None:
            return self._spans[i]
        assert self._view is not None and self._bounds is not None
        if not self._view.text:
            return _spans(self._view, self._bounds[i : i + 1])[0]
        s, e = self._bounds[i].tolist()
        return int(self._view.offsets[s]), int(self._view.offsets[e - 1]) + 1  # as _spans maps it


class WindowTokens(WindowSet):
    """The windows of a text and every window's global token ids and counts, concatenated (one
    entry per distinct token of a window; entries grouped by window in window order, in no
    particular order within one). Which window an entry is in is known both ways, each worked
    out from the other when first asked: :attr:`win` (the window of each entry) and
    :attr:`starts` (each window's first entry)."""

    __slots__ = ("_starts", "_win", "counts", "gids")

    def __init__(
        self, spans: list[tuple[int, int]] | None, gids: np.ndarray, counts: np.ndarray, win: np.ndarray | None, *,
        view: View | None = None, bounds: np.ndarray | None = None, joined: str = "", lens: np.ndarray | None = None,
        scripts: np.ndarray | None = None, starts: np.ndarray | None = None,
    ) -> None:
        """The windows as :class:`WindowSet` takes them; the entries' windows come as ``win`` or
        as ``starts`` (each window's first entry, then the number of entries: what the compiled
        token count gives)."""
        super().__init__(spans, view=view, bounds=bounds, joined=joined, lens=lens, scripts=scripts)
        if win is None and starts is None:
            raise ValueError("WindowTokens needs the entries' windows (win) or the windows' starts")
        self.gids = gids
        self.counts = counts
        self._win = win
        self._starts = starts

    @property
    def win(self) -> np.ndarray:
        """The window of each entry (non-decreasing)."""
        if self._win is None:
            assert self._starts is not None
            self._win = kernels.window_index(self._starts)
        return self._win

    @property
    def starts(self) -> np.ndarray:
        """Window w's entries are ``starts[w]:starts[w + 1]`` (:func:`kernels.window_starts`)."""
        if self._starts is None:
            assert self._win is not None
            self._starts = kernels.window_starts(self._win, self.n)
        return self._starts


def window_set(ctx: DetectContext, size: int) -> WindowSet | None:
    """The windows of ``ctx.text`` as the compiled kernels cut them (cached on the context per
    size: every model of a text shares them), or None when the kernels are off."""
    cache: dict[int, WindowSet] = ctx.__dict__.setdefault("_clf_windows", {})
    hit = cache.get(size)
    if hit is None:
        norm = ctx.normalized.soft
        ready = kernels.prepare_windows(norm.text, size)
        if ready is None:
            return None
        cuts, joined, lens, scripts = ready
        hit = cache[size] = WindowSet(None, view=norm, bounds=cuts, joined=joined, lens=lens, scripts=scripts)
    return hit


def window_tokens(ctx: DetectContext, feats: FeatureConfig, size: int) -> WindowTokens:
    """Tokens of each window of ``ctx.text``, cached on the context per feature config and size."""
    cache: dict[Any, WindowTokens] = ctx.__dict__.setdefault("_clf_tokens", {})
    key = (feats.key(), size)
    hit = cache.get(key)
    if hit is None:
        build = _keyed_window_tokens if keyed(feats) else string_window_tokens
        hit = cache[key] = build(ctx.normalized.soft, feats, size)
    return hit


def _prepared_windows(norm: View, size: int) -> tuple[list[tuple[int, int]], list[str]]:
    """Each window's span in the original text and its whitespace-collapsed text (what the
    analyzer sees), shared by the string and the keyed token paths."""
    text = norm.text
    cuts = windows(text, size)
    return _spans(norm, np.array(cuts, dtype=np.int64).reshape(-1, 2)), [_collapse(text[s:e]) for s, e in cuts]


def _spans(norm: View, bounds: np.ndarray) -> list[tuple[int, int]]:
    """``View.span`` of every window (rows of (start, end) in the view) at once."""
    if not norm.text:  # the one empty window: View.span maps it to an empty span
        return [norm.span(int(s), int(e)) for s, e in bounds]
    return list(zip(norm.offsets[bounds[:, 0]].tolist(), (norm.offsets[bounds[:, 1] - 1] + 1).tolist(), strict=True))


def _collapse(t: str) -> str:
    """``_SPACE.sub(" ", t).strip()``, skipping the substitution when it would change nothing:
    every whitespace character but the ASCII space is non-printable, so a printable text without
    a double space has only single spaces (two C scans instead of a regex pass)."""
    if t.isprintable() and "  " not in t:
        return t.strip()
    return _SPACE.sub(" ", t).strip()


def string_window_tokens(norm: View, feats: FeatureConfig, size: int) -> WindowTokens:
    """The reference path: every token as a string (``analyze_prepared``), counted per window.
    Used for feature configs without integer keys (n-grams over 3 characters, jieba words) and
    by the tests that pin the keyed path to it."""
    spans, prepared = _prepared_windows(norm, size)
    keys: list[str] = []
    counts: list[int] = []
    win: list[int] = []
    for i, t in enumerate(prepared):
        c = Counter(analyze_prepared(t, feats))
        keys.extend(c)
        counts.extend(c.values())
        win.extend([i] * len(c))
    return WindowTokens(
        spans, global_ids(keys), np.asarray(counts, dtype=np.float64), np.asarray(win, dtype=np.int64),
        joined="".join(prepared), lens=np.fromiter(map(len, prepared), dtype=np.int64, count=len(prepared)),
    )


def _keyed_window_tokens(norm: View, feats: FeatureConfig, size: int) -> WindowTokens:
    """:func:`window_tokens` computed on integer n-gram keys - by the compiled kernels when they
    serve, else with numpy: the same tokens, ids and counts as the string path
    (``analyze_prepared`` + ``Counter`` per window), but without one Python string per
    character n-gram. Only tokens some loaded model knows are kept (the
    others have no column in any model, so they never reach a score)."""
    ready = kernels.prepare_windows(norm.text, size)
    if ready is not None:
        cuts, joined, lens, scripts = ready
        counted = kernels.count_tokens(
            joined, lens, feats.char_min, feats.char_max, gram_index(), word_index() if feats.words else None
        )
        if counted is not None:
            gids, counts, starts = counted
            return WindowTokens(None, gids, counts, None, view=norm, bounds=cuts, scripts=scripts, starts=starts)
    spans, prepared = _prepared_windows(norm, size)
    joined = "".join(prepared)
    lens = np.fromiter(map(len, prepared), dtype=np.int64, count=len(prepared))
    cp = np.frombuffer(joined.encode("utf-32-le", "surrogatepass"), dtype=np.uint32).astype(np.int64)
    pos_win = np.repeat(np.arange(len(prepared), dtype=np.int64), lens)
    index = gram_index()
    ids: list[np.ndarray] = []
    keys: list[np.ndarray] = []  # bigram and trigram keys, looked up together
    wins: list[np.ndarray] = []
    for n in range(feats.char_min, feats.char_max + 1):
        if n > len(cp):
            break
        if n == 1:
            ids.append(index.unigrams(cp))
            wins.append(pos_win)
            continue
        k = gram_keys(cp, n)
        inside = pos_win[: len(k)] == pos_win[n - 1 :]  # an n-gram must not straddle two windows
        keys.append(k[inside])
        wins.append(pos_win[: len(k)][inside])
    if keys:
        ids.append(index.longer.get(np.concatenate(keys)))
    gids = np.concatenate(ids) if ids else np.zeros(0, np.int64)
    win = np.concatenate(wins) if wins else np.zeros(0, np.int64)
    if feats.words:
        wgids, wwin = word_index().window_ids(prepared)
        gids = np.concatenate([gids, wgids])
        win = np.concatenate([win, wwin])
    known = gids >= 0
    # (window, id) packed as window << bits | id: sorted like (window, id), split by a mask and
    # a shift instead of two int64 divisions
    bits = len(GLOBAL_TOKENS).bit_length()
    combo = (win[known] << bits) | gids[known]
    if len(spans) << bits < INT32_PACK_LIMIT:  # int32 sorts about twice as fast
        combo = combo.astype(np.int32)
    combo, counts = np.unique(combo, return_counts=True)
    combo = combo.astype(np.int64)
    return WindowTokens(spans, combo & ((1 << bits) - 1), counts.astype(np.float64), combo >> bits, joined=joined, lens=lens)


# score_model_many scores at most about this many characters of windows in one call (a group of
# 256 corpus documents is ~1.8 M, scored in two calls; the windows of a group's whole 2 million
# characters (guard.BATCH_CHARS) would otherwise be joined at once)
GROUP_CHARS = 1 << 20
Best = tuple[float, str, float, int, int]  # what score_model gives: harm, label, its probability, span


def score_model(
    model: TextModel, ctx: DetectContext, size: int, *, languages: set[str] | None = None,
    floor: float = -np.inf, language_floors: dict[str, float] | None = None,
) -> Best | None:
    """(harmful score, top label, its probability, start, end) of the best window, or None.

    With ``languages``, only windows holding one of them are scored; with ``language_floors``,
    a window counts only when its score reaches ``max(floor, language_floors.get(language, 0))``
    for its main language, else ``floor``; the best window is the highest-scoring one that
    counts. A text that fits in one window is in ``ctx.language`` alone. Each window of a longer
    text has its own main language (the same rule, counted on the window) and also holds the
    other when it has a phrase of it (:func:`~genguard.text.lang.holds_language`), so a Chinese
    page quoting English, or a request padded with the other language in other windows, meets
    the model and the threshold meant for each part."""
    single = len(ctx.normalized.soft.text) <= size
    if languages is not None and single and ctx.language not in languages:
        return None  # before counting any token
    tables = model_tables(model) if _score_from_text(ctx, model) else None
    ws = window_set(ctx, size) if tables is not None else None
    if ws is None:
        tables = None
        ws = window_tokens(ctx, model.features, size)
    if ws.n == 0:
        return None
    only = rows = None  # the windows to score and their indexes, when not all are
    if languages is not None and not single:
        only, rows = ws.scored_by(languages)
        if rows is not None and not len(rows):
            return None
    # the scored windows' rows alone from here (the others never count)
    p = _window_proba(model, ws, tables, only, rows)
    floors: np.ndarray | float = floor  # the score each window must reach
    if language_floors:
        if single:
            floors = _lift(floor, language_floors, ctx.language)
        else:
            main_zh = ws.main_chinese() if rows is None else ws.main_chinese()[rows]
            floors = np.where(main_zh, _lift(floor, language_floors, "zh"), _lift(floor, language_floors, "en"))
    harm, p = _harm(model, p)
    counted = harm >= floors
    if not counted.any():
        return None
    best = int(np.where(counted, harm, -np.inf).argmax())
    i = int(p[best].argmax())
    s, e = ws.span(best if rows is None else int(rows[best]))
    return float(harm[best]), model.labels[i], float(p[best, i]), s, e


def score_model_many(
    model: TextModel, ctxs: Sequence[DetectContext], size: int, *, languages: set[str] | None = None,
    floor: float = -np.inf, language_floors: dict[str, float] | None = None,
) -> list[Best | None]:
    """``[score_model(model, ctx, size, ...) for ctx in ctxs]``, the same results, with the
    windows of every text that scores from the text (:func:`_score_from_text`) scored together:
    one ``score_windows`` call, one probability, language and floor computation over all of
    their windows, and the best window of each text picked from the whole at once.

    Why: a corpus document is a few dozen windows, and scoring it alone paid about twenty small
    numpy calls per model (masks, probabilities, floors, the best window) that together cost
    more than the compiled pass over its text. A group of documents pays them once. Every
    window's numbers are computed by the same element-wise operations as :func:`score_model`'s,
    row by row, so the results are equal bit for bit (``tests/classifier/test_score_many.py``)."""
    out: list[Best | None] = [None] * len(ctxs)
    batch: list[tuple[int, WindowSet, bool]] = []  # (index in ctxs, its windows, fits in one window)
    for k, ctx in enumerate(ctxs):
        if not ctx.text or ctx.text.isspace():
            continue
        single = len(ctx.normalized.soft.text) <= size
        if languages is not None and single and ctx.language not in languages:
            continue
        ws = window_set(ctx, size) if model_tables(model) is not None and _score_from_text(ctx, model) else None
        if ws is None:  # scored from the shared token count (or without the kernels): one by one
            out[k] = score_model(model, ctx, size, languages=languages, floor=floor, language_floors=language_floors)
        elif ws.n:
            batch.append((k, ws, single))
    part: list[tuple[int, WindowSet, bool]] = []
    chars = 0
    for item in batch:  # in parts of about GROUP_CHARS characters: a group of long texts stays bounded
        part.append(item)
        chars += len(item[1].joined)
        if chars >= GROUP_CHARS:
            _score_together(model, ctxs, part, out, size, languages, floor, language_floors)
            part, chars = [], 0
    if part:
        _score_together(model, ctxs, part, out, size, languages, floor, language_floors)
    return out


def _score_together(
    model: TextModel, ctxs: Sequence[DetectContext], batch: list[tuple[int, WindowSet, bool]], out: list[Best | None],
    size: int, languages: set[str] | None, floor: float, language_floors: dict[str, float] | None,
) -> None:
    """:func:`score_model_many`'s joint scoring of the ``batch`` texts' windows into ``out``."""
    tables = model_tables(model)
    assert tables is not None
    n_win = np.fromiter((ws.n for _, ws, _ in batch), dtype=np.int64, count=len(batch))
    first = np.concatenate(([0], np.cumsum(n_win)))  # each text's first window among all
    single = np.repeat(np.fromiter((s for *_, s in batch), dtype=bool, count=len(batch)), n_win)
    need_scripts = (languages is not None and not single.all()) or bool(language_floors)
    if need_scripts:
        han = np.concatenate([ws.scripts()[0] for _, ws, _ in batch])
        latin = np.concatenate([ws.scripts()[1] for _, ws, _ in batch])
    mask: np.ndarray | None = None
    if languages is not None and not single.all():  # a short text's one window is in its language (checked above)
        mask = single | np.logical_or.reduce([holds_language(han, latin, lang) for lang in languages])
    joined = "".join(ws.joined for _, ws, _ in batch)
    lens = np.concatenate([_lens(ws) for _, ws, _ in batch])
    z = kernels.score_windows(tables, joined, lens, mask)
    rows = np.arange(len(z)) if mask is None else np.flatnonzero(mask)
    if not len(rows):
        return
    p = model.proba_from_window_logits(z[rows])
    floors: np.ndarray | float = floor
    if language_floors:
        every = np.where(np.asarray(is_chinese(han, latin), dtype=bool), _lift(floor, language_floors, "zh"),
                         _lift(floor, language_floors, "en"))
        for j, (k, _, one) in enumerate(batch):
            if one:
                every[first[j] : first[j + 1]] = _lift(floor, language_floors, ctxs[k].language)
        floors = every[rows]
    harm, p = _harm(model, p)
    vals = np.where(harm >= floors, harm, -np.inf)
    text_of = np.searchsorted(first, rows, side="right") - 1  # the batch entry of each scored row
    starts = np.flatnonzero(np.concatenate(([True], text_of[1:] != text_of[:-1])))
    top = np.maximum.reduceat(vals, starts)
    lead = vals == np.repeat(top, np.diff(np.append(starts, len(vals))))
    for r in np.flatnonzero(lead & (vals > -np.inf)).tolist():
        j = int(text_of[r])
        k, ws, _ = batch[j]
        if out[k] is not None:  # a later row with the same top score: the first one counts
            continue
        i = int(p[r].argmax())
        s, e = ws.span(int(rows[r]) - int(first[j]))
        out[k] = float(harm[r]), model.labels[i], float(p[r, i]), s, e


def _lift(floor: float, language_floors: dict[str, float], lang: str) -> float:
    """The score a window whose main language is ``lang`` must reach."""
    return max(floor, language_floors.get(lang, 0.0))


def _harm(model: TextModel, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each window's harm score (1 - P(negative label); the top probability for a model without
    one) and its probabilities with the negative label's set to -1, so that the top label picked
    from them is a harmful one (a copy: ``p`` is left as it was)."""
    neg = model.negative_label
    if neg is None:
        return p.max(axis=1), p
    ni = model.labels.index(neg)
    harm = 1.0 - p[:, ni]
    p = p.copy()
    p[:, ni] = -1.0
    return harm, p


def _lens(ws: WindowSet) -> np.ndarray:
    """The lengths of the windows' prepared texts (``window_set`` always keeps them)."""
    if ws.lens is None:
        raise ValueError("window texts were not kept for these windows")
    return ws.lens


# The most models one text has been scored by, by direction (learned as texts are checked).
_MODELS_PER_TEXT: dict[Any, int] = {}
# Up to this many models a text, each scores from the text; more share one token count.
FROM_TEXT_MODELS = 2


def _score_from_text(ctx: DetectContext, model: TextModel) -> bool:
    """Whether this text's models score straight from the text (``score_windows``, each with its
    own tables) rather than from the windows' shared token count (``count_tokens`` once per
    text, then ``window_logits`` per model). Only the speed differs: the logits are the same.

    Why it depends: per character, counting a model's tokens from the text costs about what the
    shared count costs, so the shared count pays off when several models read it and scoring
    from the text when there are few (the default policy: output runs offensive_zh and
    toxicity_en, each on the windows of its language; input adds intent and injection, which
    read every window). Which models a text will meet is the policy's business, so the number
    is learned: the most models any text of this direction has been scored by so far."""
    models: set[int] = ctx.__dict__.setdefault("_clf_models", set())
    models.add(id(model))
    seen = len(models)
    most = _MODELS_PER_TEXT.get(ctx.direction, 0)
    if seen > most:
        _MODELS_PER_TEXT[ctx.direction] = most = seen
    return most <= FROM_TEXT_MODELS


def _window_proba(
    model: TextModel, ws: WindowSet, tables: kernels.ModelTables | None, only: np.ndarray | None,
    rows: np.ndarray | None,
) -> np.ndarray:
    """(len(rows), n_labels) probabilities of the windows ``only`` selects, whose indexes are
    ``rows`` (all windows when None): from the text with the model's own tables when it has
    them, else from the windows' counted tokens."""
    if tables is not None:
        assert ws.lens is not None
        z = kernels.score_windows(tables, ws.joined, ws.lens, only)
        return model.proba_from_window_logits(z if rows is None else z[rows])
    assert isinstance(ws, WindowTokens)
    p = model.proba_windows(ws.gids, ws.counts, None, ws.n, only, ws.starts)
    return p if rows is None else p[rows]


@register_detector("classifier")
class ClassifierDetector(Detector):
    type_name = "classifier"

    def __init__(
        self,
        name: str | None = None,
        models: list[str] | None = None,
        model: str | None = None,
        languages: list[str] | None = None,
        min_score: float = 0.3,
        window: int = 160,
        thresholds: dict[str, float] | None = None,
        language_thresholds: dict[str, float] | None = None,
        min_chars: int = 0,
    ) -> None:
        super().__init__(name)
        refs = list(models or []) + ([model] if model else [])
        if not refs:
            raise ConfigError(f"detector {self.name!r} (classifier): set 'models' (names or directories)")
        self.models: list[TextModel] = [resolve_model(r) for r in refs]
        tax = get_taxonomy()
        for m in self.models:
            for lab, code in m.label_codes.items():
                if not tax.has(code):
                    raise ConfigError(f"model {m.name!r}: label {lab!r} maps to unknown code {code!r}")
        self.languages = set(languages) if languages else None
        self.min_score = float(min_score)
        if window < 50:
            raise ConfigError(f"detector {self.name!r}: window must be at least 50 characters")
        self.window = int(window)
        self.thresholds = dict(thresholds or {})
        self.language_thresholds = {str(k): float(v) for k, v in (language_thresholds or {}).items()}
        if isinstance(min_chars, bool) or not isinstance(min_chars, int) or min_chars < 0:
            raise ConfigError(f"detector {self.name!r}: min_chars must be a whole number of characters >= 0, got {min_chars!r}")
        self.min_chars = min_chars

    def _too_short(self, text: str) -> bool:
        """Whether ``text`` holds fewer than ``min_chars`` characters other than whitespace. Why:
        an n-gram model has no evidence in one or two characters, so it reports its prior for
        the n-grams alone ("如何" and "你" by themselves opened nearly every harmful question the
        intent model was fitted on, and scored 0.94 and 1.0); below this size the detector
        abstains and the keyword banks alone judge the text."""
        if not self.min_chars:
            return False
        n = 0
        for c in text:  # stops at the min_chars-th character that is not whitespace
            if not c.isspace():
                n += 1
                if n >= self.min_chars:
                    return False
        return True

    def categories(self) -> set[str]:
        return {c for m in self.models for c in m.label_codes.values()}

    def describe(self) -> dict[str, Any]:
        return {**super().describe(), "models": [m.name for m in self.models]}

    def detect(self, ctx: DetectContext) -> list[Finding]:
        if not ctx.text or ctx.text.isspace():  # (no stripped copy of a long text)
            return []
        out: list[Finding] = []
        for m in self.models:
            best = score_model(
                m, ctx, self.window, languages=self.languages, floor=self.thresholds.get(m.name, self.min_score),
                language_floors=self.language_thresholds,
            )
            self._add(out, m, ctx, best)
        return out

    def detect_many(self, ctxs: Sequence[DetectContext]) -> list[list[Finding]]:
        """:meth:`detect` of each text, each model scoring the windows of all of them together
        (:func:`score_model_many`): the same findings, in the same order."""
        per_model = [
            score_model_many(
                m, ctxs, self.window, languages=self.languages, floor=self.thresholds.get(m.name, self.min_score),
                language_floors=self.language_thresholds,
            )
            for m in self.models
        ]
        out: list[list[Finding]] = [[] for _ in ctxs]
        for m, bests in zip(self.models, per_model, strict=True):
            for found, ctx, best in zip(out, ctxs, bests, strict=True):
                self._add(found, m, ctx, best)
        return out

    def _add(self, out: list[Finding], m: TextModel, ctx: DetectContext, best: Best | None) -> None:
        """The finding of model ``m``'s best window (if its label has a code) appended to ``out``."""
        if best is None or self._too_short(ctx.text):
            return
        harm, label, lab_p, s, e = best
        code = m.label_codes.get(label)
        if code is None:
            return
        out.append(assemble(Finding, {  # the fields in order, typed: no validation needed (findings.assemble)
            "category": str(code), "detector": self.name, "score": float(round(min(max(harm, 0.0), 1.0), 4)),
            "start": int(s), "end": int(e), "evidence": ctx.text[s:e], "normalized": None, "entity": str(label),
            "metadata": {"model": m.name, "label": label, "label_probability": float(round(lab_p, 4))},
        }))
