"""How many transactions a rollout stage needs to see the regression its gate watches for.

Pure functions over error rates (fractions such as ``0.008``) and transaction
counts. The baseline rate ``p0`` is treated as known (the control group is the
other 95-99% of traffic) and the canary is tested alone, one-sided, against a
worse rate ``p1``. Formulas and the oracle figures the tests check come from
``shared/reference/statistics.md``. The sequential rollback boundaries built
on these tails are in `planning/sequential.py`.

Exact binomial tail sums are done in log space (``math.lgamma`` for the first
term, then the term ratio), summing only the terms that matter, so each call
stays well under a millisecond for the traffic a rollout sees.
"""

from __future__ import annotations

import math
from functools import cache

from rollout_manager.planning.normal_stats import (
    check_count,
    check_levels,
    check_rate,
    check_regression,
    sample_size,
    z,
)

# Relative size below which further binomial terms cannot change a double sum.
_TERM_CUTOFF = 1e-17
# detectable_rate bisection: stop when the bracket is this small relative to p1.
_RATE_TOLERANCE = 1e-7
_MAX_BISECTIONS = 200
_CLEAR_DIPS = 3  # power dips in a row at or above the target before the walk stops
# Exact sums cost ~sqrt(n p (1-p)) terms: searches stop at the first variance, one tail at the
EXACT_VARIANCE_LIMIT, TAIL_VARIANCE_LIMIT = 1_000.0, 100_000.0  # second (then normal approx.)


def _log_pmf(x: int, n: int, p: float) -> float:
    return (
        math.lgamma(n + 1)
        - math.lgamma(x + 1)
        - math.lgamma(n - x + 1)
        + x * math.log(p)
        + (n - x) * math.log1p(-p)
    )


def _upper_tail(k: int, n: int, p: float) -> float:
    """P(X >= k) by summing upward from ``k``; terms shrink because ``k`` exceeds the mean."""
    odds = p / (1 - p)
    term = total = 1.0
    for x in range(k, n):
        term *= (n - x) / (x + 1) * odds
        total += term
        if term < total * _TERM_CUTOFF:
            break
    return math.exp(_log_pmf(k, n, p) + math.log(total))


def _lower_tail(j: int, n: int, p: float) -> float:
    """P(X <= j) by summing downward from ``j``; terms shrink because ``j`` is below the mean."""
    inverse_odds = (1 - p) / p
    term = total = 1.0
    for x in range(j, 0, -1):
        term *= x / (n - x + 1) * inverse_odds
        total += term
        if term < total * _TERM_CUTOFF:
            break
    return math.exp(_log_pmf(j, n, p) + math.log(total))


def binomial_sf(k: int, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p), accurate in both tails.

    The tail on the far side of the mean is summed directly (so a tiny upper
    tail keeps its relative accuracy); the other side is one minus the small
    opposite tail. Past `TAIL_VARIANCE_LIMIT`: the continuity-corrected normal tail.

    Args:
        k: Number of errors; ``k <= 0`` gives 1 and ``k > n`` gives 0.
        n: Number of transactions.
        p: Error rate per transaction.

    Returns:
        The upper-tail probability.
    """
    check_count("n", n)
    check_rate("p", p)
    if k <= 0:
        return 1.0
    if k > n:
        return 0.0
    variance = n * p * (1 - p)
    if variance > TAIL_VARIANCE_LIMIT:  # bounded cost; continuity-corrected normal (Berry-Esseen)
        return 0.5 * math.erfc((k - 0.5 - n * p) / math.sqrt(2 * variance))
    if k > n * p:
        return min(1.0, _upper_tail(k, n, p))
    return max(0.0, 1.0 - _lower_tail(k - 1, n, p))


def critical_errors(n: int, p0: float, *, alpha: float = 0.05) -> int:
    """Fewest errors in ``n`` transactions that reject the baseline ``p0`` at level ``alpha``.

    The exact one-sided binomial test rejects at ``X >= k`` for the smallest
    ``k`` with ``P(X >= k | p0) <= alpha`` (n = 150, p0 = 0.008: k = 4, actual
    alpha 0.033, statistics.md).

    Returns:
        ``k``; ``n + 1`` when even ``n`` errors out of ``n`` are not rare enough,
        i.e. the test can never reject at this ``n``.
    """
    check_count("n", n)
    check_rate("p0", p0)
    check_rate("alpha", alpha)
    # Start near the normal-approximation quantile and walk; usually a step or two.
    guess = math.ceil(n * p0 + z(1 - alpha) * math.sqrt(n * p0 * (1 - p0)) + 0.5)
    k = min(max(guess, 1), n + 1)
    while binomial_sf(k, n, p0) > alpha:
        k += 1
    while k > 1 and binomial_sf(k - 1, n, p0) <= alpha:
        k -= 1
    return k


def exact_power(n: int, p0: float, p1: float, *, alpha: float = 0.05) -> float:
    """Chance that the exact one-sided test at ``n`` transactions catches a true rate ``p1``.

    ``P(X >= critical_errors(n, p0) | p1)``. At n = 150 and p0 = 0.008
    (statistics.md): 2x 22%, 5x 85%, 10x 99.8%.
    """
    check_regression(p0, p1)
    return binomial_sf(critical_errors(n, p0, alpha=alpha), n, p1)


def _size_limit(k: int, p0: float, alpha: float) -> int:
    """Largest n for which rejecting at ``X >= k`` keeps the size at most ``alpha``.

    ``P(X >= k | n, p0)`` grows with ``n``, so this is a boundary search:
    a normal-approximation guess, a galloping bracket, then bisection.
    """
    spread = z(1 - alpha) * math.sqrt(p0 * (1 - p0))
    root = (-spread + math.sqrt(spread**2 + 4 * p0 * max(k - 0.5, 0.0))) / (2 * p0)
    guess = max(k - 1, math.floor(root**2))

    def within(n: int) -> bool:
        return binomial_sf(k, n, p0) <= alpha

    step = 1
    if within(guess):
        low, high = guess, guess + step
        while within(high):
            low, step = high, step * 2
            high = low + step
    else:
        low, high = guess - step, guess
        while not within(low):
            high, step = low, step * 2
            low = max(k - 1, high - step)
    while high - low > 1:  # invariant: within(low) and not within(high)
        middle = (low + high) // 2
        if within(middle):
            low = middle
        else:
            high = middle
    return low


def exact_sample_size(
    p0: float, p1: float, *, alpha: float = 0.05, power: float = 0.8
) -> tuple[int, int]:
    """Smallest n at which the exact one-sided binomial test reaches ``power`` against ``p1``.

    Exact power is a sawtooth in n: while the critical count k stays the same,
    power rises with n; when the size would pass ``alpha``, k steps up and power
    drops. This returns the *first* n whose exact power reaches the target (the
    definition that reproduces statistics.md: 0.008 -> 0.016 gives n = 1,131,
    reject at >= 15 errors, actual alpha 0.042). The stricter "power never
    falls below the target again" definition gives 1,269 (k = 17) for the same
    figures.

    The n with critical count k form the interval (N(k-1), N(k)], N(k) being
    the largest n whose size stays within ``alpha``; power peaks at N(k). The
    search starts at the k the normal approximation suggests, walks to the
    first k whose peak reaches the target (peaks grow with k), then bisects
    inside that interval.

    Returns:
        ``(n, k)``: transactions needed and the error count that triggers rollback.
    """
    check_regression(p0, p1)
    check_levels(alpha, power)

    def peak_reaches(k: int) -> bool:
        return binomial_sf(k, _size_limit(k, p0, alpha), p1) >= power

    k = critical_errors(sample_size(p0, p1, alpha=alpha, power=power), p0, alpha=alpha)
    while not peak_reaches(k):
        k += 1
    while k > 1 and peak_reaches(k - 1):
        k -= 1
    low = _size_limit(k - 1, p0, alpha) if k > 1 else 0  # power < target at low
    high = _size_limit(k, p0, alpha)  # power >= target at high
    while high - low > 1:
        middle = (low + high) // 2
        if binomial_sf(k, middle, p1) >= power:
            high = middle
        else:
            low = middle
    return high, k


def _first_reaching(k: int, p0: float, p1: float, alpha: float, power: float) -> int | None:
    """First n in critical count k's interval whose exact power reaches ``power``."""
    low = _size_limit(k - 1, p0, alpha) if k > 1 else 0
    high = _size_limit(k, p0, alpha)
    if binomial_sf(k, high, p1) < power:
        return None
    while high - low > 1:  # invariant: power < target at low (or low is outside), >= at high
        middle = (low + high) // 2
        if binomial_sf(k, middle, p1) >= power:
            high = middle
        else:
            low = middle
    return high


@cache
def assured_sample_size(
    p0: float, p1: float, *, alpha: float = 0.05, power: float = 0.8
) -> tuple[int, int]:
    """Smallest n from which the exact test's power never falls below ``power`` again.

    A stage sized by `exact_sample_size` can see a few more transactions than
    planned and land in a dip of the sawtooth (0.008 -> 0.016: 1,131 reaches 80%,
    but some n above it do not). Sizing stages with this n keeps every longer
    stage at or above the target, so a stage never reports that it cannot see
    the regression it was sized for. Power dips happen where the critical count
    steps up; the dips rise with n, so the walk stops once a few in a row clear
    the target.

    Returns:
        ``(n, k)``: transactions needed and the error count that triggers rollback there.
    """
    n, k = exact_sample_size(p0, p1, alpha=alpha, power=power)
    j, clear = k + 1, 0
    while clear < _CLEAR_DIPS:
        dip = _size_limit(j - 1, p0, alpha) + 1  # first n with critical count j
        if binomial_sf(j, dip, p1) >= power:
            clear += 1
        else:
            clear = 0
            first = _first_reaching(j, p0, p1, alpha, power)
            n, k = (first, j) if first is not None else (_size_limit(j, p0, alpha) + 1, j + 1)
        j += 1
    return n, k


EXACT_LIMIT = 2_000_000  # above it the exact search costs more than it tells


def stage_sample_size(p0: float, p1: float, *, alpha: float = 0.05, power: float = 0.8) -> int:
    """`assured_sample_size`, or the normal approximation past the exact limits."""
    normal = sample_size(p0, p1, alpha=alpha, power=power)
    if normal > EXACT_LIMIT or normal * p0 * (1 - p0) > EXACT_VARIANCE_LIMIT:
        return normal
    return assured_sample_size(p0, p1, alpha=alpha, power=power)[0]


def detectable_rate(n: int, p0: float, *, alpha: float = 0.05, power: float = 0.8) -> float | None:
    """Smallest true error rate the exact one-sided test at ``n`` transactions catches.

    Inverts :func:`exact_power` in ``p1`` by bisection: with ``n`` and the
    critical count fixed, ``P(X >= k | p1)`` is continuous and increasing in
    ``p1`` (statistics.md, "Minimum detectable effect of a stage"). At n = 150,
    p0 = 0.008 it is a little under 4% (5x has 85% power).

    Returns:
        The rate (a fraction above ``p0``), or None when ``n`` is 0 or too small
        for the test ever to reject.
    """
    check_count("n", n)
    check_rate("p0", p0)
    check_levels(alpha, power)
    if n == 0:
        return None
    k = critical_errors(n, p0, alpha=alpha)
    if k > n:
        return None
    low, high = p0, 1.0  # power(low) <= alpha < target <= power(high)
    for _ in range(_MAX_BISECTIONS):
        if high - low <= _RATE_TOLERANCE * high:
            break
        middle = (low + high) / 2
        if binomial_sf(k, n, middle) >= power:
            high = middle
        else:
            low = middle
    return high


def hours_for_transactions(
    transactions: int, daily_transactions: float, traffic_fraction: float
) -> float:
    """Hours a stage must run at ``traffic_fraction`` of the traffic to see ``transactions``.

    ``hours = 24 transactions / (daily_transactions traffic_fraction)``; at
    15,000 a day, 1,000 transactions take 6.7 days at 1% and 3.2 hours at 50%
    (statistics.md).
    """
    check_count("transactions", transactions)
    if daily_transactions <= 0:
        raise ValueError(f"daily_transactions must be positive, got {daily_transactions!r}")
    if not 0.0 < traffic_fraction <= 1.0:
        raise ValueError(
            f"traffic_fraction must be a fraction in (0, 1] (5% is 0.05), got {traffic_fraction!r}"
        )
    return 24.0 * transactions / (daily_transactions * traffic_fraction)
