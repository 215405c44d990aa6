"""Stage statistics at a bounded cost: exact binomial where cheap, normal approximation if not.

An exact binomial tail sums one term per count within a few standard deviations
of the mean, so its cost grows with ``sqrt(n p (1 - p))``: a 10,000,000,000,000
a day rollout would sum billions of terms per tail (issue 17, item 12). Above
`EXACT_VARIANCE_LIMIT` (a standard deviation of about 32 errors) the normal
approximation is within a fraction of a percentage point of the exact test
(Berry-Esseen: the error shrinks as ``1 / sqrt(n p (1 - p))``), so the plan
uses it there and every input plans in a bounded number of steps.
"""

from __future__ import annotations

import math
from statistics import NormalDist

from rollout_manager.planning import normal_stats, stats

EXACT_VARIANCE_LIMIT = stats.EXACT_VARIANCE_LIMIT
"""Largest binomial variance ``n p (1 - p)`` for which exact tails are summed."""

_STANDARD_NORMAL = NormalDist()


def exact_is_affordable(n: float, p: float) -> bool:
    """Whether exact tails for ``n`` transactions at error rate ``p`` stay cheap."""
    return n <= stats.EXACT_LIMIT and n * p * (1 - p) <= EXACT_VARIANCE_LIMIT


def normal_power(n: int, p0: float, p1: float, *, alpha: float = 0.05) -> float:
    """Chance that the one-sided test at ``n`` transactions catches ``p1``, normal approximation.

    ``Phi((sqrt(n) (p1 - p0) - z(1-a) sqrt(p0 (1-p0))) / sqrt(p1 (1-p1)))``, the
    inverse of `normal_stats.sample_size`: at its ``n`` this gives the power asked for.
    """
    if n <= 0:
        return 0.0
    spread = math.sqrt(n) * (p1 - p0) - _STANDARD_NORMAL.inv_cdf(1 - alpha) * math.sqrt(
        p0 * (1 - p0)
    )
    return _STANDARD_NORMAL.cdf(spread / math.sqrt(p1 * (1 - p1)))


def stage_power(n: int, p0: float, p1: float, *, alpha: float = 0.05) -> float:
    """`stats.exact_power` where it is cheap, else `normal_power`."""
    if exact_is_affordable(n, p0):
        return stats.exact_power(n, p0, p1, alpha=alpha)
    return normal_power(n, p0, p1, alpha=alpha)


def stage_detectable_rate(
    n: int, p0: float, *, alpha: float = 0.05, power: float = 0.8
) -> float | None:
    """`stats.detectable_rate` where it is cheap, else `normal_stats.normal_detectable_rate`."""
    if exact_is_affordable(n, p0):
        return stats.detectable_rate(n, p0, alpha=alpha, power=power)
    return normal_stats.normal_detectable_rate(n, p0, alpha=alpha, power=power)
