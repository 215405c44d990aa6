"""Normal-approximation formulas, and the argument checks every statistics function shares.

The exact binomial tests are in `stats`; these are the closed forms it starts
from or falls back to (statistics.md): the fixed-size sample for a rate
regression, its inverse (the detectable rate, cheap for very large ``n``), and
the per-arm sample for a drop in a mean such as revenue per transaction.
"""

from __future__ import annotations

import math
from statistics import NormalDist

_STANDARD_NORMAL = NormalDist()


def check_rate(name: str, value: float) -> None:
    """Refuse a rate outside (0, 1), naming it."""
    if not 0.0 < value < 1.0:
        raise ValueError(f"{name} must be a rate strictly between 0 and 1, got {value!r}")


def check_levels(alpha: float, power: float) -> None:
    """Refuse an alpha or power outside (0, 1), or a power not above alpha."""
    check_rate("alpha", alpha)
    check_rate("power", power)
    if power <= alpha:
        raise ValueError(f"power ({power!r}) must exceed alpha ({alpha!r})")


def check_regression(p0: float, p1: float) -> None:
    """Refuse a regression ``p1`` that is not worse than the baseline ``p0``."""
    check_rate("p0", p0)
    check_rate("p1", p1)
    if p1 <= p0:
        raise ValueError(f"p1 ({p1!r}) must be worse than the baseline p0 ({p0!r})")


def check_count(name: str, value: int) -> None:
    """Refuse a negative count, naming it."""
    if value < 0:
        raise ValueError(f"{name} must be a non-negative count, got {value!r}")


def z(probability: float) -> float:
    """Return the standard normal quantile of ``probability``."""
    return _STANDARD_NORMAL.inv_cdf(probability)


def sample_size(p0: float, p1: float, *, alpha: float = 0.05, power: float = 0.8) -> int:
    """Canary transactions needed to tell ``p1`` from a known baseline ``p0`` (normal approx.).

    One-sample, one-sided normal approximation (statistics.md, "Sample size for
    a rate regression")::

        n = (z(1-a) sqrt(p0 (1-p0)) + z(1-b) sqrt(p1 (1-p1)))^2 / (p1 - p0)^2

    Args:
        p0: Baseline error rate, known from the control group.
        p1: The worse rate the gate must catch (``p1 > p0``).
        alpha: False-rollback rate of the one-sided test.
        power: Chance of catching ``p1`` (1 - b).

    Returns:
        ``n`` rounded up: 0.008 -> 0.016 needs about 993; 0.008 -> 0.010 about 13,256.
    """
    check_regression(p0, p1)
    check_levels(alpha, power)
    spread = z(1 - alpha) * math.sqrt(p0 * (1 - p0)) + z(power) * math.sqrt(p1 * (1 - p1))
    return math.ceil(spread**2 / (p1 - p0) ** 2)


def normal_detectable_rate(
    n: int, p0: float, *, alpha: float = 0.05, power: float = 0.8
) -> float | None:
    """Smallest detectable error rate at ``n`` transactions by inverting :func:`sample_size`.

    Solves ``sqrt(n) (p1 - p0) = z(1-a) sqrt(p0 (1-p0)) + z(1-b) sqrt(p1 (1-p1))``
    for ``p1``. With ``c = sqrt(n) p0 + z(1-a) sqrt(p0 (1-p0))`` squaring gives
    ``(n + zb^2) p1^2 - (2 sqrt(n) c + zb^2) p1 + c^2 = 0``, whose root on the
    side of ``zb = z(1-b)`` is the answer. Cheap for very large ``n``;
    ``normal_detectable_rate(993, 0.008)`` is about 0.016.

    Returns:
        The rate, or None when ``n`` is 0 or no rate below 1 is detectable.
    """
    check_count("n", n)
    check_rate("p0", p0)
    check_levels(alpha, power)
    if n == 0:
        return None
    root_n = math.sqrt(n)
    z_power = z(power)
    c = root_n * p0 + z(1 - alpha) * math.sqrt(p0 * (1 - p0))
    discriminant = 4 * c * (root_n - c) + z_power**2
    if c >= root_n or discriminant < 0:
        return None
    rate = (2 * root_n * c + z_power**2 + z_power * math.sqrt(discriminant)) / (
        2 * (n + z_power**2)
    )
    return rate if p0 < rate < 1 else None


def mean_difference_sample_size(
    relative_drop: float, *, cv: float = 1.0, alpha: float = 0.05, power: float = 0.8
) -> int:
    """Transactions per arm to see a relative drop in a mean (e.g. revenue per transaction).

    ``n = 2 (z(1-a) + z(1-b))^2 CV^2 / d^2`` per arm, one-sided (statistics.md,
    "Latency and revenue": about 4,900 per arm for a 5% drop with CV = 1).

    Args:
        relative_drop: The drop to detect as a fraction of the mean (0.05 = 5%).
        cv: Assumed coefficient of variation of the per-transaction value.
        alpha: False-alarm rate.
        power: Chance of detecting the drop.
    """
    if relative_drop <= 0:
        raise ValueError(f"relative_drop must be positive, got {relative_drop!r}")
    if cv <= 0:
        raise ValueError(f"cv must be positive, got {cv!r}")
    check_levels(alpha, power)
    return math.ceil(2 * (z(1 - alpha) + z(power)) ** 2 * cv**2 / relative_drop**2)
