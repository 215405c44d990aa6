"""The issue's acceptance cases on the seed plan's own stage-2 decisions.

Every expected verdict is worked out here from the numbers the plan states for
stage 2's error-rate decision (read from the plan, not from the gate): the
gate test (`min_transactions`, `hold_at_errors`), the rollback rows (`n`,
`k`) and the baseline rate `p0`. Each rule's level is `P(X >= k | n, p0)`,
summed exactly by the oracle in gate_support. The moment judged is the
stage's planned gate (inside gate hours, two days after its start).
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import TYPE_CHECKING

import pytest

from rollout_manager.gates.observed import Arm, Observation
from rollout_manager.gates.stage import judge_stage
from rollout_manager.planning.plan import plan_folder
from rollout_manager.planning.policy import load_policy
from rollout_manager.planning.timeline import plan_timeline
from rollout_manager.reading.context import read_context
from tests.gate_support import copy_seed, upper_tail

if TYPE_CHECKING:
    from pathlib import Path

    from rollout_manager.gates.verdict import GateVerdict
    from rollout_manager.model import BoundaryPoint, Decision, RolloutPlan, Stage


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RolloutPlan]:
    folder = copy_seed(tmp_path_factory.mktemp("seed") / "payment-rollout")
    return folder, plan_folder(folder)


def _stage2(seed: tuple[Path, RolloutPlan]) -> tuple[Stage, Decision]:
    stage = seed[1].stages[1]
    assert stage.number == 2 and stage.traffic_percent == 5
    (decision,) = [d for d in stage.decisions if d.metric == "error_rate"]
    return stage, decision


def _row(decision: Decision, n: int) -> BoundaryPoint:
    """The boundary row covering n transactions: the first with n_i >= n, else the last."""
    rows = sorted(decision.rollback_boundary, key=lambda p: p.n)
    return next((p for p in rows if p.n >= n), rows[-1])


def _level(k: int, n: int, decision: Decision) -> Fraction:
    return upper_tail(k, n, Fraction(decision.baseline_rate).limit_denominator(10**6))


def _judge(
    seed: tuple[Path, RolloutPlan], canary: tuple[int, int], control: tuple[int, int] | None
) -> GateVerdict:
    folder, plan = seed
    stage, _ = _stage2(seed)
    observation = Observation(
        canary=Arm(canary[0], {"errors": canary[1]}),
        control=None if control is None else Arm(control[0], {"errors": control[1]}),
        source="acceptance",
    )
    calendar = plan_timeline(read_context(folder), load_policy(folder), stage.start.date()).gates
    return judge_stage(
        plan, 2, observation, at=stage.end, since=stage.start, calendar=calendar,
        min_dwell_hours=load_policy(folder).calendar.min_stage_hours,
    )  # fmt: skip


def test_3000_with_24_errors_against_57000_with_456_advances(
    seed: tuple[Path, RolloutPlan],
) -> None:
    _, d = _stage2(seed)
    # Both arms at 0.8%. Given 480 errors, the canary's share is 3,000 / 60,000 = 1/20, so
    # under equal rates its count is Binomial(480, 1/20), mean 24: P(X >= 24) is about 1/2.
    p_value = upper_tail(24, 480, Fraction(1, 20))
    # The gate: 3,000 reaches min_transactions, and the p-value is far above the gate test's
    # level P(X >= hold_at_errors | min_transactions, p0); the row covering 3,000 has a
    # smaller level still, so no rollback either.
    assert d.gate.min_transactions <= 3000
    gate_level = _level(d.gate.hold_at_errors, d.gate.min_transactions, d)
    row = _row(d, 3000)
    assert p_value > Fraction(2, 5) > gate_level and _level(row.k, row.n, d) < p_value

    verdict = _judge(seed, (3000, 24), (57000, 456))

    assert verdict.verdict == "advance", verdict.summary
    assert verdict.against == "control"


def test_3000_with_60_errors_rolls_back(seed: tuple[Path, RolloutPlan]) -> None:
    _, d = _stage2(seed)
    # Given 516 errors, 60 on a 1/20 share (mean 25.8): P(X >= 60) is below the level of
    # the row covering 3,000; against the baseline alone, 60 is also >= that row's k.
    row = _row(d, 3000)
    assert upper_tail(60, 516, Fraction(1, 20)) <= _level(row.k, row.n, d)
    assert row.n >= 3000 and row.k <= 60

    assert _judge(seed, (3000, 60), (57000, 456)).verdict == "rollback"
    assert _judge(seed, (3000, 60), None).verdict == "rollback"


def test_100_with_8_errors_rolls_back_early(seed: tuple[Path, RolloutPlan]) -> None:
    _, d = _stage2(seed)
    # The row covering 100 transactions (the first with n >= 100) rolls back at k errors;
    # 8 errors within the first 100 are within its first n, and 8 >= k.
    row = _row(d, 100)
    assert row.n >= 100 and row.k <= 8
    # Against a control of 1,900 with 15 errors (0.8%, a 5% split): 8 of 23 errors on a
    # 100 / 2,000 = 1/20 share; P(X >= 8 | 23, 1/20) is below that row's level.
    assert upper_tail(8, 23, Fraction(1, 20)) <= _level(row.k, row.n, d)

    alone = _judge(seed, (100, 8), None)
    with_control = _judge(seed, (100, 8), (1900, 15))

    assert alone.verdict == "rollback" and with_control.verdict == "rollback"
    assert alone.metrics[0].boundary == row
    assert f"{row.k} errors within the first {row.n:,}" in alone.summary


def test_50_with_no_errors_continues_with_the_transactions_still_needed(
    seed: tuple[Path, RolloutPlan],
) -> None:
    _, d = _stage2(seed)
    # No row is crossed by 0 errors (every k is at least 1); 50 is short of the gate's
    # min_transactions, so the stage continues for the difference.
    needed = d.gate.min_transactions - 50

    verdict = _judge(seed, (50, 0), None)

    assert verdict.verdict == "continue" and verdict.exit_code == 3
    assert verdict.transactions_needed == needed
    assert f"{needed:,} more" in verdict.summary


def test_a_9_percent_share_where_5_was_planned_holds_on_sample_ratio(
    seed: tuple[Path, RolloutPlan],
) -> None:
    # 5,400 of 60,000 is 9%. At the planned 5% the canary count has mean 3,000; Chernoff:
    # P(X >= 5,400) <= exp(-60,000 KL(0.09 || 0.05)) = exp(-825), far below 0.001 / 2.
    kl = 0.09 * math.log(0.09 / 0.05) + 0.91 * math.log(0.91 / 0.95)
    assert 2 * math.exp(-60000 * kl) < 0.001

    verdict = _judge(seed, (5400, 43), (54600, 437))

    assert verdict.verdict == "hold" and verdict.exit_code == 4
    assert verdict.sample_ratio is not None and not verdict.sample_ratio.ok
    assert "sample ratio mismatch" in verdict.summary
