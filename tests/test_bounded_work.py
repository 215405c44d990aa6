"""Every input plans in a bounded number of steps, whatever its numbers (issue 17, item 12).

Work is counted, not timed (a busy machine must not turn this red): each term
an exact binomial tail sums is one step of `range` inside `planning.stats`,
and a plan may sum at most `BUDGET` of them. On the issue's inputs the plan
before the cap summed billions (over 200 s for 10,000,000,000,000 a day).
"""

from __future__ import annotations

import builtins
import shutil
import tempfile
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rollout_manager.errors import InputError
from rollout_manager.planning import normal_stats, stats
from rollout_manager.planning.bounded_stats import normal_power
from rollout_manager.planning.plan import plan_folder
from tests.conftest import SEED_DIR

if TYPE_CHECKING:
    from collections.abc import Iterator

BUDGET = 1_000_000
"""Tail terms one plan may sum: a few tenths of a second of Python on an idle core."""
TODAY = date(2026, 11, 20)


class _OverBudgetError(Exception):
    pass


class _CountingRange:
    """`range` for `planning.stats` that counts the steps taken and stops past the budget."""

    def __init__(self) -> None:
        self.steps = 0

    def __call__(self, *bounds: int) -> Iterator[int]:
        for value in builtins.range(*bounds):
            self.steps += 1
            if self.steps > BUDGET:
                raise _OverBudgetError
            yield value


@pytest.fixture
def counted(monkeypatch: pytest.MonkeyPatch) -> _CountingRange:
    counter = _CountingRange()
    monkeypatch.setattr(stats, "range", counter, raising=False)
    return counter


def _context(folder: Path, daily: str, error_rate: str) -> Path:
    for name in ("feature-description.md", "baseline-metrics.md"):
        text = (SEED_DIR / name).read_text()
        text = text.replace("~15,000", f"~{daily}").replace("Error rate: 0.8%", error_rate)
        (folder / name).write_text(text)
    return folder


def _plan_steps(counter: _CountingRange, folder: Path) -> int:
    stats.assured_sample_size.cache_clear()  # count the whole search, not a cached answer
    counter.steps = 0
    try:
        plan_folder(folder, today=TODAY)
    except _OverBudgetError:
        pytest.fail(f"planning {folder.name} summed more than {BUDGET:,} tail terms")
    return counter.steps


@pytest.mark.parametrize(
    ("daily", "error_rate"),
    [
        ("1,000,000,000,000", "Error rate: 0.8%"),
        ("10,000,000,000,000", "Error rate: 0.8%"),
        ("1,000,000,000", "Error rate: 20%"),
        ("1,000,000,000", "Error rate: 45%"),
        ("15,000", "Error rate: 0.8%"),
    ],
)
def test_the_issues_inputs_plan_within_the_budget(
    counted: _CountingRange, tmp_path: Path, daily: str, error_rate: str
) -> None:
    steps = _plan_steps(counted, _context(tmp_path, daily, error_rate))

    assert steps <= BUDGET


def test_a_trickle_of_traffic_caps_stages_at_90_days_and_says_so(tmp_path: Path) -> None:
    folder = _context(tmp_path, "1", "Error rate: 0.001%")  # one transaction a day
    (folder / "rollout.yaml").write_text("strategy: short_ramp\n")  # three stages fit a year

    plan = plan_folder(folder, today=TODAY)

    # 90 days, and at most a long weekend more for the gate to land on a business day.
    assert all(stage.duration_hours <= 24 * (90 + 4) for stage in plan.stages)
    assert any("planned for the longest stage" in w for w in plan.warnings)


def test_six_capped_stages_that_cannot_fit_the_calendar_are_an_input_error(
    tmp_path: Path,
) -> None:
    with pytest.raises(InputError):
        plan_folder(_context(tmp_path, "1", "Error rate: 0.001%"), today=TODAY)


def test_a_99_percent_error_rate_plans_with_a_warning(tmp_path: Path) -> None:
    plan = plan_folder(_context(tmp_path, "15,000", "Error rate: 99%"), today=TODAY)

    assert plan.baseline.error_rate == pytest.approx(0.99)
    assert any("99%" in w and "not sized by error rate" in w for w in plan.warnings)


@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(
    daily=st.integers(min_value=1, max_value=10**15),
    rate=st.decimals(min_value="0.001", max_value="99.9", places=3),
)
def test_any_volume_and_error_rate_plan_within_the_budget(
    counted: _CountingRange, daily: int, rate: object
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        folder = _context(Path(tmp), f"{daily:,}", f"Error rate: {rate}%")
        stats.assured_sample_size.cache_clear()
        counted.steps = 0
        try:
            plan_folder(folder, today=TODAY)
        except InputError:
            pass
        except _OverBudgetError:
            pytest.fail(f"{daily:,} a day at {rate}% summed more than {BUDGET:,} tail terms")
        shutil.rmtree(folder, ignore_errors=True)


def test_the_normal_power_inverts_the_normal_sample_size() -> None:
    # statistics.md: 0.008 -> 0.016 at alpha 0.05 and 80% power needs about 993 (normal approx.);
    # the power formula must reach 80% exactly there: at n, not at n - 1.
    n = normal_stats.sample_size(0.008, 0.016, alpha=0.05, power=0.8)

    assert 990 <= n <= 1_000
    assert normal_power(n, 0.008, 0.016, alpha=0.05) >= 0.8
    assert normal_power(n - 1, 0.008, 0.016, alpha=0.05) < 0.8
    assert normal_power(n, 0.008, 0.016, alpha=0.05) == pytest.approx(0.8, abs=0.001)
