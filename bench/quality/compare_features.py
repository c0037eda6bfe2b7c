"""Compare feature configurations of the output classifiers on dev data only (never the held-out rows).

    PYTHONPATH=src:. python -m bench.quality.compare_features toxicity_en 1-3 1-2 1-1
    PYTHONPATH=src:. python -m bench.quality.compare_features cold_zh 1-3 1-2

Why: the character n-gram range sets both what a model can learn and what a corpus scan pays
per character (each n >= 2 is one hash-table probe per character and more distinct tokens per
window to sum), so a cheaper range is worth taking only where the dev data says it costs no
quality. Each argument is ``char_min-char_max`` (Latin word unigrams and bigrams always on).

* ``toxicity_en``: 5-fold out-of-fold scores of its training rows (``datasets.toxicity_split().train``,
  stratified by label, seed ``SEED + 77``), fitted as ``train_defaults.toxicity_en`` fits the
  shipped model (C, class weights); macro-F1, recall and precision at 0.5, the share of the
  fitted short pieces flagged, and the share of GPTFuzz answers to questions 0-39 that did not
  comply (label 0; the compliance judge's held-out half is questions 40-79) flagged by a model
  fitted on all training rows: an output classifier reads LLM refusals all day.
* ``cold_zh``: COLD dev macro-F1 at the threshold tuned on COLD dev (as ``train_defaults.cold_zh``
  does; COLD dev is the acceptance set, so this is a dev-set number by design).
"""

from __future__ import annotations

import csv
import json
import random
import sys

import numpy as np
from sklearn.metrics import f1_score

from bench.quality import datasets as ds
from bench.quality import train_defaults as td
from genguard.detect.classifier.features import FeatureConfig
from genguard.detect.classifier.train import TrainConfig, train


def _features(spec: str) -> FeatureConfig:
    lo, hi = (int(x) for x in spec.split("-"))
    return FeatureConfig(char_min=lo, char_max=hi, words=True, jieba=False)


def _gptfuzz_refusals() -> list[str]:
    with open(ds.require_data() / "gptfuzz" / "labeled_responses_train.csv", encoding="utf-8") as fh:
        return [r["Response"] for r in csv.DictReader(fh) if int(r["question"]) < 40 and r["label"] == "0"]


def toxicity(specs: list[str], k: int = 5) -> None:
    rows = ds.toxicity_split().train
    order = list(range(len(rows)))
    random.Random(td.SEED + 77).shuffle(order)
    by_label: dict[str, list[int]] = {}
    for i in order:
        by_label.setdefault(rows[i].label, []).append(i)
    fold = np.zeros(len(rows), dtype=int)
    for idx in by_label.values():
        for j, i in enumerate(idx):
            fold[i] = j % k
    y = np.array([e.label != "safe" for e in rows])
    piece = np.array(["#fragment" in e.source for e in rows])
    refusals = _gptfuzz_refusals()
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
        pred = scores >= 0.5
        print(json.dumps({
            "model": "toxicity_en", "chars": spec, "C": td.TOXICITY_C,
            "oof_macro_f1": round(float(f1_score(y, pred, average="macro")), 4),
            "oof_recall": round(float(pred[y].mean()), 4), "oof_precision": round(float(y[pred].mean()), 4),
            "oof_pieces_flagged": round(float(pred[piece & ~y].mean()), 4),
            "gptfuzz_dev_refusals_flagged": round(float((full.harmful_scores(refusals) >= 0.5).mean()), 4),
            "n_gptfuzz_dev_refusals": len(refusals), "columns": len(full.vocab),
        }), flush=True)


def cold(specs: list[str]) -> None:
    for spec in specs:
        cfg = TrainConfig(task="cold_zh", seed=td.SEED, C=10.0, features=_features(spec), max_features=150_000,
                          tune_threshold=True)  # as train_defaults.cold_zh, but for the features
        res = train(ds.cold_train(), cfg, eval_data=ds.cold("dev"))
        m = res.metrics.get("at_recommended", res.metrics["at_0.5"])
        print(json.dumps({"model": "cold_zh", "chars": spec, "cold_dev_macro_f1": m.get("macro_f1"),
                          "threshold": m["threshold"], "precision": m.get("precision"), "recall": m.get("recall"),
                          "columns": len(res.model.vocab)}), flush=True)


def main(argv: list[str]) -> None:
    if len(argv) < 2 or argv[0] not in ("toxicity_en", "cold_zh"):
        sys.exit("usage: python -m bench.quality.compare_features {toxicity_en|cold_zh} CHAR_MIN-CHAR_MAX ...")
    (toxicity if argv[0] == "toxicity_en" else cold)(argv[1:])


if __name__ == "__main__":
    main(sys.argv[1:])
