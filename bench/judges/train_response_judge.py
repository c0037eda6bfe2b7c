"""Train the learned response judge on GPTFuzz labelled responses (questions 0-39 only).

Run from the repo root:  /work/main/.venv/bin/python -m bench.judges.train_response_judge
Writes src/genguard/assess/judges/data/response_judge.npz; questions 40-79 stay held out.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT.parent / "shared" / "data" / "gptfuzz" / "labeled_responses_train.csv"
HELD_OUT_FROM = 40


def load() -> list[tuple[int, str, int]]:
    csv.field_size_limit(sys.maxsize)
    with DATA.open(encoding="utf-8") as fh:
        return [(int(r["question"]), r["Response"] or "", int(r["label"])) for r in csv.DictReader(fh)]


def main() -> None:
    from sklearn.linear_model import LogisticRegression

    from genguard.assess.judges.learned import MODEL_PATH, features

    rows = [r for r in load() if r[0] < HELD_OUT_FROM]
    x = features([r[1] for r in rows])
    y = np.array([r[2] for r in rows])
    model = LogisticRegression(C=10, max_iter=3000).fit(x, y)
    coef = model.coef_[0]
    idx = np.flatnonzero(np.abs(coef) > 1e-4).astype(np.int32)
    MODEL_PATH.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(MODEL_PATH, idx=idx, val=coef[idx].astype(np.float16), intercept=model.intercept_[0], n=coef.size)
    print(f"trained on {len(rows)} responses (questions 0-{HELD_OUT_FROM - 1}); {idx.size} weights -> {MODEL_PATH}")


if __name__ == "__main__":
    main()
