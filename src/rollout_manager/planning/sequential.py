"""Cumulative rollback boundaries: "roll back as soon as k or more errors within the first n".

A boundary is a list of checkpoints ``(n_i, k_i)`` with ``n_i`` strictly
increasing. Errors only accumulate, so the boundary is crossed exactly when
``X(n_i) >= k_i`` for some checkpoint, ``X(n)`` being the errors among the
first ``n`` transactions. The chance of that is a sum over the paths that stay
below every checkpoint: a dynamic programme over the error count, carried from
one checkpoint to the next with the exact binomial distribution of the
transactions in between. No library computes this for a step boundary, hence
the hand-written sums (module docstring of `stats` for the tail technique).

Cost is bounded: the programme only carries counts with non-negligible mass,
and when its work would pass `EXACT_WORK_CAP` (very large stages at high event
rates) it returns Bonferroni bounds instead (the union of checkpoint tails for
a false rollback, the strongest single checkpoint for power) and says so.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import lru_cache
from typing import TYPE_CHECKING

from rollout_manager.planning import stats

if TYPE_CHECKING:
    from collections.abc import Sequence

# Probability mass below which a count is dropped from the programme.
_NEGLIGIBLE = 1e-16
# Standard deviations either side of the mean kept for an increment's distribution.
_SPREAD = 9.0
# Multiply-adds above which the exact programme gives way to bounds (about 20 ms of Python).
EXACT_WORK_CAP = 150_000


@dataclass(frozen=True)
class Crossing:
    """The chance a boundary is crossed, and whether it is exact or a bound."""

    probability: float
    exact: bool


def _pmf_window(m: int, p: float, limit: int) -> tuple[int, list[float]]:
    """Binomial(m, p) probabilities from its effective lower end up to ``limit`` (inclusive).

    Returns:
        ``(first, probabilities)``: ``probabilities[j]`` is ``P(Y = first + j)``.
    """
    mean = m * p
    sd = math.sqrt(m * p * (1 - p))
    low = max(0, math.floor(mean - _SPREAD * sd - 5))
    high = min(m, limit, math.ceil(mean + _SPREAD * sd + 5))
    if high < low:
        return low, []
    mode = min(max(math.floor((m + 1) * p), low), high)
    log_mode = (
        math.lgamma(m + 1)
        - math.lgamma(mode + 1)
        - math.lgamma(m - mode + 1)
        + mode * math.log(p)
        + (m - mode) * math.log1p(-p)
    )
    values = [0.0] * (high - low + 1)
    values[mode - low] = math.exp(log_mode)
    odds = p / (1 - p)
    for x in range(mode, high):
        values[x + 1 - low] = values[x - low] * (m - x) / (x + 1) * odds
    for x in range(mode, low, -1):
        values[x - 1 - low] = values[x - low] * x / (m - x + 1) / odds
    return low, values


def _work(boundary: Sequence[tuple[int, int]], p: float) -> float:
    """Estimated multiply-adds of the exact programme."""
    total, previous = 0.0, 0
    for n, k in boundary:
        carried = min(k, 2 * _SPREAD * math.sqrt(previous * p) + 10)
        step = min(k, 2 * _SPREAD * math.sqrt((n - previous) * p) + 10)
        total += carried * step
        previous = n
    return total


@lru_cache(maxsize=1024)
def _exact(boundary: tuple[tuple[int, int], ...], p: float) -> float:
    first, survive = 0, [1.0]  # survive[j]: P(X = first + j and not crossed yet)
    previous = 0
    for n, k in boundary:
        limit = k - 1  # counts that do not cross here
        if limit < first:
            return 1.0
        inc_first, inc = _pmf_window(n - previous, p, limit - first)
        new_first = first + inc_first
        size = limit - new_first + 1
        if size <= 0 or not inc:
            return 1.0
        new = [0.0] * size
        for j, mass in enumerate(survive):
            if mass == 0.0:
                continue
            offset = j  # (first + j) + (inc_first + i) - new_first
            top = min(len(inc), size - offset)
            for i in range(top):
                new[offset + i] += mass * inc[i]
        start = 0
        while start < len(new) - 1 and new[start] < _NEGLIGIBLE:
            start += 1
        first, survive = new_first + start, new[start:]
        previous = n
    return max(0.0, min(1.0, 1.0 - math.fsum(survive)))


def check_boundary(boundary: Sequence[tuple[int, int]]) -> None:
    """Raise ValueError unless checkpoints have ``n`` strictly increasing and ``k >= 1``."""
    previous = 0
    for n, k in boundary:
        if n <= previous or k < 1:
            raise ValueError(f"boundary checkpoints must have n increasing and k >= 1: {boundary}")
        previous = n


def crossing_probability(boundary: Sequence[tuple[int, int]], p: float) -> Crossing:
    """Chance that ``X(n_i) >= k_i`` at some checkpoint when each transaction errs with ``p``.

    Exact when the programme is small enough; otherwise an upper bound (the
    sum of the checkpoint tails), which is what a false-rollback figure needs.
    """
    check_boundary(boundary)
    if not boundary:
        return Crossing(0.0, exact=True)
    if _work(boundary, p) <= EXACT_WORK_CAP:
        return Crossing(_exact(tuple(boundary), p), exact=True)
    union = sum(stats.binomial_sf(k, n, p) for n, k in boundary)
    return Crossing(min(1.0, union), exact=False)


def detection_probability(boundary: Sequence[tuple[int, int]], p: float) -> Crossing:
    """Return what `crossing_probability` does, but with a lower bound as the fallback.

    The fallback is the best checkpoint, which is what a power figure needs.
    """
    check_boundary(boundary)
    if not boundary:
        return Crossing(0.0, exact=True)
    if _work(boundary, p) <= EXACT_WORK_CAP:
        return Crossing(_exact(tuple(boundary), p), exact=True)
    return Crossing(max(stats.binomial_sf(k, n, p) for n, k in boundary), exact=False)


def checkpoints(last: int, count: int) -> list[int]:
    """``count`` checkpoints doubling up to ``last``: 300, 6 -> 9, 18, 37, 75, 150, 300."""
    points = sorted({max(1, math.floor(last / 2**i)) for i in range(count)})
    return [n for n in points if n >= 1]


def bonferroni_boundary(
    last: int, p0: float, *, alpha: float, count: int, final_share: float
) -> list[tuple[int, int]]:
    """Checkpoints up to ``last`` and the count each must stay below, alpha split by Bonferroni.

    The last checkpoint gets ``final_share`` of ``alpha`` (it carries the power
    the stage was sized for); the earlier ones share the rest equally (they
    catch gross failures early). Each ``k_i`` is the exact one-sided critical
    count at its share, so the boundary's false-rollback chance is at most
    ``alpha`` by the union bound (and the exact figure is lower).
    """
    points = checkpoints(last, count)
    if not points:
        return []
    early = len(points) - 1
    shares = [alpha * (1 - final_share) / early] * early if early else []
    shares.append(alpha * final_share if early else alpha)
    rows = []
    for n, share in zip(points, shares, strict=True):
        k = stats.critical_errors(n, p0, alpha=share)
        if k <= n:  # a checkpoint that can never fire says nothing
            rows.append((n, k))
    # An earlier checkpoint asking for as many errors as a later one is implied by it.
    cleaned: list[tuple[int, int]] = []
    for n, k in rows:
        while cleaned and cleaned[-1][1] >= k:
            cleaned.pop()
        cleaned.append((n, k))
    return cleaned
