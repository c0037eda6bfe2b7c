"""Fit, calibrate, evaluate and save a text classifier (the engine behind ``genguard train``).

Deterministic given the seed: the split, the vocabulary (sorted ties) and the lbfgs solver
involve no other randomness. The held-out rows are never used for fitting; calibration uses a
separate slice of the training rows.
"""

from __future__ import annotations

import datetime as dt
import json
import math
import subprocess
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from genguard.detect.classifier.data import Example, file_sha256, read_examples
from genguard.detect.classifier.features import FeatureConfig, analyze_prepared, prepare
from genguard.detect.classifier.model_io import FORMAT_VERSION, TextModel
from genguard.errors import ConfigError, InputError
from genguard.taxonomy import get_taxonomy

MAX_SEED = 2**32 - 2  # scikit-learn takes seeds up to 2**32 - 1 and the calibration split uses seed + 1
NEGATIVE_LABELS = ("0", "safe", "benign", "negative", "none", "ok", "normal", "false", "clean")


@dataclass
class TrainConfig:
    task: str
    seed: int = 13
    test_size: float = 0.2
    cal_size: float = 0.15
    C: float = 4.0
    class_weight: str | None = "balanced"
    min_df: int = 2
    max_features: int | None = 150_000
    features: FeatureConfig = field(default_factory=FeatureConfig)
    negative: str | None = None
    codes: dict[str, str] = field(default_factory=dict)
    tune_threshold: bool = False
    sources: list[str] = field(default_factory=list)  # provenance / licence lines for the card

    def __post_init__(self) -> None:
        """Refuse settings scikit-learn would reject with a traceback or that silently train on
        nothing (``char_max`` 0 drops every character n-gram). Names the ``genguard train`` flag."""
        problems = []
        if not self.C > 0:  # also refuses NaN
            problems.append(f"C (--C) must be greater than 0, got {self.C}")
        if self.min_df < 1:
            problems.append(f"min_df (--min-df) must be at least 1, got {self.min_df}")
        if self.max_features is not None and self.max_features < 1:
            problems.append(f"max_features (--max-features) must be at least 1, got {self.max_features}")
        if not 0 <= self.seed <= MAX_SEED:
            problems.append(f"seed (--seed) must be between 0 and {MAX_SEED}, got {self.seed}")
        f = self.features
        if f.char_min < 1:
            problems.append(f"features.char_min must be at least 1, got {f.char_min}")
        if f.char_max < max(f.char_min, 1):
            problems.append(f"features.char_max (--char-max) must be at least char_min ({f.char_min}), got {f.char_max}")
        if problems:
            raise InputError("; ".join(problems))


@dataclass
class TrainResult:
    model: TextModel
    metrics: dict[str, Any]
    card: dict[str, Any]


def _label_codes(examples: Sequence[Example], cfg: TrainConfig) -> tuple[list[str], str | None, dict[str, str]]:
    labels = sorted({e.label for e in examples})
    if len(labels) < 2:
        raise InputError(f"training data has only one label ({labels}); need at least two")
    neg = cfg.negative
    if neg is None:
        cands = [lab for lab in labels if lab.lower() in NEGATIVE_LABELS]
        if len(cands) > 1:
            raise InputError(f"several labels look negative ({cands}); choose one with --negative")
        neg = cands[0] if cands else None
    elif neg not in labels:
        raise InputError(f"--negative {neg!r} is not a label in the data (labels: {labels})")
    tax = get_taxonomy()
    codes: dict[str, str] = {}
    for e in examples:
        if e.label == neg or e.category is None:
            continue
        prev = codes.setdefault(e.label, e.category)
        if prev != e.category:
            raise InputError(f"{e.source}: label {e.label!r} has category {e.category!r}, earlier rows {prev!r}")
    for lab, code in cfg.codes.items():
        if not tax.has(code):
            raise ConfigError(f"--code {lab}={code}: unknown taxonomy code")
        codes[lab] = code
    for lab in labels:
        if lab != neg and lab not in codes and tax.has(lab):
            codes[lab] = lab
    missing = [lab for lab in labels if lab != neg and lab not in codes]
    if missing:
        raise InputError(
            f"labels {missing} have no taxonomy code: add a 'category' column, name the label with a code, "
            "or pass --code LABEL=CODE"
        )
    return labels, neg, {k: v for k, v in codes.items() if k in labels}


def _fit(texts: list[str], y: np.ndarray, n_labels: int, cfg: TrainConfig) -> tuple[dict[str, int], np.ndarray, np.ndarray, np.ndarray]:
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.linear_model import LogisticRegression

    feats = cfg.features

    def analyzer(t: str) -> list[str]:
        return analyze_prepared(t, feats)

    vec = TfidfVectorizer(analyzer=analyzer, min_df=cfg.min_df, max_features=cfg.max_features,
                          sublinear_tf=True, dtype=np.float64)
    try:
        X = vec.fit_transform(texts)
    except ValueError as exc:  # min_df above the number of texts, or no feature left after pruning
        if "min_df" not in str(exc):
            raise InputError(f"the training texts give no features ({exc})") from None
        raise InputError(
            f"no features left: min_df {cfg.min_df} keeps only features found in at least {cfg.min_df} "
            f"of the {len(texts)} texts used for fitting; lower --min-df or add data"
        ) from None
    clf = LogisticRegression(C=cfg.C, max_iter=3000, class_weight=cfg.class_weight, random_state=cfg.seed)
    clf.fit(X, y)
    coef = np.asarray(clf.coef_, dtype=np.float64)
    intercept = np.asarray(clf.intercept_, dtype=np.float64)
    if n_labels > 2 and coef.shape[0] != n_labels:
        raise InputError("a label is missing from the training split; add more rows for it")
    vocab = {str(k): int(v) for k, v in vec.vocabulary_.items()}
    return vocab, np.asarray(vec.idf_, dtype=np.float64), coef, intercept


def _calibrate(model: TextModel, tokens: list[list[str]], y: np.ndarray) -> dict[str, float]:
    z = np.array([model.logits_from_tokens(t) for t in tokens])
    if z.shape[1] == 1:
        from sklearn.linear_model import LogisticRegression

        if len(set(y.tolist())) < 2:
            return {"a": 1.0, "b": 0.0}
        lr = LogisticRegression(C=1e4, max_iter=1000).fit(z, y)
        return {"a": float(lr.coef_[0, 0]), "b": float(lr.intercept_[0])}
    from scipy.optimize import minimize_scalar

    def nll(logt: float) -> float:
        s = z / math.exp(logt)
        s = s - s.max(axis=1, keepdims=True)
        lp = s - np.log(np.exp(s).sum(axis=1, keepdims=True))
        return float(-lp[np.arange(len(y)), y].mean())

    res = minimize_scalar(nll, bounds=(math.log(0.05), math.log(20.0)), method="bounded")
    return {"temperature": float(math.exp(res.x))}


def evaluate(model: TextModel, texts: list[str], labels: list[str], threshold: float | None = None) -> dict[str, Any]:
    """Binary (harmful vs negative) and per-label metrics of a model on labelled texts."""
    from sklearn.metrics import (
        average_precision_score,
        classification_report,
        f1_score,
        precision_recall_fscore_support,
    )

    probs = model.predict_proba(texts)
    thr = model.recommended_threshold if threshold is None else threshold
    out: dict[str, Any] = {"n": len(texts), "threshold": round(thr, 4)}
    if model.negative_label is not None:
        ni = model.labels.index(model.negative_label)
        score = 1.0 - probs[:, ni]
        yb = np.array([lab != model.negative_label for lab in labels])
        pred = score >= thr
        p, r, f, _ = precision_recall_fscore_support(yb, pred, average="binary", zero_division=0)
        out.update(
            precision=round(float(p), 4), recall=round(float(r), 4), f1=round(float(f), 4),
            macro_f1=round(float(f1_score(yb, pred, average="macro", zero_division=0)), 4),
            accuracy=round(float((yb == pred).mean()), 4),
            fpr=round(float(pred[~yb].mean()) if (~yb).any() else 0.0, 4),
            auprc=round(float(average_precision_score(yb, score)), 4) if yb.any() and (~yb).any() else None,
            positives=int(yb.sum()), negatives=int((~yb).sum()),
        )
    argmax = [model.labels[i] for i in probs.argmax(axis=1)]
    rep = classification_report(labels, argmax, labels=model.labels, output_dict=True, zero_division=0)
    out["per_label"] = {
        lab: {k: round(float(rep[lab][k]), 4) for k in ("precision", "recall", "f1-score", "support")}
        for lab in model.labels
    }
    out["label_macro_f1"] = round(float(f1_score(labels, argmax, labels=model.labels, average="macro", zero_division=0)), 4)
    return out


def _tune(model: TextModel, texts: list[str], labels: list[str]) -> float:
    from sklearn.metrics import f1_score

    if model.negative_label is None:
        return 0.5
    score = model.harmful_scores(texts)
    yb = np.array([lab != model.negative_label for lab in labels])
    best = max((f1_score(yb, score >= t, average="macro"), -abs(t - 0.5), t) for t in np.arange(0.05, 0.96, 0.01))
    return round(float(best[2]), 2)


def code_version() -> str:
    import genguard

    ver = getattr(genguard, "__version__", "0")
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True,
                             timeout=5, cwd=Path(__file__).parent).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        rev = ""
    return f"genguard {ver}" + (f" (git {rev})" if rev else "")


def train(
    data: Sequence[str | Path] | Sequence[Example],
    cfg: TrainConfig,
    *,
    eval_data: Sequence[str | Path] | Sequence[Example] | None = None,
) -> TrainResult:
    """Train a model; ``eval_data`` replaces the random held-out split when given."""
    from sklearn.model_selection import train_test_split

    def load(items: Sequence[Any]) -> tuple[list[Example], list[dict[str, Any]]]:
        exs: list[Example] = []
        files: list[dict[str, Any]] = []
        for it in items:
            if isinstance(it, Example):
                exs.append(it)
            else:
                rows = read_examples(it)
                exs.extend(rows)
                files.append({"path": str(it), "rows": len(rows), "sha256": file_sha256(it)})
        return exs, files

    examples, files = load(data)
    labels, neg, codes = _label_codes(examples, cfg)
    if eval_data is not None:
        held, eval_files = load(eval_data)
        unknown = sorted({e.label for e in held} - set(labels))
        if unknown:
            raise InputError(f"evaluation data has labels not in the training data: {unknown}")
        train_rows = examples
    else:
        eval_files = []
        counts = Counter(e.label for e in examples)
        strat = [e.label for e in examples] if min(counts.values()) >= 2 else None
        train_rows, held = train_test_split(examples, test_size=cfg.test_size, random_state=cfg.seed, stratify=strat)
    counts = Counter(e.label for e in train_rows)
    strat = [e.label for e in train_rows] if min(counts.values()) >= 2 else None
    fit_rows, cal_rows = train_test_split(train_rows, test_size=cfg.cal_size, random_state=cfg.seed + 1, stratify=strat)
    lab_index = {lab: i for i, lab in enumerate(labels)}
    fit_texts = [prepare(e.text) for e in fit_rows]
    y = np.array([lab_index[e.label] for e in fit_rows])
    if len(labels) == 2 and neg is not None:
        pos = next(lab for lab in labels if lab != neg)
        y = np.array([1 if e.label == pos else 0 for e in fit_rows])
        labels = [neg, pos]
    vocab, idf, coef, intercept = _fit(fit_texts, y, len(labels), cfg)
    model = TextModel(
        name=cfg.task, labels=labels, negative_label=neg, label_codes=codes, features=cfg.features,
        vocab=vocab, idf=idf, coef=coef.astype(np.float16).astype(np.float32), intercept=intercept,
    )
    cal_tokens = [analyze_prepared(prepare(e.text), cfg.features) for e in cal_rows]
    if len(labels) == 2 and coef.shape[0] == 1:
        y_cal = np.array([1 if e.label == labels[1] else 0 for e in cal_rows])
    else:
        y_cal = np.array([labels.index(e.label) for e in cal_rows])
    model.calibration = _calibrate(model, cal_tokens, y_cal)
    held_texts = [e.text for e in held]
    held_labels = [e.label for e in held]
    metrics: dict[str, Any] = {"at_0.5": evaluate(model, held_texts, held_labels, 0.5)}
    if cfg.tune_threshold:
        model.recommended_threshold = _tune(model, held_texts, held_labels)
        metrics["at_recommended"] = evaluate(model, held_texts, held_labels)
    card = {
        "name": cfg.task,
        "format_version": FORMAT_VERSION,
        "trained_at": dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "code_version": code_version(),
        "seed": cfg.seed,
        "labels": labels,
        "negative_label": neg,
        "label_codes": codes,
        "features": cfg.features.to_dict(),
        "params": {"C": cfg.C, "class_weight": cfg.class_weight, "min_df": cfg.min_df,
                   "max_features": cfg.max_features, "test_size": cfg.test_size, "cal_size": cfg.cal_size,
                   "calibration": model.calibration, "recommended_threshold": model.recommended_threshold},
        "data": {"files": files, "eval_files": eval_files,
                 "rows": {"fit": len(fit_rows), "calibration": len(cal_rows), "held_out": len(held)},
                 "label_counts": dict(sorted(Counter(e.label for e in examples).items())),
                 "provenance": list(cfg.sources)},
        "metrics": metrics,
        "vocabulary_size": len(vocab),
    }
    model.meta = {"trained_at": card["trained_at"], "code_version": card["code_version"], "seed": cfg.seed}
    return TrainResult(model=model, metrics=metrics, card=card)


def _fmt_metrics(m: dict[str, Any]) -> list[str]:
    keys = ("n", "threshold", "precision", "recall", "f1", "macro_f1", "accuracy", "fpr", "auprc", "label_macro_f1")
    lines = ["| metric | value |", "|---|---|"]
    lines += [f"| {k} | {m[k]} |" for k in keys if k in m and m[k] is not None]
    if m.get("per_label"):
        lines += ["", "| label | precision | recall | F1 | support |", "|---|---|---|---|---|"]
        lines += [f"| {lab} | {v['precision']} | {v['recall']} | {v['f1-score']} | {int(v['support'])} |"
                  for lab, v in m["per_label"].items()]
    return lines


def write_card(card: dict[str, Any], out_dir: str | Path) -> None:
    """MODEL_CARD.md + card.json next to the model files."""
    out = Path(out_dir)
    (out / "card.json").write_text(json.dumps(card, ensure_ascii=False, indent=2) + "\n", "utf-8")
    codes = card["label_codes"]
    tax = get_taxonomy()
    lines = [
        f"# Model card: {card['name']}",
        "",
        f"- Trained: {card['trained_at']} with {card['code_version']}, seed {card['seed']}, "
        f"model format v{card['format_version']}",
        "- Model: TF-IDF (character n-grams"
        + (", Latin words" if card["features"]["words"] else "")
        + (", jieba words" if card["features"]["jieba"] else "")
        + ") + logistic regression, calibrated on a held-back slice of the training rows",
        f"- Vocabulary: {card['vocabulary_size']:,} features",
        "",
        "## Labels and taxonomy codes",
        "",
        "| label | code | name (zh / en) |",
        "|---|---|---|",
    ]
    for lab in card["labels"]:
        code = codes.get(lab)
        name = f"{tax.name(code, 'zh')} / {tax.name(code, 'en')}" if code else "(negative: no finding)"
        lines.append(f"| {lab} | {code or '-'} | {name} |")
    d = card["data"]
    lines += ["", "## Data: provenance and licences", ""]
    lines += [f"- {s}" for s in d["provenance"]] or ["- (no provenance given)"]
    lines += [f"- file `{f['path']}`: {f['rows']} rows, sha256 {f['sha256'][:16]}..." for f in d["files"]]
    lines += [f"- evaluation file `{f['path']}`: {f['rows']} rows, sha256 {f['sha256'][:16]}..." for f in d["eval_files"]]
    lines += [f"- rows: {d['rows']}", f"- label counts: {d['label_counts']}"]
    lines += ["", "## Metrics (held-out rows, never used for fitting)", ""]
    for key, m in card["metrics"].items():
        lines += [f"### {key}", "", *_fmt_metrics(m), ""]
    lines += ["## Parameters", "", "```json", json.dumps(card["params"], indent=2), "```", ""]
    (out / "MODEL_CARD.md").write_text("\n".join(lines), "utf-8")


def train_to_dir(data: Sequence[str | Path] | Sequence[Example], cfg: TrainConfig, out_dir: str | Path, *,
                 eval_data: Sequence[str | Path] | Sequence[Example] | None = None) -> TrainResult:
    if Path(out_dir).exists() and not Path(out_dir).is_dir():  # checked before the (long) training
        raise InputError(f"model folder {str(out_dir)!r} is a file; give a folder to write the model to")
    res = train(data, cfg, eval_data=eval_data)
    res.model.save(out_dir)
    write_card(res.card, out_dir)
    return res
