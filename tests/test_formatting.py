"""Rates read as the team wrote them, however small: a nonzero rate never shows as `0%`."""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

import pytest

from rollout_manager.formatting import pct, points, round_rate
from rollout_manager.planning.plan import plan_folder

if TYPE_CHECKING:
    from pathlib import Path


@pytest.mark.parametrize(
    ("rate", "decimals", "shown"),
    [
        # At 0.1% and above: the rate at the decimals asked for, as before.
        (0.008, 2, "0.8%"),
        (0.0028, 2, "0.28%"),
        (0.0056, 1, "0.6%"),
        (0.016, 0, "2%"),
        (0.95, 0, "95%"),
        (0.0, 2, "0%"),
        # Below 0.1%, or where the decimals asked for would round to 0: two significant digits.
        (0.00001, 2, "0.001%"),  # a 99.999% service
        (0.0000123, 2, "0.0012%"),
        (0.00056, 2, "0.056%"),
        (0.00015, 1, "0.015%"),
        (0.0028, 0, "0.28%"),
    ],
)
def test_a_rate_keeps_enough_digits_to_be_read(rate: float, decimals: int, shown: str) -> None:
    assert pct(rate, decimals) == shown


def test_differences_in_points_follow_the_same_rule() -> None:
    assert points(0.002) == "0.2 points"
    assert points(0.00001) == "0.001 points"


@pytest.mark.parametrize(
    ("rate", "kept"),
    [(0.0095, 0.0095), (0.0028, 0.0028), (0.123456, 0.1235), (0.00001, 0.00001),
     (0.0000123, 0.000012), (0.0, 0.0)],
)  # fmt: skip
def test_the_plan_json_keeps_small_rates(rate: float, kept: float) -> None:
    assert round_rate(rate) == kept


def test_a_plan_for_a_rare_error_rate_states_it(seed_dir: Path) -> None:
    baseline = seed_dir / "baseline-metrics.md"
    baseline.write_text(
        baseline.read_text(encoding="utf-8").replace("Error rate: 0.8%", "Error rate: 0.001%"),
        encoding="utf-8",
    )
    plan = plan_folder(seed_dir, today=date(2026, 12, 1))

    assert plan.stages[0].detectable_error_rate is not None
    assert plan.stages[0].detectable_error_rate > 0.00001  # above the baseline, not rounded to 0
    texts = [c.description for c in plan.criteria.success + plan.criteria.auto_rollback]
    assert any("0.001%" in text for text in texts), texts
    assert not any(" 0%" in text for text in texts), texts
