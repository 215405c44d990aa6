"""Verdicts of hand-made decisions, each expected verdict worked out from the decision's numbers.

Stage 2's decision (tests/gate_support.py): baseline 0.8%, gate 1,269 transactions with a
hold at 17 errors, rollback rows (100, 6) ... (1,500, 22). Times are inside the seed's gate
hours (Thu 2026-12-03 09:30 EST) and after the 24 h minimum dwell, unless a test says not.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from fractions import Fraction
from typing import TYPE_CHECKING

import pytest

from rollout_manager.errors import InputError
from rollout_manager.gates.observed import Arm, Observation
from rollout_manager.gates.stage import judge_stage
from rollout_manager.planning.policy import load_policy
from rollout_manager.planning.timeline import plan_timeline
from rollout_manager.reading.context import read_context
from tests.gate_support import copy_seed, seed_plan_with_decisions, upper_tail

if TYPE_CHECKING:
    from pathlib import Path

    from rollout_manager.gates.verdict import GateVerdict
    from rollout_manager.model import RolloutPlan

AT = datetime(2026, 12, 3, 14, 30, tzinfo=UTC)  # Thu 09:30 EST, gate hours, no peak
SINCE = datetime(2026, 12, 2, 14, 0, tzinfo=UTC)  # Wed 09:00 EST: 24.5 h before AT
P0 = Fraction(8, 1000)


@pytest.fixture(scope="module")
def seed(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RolloutPlan]:
    folder = copy_seed(tmp_path_factory.mktemp("gate") / "seed")
    return folder, seed_plan_with_decisions(folder)


def _judge(
    seed: tuple[Path, RolloutPlan],
    canary: tuple[int, int],
    control: tuple[int, int] | None = None,
    *,
    at: datetime = AT,
    since: datetime = SINCE,
) -> GateVerdict:
    folder, plan = seed
    observation = Observation(
        canary=Arm(canary[0], {"errors": canary[1]}),
        control=None if control is None else Arm(control[0], {"errors": control[1]}),
        source="test",
    )
    calendar = plan_timeline(read_context(folder), load_policy(folder), AT.date()).gates
    return judge_stage(
        plan, 2, observation, at=at, since=since, calendar=calendar, min_dwell_hours=24
    )


# --------------------------------------------------------------------------- against control


def test_healthy_canary_against_its_control_advances(seed: tuple[Path, RolloutPlan]) -> None:
    # 24 of all 480 errors on a 3,000 / 60,000 = 1/20 share: P(X >= 24 | 480, 1/20) is about
    # one half, far above the gate's level P(X >= 17 | 1,269, 0.8%) of about 0.03; 3,000
    # passes the 1,269 the gate needs; the split is exactly the planned 5%.
    p_value = upper_tail(24, 480, Fraction(1, 20))
    gate_level = upper_tail(17, 1269, P0)
    assert p_value > Fraction(1, 2) > gate_level

    verdict = _judge(seed, (3000, 24), (57000, 456))

    assert verdict.verdict == "advance" and verdict.exit_code == 0
    assert verdict.against == "control"
    (metric,) = verdict.metrics
    assert metric.p_value == pytest.approx(float(p_value), rel=1e-9)
    assert metric.level == pytest.approx(float(gate_level), rel=1e-9)
    assert "1,269" in verdict.summary and "17" in verdict.summary


def test_a_canary_at_2_5x_its_control_rolls_back(seed: tuple[Path, RolloutPlan]) -> None:
    # 60 of 516 errors on a 1/20 share: P(X >= 60) is far below the level of the table's
    # last row, P(X >= 22 | 1,500, 0.8%), which 3,000 transactions are past.
    p_value = upper_tail(60, 516, Fraction(1, 20))
    last_row_level = upper_tail(22, 1500, P0)
    assert p_value < Fraction(1, 10**6) < last_row_level

    verdict = _judge(seed, (3000, 60), (57000, 456))

    assert verdict.verdict == "rollback" and verdict.exit_code == 5
    (metric,) = verdict.metrics
    assert metric.level == pytest.approx(float(last_row_level), rel=1e-9)
    assert metric.boundary is not None and (metric.boundary.n, metric.boundary.k) == (1500, 22)
    assert "3,000" in verdict.summary and "60 errors" in verdict.summary


def test_a_nine_percent_share_where_five_was_planned_holds_on_the_split(
    seed: tuple[Path, RolloutPlan],
) -> None:
    # 5,400 of 60,000 is 9%; at the planned 5% the canary's count has mean 3,000 and
    # standard deviation sqrt(60,000 x 0.05 x 0.95) = 53.4: 45 deviations off. Chernoff:
    # P(X >= 5,400) <= exp(-60,000 KL(0.09 || 0.05)), KL = 0.09 ln(9/5) + 0.91 ln(91/95),
    # so twice that is far below 0.001. Its error rate alone (0.8% both) would advance.
    kl = 0.09 * math.log(0.09 / 0.05) + 0.91 * math.log(0.91 / 0.95)
    assert 2 * math.exp(-60000 * kl) < 0.001
    verdict = _judge(seed, (5400, 43), (54600, 437))

    assert verdict.verdict == "hold" and verdict.exit_code == 4
    assert verdict.sample_ratio is not None and not verdict.sample_ratio.ok
    assert verdict.metrics[0].verdict == "advance"
    assert "9%" in verdict.summary and "5%" in verdict.summary


# --------------------------------------------------------------------------- against baseline


def test_eight_errors_in_the_first_hundred_roll_back_early(
    seed: tuple[Path, RolloutPlan],
) -> None:
    # The row (100, 6): 8 >= 6 errors within the first 100 transactions.
    verdict = _judge(seed, (100, 8))

    assert verdict.verdict == "rollback" and verdict.against == "baseline"
    assert verdict.metrics[0].boundary is not None
    assert (verdict.metrics[0].boundary.n, verdict.metrics[0].boundary.k) == (100, 6)
    assert "6 errors within the first 100" in verdict.summary


def test_fifty_clean_transactions_continue_and_say_how_many_more(
    seed: tuple[Path, RolloutPlan],
) -> None:
    # Row (100, 6): 0 < 6. The gate needs 1,269: 1,219 more. At 5% of 15,000 a day that is
    # 31.25 an hour: 1,219 / 31.25 = 39.0 hours.
    verdict = _judge(seed, (50, 0))

    assert verdict.verdict == "continue" and verdict.exit_code == 3
    assert verdict.transactions_needed == 1219
    assert verdict.hours_to_wait == pytest.approx(1219 / 31.25, abs=0.01)
    assert "1,219 more" in verdict.summary


@pytest.mark.parametrize(
    ("canary", "expected"),
    [
        ((1269, 16), "advance"),  # at the gate's own n: 16 < 17
        ((1269, 17), "hold"),  # 17 >= 17 fails the gate; row (1,500, 22) not crossed
        ((1500, 22), "rollback"),  # row (1,500, 22): 22 >= 22
        ((1000, 15), "continue"),  # row (1,000, 16) not crossed; 1,000 < 1,269
        ((1000, 16), "rollback"),  # row (1,000, 16) crossed
        ((0, 0), "continue"),  # no data is never an advance
    ],
)
def test_the_plan_rows_apply_as_written(
    seed: tuple[Path, RolloutPlan], canary: tuple[int, int], expected: str
) -> None:
    assert _judge(seed, canary).verdict == expected


def test_past_the_gate_the_count_is_tested_at_the_gate_level(
    seed: tuple[Path, RolloutPlan],
) -> None:
    # 3,000 transactions: 24 errors are the 0.8% mean (P(X >= 24 | 3,000) ~ 0.5: pass);
    # 37 errors: P(X >= 37 | 3,000, 0.8%) is below the gate's level P(X >= 17 | 1,269),
    # and above the last row's level P(X >= 22 | 1,500): hold, not roll back.
    gate_level = upper_tail(17, 1269, P0)
    last_row = upper_tail(22, 1500, P0)
    assert last_row < upper_tail(37, 3000, P0) <= gate_level < upper_tail(24, 3000, P0)

    assert _judge(seed, (3000, 24)).verdict == "advance"
    assert _judge(seed, (3000, 37)).verdict == "hold"


# --------------------------------------------------------------------------- dwell and calendar


def test_a_passed_gate_waits_for_the_dwell(seed: tuple[Path, RolloutPlan]) -> None:
    # The stage started 20 h before AT; the policy's minimum is 24 h: 4 h to go.
    since = datetime(2026, 12, 2, 18, 30, tzinfo=UTC)
    verdict = _judge(seed, (3000, 24), (57000, 456), since=since)

    assert verdict.verdict == "continue"
    assert verdict.hours_to_wait is not None and verdict.hours_to_wait >= 4
    assert "24 h minimum dwell" in verdict.summary


def test_a_passed_gate_on_saturday_waits_for_monday_nine(seed: tuple[Path, RolloutPlan]) -> None:
    saturday = datetime(2026, 12, 5, 15, 0, tzinfo=UTC)  # Sat 10:00 EST
    verdict = _judge(seed, (3000, 24), (57000, 456), at=saturday)

    assert verdict.verdict == "continue"
    assert verdict.next_gate == datetime(2026, 12, 7, 14, 0, tzinfo=UTC)  # Mon 09:00 EST
    assert "Mon 2026-12-07 09:00" in verdict.summary


# --------------------------------------------------------------------------- refusals


def test_a_stage_without_decisions_is_bad_input_not_a_verdict(
    seed: tuple[Path, RolloutPlan],
) -> None:
    _folder, plan = seed
    bare = plan.model_copy(deep=True)
    bare.stages[2].decisions = []
    observation = Observation(canary=Arm(100, {"errors": 0}), control=None, source="test")
    with pytest.raises(InputError, match="stage 3 states no decision rules"):
        judge_stage(bare, 3, observation, at=AT, since=SINCE, calendar=None, min_dwell_hours=24)


def test_a_metric_without_counts_is_not_judged_and_does_not_block(tmp_path: Path) -> None:
    from tests.gate_support import STAGE2_DECISION
    from tests.test_gate_inputs import LATENCY

    folder = copy_seed(tmp_path / "seed")
    plan = seed_plan_with_decisions(folder, {2: [STAGE2_DECISION, LATENCY]})
    observation = Observation(canary=Arm(3000, {"errors": 24}), control=None, source="test")

    verdict = judge_stage(
        plan, 2, observation, at=AT, since=SINCE, calendar=None, min_dwell_hours=24
    )

    assert [m.verdict for m in verdict.metrics] == ["advance", "not_judged"]
    assert verdict.verdict == "advance"
    assert "Not judged (no counts given): p95_latency_ms." in verdict.summary
