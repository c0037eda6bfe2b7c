"""Measure a judge against labelled data, or two judges against each other.

Accuracy, Cohen's kappa and the confusion table (scikit-learn), so swapping judges is a
measured decision rather than a guess.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import Any

from genguard.assess.judges.base import Judge, RefusalLabel


def agreement(a: Sequence[Any], b: Sequence[Any]) -> dict[str, Any]:
    from sklearn.metrics import accuracy_score, cohen_kappa_score, confusion_matrix

    if len(a) != len(b):
        raise ValueError(f"label lists differ in length ({len(a)} vs {len(b)})")
    if not a:
        return {"n": 0, "accuracy": 0.0, "kappa": 0.0, "labels": [], "confusion": []}
    labels = sorted({str(x) for x in [*a, *b]})
    sa, sb = [str(x) for x in a], [str(x) for x in b]
    kappa = float(cohen_kappa_score(sa, sb)) if len(labels) > 1 else 1.0
    return {"n": len(a), "accuracy": float(accuracy_score(sa, sb)), "kappa": kappa, "labels": labels,
            "confusion": confusion_matrix(sa, sb, labels=labels).tolist()}


async def judge_compliance(judge: Judge, pairs: Sequence[tuple[str, str]], lang: str = "en") -> list[int]:
    """1 = the answer complies with the request (GPTFuzz "jailbroken"), 0 = refusal (full or partial)."""
    out = []
    for q, a in pairs:
        v = await judge.judge(q, a, lang)
        out.append(1 if v.refusal is RefusalLabel.COMPLIANCE else 0)
    return out


def measure(judge: Judge, pairs: Sequence[tuple[str, str]], labels: Sequence[int], lang: str = "en") -> dict[str, Any]:
    return agreement(list(labels), asyncio.run(judge_compliance(judge, pairs, lang)))
