"""Shared statistics for rates reported with confidence: the Wilson score interval.

Assessment pass/refusal rates (``genguard.assess.metrics``) and corpus audit / annotation rates
(``genguard.corpus``) both report binomial proportions with a confidence interval. The Wilson
interval stays inside [0, 1] and behaves well at 0, at n and for small n, where the normal
("Wald") interval collapses; one implementation keeps the two modules' numbers consistent.
"""

from __future__ import annotations

import math
from functools import lru_cache
from statistics import NormalDist


@lru_cache(maxsize=16)
def z_for(confidence: float) -> float:
    """Two-sided standard-normal quantile for a confidence level (0.95 -> 1.95996...)."""
    if not 0.0 < confidence < 1.0:
        raise ValueError(f"confidence must be within (0, 1), got {confidence}")
    return NormalDist().inv_cdf(0.5 + confidence / 2)


def wilson_interval(hits: int, n: int, confidence: float = 0.95) -> tuple[float, float]:
    """Wilson score interval for ``hits`` successes in ``n`` trials, as fractions in [0, 1].

    ``(0.0, 1.0)`` when ``n == 0`` (nothing measured, nothing known). The bounds at ``hits == 0``
    and ``hits == n`` are exactly 0 and 1 (no float round-off).
    """
    if n <= 0:
        return (0.0, 1.0)
    if not 0 <= hits <= n:
        raise ValueError(f"hits must be within 0..n, got {hits} of {n}")
    z = z_for(confidence)
    p = hits / n
    denom = 1 + z * z / n
    centre = (p + z * z / (2 * n)) / denom
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / denom
    lo = 0.0 if hits == 0 else max(0.0, centre - half)
    hi = 1.0 if hits == n else min(1.0, centre + half)
    return (lo, hi)
