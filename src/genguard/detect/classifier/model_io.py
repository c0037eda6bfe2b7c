"""Versioned, pickle-free model files for the text classifiers.

A model directory holds::

    model.json     format name + version, labels, label->taxonomy-code map, feature config,
                   calibration, recommended threshold, sha256 of weights.npz
    weights.npz    vocabulary (newline-joined UTF-8), idf, coefficients (float16), intercepts
    MODEL_CARD.md  human-readable card (data provenance and licence, metrics, date, code version)
    card.json      the same card, machine-readable

Loading is plain JSON + numpy (``allow_pickle=False``), so a model file cannot execute code, and
it checks the format version and the weights checksum: an old/new format or a truncated or
edited file gives a :class:`ConfigError` naming the file, never a numpy traceback.
"""

from __future__ import annotations

import hashlib
import io
import json
import math
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property
from importlib import resources
from itertools import repeat
from pathlib import Path
from typing import Any

import numpy as np

from genguard.detect.classifier import kernels
from genguard.detect.classifier.features import FeatureConfig, analyze_prepared, gram_key_items, prepare
from genguard.detect.classifier.keytable import KeyTable
from genguard.errors import ConfigError

FORMAT = "genguard-textclf"
FORMAT_VERSION = 1
MODEL_FILE = "model.json"
WEIGHTS_FILE = "weights.npz"


# One token -> id table shared by every loaded model, so a detector looks each distinct token
# of a text up once however many models score it (each model maps global ids to its columns).
GLOBAL_TOKENS: dict[str, int] = {}


def register_tokens(terms: list[str]) -> None:
    for t in terms:
        if t not in GLOBAL_TOKENS:
            GLOBAL_TOKENS[t] = len(GLOBAL_TOKENS)


def global_ids(keys: list[str]) -> np.ndarray:
    return np.fromiter(map(GLOBAL_TOKENS.get, keys, repeat(-1)), dtype=np.int64, count=len(keys))


class GramIndex:
    """Global ids of character n-grams by integer key (features.gram_key).

    Unigram keys are code points: they are read from a dense array (one small gather, no
    hashing; ~1/3 of a text's keys). Bigram and trigram keys go to a :class:`KeyTable`."""

    __slots__ = ("longer", "unigram")

    def __init__(self, keys: np.ndarray, ids: np.ndarray) -> None:
        uni = keys < UNIGRAM_LIMIT
        top = int(keys[uni].max()) + 1 if uni.any() else 0
        # one extra entry (-1) past the highest known code point: higher ones are clipped onto it
        self.unigram = np.full(top + 1, -1, dtype=np.int64)
        self.unigram[keys[uni]] = ids[uni]
        self.longer = KeyTable(keys[~uni], ids[~uni])

    def unigrams(self, cp: np.ndarray) -> np.ndarray:
        """Global ids of single code points (int64 array)."""
        return self.unigram.take(cp, mode="clip")

    def get(self, keys: np.ndarray) -> np.ndarray:
        """Global ids of keys of any length (-1 for n-grams no loaded model knows)."""
        keys = np.asarray(keys, dtype=np.int64)
        uni = keys < UNIGRAM_LIMIT
        out = self.longer.get(keys)
        out[uni] = self.unigrams(keys[uni])
        return out


UNIGRAM_LIMIT = 1 << 21  # features.gram_key: unigram keys are code points, longer keys >= 2**21

# Rebuilt when models register new tokens. Stored as one tuple with the token count it was built
# for, so a thread never sees a half-built index.
_GRAM_INDEX: tuple[int, GramIndex] = (0, GramIndex(np.zeros(0, np.int64), np.zeros(0, np.int64)))


def gram_index() -> GramIndex:
    """The index of every registered token of at most 3 characters."""
    global _GRAM_INDEX
    size, index = _GRAM_INDEX
    if size != len(GLOBAL_TOKENS):
        size = len(GLOBAL_TOKENS)  # before the build: tokens registered meanwhile trigger a rebuild
        arr = gram_key_items(dict(GLOBAL_TOKENS))
        index = GramIndex(arr[:, 0], arr[:, 1])
        _GRAM_INDEX = (size, index)
    return index


def gram_ids(keys: np.ndarray) -> np.ndarray:
    """Global ids of n-gram keys (-1 for n-grams no loaded model knows)."""
    return gram_index().get(keys)


@dataclass
class TextModel:
    """A linear TF-IDF classifier with calibrated probabilities.

    Binary models have one coefficient row (logit of the positive label); multi-class models
    one row per label (softmax). Calibration is Platt scaling ``sigmoid(a*z+b)`` (binary) or a
    softmax temperature (multi-class), fitted on held-out data by the trainer.
    """

    name: str
    labels: list[str]
    negative_label: str | None
    label_codes: dict[str, str]
    features: FeatureConfig
    vocab: dict[str, int]
    idf: np.ndarray
    coef: np.ndarray  # (n_rows, n_features) float32
    intercept: np.ndarray  # (n_rows,)
    calibration: dict[str, float] = field(default_factory=dict)
    recommended_threshold: float = 0.5
    meta: dict[str, Any] = field(default_factory=dict)

    # -- inference ----------------------------------------------------------------------
    def logits_from_tokens(self, tokens: list[str]) -> np.ndarray:
        counts = Counter(tokens)
        return self.logits_from_counts(list(counts), np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))

    def logits_from_counts(self, keys: list[str], counts: np.ndarray) -> np.ndarray:
        """Logits from distinct tokens and their counts (shared across models by the detector)."""
        idx = np.fromiter(map(self.vocab.get, keys, repeat(-1)), dtype=np.int64, count=len(keys))
        hit = idx >= 0
        if not hit.any():
            return self.intercept.astype(np.float64)
        cols = idx[hit]
        vals = (1.0 + np.log(counts[hit])) * self.idf[cols]
        norm = math.sqrt(float(vals @ vals))
        if norm > 0:
            vals = vals / norm
        return np.asarray(self.coef[:, cols] @ vals + self.intercept, dtype=np.float64)

    def global_columns(self) -> np.ndarray:
        """Array mapping global token id -> this model's column (-1 when absent)."""
        cached: np.ndarray | None = self.__dict__.get("_gcols")
        if cached is not None and len(cached) == len(GLOBAL_TOKENS):
            return cached
        register_tokens(list(self.vocab))
        g = np.full(len(GLOBAL_TOKENS), -1, dtype=np.int64)
        ids = global_ids(list(self.vocab))
        g[ids] = np.fromiter(self.vocab.values(), dtype=np.int64, count=len(self.vocab))
        self.__dict__["_gcols"] = g
        return g

    def logits_from_global(self, gids: np.ndarray, counts: np.ndarray) -> np.ndarray:
        """Logits from global token ids (-1 = unknown everywhere) and their counts."""
        g = self.global_columns()
        known = (gids >= 0) & (gids < len(g))
        cols = np.full(len(gids), -1, dtype=np.int64)
        cols[known] = g[gids[known]]
        hit = cols >= 0
        if not hit.any():
            return self.intercept.astype(np.float64)
        cols = cols[hit]
        vals = (1.0 + np.log(counts[hit])) * self.idf[cols]
        norm = math.sqrt(float(vals @ vals))
        if norm > 0:
            vals = vals / norm
        return np.asarray(self.coef[:, cols] @ vals + self.intercept, dtype=np.float64)

    @cached_property
    def coef_t(self) -> np.ndarray:
        """Coefficients as (n_features, n_rows), C-contiguous: gathering the columns of a text's
        tokens then reads one short contiguous row per token instead of one strided element per
        label row (several times faster for multi-label models)."""
        return np.ascontiguousarray(self.coef.T)

    def _packed(self, g: np.ndarray) -> kernels.PackedColumns | None:
        """:func:`kernels.pack_columns` of this model, rebuilt when the global columns grew (a
        model loaded later registered new tokens); None when the kernels cannot use it."""
        cached = self.__dict__.get("_packed_for")
        if cached is not None and cached[0] is g:
            return cached[1]
        if not kernels.active() or self.coef_t.dtype != np.float32:
            return None
        packed = kernels.pack_columns(g, self.idf, self.coef_t)
        self.__dict__["_packed_for"] = (g, packed)
        return packed

    def proba_windows(
        self, gids: np.ndarray, counts: np.ndarray, win: np.ndarray | None, n_win: int,
        scored: np.ndarray | None = None, starts: np.ndarray | None = None,
    ) -> np.ndarray:
        """(n_win, n_labels) calibrated probabilities of several windows in one vectorised pass.

        ``gids``/``counts``/``win`` list each window's distinct global token ids, their counts and
        the window index, grouped by window in window order; equivalent to
        :meth:`logits_from_global` per window, without a Python loop over windows. With ``scored``
        (bool per window), only those windows are scored; the others' rows are those of an empty
        text (their tokens are never read). The windows may be given as ``starts`` instead of (or
        as well as) ``win``: :func:`kernels.window_starts`, what the compiled kernels read.
        """
        if win is None and starts is None:
            raise ValueError("proba_windows needs the entries' windows (win) or the windows' starts")
        g = self.global_columns()
        packed = self._packed(g)
        if packed is not None:
            if starts is None:
                assert win is not None
                starts = kernels.window_starts(win, n_win)
            compiled = kernels.window_logits(gids, counts, starts, n_win, g, self.idf, self.coef_t, packed, scored)
            if compiled is not None:
                return self._calibrated(compiled + self.intercept)
        if win is None:
            assert starts is not None
            win = kernels.window_index(starts)
        if scored is not None:
            keep = np.asarray(scored, dtype=bool)[win]
            gids, counts, win = gids[keep], counts[keep], win[keep]
        # tokens no model knows (-1, or registered after this model): one max over the ids read
        # as unsigned finds both, as -1 becomes 2**64 - 1
        if len(gids) and int(gids.view(np.uint64).max()) >= len(g):
            keep = (gids >= 0) & (gids < len(g))
            gids, counts, win = gids[keep], counts[keep], win[keep]
        cols = g.take(gids)
        hit = cols >= 0
        cols, w = cols[hit], win[hit]
        z = np.zeros((n_win, self.coef.shape[0]))
        if len(cols):
            vals = (1.0 + np.log(counts[hit])) * self.idf.take(cols)
            norms = np.sqrt(np.bincount(w, weights=vals * vals, minlength=n_win))
            vals /= np.where(norms > 0, norms, 1.0)[w]
            # entries are grouped by window (win is non-decreasing): sum each group with reduceat
            groups = np.flatnonzero(np.diff(w, prepend=-1))
            # np.take, not coef_t[cols]: a row gather by take is several times cheaper
            z[w[groups]] = np.add.reduceat(np.take(self.coef_t, cols, axis=0) * vals[:, None], groups, axis=0)
        return self._calibrated(z + self.intercept)

    def proba_from_window_logits(self, z: np.ndarray) -> np.ndarray:
        """(n_win, n_labels) probabilities from (n_win, n_rows) logits before the intercept (what
        the compiled ``score_windows`` gives)."""
        return self._calibrated(z + self.intercept)

    def _calibrated(self, z: np.ndarray) -> np.ndarray:
        """(n_win, n_labels) probabilities from (n_win, n_rows) logits."""
        if len(self.labels) == 2 and z.shape[1] == 1:
            p1 = 1.0 / (1.0 + np.exp(-(self.calibration.get("a", 1.0) * z[:, 0] + self.calibration.get("b", 0.0))))
            return np.column_stack([1.0 - p1, p1])
        sz = z / self.calibration.get("temperature", 1.0)
        sz = sz - sz.max(axis=1, keepdims=True)
        e = np.exp(sz)
        return np.asarray(e / e.sum(axis=1, keepdims=True))

    def proba_from_logits(self, z: np.ndarray) -> np.ndarray:
        """Calibrated probability of every label, in ``self.labels`` order."""
        if len(self.labels) == 2 and z.shape[0] == 1:
            a = self.calibration.get("a", 1.0)
            b = self.calibration.get("b", 0.0)
            p1 = 1.0 / (1.0 + math.exp(-(a * float(z[0]) + b)))
            return np.array([1.0 - p1, p1])
        t = self.calibration.get("temperature", 1.0)
        s = z / t
        s = s - s.max()
        e = np.exp(s)
        return np.asarray(e / e.sum())

    def predict_proba_tokens(self, tokens: list[str]) -> np.ndarray:
        return self.proba_from_logits(self.logits_from_tokens(tokens))

    def predict_proba(self, texts: list[str]) -> np.ndarray:
        """(n_texts, n_labels) calibrated probabilities of raw texts."""
        return np.vstack(
            [self.predict_proba_tokens(analyze_prepared(prepare(t), self.features)) for t in texts]
        ) if texts else np.zeros((0, len(self.labels)))

    def harmful_scores(self, texts: list[str]) -> np.ndarray:
        """Probability that each text is not the negative label."""
        p = self.predict_proba(texts)
        if self.negative_label is None:
            return p.max(axis=1)
        return 1.0 - p[:, self.labels.index(self.negative_label)]

    # -- persistence --------------------------------------------------------------------
    def save(self, out_dir: str | Path) -> Path:
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        terms = sorted(self.vocab, key=self.vocab.__getitem__)
        if any("\n" in t for t in terms):
            raise ConfigError("vocabulary terms must not contain newlines")
        buf = io.BytesIO()
        np.savez_compressed(
            buf,
            vocab=np.frombuffer("\n".join(terms).encode("utf-8"), dtype=np.uint8),
            idf=self.idf.astype(np.float32),
            coef=self.coef.astype(np.float16),
            intercept=self.intercept.astype(np.float64),
        )
        data = buf.getvalue()
        (out / WEIGHTS_FILE).write_bytes(data)
        header = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "name": self.name,
            "labels": self.labels,
            "negative_label": self.negative_label,
            "label_codes": self.label_codes,
            "features": self.features.to_dict(),
            "calibration": self.calibration,
            "recommended_threshold": self.recommended_threshold,
            "n_features": len(terms),
            "weights_sha256": hashlib.sha256(data).hexdigest(),
            "meta": self.meta,
        }
        (out / MODEL_FILE).write_text(json.dumps(header, ensure_ascii=False, indent=2) + "\n", "utf-8")
        return out


def _read_header(path: Path) -> dict[str, Any]:
    f = path / MODEL_FILE
    if not f.is_file():
        raise ConfigError(f"{path}: not a genguard model directory (no {MODEL_FILE})")
    try:
        header = json.loads(f.read_text("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ConfigError(f"{f}: corrupted model header ({exc})") from None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise ConfigError(f"{f}: not a {FORMAT} model file")
    ver = header.get("format_version")
    if ver != FORMAT_VERSION:
        raise ConfigError(
            f"{f}: model format version {ver!r} is not supported by this genguard "
            f"(expects {FORMAT_VERSION}); retrain it with `genguard train` or use a matching genguard"
        )
    return header


def load_model(path: str | Path) -> TextModel:
    """Load and verify a model directory (format version, checksum, shapes)."""
    p = Path(path)
    header = _read_header(p)
    wf = p / WEIGHTS_FILE
    try:
        data = wf.read_bytes()
    except OSError as exc:
        raise ConfigError(f"{wf}: cannot read model weights ({exc.strerror or exc})") from None
    digest = hashlib.sha256(data).hexdigest()
    if digest != header.get("weights_sha256"):
        raise ConfigError(f"{wf}: checksum mismatch (file corrupted or modified); expected "
                          f"{header.get('weights_sha256')}, got {digest}")
    try:
        with np.load(io.BytesIO(data), allow_pickle=False) as z:
            terms = bytes(z["vocab"]).decode("utf-8").split("\n") if z["vocab"].size else []
            idf = z["idf"].astype(np.float64)
            coef = z["coef"].astype(np.float32)
            intercept = z["intercept"].astype(np.float64)
        labels = [str(x) for x in header["labels"]]
        feats = FeatureConfig.from_dict(header["features"])
        model = TextModel(
            name=str(header["name"]),
            labels=labels,
            negative_label=header.get("negative_label"),
            label_codes=dict(header.get("label_codes", {})),
            features=feats,
            vocab={t: i for i, t in enumerate(terms)},
            idf=idf,
            coef=coef,
            intercept=intercept,
            calibration={k: float(v) for k, v in header.get("calibration", {}).items()},
            recommended_threshold=float(header.get("recommended_threshold", 0.5)),
            meta=dict(header.get("meta", {})),
        )
    except (KeyError, TypeError, ValueError, zipfile.BadZipFile, OSError) as exc:
        raise ConfigError(f"{p}: invalid model contents ({type(exc).__name__}: {exc})") from None
    rows = 1 if len(labels) == 2 and coef.shape[0] == 1 else len(labels)
    if coef.shape != (rows, len(terms)) or idf.shape != (len(terms),) or intercept.shape != (rows,):
        raise ConfigError(f"{p}: weight shapes do not match the header (coef {coef.shape}, "
                          f"{len(terms)} terms, {len(labels)} labels)")
    return model


def shipped_models_dir() -> Path:
    return Path(str(resources.files("genguard.detect.classifier").joinpath("models")))


def shipped_models() -> list[str]:
    d = shipped_models_dir()
    return sorted(p.name for p in d.iterdir() if (p / MODEL_FILE).is_file()) if d.is_dir() else []


_CACHE: dict[tuple[str, float], TextModel] = {}


def resolve_model(ref: str | Path) -> TextModel:
    """A shipped model name (``cold_zh``) or a model directory path; cached per file mtime."""
    p = Path(ref)
    if not (p / MODEL_FILE).is_file():
        cand = shipped_models_dir() / str(ref)
        if (cand / MODEL_FILE).is_file():
            p = cand
        else:
            known = ", ".join(shipped_models()) or "none"
            raise ConfigError(f"model {str(ref)!r}: no such model directory or shipped model (shipped: {known})")
    key = (str(p.resolve()), (p / WEIGHTS_FILE).stat().st_mtime if (p / WEIGHTS_FILE).exists() else 0.0)
    if key not in _CACHE:
        model = load_model(p)
        model.global_columns()
        _CACHE[key] = model
    return _CACHE[key]
