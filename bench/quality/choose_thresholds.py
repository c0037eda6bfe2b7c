"""Choose the harmful-intent detector's per-language thresholds on a dev split (never the test rows).

    PYTHONPATH=src /work/main/.venv/bin/python -m bench.quality.choose_thresholds

The dev scores are out-of-fold: the intent model's *training* rows (``datasets.intent_split().train``)
are cut into 5 stratified folds, a model is fitted on 4 and scores the 5th, exactly as
``train_defaults.intent`` fits the shipped model. The held-out rows that ``bench.quality.run``
reports on are never touched. Per language the chosen threshold is the lowest one (most recall)
whose out-of-fold false-positive rate stays within the budget on that language's benign rows and,
for English, on the XSTest safe prompts (the acceptance set's training half). Copy the printed
values into ``policy/data/default.yaml`` (``harmful_intent``: ``threshold`` = zh value,
``config.language_thresholds.en``).
"""

from __future__ import annotations

import argparse
import random
import re

import numpy as np

from bench.quality import datasets as ds
from bench.quality.train_defaults import FEATURES, SEED
from genguard.detect.classifier.data import Example
from genguard.detect.classifier.train import TrainConfig, train

_HAN = re.compile(r"[\u4e00-\u9fff]")
GRID = [round(x, 2) for x in np.arange(0.30, 0.995, 0.01)]


def out_of_fold(k: int = 5) -> tuple[list[Example], np.ndarray]:
    rows = ds.intent_split().train
    order = list(range(len(rows)))
    random.Random(SEED + 99).shuffle(order)
    by_label: dict[str, list[int]] = {}
    for i in order:
        by_label.setdefault(rows[i].label, []).append(i)
    fold = np.zeros(len(rows), dtype=int)
    for idx in by_label.values():
        for j, i in enumerate(idx):
            fold[i] = j % k
    scores = np.zeros(len(rows))
    for f in range(k):
        fit = [rows[i] for i in range(len(rows)) if fold[i] != f]
        dev = [i for i in range(len(rows)) if fold[i] == f]
        cfg = TrainConfig(task="intent", seed=SEED, C=4.0, features=FEATURES, max_features=150_000)
        model = train(fit, cfg, eval_data=[rows[i] for i in dev]).model
        scores[dev] = model.harmful_scores([rows[i].text for i in dev])
        print(f"fold {f + 1}/{k} done", flush=True)
    return rows, scores


def choose(rows: list[Example], scores: np.ndarray, budget: float) -> dict[str, float]:
    zh = np.array([bool(_HAN.search(e.text)) for e in rows])
    harmful = np.array([e.label != "benign" for e in rows])
    xs_safe = np.array([e.source.startswith("xstest/") and e.label == "benign" for e in rows])
    out: dict[str, float] = {}
    for lang, mask in (("zh", zh), ("en", ~zh)):
        neg_sets = {"benign": mask & ~harmful}
        if lang == "en":
            neg_sets["xstest_safe"] = xs_safe
        print(f"-- {lang}: out-of-fold, {int((mask & harmful).sum())} harmful, "
              + ", ".join(f"{k} {int(v.sum())}" for k, v in neg_sets.items()))
        best = GRID[-1]
        for t in GRID:
            fp = {k: float((scores[v] >= t).mean()) for k, v in neg_sets.items()}
            rec = float((scores[mask & harmful] >= t).mean())
            if round(t * 100) % 5 == 0:
                print(f"  thr {t:.2f} recall {rec:.3f} " + " ".join(f"FP[{k}] {v:.3f}" for k, v in fp.items()))
            if all(v <= budget for v in fp.values()):
                best = t
                break
        rec = float((scores[mask & harmful] >= best).mean())
        print(f"  chosen {lang}: {best:.2f} (dev recall {rec:.3f})")
        out[lang] = best
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--budget", type=float, default=0.04, help="max out-of-fold FP rate per benign set")
    args = ap.parse_args()
    rows, scores = out_of_fold()
    print(choose(rows, scores, args.budget))


if __name__ == "__main__":
    main()
