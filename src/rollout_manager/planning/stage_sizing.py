"""How long each stage must run: the ladder, the numbers it is sized from, the hours it needs.

None of this depends on when the rollout starts, so the start search sizes a
plan once and only lays the stages on the calendar for each candidate start
(`stage_windows`); the full stage design, with its decision tables, is made
for the start chosen.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from itertools import pairwise
from typing import TYPE_CHECKING

from rollout_manager.errors import InputError
from rollout_manager.model import ALL_TRAFFIC_PERCENT
from rollout_manager.planning import decisions as rules
from rollout_manager.planning import normal_stats, stage_limits, stats
from rollout_manager.planning.gated import GatedMetrics, plan_gated_metrics
from rollout_manager.planning.schedule import GateCalendar, schedule_stages

if TYPE_CHECKING:
    from datetime import datetime

    from rollout_manager.model import Purpose, RiskAssessment, RolloutContext
    from rollout_manager.planning.policy import LadderStep, Policy


@dataclass(frozen=True)
class SizingInputs:
    """The numbers every stage is sized from (None when a document lacks them)."""

    daily: float | None
    p0: float | None
    rollback_rate: float | None
    parity_rate: float | None
    smoke_rate: float | None
    revenue_n: int | None
    sizing_alpha: float | None = None
    """Alpha of a boundary's last checkpoint: smoke and rollback stages are sized with it."""


def sizing_inputs(context: RolloutContext, policy: Policy, risk: RiskAssessment) -> SizingInputs:
    """Gather what sizing needs: daily traffic, the baseline error rate, rates to see, revenue n."""
    base = context.baseline
    daily_fact = base.daily_transactions or context.feature.daily_volume
    daily = daily_fact.value if daily_fact is not None else None
    p0 = base.error_rate.value if base.error_rate is not None else None
    tol = policy.tolerances
    revenue_relevant = any(
        f.name == "revenue_impact" and f.level.value != "LOW" for f in risk.factors
    )
    revenue_n = (
        normal_stats.mean_difference_sample_size(
            tol.revenue_drop,
            cv=policy.statistics.revenue_cv,
            alpha=policy.statistics.alpha,
            power=policy.statistics.power,
        )
        if revenue_relevant
        else None
    )
    if p0 is None or not 0 < p0 < 1:
        return SizingInputs(daily, None, None, None, None, revenue_n)
    return SizingInputs(
        daily=daily,
        p0=p0,
        rollback_rate=stage_limits.worse_rate(p0, p0 * tol.rollback_error_multiplier),
        parity_rate=stage_limits.worse_rate(p0, p0 + tol.error_rate_points),
        smoke_rate=stage_limits.worse_rate(p0, p0 * tol.smoke_multiplier),
        revenue_n=revenue_n,
    )


def ladder_for(policy: Policy, risk: RiskAssessment) -> list[LadderStep]:
    """Return the strategy's ladder with the traffic the team set per stage in `rollout.yaml`.

    Raises:
        InputError: a changed stage does not exist, or the traffic does not rise to 100%.
    """
    ladder = list(policy.ladders[risk.strategy])
    for change in policy.stages:
        if change.stage > len(ladder):
            raise InputError(
                "rollout.yaml",
                f"stages: stage {change.stage} does not exist (the plan has {len(ladder)})",
            )
        if change.traffic_percent is not None:
            step = ladder[change.stage - 1]
            ladder[change.stage - 1] = step.model_copy(
                update={"traffic_percent": change.traffic_percent}
            )
    traffic = [step.traffic_percent for step in ladder]
    if any(b <= a for a, b in pairwise(traffic)) or traffic[-1] != ALL_TRAFFIC_PERCENT:
        raise InputError(
            "rollout.yaml",
            f"stages: traffic must strictly increase and end at 100%, got {traffic}",
        )
    return ladder


def target_rate(purpose: Purpose, inputs: SizingInputs) -> float | None:
    """Return the error rate a stage of this purpose is sized to see (None for full rollout)."""
    return {
        "smoke_test": inputs.smoke_rate,
        "rollback_threshold": inputs.rollback_rate,
        "parity_check": inputs.parity_rate,
        "full_rollout": None,
    }[purpose]


def required(step: LadderStep, inputs: SizingInputs, policy: Policy) -> tuple[int, float]:
    """Transactions the step's purpose needs and the hours that takes at its traffic.

    Smoke and rollback stages are sized at their boundary's last-checkpoint alpha.
    """
    minimum = policy.calendar.min_stage_hours
    if step.purpose == "full_rollout":
        return 0, max(policy.calendar.bake_hours, minimum)
    target = target_rate(step.purpose, inputs)
    if inputs.p0 is None or target is None:
        return 0, minimum
    alpha = policy.statistics.alpha
    if step.purpose != "parity_check" and inputs.sizing_alpha is not None:
        alpha = inputs.sizing_alpha
    needed = stats.stage_sample_size(inputs.p0, target, alpha=alpha, power=policy.statistics.power)
    if inputs.daily is None or inputs.daily <= 0:
        return needed, minimum
    need_hours = stats.hours_for_transactions(needed, inputs.daily, step.traffic_percent / 100)
    return needed, min(max(need_hours, minimum), stage_limits.LONGEST_STAGE_HOURS)


def user_duration(policy: Policy, number: int) -> float | None:
    """Return the duration the team set for stage `number` in `rollout.yaml`, if any."""
    for change in policy.stages:
        if change.stage == number and change.duration_hours is not None:
            return change.duration_hours
    return None


@dataclass(frozen=True)
class Sizing:
    """A plan's stages before they have dates: what each must see and how long that takes."""

    ladder: list[LadderStep]
    inputs: SizingInputs
    metrics: list[rules.RateMetric]
    budget: rules.Budget
    needs: list[tuple[int, float]]
    """Per stage: transactions its purpose needs, and the hours that takes at its traffic."""
    planned_hours: list[float]
    """Per stage: the hours it is planned to run (the team's own where rollout.yaml sets one)."""


def size_stages(
    context: RolloutContext,
    policy: Policy,
    risk: RiskAssessment,
    gated: GatedMetrics | None = None,
) -> Sizing:
    """Size every stage of the strategy's ladder (the team's rollout.yaml changes applied).

    ``gated`` is the plan's `plan_gated_metrics`, when the caller already has it.
    """
    ladder = ladder_for(policy, risk)
    metrics = list((gated or plan_gated_metrics(context, policy)).counted)
    plan_budget = rules.budget(policy, stages=len(ladder), metrics=len(metrics))
    inputs = replace(sizing_inputs(context, policy, risk), sizing_alpha=plan_budget.final_alpha)
    needs = [required(step, inputs, policy) for step in ladder]
    planned = [user_duration(policy, i) or need for i, (_, need) in enumerate(needs, 1)]
    return Sizing(ladder, inputs, metrics, plan_budget, needs, planned)


def stage_windows(
    sizing: Sizing, policy: Policy, calendar: GateCalendar, start: datetime
) -> list[tuple[datetime, datetime]]:
    """When each stage runs if the rollout starts at ``start``."""
    return schedule_stages(
        start,
        sizing.planned_hours,
        calendar,
        min_hours=policy.calendar.min_stage_hours,
        round_to_days=policy.calendar.round_to_days,
    )
