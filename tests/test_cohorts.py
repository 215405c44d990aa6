"""Cohorts and displayed rates: what a non-random stage cannot show, the internal stage's size."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from rollout_manager.formatting import pct
from rollout_manager.planning.plan import plan_folder
from rollout_manager.render.sections import render_document

if TYPE_CHECKING:
    from rollout_manager.model import RolloutPlan

SEED = Path(__file__).resolve().parent.parent / "scenarios" / "progressive-rollout"
TODAY = date(2026, 12, 1)


def _seed_copy(tmp_path: Path, settings: str | None = None) -> Path:
    folder = tmp_path / "seed"
    folder.mkdir()
    for name in ("feature-description.md", "baseline-metrics.md"):
        (folder / name).write_text((SEED / name).read_text("utf-8"), "utf-8")
    if settings is not None:
        (folder / "rollout.yaml").write_text(settings, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def plan() -> RolloutPlan:
    return plan_folder(SEED, today=TODAY)


def test_the_low_value_stage_says_what_it_cannot_show(plan: RolloutPlan) -> None:
    second = plan.stages[1]
    assert second.audience.startswith("Low-value")
    note = next(n for n in second.notes if n.startswith("Not a random sample"))
    assert "$67" in note and "matched control" in note and "no baseline of its own" in note
    # It is the first stage with 80% power at 1.6%, so the summary says it up front.
    assert any("Stage 2 (5%)" in w and "matched control" in w for w in plan.warnings)
    assert any(b.startswith("Stage 2 ") and "matched control" in b for b in plan.before_signing)
    document = render_document(plan)
    summary = document.split("## Risk assessment", 1)[0]
    assert "matched control" in summary


def test_without_a_staff_count_the_internal_stage_is_warned_up_front(plan: RolloutPlan) -> None:
    # 1% of 15,000 a day is 150 transactions a day from staff accounts.
    line = next(w for w in plan.warnings if w.startswith("Stage 1 is meant for staff"))
    assert "about 150 transactions a day" in line
    assert "random sample" in line
    assert any(b.startswith("Stage 1 needs ~150 staff") for b in plan.before_signing)
    summary = render_document(plan).split("## Risk assessment", 1)[0]
    assert "Stage 1 needs ~150 staff" in summary


def test_a_staff_count_sizes_the_internal_stage(tmp_path: Path) -> None:
    folder = _seed_copy(tmp_path, "cohorts: {staff_count: 40, staff_daily_per_person: 1.5}\n")
    plan = plan_folder(folder, today=TODAY)
    first = plan.stages[0]
    # 40 accounts x 1.5 a day = 60 transactions a day = 0.4% of 15,000.
    assert first.traffic_percent == pytest.approx(0.4)
    days = first.duration_hours / 24
    assert first.expected_transactions == round(60 * days)
    # The smoke test needs 137 transactions: at 60 a day that is at least 3 days.
    assert days >= 3
    assert any("40 accounts x 1.5 a day = about 60" in n for n in first.notes)
    assert not any(n.startswith("Assumes staff traffic") for n in first.notes)
    assert not any(w.startswith("Stage 1 is meant for staff") for w in plan.warnings)


def test_staff_who_fill_the_share_leave_the_stage_as_planned(tmp_path: Path) -> None:
    folder = _seed_copy(tmp_path, "cohorts: {staff_count: 300}\n")  # 300 a day > 150
    plan = plan_folder(folder, today=TODAY)
    assert plan.stages[0].traffic_percent == 1
    assert any("300 accounts" in n for n in plan.stages[0].notes)


@pytest.mark.parametrize(
    ("rate", "decimals", "shown"),
    [
        (0.0095, 1, "1%"),  # half up, not to even
        (0.00955, 1, "1%"),
        (0.0094, 1, "0.9%"),
        (0.036469, 1, "3.7%"),  # shown from its JSON value, 0.0365, as the table shows it
        (0.008, 2, "0.8%"),
        (0.0125, 2, "1.25%"),
        (0.016, 1, "1.6%"),
    ],
)
def test_one_rounding_rule_for_rates(rate: float, decimals: int, shown: str) -> None:
    assert pct(rate, decimals) == shown


def test_every_stage_detects_the_same_rate_in_the_table_and_the_text(plan: RolloutPlan) -> None:
    document = render_document(plan)
    stage_table = r"^\| (\d) \| [\d.]+% \| \w{3} \d{4}-\d{2}-\d{2} .* \| ([\d.]+%) \|$"
    rows = re.findall(stage_table, document, re.MULTILINE)
    assert len(rows) == len(plan.stages)
    table = {int(n): detects for n, detects in rows}
    for stage in plan.stages:
        text = next(n for n in stage.notes if "detects an error rate of" in n)
        shown = re.search(r"detects an error rate of ([\d.]+%)", text)
        assert shown is not None
        assert table[stage.number] == shown[1], stage.number


@pytest.mark.parametrize("rate", [1e53, 1e300, -1e40, 5e-324])
def test_a_rate_of_any_size_is_shown(rate: float) -> None:
    assert pct(rate).endswith("%")
