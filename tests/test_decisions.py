"""The seed plan's decisions, checked against exact binomial sums written here with scipy.

Nothing here calls the planner's statistics: each boundary's crossing chance is
recomputed by convolving scipy's binomial pmf over the checkpoints, each gate's
hold chance is scipy's binomial survival function. The acceptance figures of
issue 12 (5% false rollback, 10% false hold, 80% for 2x at the rollback stage,
75% for 5x at the smoke stage) are then asserted on those independent numbers.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import numpy as np
import pytest
from scipy.stats import binom

from rollout_manager.model import Decision, RolloutPlan
from rollout_manager.planning.plan import plan_folder

SEED = Path(__file__).resolve().parent.parent / "scenarios" / "progressive-rollout"
TODAY = date(2026, 11, 27)


def crossing(boundary: list[tuple[int, int]], p: float) -> float:
    """P(X(n_i) >= k_i for some checkpoint): errors stay below every k_i otherwise."""
    below = np.array([1.0])  # below[x] = P(X = x, no checkpoint reached yet)
    previous = 0
    for n, k in boundary:
        step = binom.pmf(np.arange(k), n - previous, p)
        below = np.convolve(below, step)[:k]
        previous = n
    return float(1.0 - below.sum())


def held(decision: Decision, p: float) -> float:
    gate = decision.gate
    return float(binom.sf(gate.hold_at_errors - 1, gate.min_transactions, p))


def points(decision: Decision) -> list[tuple[int, int]]:
    return [(p.n, p.k) for p in decision.rollback_boundary]


@pytest.fixture(scope="module")
def plan() -> RolloutPlan:
    return plan_folder(SEED, today=TODAY)


def _decision(plan: RolloutPlan, stage: int, metric: str) -> Decision:
    return next(d for d in plan.stages[stage - 1].decisions if d.metric == metric)


def test_every_stage_judges_error_rate_change_caused_errors_and_slow_requests(
    plan: RolloutPlan,
) -> None:
    for stage in plan.stages:
        assert [d.metric for d in stage.decisions] == [
            "error_rate",
            "change_error_rate",
            "p95_latency_ms",
        ]
        for d in stage.decisions:
            ns = [p.n for p in d.rollback_boundary]
            assert ns == sorted(set(ns)) and ns, (stage.number, d.metric)
            assert d.rollback_boundary[-1].n <= max(stage.expected_transactions, 1)


def test_change_caused_rate_excludes_card_declines(plan: RolloutPlan) -> None:
    # baseline-metrics.md: 0.8% errors, 65% of them card declines (expected): 0.28% remain.
    change = _decision(plan, 2, "change_error_rate")
    assert change.baseline_rate == pytest.approx(0.008 * 0.35)
    assert change.alternative_rate == pytest.approx(2 * 0.0028)


def test_stated_thresholds_are_kept(plan: RolloutPlan) -> None:
    error = _decision(plan, 2, "error_rate")
    assert error.advance_threshold == pytest.approx(0.010)
    assert error.rollback_threshold == pytest.approx(0.016)
    assert error.baseline_rate == pytest.approx(0.008)
    assert _decision(plan, 1, "p95_latency_ms").baseline_rate == pytest.approx(0.05)


def test_stated_per_decision_figures_match_exact_sums(plan: RolloutPlan) -> None:
    for stage in plan.stages:
        for d in stage.decisions:
            fr = crossing(points(d), d.baseline_rate)
            power = crossing(points(d), d.alternative_rate)
            where = (stage.number, d.metric)
            if d.exact:
                assert d.false_rollback == pytest.approx(fr, rel=1e-3, abs=2e-6), where
                assert d.power == pytest.approx(power, abs=2e-4), where
            else:  # bounds: false rollback from above, power from below
                assert d.false_rollback >= fr - 1e-6, where
                assert d.power <= power + 1e-4, where
            assert d.false_hold == pytest.approx(held(d, d.baseline_rate), rel=1e-3, abs=2e-6)


def test_healthy_rollout_is_rolled_back_at_most_5_percent_and_held_at_most_10(
    plan: RolloutPlan,
) -> None:
    decisions = [d for s in plan.stages for d in s.decisions]
    # Stages are disjoint traffic (independent); metrics in a stage count overlapping events,
    # positively associated, so 1 - prod(1 - p) bounds the union from above.
    rollback = 1 - np.prod([1 - crossing(points(d), d.baseline_rate) for d in decisions])
    hold = 1 - np.prod([1 - held(d, d.baseline_rate) for d in decisions])
    assert rollback <= 0.05
    assert hold <= 0.10
    summary = plan.decision_summary
    assert summary is not None and summary.method == "Bonferroni"
    # Where a stage is too large for the exact sum the plan states a bound: never below.
    assert rollback - 1e-6 <= summary.false_rollback <= rollback + 0.002
    assert summary.false_hold == pytest.approx(hold, abs=1e-4)


def test_rollback_threshold_stages_catch_2x_with_80_percent_within_the_stage(
    plan: RolloutPlan,
) -> None:
    stages = [s for s in plan.stages if s.purpose == "rollback_threshold"]
    assert stages
    for stage in stages:
        error = _decision(plan, stage.number, "error_rate")
        assert crossing(points(error), 0.016) >= 0.80, stage.number


def test_smoke_stage_catches_5x_with_75_percent(plan: RolloutPlan) -> None:
    assert plan.stages[0].purpose == "smoke_test"
    error = _decision(plan, 1, "error_rate")
    assert crossing(points(error), 0.04) >= 0.75


def test_a_total_failure_rolls_back_at_the_first_checkpoint(plan: RolloutPlan) -> None:
    # Every transaction fails: the first checkpoint's k errors arrive in its first k
    # transactions, so the boundary is reached there.
    first = _decision(plan, 1, "error_rate").rollback_boundary[0]
    assert first.k <= first.n


def test_caught_2x_by_stage_is_the_first_stage_whose_cumulative_power_reaches_80(
    plan: RolloutPlan,
) -> None:
    missed, first = 1.0, None
    for stage in plan.stages:
        error = _decision(plan, stage.number, "error_rate")
        missed *= 1 - crossing(points(error), 0.016)
        if first is None and 1 - missed >= 0.8:
            first = stage.number
    assert plan.decision_summary is not None
    assert plan.decision_summary.caught_2x_by_stage == first
