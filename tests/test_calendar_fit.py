"""The seed planned on Tue 2026-12-01 with no start: the acceptance list of the calendar issue.

Dates are worked out by hand: the first business day after Tue 2026-12-01 is Wed
Dec 2; the year-end freeze runs Dec 15 - Jan 4; HIGH risk gates Mon-Thu only;
US federal holidays near the window are Dec 25, Jan 1, Jan 18 (MLK) and Feb 15.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from rollout_manager.planning.plan import plan_folder
from rollout_manager.planning.policy import default_policy
from rollout_manager.planning.schedule import GateCalendar
from rollout_manager.render.sections import render_document

if TYPE_CHECKING:
    from rollout_manager.model import RolloutPlan

SEED = Path(__file__).resolve().parent.parent / "scenarios" / "progressive-rollout"
TODAY = date(2026, 12, 1)
NEXT_BUSINESS_DAY = date(2026, 12, 2)
NY = ZoneInfo("America/New_York")
HOLIDAYS = {date(2026, 12, 25), date(2027, 1, 1), date(2027, 1, 18), date(2027, 2, 15)}


@pytest.fixture(scope="module")
def plan() -> RolloutPlan:
    return plan_folder(SEED, today=TODAY)


def _iso_dates(text: str) -> list[date]:
    return [date.fromisoformat(found) for found in re.findall(r"\d{4}-\d{2}-\d{2}", text)]


def test_nothing_in_the_plan_is_dated_before_the_next_business_day(plan: RolloutPlan) -> None:
    document = render_document(plan)
    dates = _iso_dates(document)
    assert dates  # the document is dated throughout
    assert min(dates) >= NEXT_BUSINESS_DAY
    for stakeholder in plan.communication.stakeholders:
        assert all(moment.date() >= NEXT_BUSINESS_DAY for moment in stakeholder.dates)
    for step in plan.next_steps:
        assert all(found >= NEXT_BUSINESS_DAY for found in _iso_dates(step))


def test_no_gate_in_the_year_end_freeze_on_a_friday_or_a_holiday_eve(plan: RolloutPlan) -> None:
    gates = [plan.stages[0].start] + [stage.end for stage in plan.stages]
    for gate in gates:
        local = gate.astimezone(NY).date()
        assert not (date(2026, 12, 15) <= local <= date(2027, 1, 4)), gate
        assert local.weekday() < 4, gate  # Monday to Thursday
        assert local not in HOLIDAYS
        following = local + timedelta(days=1)
        while following.weekday() >= 5:
            following += timedelta(days=1)
        assert following not in HOLIDAYS, f"{gate} is the last business day before a holiday"
    assert any("Year-end peak and close" in freeze for freeze in plan.schedule.freezes)


def test_the_default_start_moves_past_the_freeze_and_says_why(plan: RolloutPlan) -> None:
    # Lead time: Mon Dec 7 is the first start whose T-3 (Wed Dec 2) is not before Dec 2;
    # a three-week HIGH ramp from there meets the freeze, so the start is Tue Jan 5.
    assert plan.stages[0].start == datetime(2027, 1, 5, 9, 0, tzinfo=NY)
    why = next(w for w in plan.warnings if w.startswith("Default start"))
    assert "Mon 2026-12-07" in why
    assert "partial rollout" in why


def test_on_call_covers_every_stage_to_the_end_of_the_bake(plan: RolloutPlan) -> None:
    on_call = plan.monitoring.on_call
    assert on_call.stages == list(range(1, len(plan.stages) + 1))
    assert on_call.start == plan.stages[0].start
    assert on_call.end == plan.stages[-1].end
    assert on_call.legacy_removal_owner
    assert any(on_call.end.strftime("%Y-%m-%d") in step for step in plan.next_steps)


def test_the_legacy_path_stays_for_the_dispute_window(plan: RolloutPlan) -> None:
    full = plan.stages[-1]
    removal = plan.schedule.legacy_removal
    assert removal is not None
    assert removal >= full.start + timedelta(days=120)
    shown = removal.strftime("%Y-%m-%d")
    last_gate = plan.gate_checklist[len(plan.stages)]
    assert any("previous path" in item and shown in item for item in last_gate.items)
    completion = next(t for t in plan.communication.templates if t.name == "completion")
    assert shown in completion.body


def test_the_rollback_routes_by_processor_of_record_and_retries_idempotently(
    plan: RolloutPlan,
) -> None:
    steps = " ".join(step.action for step in plan.rollback_procedure).lower()
    assert "processor of record" in steps
    assert "idempotency key" in steps
    rollback_message = next(t for t in plan.communication.templates if t.name == "rollback")
    assert "should succeed on the previous path" not in rollback_message.body
    assert [p.key for p in plan.playbooks] == ["payments"]


def test_the_timing_rationale_does_not_cite_the_past_black_friday(plan: RolloutPlan) -> None:
    timing = next(f for f in plan.risk.factors if f.name == "timing")
    assert "Black Friday" not in timing.rationale
    assert "2027-01-05" in timing.rationale  # it names the window it judged


def _fit_suggestion(plan: RolloutPlan) -> date | None:
    found = [
        re.search(r"first start that fits .*\(--start (\d{4}-\d{2}-\d{2})\)", w)
        for w in plan.warnings
    ]
    hits = [m for m in found if m is not None]
    return date.fromisoformat(hits[0][1]) if hits else None


def test_a_start_into_the_freeze_warns_and_its_suggestion_gives_no_warning() -> None:
    early = plan_folder(SEED, start=date(2026, 12, 8), today=TODAY)
    suggestion = _fit_suggestion(early)
    assert suggestion == date(2027, 1, 5)
    assert early.stages[0].start.date() == date(2026, 12, 8)  # the request still plans
    timing = next(f for f in early.risk.factors if f.name == "timing")
    assert "Year-end peak and close" in timing.rationale
    again = plan_folder(SEED, start=suggestion, today=TODAY)
    assert _fit_suggestion(again) is None
    assert not any("first start that fits" in w for w in again.warnings)


def test_a_start_without_lead_time_warns_with_the_first_start_that_leaves_it(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "seed"
    folder.mkdir()
    for name in ("feature-description.md", "baseline-metrics.md"):
        (folder / name).write_text((SEED / name).read_text("utf-8"), "utf-8")
    (folder / "rollout.yaml").write_text(
        "calendar:\n  seasonal_freezes: {year_end: null}\n", encoding="utf-8"
    )
    early = plan_folder(folder, start=date(2026, 12, 3), today=TODAY)
    # T-3 business days: Thu Dec 3 -> Mon Nov 30 and Fri Dec 4 -> Tue Dec 1 (today) are
    # too early; Mon Dec 7 -> Wed Dec 2 fits.
    assert _fit_suggestion(early) == date(2026, 12, 7)
    assert any("fewer than 3 business days" in w for w in early.warnings)
    assert _fit_suggestion(plan_folder(folder, start=date(2026, 12, 7), today=TODAY)) is None
    # Without the year-end freeze the default start is that first fitting start.
    assert plan_folder(folder, today=TODAY).stages[0].start.date() == date(2026, 12, 7)


def test_the_eve_of_a_holiday_is_closed_to_gates_when_the_policy_says_so() -> None:
    wednesday = datetime(2026, 11, 25, 10, 0, tzinfo=NY)  # Thanksgiving is Thu Nov 26
    friday = datetime(2026, 12, 4, 10, 0, tzinfo=NY)
    policy = default_policy()

    def calendar(*, avoid_eves: bool) -> GateCalendar:
        return GateCalendar(
            tz=NY,
            gate_start=policy.calendar.gate_start,
            gate_end=policy.calendar.gate_end,
            weekdays=frozenset(range(5)),
            avoid_eves=avoid_eves,
        )

    assert calendar(avoid_eves=False).allows(wednesday)
    assert not calendar(avoid_eves=True).allows(wednesday)
    assert calendar(avoid_eves=True).allows(friday)


def test_a_seasonal_freeze_is_removable_and_skips_changes_it_does_not_apply_to(
    tmp_path: Path,
) -> None:
    folder = tmp_path / "ui"
    folder.mkdir()
    (folder / "feature-description.md").write_text(
        "# Feature: New settings page\n\n- Affects 5% of users\n"
        "- Feature flag: settings_v2 (currently OFF)\n",
        encoding="utf-8",
    )
    (folder / "baseline-metrics.md").write_text(
        "# Baseline\n\n- Error rate: 0.5%\n- Daily transactions: ~40,000\n", encoding="utf-8"
    )
    plan = plan_folder(folder, start=date(2026, 12, 14), today=TODAY)
    assert not any("Year-end" in freeze for freeze in plan.schedule.freezes)
    assert plan.stages[0].start.date() == date(2026, 12, 14)


def test_timing_names_an_undated_event_instead_of_guessing(tmp_path: Path) -> None:
    folder = tmp_path / "launch"
    folder.mkdir()
    (folder / "feature-description.md").write_text(
        "# Feature: New settings page\n\n- Affects 5% of users\n"
        "- Timing: ships before the product launch\n",
        encoding="utf-8",
    )
    (folder / "baseline-metrics.md").write_text(
        "# Baseline\n\n- Error rate: 0.5%\n- Daily transactions: ~40,000\n", encoding="utf-8"
    )
    plan = plan_folder(folder, today=TODAY)
    timing = next(f for f in plan.risk.factors if f.name == "timing")
    assert timing.level.value == "MEDIUM"
    assert "without a date" in timing.rationale
