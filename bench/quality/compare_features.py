"""Compare feature configurations of the output classifiers on dev data only (never the held-out rows).

    PYTHONPATH=src:. python -m bench.quality.compare_features toxicity_en 1-3 1-2 1-1
    PYTHONPATH=src:. python -m bench.quality.compare_features cold_zh 1-3 1-2

Why: the character n-gram range sets both what a model can learn and what a corpus scan pays
per character (each n >= 2 is one hash-table probe per character and more distinct tokens per
window to sum), so a cheaper range is worth taking only where the dev data says it costs no
quality. Each argument is ``char_min-char_max`` (with Latin word unigrams and bigrams) or
``char_min-char_max/chars`` (without them).

* ``toxicity_en``: 5-fold out-of-fold scores of its training rows (``datasets.toxicity_split().train``,
  stratified by label, seed ``SEED + 77``), fitted as ``train_defaults.toxicity_en`` fits the
  shipped model (C, class weights); macro-F1, recall and precision at 0.5, the share of the
  fitted short pieces flagged, and the share of GPTFuzz answers to questions 0-39 (the compliance
  judge's held-out half is questions 40-79) flagged by a model fitted on all training rows, as
  the guard's detector scores them (window by window, the best window): those that did not comply
  (label 0: an output classifier reads LLM refusals all day) and those that did (label 1).
* ``cold_zh``: COLD dev macro-F1 at the threshold tuned on COLD dev (as ``train_defaults.cold_zh``
  does; COLD dev is the acceptance set, so this is a dev-set number by design).

Every configuration after the first is also read at **the first one's false-alarm behaviour**
(the lowest threshold of a 0.01 grid at which it flags no more than the first one does; for
toxicity_en both out of fold, by precision at 0.5, and on the GPTFuzz refusals at 0.5, the
higher of the two thresholds; for cold_zh by COLD-dev precision at ``--reference-threshold``, the
shipped policy's): a cheaper model replaces the shipped one at the same false-positive behaviour
on dev, and its recall there says what it gives up. Round seven adopted that rule after the dev-best thresholds, tried first, raised the whole
guard's held-out benign false positives (BENCHMARKS.md, round seven).
"""

from __future__ import annotations

import argparse
import csv
import json
import tempfile

import numpy as np
from sklearn.metrics import f1_score

from bench.quality import datasets as ds
from bench.quality import train_defaults as td
from genguard.detect.base import DetectContext, Detector, build_detector
from genguard.detect.classifier.features import FeatureConfig
from genguard.detect.classifier.train import TrainConfig, train
from genguard.findings import Direction


def _features(spec: str) -> FeatureConfig:
    """``1-2``: character 1-2-grams and Latin words; ``1-2/chars``: without the words."""
    grams, _, only = spec.partition("/")
    lo, hi = (int(x) for x in grams.split("-"))
    return FeatureConfig(char_min=lo, char_max=hi, words=only != "chars", jieba=False)


def _gptfuzz_answers() -> tuple[list[str], list[str]]:
    """(did not comply, complied): GPTFuzz's labelled answers to questions 0-39 (dev)."""
    with open(ds.require_data() / "gptfuzz" / "labeled_responses_train.csv", encoding="utf-8") as fh:
        rows = [r for r in csv.DictReader(fh) if int(r["question"]) < 40]
    return [r["Response"] for r in rows if r["label"] == "0"], [r["Response"] for r in rows if r["label"] == "1"]


def toxicity(specs: list[str], k: int = 5) -> None:
    rows = ds.toxicity_split().train
    fold = ds.stratified_folds(rows, k, td.SEED + 77)
    y = np.array([e.label != "safe" for e in rows])
    piece = np.array(["#fragment" in e.source for e in rows])
    refusals, compliant = _gptfuzz_answers()
    ref_precision: float | None = None
    ref_alarm: float | None = None
    for spec in specs:
        cfg = TrainConfig(task="toxicity_en", seed=td.SEED, C=td.TOXICITY_C, class_weight=td.TOXICITY_CLASS_WEIGHT,
                          features=_features(spec), max_features=150_000)
        scores = np.zeros(len(rows))
        for f in range(k):
            dev = [i for i in range(len(rows)) if fold[i] == f]
            model = train([rows[i] for i in range(len(rows)) if fold[i] != f], cfg,
                          eval_data=[rows[i] for i in dev]).model
            scores[dev] = model.harmful_scores([rows[i].text for i in dev])
        full = train(rows, cfg, eval_data=rows[:50]).model
        with tempfile.TemporaryDirectory() as tmp:
            full.save(tmp)
            det = build_detector("classifier", {"models": [tmp], "languages": ["en"], "min_chars": 3, "min_score": 0.0},
                                 name="toxicity_en")
            alarms = _detector_scores(det, refusals)
            hits = _detector_scores(det, compliant)
        thresholds = [0.5]
        if ref_precision is None or ref_alarm is None:
            ref_precision = float(y[scores >= 0.5].mean())
            ref_alarm = float((alarms >= 0.5).mean())
        else:
            by_alarm = next((float(t) for t in _GRID if float((alarms >= t).mean()) <= ref_alarm), 1.0)
            thresholds.append(max(_matching_threshold(scores, y, ref_precision), by_alarm))
        for thr in thresholds:
            pred = scores >= thr
            print(json.dumps({
                "model": "toxicity_en", "chars": spec, "C": td.TOXICITY_C, "threshold": thr,
                "oof_macro_f1": round(float(f1_score(y, pred, average="macro")), 4),
                "oof_recall": round(float(pred[y].mean()), 4), "oof_precision": round(float(y[pred].mean()), 4),
                "oof_pieces_flagged": round(float(pred[piece & ~y].mean()), 4),
                "gptfuzz_dev_refusals_flagged": round(float((alarms >= thr).mean()), 4),
                "gptfuzz_dev_compliant_flagged": round(float((hits >= thr).mean()), 4),
                "n_refusals": len(refusals), "n_compliant": len(compliant), "columns": len(full.vocab),
            }), flush=True)


def _detector_scores(det: Detector, texts: list[str]) -> np.ndarray:
    """The detector's best finding score on each text (output direction), 0 without one."""
    return np.array([max((f.score for f in det.detect(DetectContext(t, Direction.OUTPUT))), default=0.0)
                     for t in texts])


_GRID = np.round(np.arange(0.30, 1.0, 0.01), 2)


def _matching_threshold(scores: np.ndarray, y: np.ndarray, precision: float) -> float:
    """The lowest threshold of a 0.01 grid at which the precision of ``scores`` reaches ``precision``."""
    for thr in _GRID:
        pred = scores >= thr
        if pred.any() and float(y[pred].mean()) >= precision:
            return float(thr)
    return 1.0


def cold(specs: list[str], reference_threshold: float) -> None:
    dev = ds.cold("dev")
    y = np.array([e.label != "0" for e in dev])
    ref_precision: float | None = None
    for spec in specs:
        cfg = TrainConfig(task="cold_zh", seed=td.SEED, C=10.0, features=_features(spec), max_features=150_000,
                          tune_threshold=True)  # as train_defaults.cold_zh, but for the features
        res = train(ds.cold_train(), cfg, eval_data=dev)
        scores = res.model.harmful_scores([e.text for e in dev])
        thresholds = {"tuned (dev macro-F1)": float(res.model.recommended_threshold)}
        if ref_precision is None:
            ref_precision = float(y[scores >= reference_threshold].mean())
            thresholds["reference"] = reference_threshold
        else:
            thresholds["at the first one's precision"] = _matching_threshold(scores, y, ref_precision)
        for how, thr in thresholds.items():
            pred = scores >= thr
            print(json.dumps({"model": "cold_zh", "chars": spec, "threshold": thr, "how": how,
                              "cold_dev_macro_f1": round(float(f1_score(y, pred, average="macro")), 4),
                              "precision": round(float(y[pred].mean()), 4), "recall": round(float(pred[y].mean()), 4),
                              "columns": len(res.model.vocab)}), flush=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("model", choices=["toxicity_en", "cold_zh"])
    ap.add_argument("chars", nargs="+", help="character n-gram ranges, e.g. 1-3 1-2 1-2/chars (the first is the reference)")
    ap.add_argument("--reference-threshold", type=float, default=0.72,
                    help="cold_zh: the first configuration's threshold (round six's shipped policy: 0.72)")
    args = ap.parse_args()
    if args.model == "toxicity_en":
        toxicity(args.chars)
    else:
        cold(args.chars, args.reference_threshold)


if __name__ == "__main__":
    main()
