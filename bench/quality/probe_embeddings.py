"""Probe: would sentence embeddings separate JADE's English questions from XSTest's safe prompts?

Issue 4's JADE target fails on English (1 of 31 held-out questions at the shipped operating
point): the n-gram intent model scores JADE's roundabout English like XSTest's safe prompts.
This one-off probe asks whether a small pretrained sentence encoder (any sentence-transformers
style model directory: mean-pooled, normalised last hidden states) plus a logistic-regression
head trained on the intent model's English training rows does better. It needs the ``ml``
extra (torch, transformers) and a local model directory; nothing is downloaded.

    python -m bench.quality.probe_embeddings --model-dir DIR

It prints held-out flag rates at fixed thresholds, and the threshold chosen on out-of-fold
scores (XSTest-safe training rows <= 4 % flagged) with the out-of-fold JADE English recall.
Not part of the shipped guard; results and caveats are in BENCHMARKS.md.
"""

from __future__ import annotations

import argparse

import numpy as np

from bench.quality.datasets import intent_split
from genguard.text.lang import detect_language


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model-dir", required=True, help="local sentence-encoder directory (config + weights + tokenizer)")
    args = ap.parse_args()
    import torch
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.model_selection import StratifiedKFold
    from transformers import AutoModel, AutoTokenizer

    torch.set_num_threads(1)
    tok = AutoTokenizer.from_pretrained(args.model_dir)
    model = AutoModel.from_pretrained(args.model_dir).eval()

    def embed(texts: list[str]) -> np.ndarray:
        out = []
        with torch.no_grad():
            for i in range(0, len(texts), 32):
                b = tok(texts[i : i + 32], padding=True, truncation=True, max_length=128, return_tensors="pt")
                h = model(**b).last_hidden_state
                m = b["attention_mask"].unsqueeze(-1).float()
                out.append(torch.nn.functional.normalize((h * m).sum(1) / m.sum(1), dim=1).numpy())
        return np.vstack(out)

    sp = intent_split()
    train = [e for e in sp.train if detect_language(e.text) != "zh"]
    x = embed([e.text for e in train])
    y = np.array([e.label != "benign" for e in train])
    oof = np.zeros(len(train))
    for a, b in StratifiedKFold(5, shuffle=True, random_state=0).split(x, y):
        oof[b] = LogisticRegression(C=4, max_iter=2000).fit(x[a], y[a]).predict_proba(x[b])[:, 1]
    safe = np.array([e.source.startswith("xstest") and e.label == "benign" for e in train])
    jade = np.array([e.source.startswith("jade") for e in train])
    print(f"English training rows: {len(train)} (JADE {int(jade.sum())}, XSTest safe {int(safe.sum())})")
    if jade.any() and safe.any():
        auc = roc_auc_score(np.r_[np.ones(jade.sum()), np.zeros(safe.sum())], np.r_[oof[jade], oof[safe]])
        print(f"out-of-fold ROC AUC, JADE English vs XSTest safe: {auc:.3f}")
    chosen = next((t for t in np.arange(0.30, 0.995, 0.01) if np.mean(oof[safe] >= t) <= 0.04), 0.99)
    print(f"threshold chosen out of fold: {chosen:.2f}; out-of-fold JADE English recall {np.mean(oof[jade] >= chosen):.3f}")
    head = LogisticRegression(C=4, max_iter=2000).fit(x, y)
    for name in ("jade_held", "xstest_safe_held", "xstest_unsafe_held", "benign_held"):
        rows = [e for e in sp.extra[name] if detect_language(e.text) != "zh"]
        p = head.predict_proba(embed([e.text for e in rows]))[:, 1]
        rates = ", ".join(f"{t}: {np.mean(p >= t):.3f}" for t in (0.5, 0.7, 0.8, 0.9, round(float(chosen), 2)))
        print(f"{name} (English, n={len(rows)}) flagged at threshold {rates}")


if __name__ == "__main__":
    main()
