"""Stage statistics against the oracle figures of shared/reference/statistics.md.

Figures there were cross-checked with scipy/statsmodels and exact binomial
sums; "about" in the document sets the tolerances here.
"""

from __future__ import annotations

import math
from decimal import Decimal, localcontext

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rollout_manager.planning.normal_stats import (
    mean_difference_sample_size,
    normal_detectable_rate,
    sample_size,
)
from rollout_manager.planning.stats import (
    assured_sample_size,
    binomial_sf,
    critical_errors,
    detectable_rate,
    exact_power,
    exact_sample_size,
    hours_for_transactions,
    stage_sample_size,
)

BASELINE = 0.008
DOUBLED = 0.016
DAILY = 15_000

rates = st.floats(min_value=0.001, max_value=0.5)


# --- Oracles: "Sample size for a rate regression" ---------------------------------------------


def test_sample_size_for_the_rollback_trigger_is_about_993() -> None:
    assert abs(sample_size(BASELINE, DOUBLED) - 993) <= 1


def test_sample_size_for_the_success_tolerance_is_about_13256() -> None:
    assert abs(sample_size(BASELINE, 0.010) - 13_256) <= 2


def test_exact_sample_size_for_2x_is_1131_rejecting_at_15_errors() -> None:
    n, k = exact_sample_size(BASELINE, DOUBLED)
    assert (n, k) == (1_131, 15)
    assert binomial_sf(k, n, BASELINE) == pytest.approx(0.042, abs=0.0005)


def test_exact_sample_size_is_the_first_n_reaching_the_power() -> None:
    assert exact_power(1_130, BASELINE, DOUBLED) < 0.8 <= exact_power(1_131, BASELINE, DOUBLED)
    # The sawtooth: power falls below the target again later, when the critical count steps up.
    assert any(exact_power(n, BASELINE, DOUBLED) < 0.8 for n in range(1_132, 1_300))


# --- Oracles: "What the seed's traffic means" -------------------------------------------------


@pytest.mark.parametrize(
    ("fraction", "expected_hours", "tolerance"),
    [
        (0.01, 6.7 * 24, 0.05 * 24),
        (0.05, 1.3 * 24, 0.05 * 24),
        (0.10, 16.0, 0.05),
        (0.25, 6.4, 0.05),
        (0.50, 3.2, 0.05),
    ],
)
def test_hours_to_see_a_thousand_transactions(
    fraction: float, expected_hours: float, tolerance: float
) -> None:
    hours = hours_for_transactions(1_000, DAILY, fraction)
    assert hours == pytest.approx(expected_hours, abs=tolerance)


def test_one_day_at_one_percent_rejects_at_four_errors_with_alpha_0_033() -> None:
    assert critical_errors(150, BASELINE) == 4
    assert binomial_sf(4, 150, BASELINE) == pytest.approx(0.033, abs=0.0005)


@pytest.mark.parametrize(
    ("true_rate", "expected_power", "tolerance"),
    [(DOUBLED, 0.22, 0.005), (0.04, 0.85, 0.005), (0.08, 0.998, 0.0005)],
)
def test_power_of_one_day_at_one_percent(
    true_rate: float, expected_power: float, tolerance: float
) -> None:
    assert exact_power(150, BASELINE, true_rate) == pytest.approx(expected_power, abs=tolerance)


def test_naive_observed_rate_rule_at_150_transactions() -> None:
    # "observed rate > 1.6%" at n = 150 fires at >= 3 errors.
    assert binomial_sf(3, 150, BASELINE) == pytest.approx(0.12, abs=0.005)
    assert binomial_sf(3, 150, DOUBLED) == pytest.approx(0.43, abs=0.005)


# --- Oracles: "Minimum detectable effect of a stage" ------------------------------------------


def test_one_day_at_one_percent_detects_a_bit_under_four_percent() -> None:
    rate = detectable_rate(150, BASELINE)
    assert rate is not None
    assert 0.03 < rate < 0.04
    assert exact_power(150, BASELINE, rate) == pytest.approx(0.8, abs=1e-4)


def test_normal_detectable_rate_inverts_the_sample_size_formula() -> None:
    rate = normal_detectable_rate(993, BASELINE)
    assert rate is not None
    assert rate == pytest.approx(DOUBLED, abs=1e-4)


@pytest.mark.parametrize("detect", [detectable_rate, normal_detectable_rate])
def test_no_detectable_rate_without_transactions(detect: object) -> None:
    assert callable(detect)
    assert detect(0, BASELINE) is None


def test_no_detectable_rate_when_the_test_can_never_reject() -> None:
    # One transaction: even one error in one happens with chance 0.2 > alpha under p0 = 0.2.
    assert critical_errors(1, 0.2) == 2
    assert detectable_rate(1, 0.2) is None


# --- Oracles: "Latency and revenue" -----------------------------------------------------------


def test_five_percent_revenue_drop_needs_about_4900_per_arm() -> None:
    assert 4_850 <= mean_difference_sample_size(0.05) <= 5_000
    assert 4_850 <= mean_difference_sample_size(0.05, cv=1.0) <= 5_000


def test_revenue_sample_size_scales_with_the_square_of_the_cv() -> None:
    assert mean_difference_sample_size(0.05, cv=2.0) == pytest.approx(
        4 * mean_difference_sample_size(0.05), abs=4
    )


# --- The binomial tail, checked against independent sums --------------------------------------


def _direct_sf(k: int, n: int, p: float) -> float:
    """Every term summed in 60-digit decimal arithmetic: slow, simple and independent."""
    with localcontext() as context:
        context.prec = 60
        rate = Decimal(p)
        terms = (math.comb(n, x) * rate**x * (1 - rate) ** (n - x) for x in range(max(k, 0), n + 1))
        return float(sum(terms, Decimal(0)))


@given(
    n=st.integers(min_value=0, max_value=300),
    p=st.floats(min_value=0.001, max_value=0.999),
    data=st.data(),
)
def test_binomial_sf_matches_a_direct_sum(n: int, p: float, data: st.DataObject) -> None:
    k = data.draw(st.integers(min_value=-1, max_value=n + 1))
    expected = _direct_sf(k, n, p)
    assert binomial_sf(k, n, p) == pytest.approx(expected, rel=1e-9, abs=1e-300)


def test_binomial_sf_keeps_relative_accuracy_far_in_the_upper_tail() -> None:
    assert binomial_sf(50, 50, BASELINE) == pytest.approx(BASELINE**50, rel=1e-9)
    assert binomial_sf(1, 10_000, BASELINE) == pytest.approx(1 - (1 - BASELINE) ** 10_000)


# --- Properties -------------------------------------------------------------------------------


@given(p0=rates, gaps=st.tuples(rates, rates))
def test_sample_size_shrinks_as_the_regression_grows(p0: float, gaps: tuple[float, float]) -> None:
    near, far = sorted(gaps)
    p_near, p_far = p0 + near * (1 - p0), p0 + far * (1 - p0)
    assert sample_size(p0, p_far) <= sample_size(p0, p_near)


@given(n=st.integers(min_value=1, max_value=5_000), p0=rates, gaps=st.tuples(rates, rates))
def test_exact_power_grows_with_the_true_rate(n: int, p0: float, gaps: tuple[float, float]) -> None:
    near, far = sorted(gaps)
    p_near, p_far = p0 + near * (1 - p0), p0 + far * (1 - p0)
    # Rates one ulp apart may sum to powers one rounding apart (n=186, p0=1/256, gaps 0.001
    # and 0.001 + 2e-19): monotone up to float rounding.
    assert exact_power(n, p0, p_far) >= exact_power(n, p0, p_near) * (1 - 1e-12)


@given(n=st.integers(min_value=10, max_value=5_000), p0=rates)
def test_detectable_rate_falls_when_a_stage_sees_twice_the_traffic(n: int, p0: float) -> None:
    # Not monotone step by step (the critical count steps up), but doubling n helps
    # (below n = 4 a step in the critical count can outweigh it: 1 -> 2 at p0 = 0.03).
    small, large = detectable_rate(n, p0), detectable_rate(2 * n, p0)
    if small is not None:
        assert large is not None
        assert large < small


@given(n=st.integers(min_value=1, max_value=50_000), p0=rates)
def test_detectable_rate_is_where_the_power_reaches_the_target(n: int, p0: float) -> None:
    rate = detectable_rate(n, p0)
    if rate is not None:
        assert p0 < rate < 1
        assert exact_power(n, p0, rate) == pytest.approx(0.8, abs=1e-4)


@given(n=st.integers(min_value=10, max_value=10**7), p0=st.floats(0.0005, 0.2))
def test_normal_detectable_rate_round_trips_through_sample_size(n: int, p0: float) -> None:
    rate = normal_detectable_rate(n, p0)
    assert rate is not None
    assert sample_size(p0, rate) in {n, n + 1}


@settings(max_examples=50)
@given(p0=st.floats(0.001, 0.3), gap=st.floats(0.05, 1.0))
def test_exact_sample_size_is_the_first_n_with_enough_power(p0: float, gap: float) -> None:
    p1 = p0 + gap * (1 - p0) / 2
    n, k = exact_sample_size(p0, p1)
    assert k == critical_errors(n, p0)
    assert exact_power(n, p0, p1) >= 0.8
    assert exact_power(n - 1, p0, p1) < 0.8


@pytest.mark.parametrize(("p0", "p1"), [(BASELINE, 0.04), (0.05, 0.10), (0.2, 0.3), (0.001, 0.01)])
def test_no_smaller_n_reaches_the_power(p0: float, p1: float) -> None:
    n, _k = exact_sample_size(p0, p1)
    assert all(exact_power(m, p0, p1) < 0.8 for m in range(1, n))


# --- Bad input --------------------------------------------------------------------------------


@pytest.mark.parametrize("bad", [0.0, 1.0, -0.1, 1.5])
def test_rates_outside_the_unit_interval_are_refused(bad: float) -> None:
    with pytest.raises(ValueError, match="between 0 and 1"):
        sample_size(bad, 0.5)
    with pytest.raises(ValueError, match="between 0 and 1"):
        binomial_sf(1, 10, bad)


@pytest.mark.parametrize("p1", [BASELINE, 0.004])
def test_a_regression_must_be_worse_than_the_baseline(p1: float) -> None:
    with pytest.raises(ValueError, match="worse than the baseline"):
        sample_size(BASELINE, p1)
    with pytest.raises(ValueError, match="worse than the baseline"):
        exact_sample_size(BASELINE, p1)


def test_negative_counts_are_refused() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        critical_errors(-1, BASELINE)
    with pytest.raises(ValueError, match="non-negative"):
        detectable_rate(-5, BASELINE)
    with pytest.raises(ValueError, match="non-negative"):
        hours_for_transactions(-1, DAILY, 0.01)


def test_traffic_fraction_is_a_fraction_not_a_percent() -> None:
    with pytest.raises(ValueError, match="fraction"):
        hours_for_transactions(1_000, DAILY, 5)


def test_power_must_exceed_alpha() -> None:
    with pytest.raises(ValueError, match="must exceed alpha"):
        sample_size(BASELINE, DOUBLED, alpha=0.2, power=0.1)


def test_assured_sample_size_keeps_power_from_there_on() -> None:
    # statistics.md: the exact test first reaches 80% at 1,131 (>= 15 errors); past it the
    # sawtooth dips below 80% again, so a stage sized at 1,131 could see less than planned.
    first, _ = exact_sample_size(BASELINE, DOUBLED)
    assured, k = assured_sample_size(BASELINE, DOUBLED)
    assert first == 1131
    assert any(exact_power(n, BASELINE, DOUBLED) < 0.8 for n in range(first, assured))
    assert exact_power(assured - 1, BASELINE, DOUBLED) < 0.8
    assert all(exact_power(n, BASELINE, DOUBLED) >= 0.8 for n in range(assured, assured + 3000))
    assert k == critical_errors(assured, BASELINE)
    assert stage_sample_size(BASELINE, DOUBLED) == assured
