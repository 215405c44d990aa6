"""The planning engine on the seed scenario: the acceptance numbers of the planning issue.

Expected values are worked out by hand from the seed documents (baseline error
0.8%, P95 890 ms, 15,000 transactions a day) and the policy's tolerances, and
from the oracles in shared/reference/statistics.md; none is copied from output.
"""

from __future__ import annotations

from datetime import date, datetime, time
from itertools import pairwise
from pathlib import Path
from typing import TYPE_CHECKING
from zoneinfo import ZoneInfo

import pytest

from rollout_manager.planning import stats
from rollout_manager.planning.plan import plan_folder

if TYPE_CHECKING:
    from rollout_manager.model import RolloutPlan, Stage, Threshold

NEW_YORK = ZoneInfo("America/New_York")
BLACK_FRIDAY = date(2026, 11, 27)


@pytest.fixture(scope="module")
def plan() -> RolloutPlan:
    seed = Path(__file__).resolve().parent.parent / "scenarios" / "progressive-rollout"
    return plan_folder(seed, today=BLACK_FRIDAY)


def _threshold(items: list[Threshold], metric: str) -> Threshold:
    return next(item for item in items if item.metric == metric)


def test_risk_is_high_with_the_four_named_factors_high(plan: RolloutPlan) -> None:
    factors = {f.name: f.level.value for f in plan.risk.factors}
    assert plan.risk.overall.value == "HIGH"
    assert plan.risk.strategy == "canary"
    for name in ("user_impact", "revenue_impact", "system_criticality", "reversibility"):
        assert factors[name] == "HIGH", name
    assert {"change_complexity", "timing"} <= set(factors)
    assert all(f.rationale for f in plan.risk.factors)
    reversibility = next(f for f in plan.risk.factors if f.name == "reversibility")
    assert any("toggle" in ev.text for ev in reversibility.evidence)


def test_ladder_is_canary_starting_internal_and_ending_at_100(plan: RolloutPlan) -> None:
    traffic = [s.traffic_percent for s in plan.stages]
    assert len(traffic) >= 5
    assert traffic[0] <= 1
    assert traffic == sorted(set(traffic)) and traffic[-1] == 100
    assert traffic == [1, 5, 10, 25, 50, 100]
    assert "internal" in plan.stages[0].audience.lower()
    assert "$67" in plan.stages[1].audience  # low-value cohort under the average


def test_success_and_rollback_thresholds(plan: RolloutPlan) -> None:
    success, auto = plan.criteria.success, plan.criteria.auto_rollback
    assert _threshold(success, "error_rate").op == "<="
    assert _threshold(success, "error_rate").value == pytest.approx(0.010)  # 0.8% + 0.2 points
    assert _threshold(success, "p95_latency_ms").value == pytest.approx(979)  # 890 ms + 10%
    assert _threshold(auto, "error_rate").op == ">"
    assert _threshold(auto, "error_rate").value == pytest.approx(0.016)  # 2 x 0.8%
    assert _threshold(auto, "p95_latency_ms").value == pytest.approx(1780)  # 2 x 890 ms
    assert _threshold(auto, "revenue_vs_control").value == pytest.approx(-0.05)
    assert _threshold(auto, "data_integrity_errors").value == 0
    manual = " ".join(t.description.lower() for t in plan.criteria.manual_rollback)
    assert "charges" in manual and "security" in manual and "regulatory" in manual


def test_alerts_warn_at_success_and_page_at_rollback(plan: RolloutPlan) -> None:
    alerts = plan.monitoring.alerts
    warn = [a for a in alerts if a.severity == "WARNING" and a.metric == "error_rate"]
    crit = [a for a in alerts if a.severity == "CRITICAL" and a.metric == "error_rate"]
    assert warn[0].op == ">" and warn[0].value == pytest.approx(0.010)
    assert crit[0].op == ">" and crit[0].value == pytest.approx(0.016)
    revenue = [a for a in alerts if a.metric == "revenue_vs_control"]
    assert revenue[0].severity == "CRITICAL" and revenue[0].value == pytest.approx(-0.05)
    kinds = {m.kind for m in plan.monitoring.metrics}
    assert kinds == {"technical", "business"}
    # HIGH risk: a dedicated engineer through every stage, to the end of the 100% bake.
    on_call = plan.monitoring.on_call
    assert on_call.stages == [s.number for s in plan.stages]
    assert on_call.start == plan.stages[0].start
    assert on_call.end == plan.stages[-1].end


def test_stage_one_is_a_smoke_test_that_says_what_it_cannot_see(plan: RolloutPlan) -> None:
    first = plan.stages[0]
    assert first.purpose == "smoke_test"
    # Sized at the alpha its boundary's last checkpoint spends (5% / 18 boundaries / 2), the
    # smoke test needs more than one day at 1% (150): two whole days, 300 transactions.
    assert first.required_transactions > 150
    assert first.duration_hours == 48
    assert first.expected_transactions == 300
    # statistics.md: at n=150 a 5x regression (4%) is caught 85% of the time, so at 300
    # the rate caught with 80% power lies below 4%.
    assert first.detectable_error_rate is not None
    assert first.detectable_error_rate < 0.04
    # Its boundary is not sized for 2x, and the plan says so.
    assert first.power_at_rollback_threshold is not None
    assert first.power_at_rollback_threshold < 0.5
    assert any("Stage 1" in w and "1.6%" in w for w in plan.warnings)


def test_stage_two_sees_the_rollback_threshold(plan: RolloutPlan) -> None:
    second = plan.stages[1]
    assert second.purpose == "rollback_threshold"
    # Sized by the exact test at its boundary's last-checkpoint alpha (5% split over 6 stages
    # x 3 metrics, half at the last checkpoint): more than the 1,131 that alpha 0.05 needs
    # (statistics.md), and from there on power never dips below 80% again.
    alpha = 0.05 / 18 / 2
    needed = second.required_transactions
    assert needed > 1131
    assert stats.exact_power(needed - 1, 0.008, 0.016, alpha=alpha) < 0.8
    assert all(
        stats.exact_power(n, 0.008, 0.016, alpha=alpha) >= 0.8
        for n in range(needed, needed + 2000, 7)
    )
    # At 750 a day that is 3.6 days: at least 4 whole days, longer only when the gate
    # would fall on a Friday, weekend or holiday (HIGH risk gates Mon-Thu).
    assert second.duration_hours >= 96
    assert second.duration_hours % 24 == 0
    assert second.expected_transactions == 750 * second.duration_hours // 24
    assert second.power_at_rollback_threshold is not None
    assert second.power_at_rollback_threshold >= 0.8


def test_sequential_table_is_the_error_rate_decisions_boundary(plan: RolloutPlan) -> None:
    for stage in plan.stages:
        error = next(d for d in stage.decisions if d.metric == "error_rate")
        table = [(b.transactions, b.rollback_at_errors) for b in stage.sequential_boundaries]
        assert table == [(p.n, p.k) for p in error.rollback_boundary]
        assert table, stage.number


def test_default_start_leaves_lead_time_and_skips_the_year_end_freeze(plan: RolloutPlan) -> None:
    start = plan.stages[0].start.astimezone(NEW_YORK)
    # Planned Fri 2026-11-27: the first business day after it is Mon 30, so a start with
    # three business days of lead time is Thu Dec 3 at the earliest. A HIGH canary takes
    # three weeks and cannot bake before the year-end freeze (Dec 15 - Jan 4), so the
    # start moves to the first business day after it: Tue 2027-01-05.
    assert start == datetime(2027, 1, 5, 9, 0, tzinfo=NEW_YORK)
    assert plan.schedule.timezone == "America/New_York"


def _inside_peak(moment: datetime) -> bool:
    local = moment.astimezone(NEW_YORK).time()
    return time(11, 0) <= local < time(14, 0)


def test_no_stage_boundary_inside_the_peak_window_or_a_weekend(plan: RolloutPlan) -> None:
    stages: list[Stage] = plan.stages
    for stage in stages:
        for moment in (stage.start, stage.end):
            assert not _inside_peak(moment), moment
            assert moment.astimezone(NEW_YORK).weekday() < 5, moment
    for earlier, later in pairwise(stages):
        assert earlier.end == later.start


def test_parity_needs_about_13k_and_a_later_stage_sees_it(plan: RolloutPlan) -> None:
    parity = [s for s in plan.stages if s.purpose == "parity_check"]
    assert parity
    # The +0.2-point parity check needs about 13,256 by the normal approximation
    # (statistics.md); the exact test's assured count is a few percent higher.
    assert 13256 < parity[0].required_transactions < 13256 * 1.15
    assert all(s.expected_transactions >= s.required_transactions for s in parity)


def test_checklists_and_rollback_procedure(plan: RolloutPlan) -> None:
    stages_with_gate = {c.stage for c in plan.gate_checklist}
    assert {s.number for s in plan.stages} <= stages_with_gate
    steps = plan.rollback_procedure
    assert [s.step for s in steps] == list(range(1, len(steps) + 1))
    assert "payment_pipeline_v2" in steps[1].action and "OFF" in steps[1].action
    text = " ".join(s.action.lower() for s in steps)
    assert "webhook" in text and "reconcile" in text and "notification" in text
    assert plan.expected_recovery_minutes is not None
    assert plan.expected_recovery_minutes <= 15


def test_communication_names_roles_with_dates(plan: RolloutPlan) -> None:
    roles = {s.role for s in plan.communication.stakeholders}
    assert {"Engineering", "Support", "Product", "Leadership", "Finance"} <= roles
    assert all(s.dates for s in plan.communication.stakeholders)
    names = [t.name for t in plan.communication.templates]
    assert names == ["pre_rollout", "stage_advancement", "rollback", "completion"]
    pre = plan.communication.templates[0]
    assert "payment_pipeline_v2" in pre.body and "1.6%" in pre.body


def test_a_first_message_is_never_dated_in_the_past() -> None:
    seed = Path(__file__).resolve().parent.parent / "scenarios" / "progressive-rollout"
    early = plan_folder(seed, start=date(2026, 12, 1), today=BLACK_FRIDAY)
    # Three business days before Tue 2026-12-01, Thanksgiving skipped: Mon 30, Fri 27,
    # Wed 25 -- before the planning date; the first business day after it is Mon 30.
    leadership = next(s for s in early.communication.stakeholders if s.role == "Leadership")
    assert leadership.dates[0].date() == date(2026, 11, 30)
    assert "lead time is short" in leadership.when
    support = next(s for s in early.communication.stakeholders if s.role == "Support")
    assert support.dates[0].date() == date(2026, 11, 30)  # T-1: Mon 30, on time
    assert "lead time" not in support.when
