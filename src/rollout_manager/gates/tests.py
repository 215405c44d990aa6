"""The exact tests a gate applies to counts, as sums of binomial terms.

Hand-written because no standard-library routine does them and the planning
path takes no scipy: the one-sided binomial test against the plan's baseline
rate, the exact conditional test of two rates against a concurrent control
(canary errors given all errors are Binomial(all errors, canary share) when
both arms share one rate), and the two-sided exact sample-ratio test. The
binomial tails are the planner's own (`planning.stats.binomial_sf`), summed in
log space term by term.
"""

from __future__ import annotations

import math

from rollout_manager.planning.stats import binomial_sf


def upper_tail(k: float, n: int, p: float) -> float:
    """P(X >= k) for X ~ Binomial(n, p); defined for p of 0 or 1 too."""
    events = math.ceil(k)
    if events <= 0:
        return 1.0
    if events > n:
        return 0.0
    if p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    return binomial_sf(events, n, p)


def baseline_p_value(events: float, transactions: int, baseline_rate: float) -> float:
    """One-sided exact p-value of `events` in `transactions` against a known baseline rate."""
    return upper_tail(events, transactions, baseline_rate)


def conditional_p_value(
    canary_events: float, canary_n: int, control_events: float, control_n: int
) -> float:
    """One-sided exact conditional p-value that the canary's rate exceeds the control's.

    Under equal rates, canary events given all events e are Binomial(e, share)
    with share = canary transactions / all transactions; the p-value is
    P(X >= canary events). No baseline rate is needed, and it is exact.
    """
    total = math.ceil(canary_events) + math.ceil(control_events)
    share = canary_n / (canary_n + control_n)
    return upper_tail(canary_events, total, share)


def sample_ratio_p_value(canary_n: int, control_n: int, planned_share: float) -> float:
    """Two-sided exact p-value of the observed split against the planned canary share."""
    total = canary_n + control_n
    if total == 0 or not 0.0 < planned_share < 1.0:
        return 1.0
    above = upper_tail(canary_n, total, planned_share)
    below = 1.0 - upper_tail(canary_n + 1, total, planned_share)
    return min(1.0, 2.0 * min(above, below))
