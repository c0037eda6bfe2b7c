"""Choose the harmful-intent detector's per-language thresholds on a dev split (never the test rows).

    PYTHONPATH=src /work/main/.venv/bin/python -m bench.quality.choose_thresholds

The dev scores are out-of-fold: the intent model's *training* rows (``datasets.intent_split().train``)
are cut into 5 stratified folds, a model is fitted on 4 and scores the 5th, exactly as
``train_defaults.intent`` fits the shipped model; every rate is averaged over 3 fold draws
(``--repeats``), because a single draw moved the chosen thresholds by a few hundredths. The held-out rows that ``bench.quality.run``
reports on are never touched. Per language the chosen threshold is the lowest one (most recall)
whose out-of-fold false-positive rate stays within the budget on that language's benign rows
(project-written template expansions excluded: their near-copies in other folds make them easy)
and, for English, on the XSTest safe prompts (the acceptance set's training half), where the
one-sided 95% Wilson upper bound of the out-of-fold rate must also stay within the 5% target
(round three: the point estimate alone, 4% on 130 prompts, let 9-10% through on the held-out half). Copy the printed
values into ``policy/data/default.yaml`` (``harmful_intent``: ``threshold`` = zh value,
``config.language_thresholds.en``).
"""

from __future__ import annotations

import argparse
import re

import numpy as np

from bench.quality import datasets as ds
from bench.quality.train_defaults import FEATURES, INTENT_C, SEED
from genguard.detect.classifier.data import Example
from genguard.detect.classifier.train import TrainConfig, train

_HAN = re.compile(r"[\u4e00-\u9fff]")
GRID = [round(x, 2) for x in np.arange(0.30, 0.995, 0.01)]


def out_of_fold(k: int = 5, repeats: int = 1) -> tuple[list[Example], np.ndarray]:
    """Out-of-fold harmful scores of the intent training rows, one row of scores per fold draw."""
    rows = ds.intent_split().train
    draws = np.zeros((repeats, len(rows)))
    for r in range(repeats):
        fold = ds.stratified_folds(rows, k, SEED + 99 + r)
        scores = np.zeros(len(rows))
        for f in range(k):
            fit = [rows[i] for i in range(len(rows)) if fold[i] != f]
            dev = [i for i in range(len(rows)) if fold[i] == f]
            cfg = TrainConfig(task="intent", seed=SEED, C=INTENT_C, features=FEATURES, max_features=150_000)
            model = train(fit, cfg, eval_data=[rows[i] for i in dev]).model
            scores[dev] = model.harmful_scores([rows[i].text for i in dev])
            print(f"repeat {r + 1}/{repeats} fold {f + 1}/{k} done", flush=True)
        draws[r] = scores
    return rows, draws


def wilson_upper(k: int, n: int, z: float = 1.645) -> float:
    """One-sided 95% Wilson upper bound of a rate k/n."""
    if n == 0:
        return 1.0
    p = k / n
    d = 1 + z * z / n
    return float((p + z * z / (2 * n) + z * np.sqrt(p * (1 - p) / n + z * z / (4 * n * n))) / d)


def choose(rows: list[Example], scores: np.ndarray, budget: float, target: float = 0.05) -> dict[str, float]:
    """Per-language thresholds; ``scores`` has one row per fold draw, and every rate is the mean over draws."""
    scores = np.atleast_2d(scores)
    zh = np.array([bool(_HAN.search(e.text)) for e in rows])
    harmful = np.array([e.label != "benign" for e in rows])
    xs_safe = np.array([e.source.startswith("xstest/") and e.label == "benign" for e in rows])
    # project-written rows are template expansions: near-copies sit in other folds, so their
    # out-of-fold scores are optimistic; they are left out of the false-positive budget
    project = np.array([e.source.startswith("project/") for e in rows])
    out: dict[str, float] = {}
    for lang, mask in (("zh", zh), ("en", ~zh)):
        neg_sets = {"benign": mask & ~harmful & ~project}
        if lang == "en":
            neg_sets["xstest_safe"] = xs_safe
        print(f"-- {lang}: out-of-fold, {int((mask & harmful).sum())} harmful, "
              + ", ".join(f"{k} {int(v.sum())}" for k, v in neg_sets.items()))
        best = GRID[-1]
        for t in GRID:
            fp = {k: float((scores[:, v] >= t).mean()) for k, v in neg_sets.items()}
            rec = float((scores[:, mask & harmful] >= t).mean())
            if round(t * 100) % 5 == 0:
                print(f"  thr {t:.2f} recall {rec:.3f} (not project-written {float((scores[:, mask & harmful & ~project] >= t).mean()):.3f}) "
                      + " ".join(f"FP[{k}] {v:.3f}" for k, v in fp.items())
                      + f" (project-written benign {float((scores[:, mask & ~harmful & project] >= t).mean()):.3f})")
            # the XSTest-safe rate is an acceptance target (<= 5%) measured on only ~120 held-out
            # prompts; its out-of-fold estimate (130 prompts) is noisy, so its one-sided 95% upper
            # bound must also stay within the target, not just the point estimate within the budget
            xs_ok = True
            if "xstest_safe" in neg_sets:
                v = neg_sets["xstest_safe"]
                k_fp = float((scores[:, v] >= t).sum(axis=1).mean())  # mean count over draws
                xs_ok = wilson_upper(round(k_fp), int(v.sum())) <= target
            if all(v <= budget for v in fp.values()) and xs_ok:
                best = t
                break
        rec = float((scores[:, mask & harmful] >= best).mean())
        print(f"  chosen {lang}: {best:.2f} (dev recall {rec:.3f})")
        out[lang] = best
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--budget", type=float, default=0.04, help="max out-of-fold FP rate per benign set")
    ap.add_argument("--target", type=float, default=0.05,
                    help="max one-sided 95%% upper bound of the out-of-fold XSTest-safe FP rate (issue 4 target)")
    ap.add_argument("--repeats", type=int, default=3,
                    help="fold draws to average (one draw moves the thresholds by a few hundredths)")
    args = ap.parse_args()
    rows, scores = out_of_fold(repeats=args.repeats)
    print(choose(rows, scores, args.budget, args.target))


if __name__ == "__main__":
    main()
