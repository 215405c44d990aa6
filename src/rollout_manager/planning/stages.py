"""Rollout stages: a ladder from the strategy, durations from statistics, real dates.

Each stage is sized for its purpose (statistics.md): a smoke test sees enough
transactions to catch a gross failure (5x the baseline error rate), a
rollback-threshold stage enough to catch the automatic rollback regression
(2x), a parity stage enough to confirm the success tolerance (+0.2 points).
"Enough" is the exact one-sided binomial test's assured sample size: from that
many transactions on, its power never drops below the policy's target, so a
stage that runs longer than planned still sees what it was sized for.
Durations never go below one daily cycle (the peak window included), and
gates are moved out of peak windows, freezes, weekends and holidays.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from datetime import datetime
from itertools import pairwise

from rollout_manager.errors import InputError
from rollout_manager.formatting import chance, count, hours, money, pct, points
from rollout_manager.model import (
    Criteria,
    DecisionSummary,
    Purpose,
    RiskAssessment,
    RolloutContext,
    Stage,
    StatisticsSettings,
)
from rollout_manager.model import Threshold as _Threshold
from rollout_manager.planning import bounded_stats, stage_limits, stats
from rollout_manager.planning import decisions as rules
from rollout_manager.planning.policy import LadderStep, Policy
from rollout_manager.planning.schedule import GateCalendar, schedule_stages

_PURPOSE_TEXT: dict[Purpose, str] = {
    "smoke_test": "Smoke test: catch gross failures",
    "rollback_threshold": "Catch a regression at the automatic rollback threshold",
    "parity_check": "Confirm parity within the success tolerance",
    "full_rollout": "Full rollout: bake at 100% before the legacy path is removed",
}


@dataclass
class StageDesign:
    """Stages plus what the team must know about them."""

    stages: list[Stage]
    statistics: StatisticsSettings
    summary: DecisionSummary | None = None
    warnings: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class _Inputs:
    """The numbers every stage is sized from (None when a document lacks them)."""

    daily: float | None
    p0: float | None
    rollback_rate: float | None
    parity_rate: float | None
    smoke_rate: float | None
    revenue_n: int | None
    sizing_alpha: float | None = None
    """Alpha of a boundary's last checkpoint: smoke and rollback stages are sized with it."""


def _inputs(context: RolloutContext, policy: Policy, risk: RiskAssessment) -> _Inputs:
    base = context.baseline
    daily_fact = base.daily_transactions or context.feature.daily_volume
    daily = daily_fact.value if daily_fact is not None else None
    p0 = base.error_rate.value if base.error_rate is not None else None
    tol = policy.tolerances
    revenue_relevant = any(
        f.name == "revenue_impact" and f.level.value != "LOW" for f in risk.factors
    )
    revenue_n = (
        stats.mean_difference_sample_size(
            tol.revenue_drop,
            cv=policy.statistics.revenue_cv,
            alpha=policy.statistics.alpha,
            power=policy.statistics.power,
        )
        if revenue_relevant
        else None
    )
    if p0 is None or not 0 < p0 < 1:
        return _Inputs(daily, None, None, None, None, revenue_n)
    return _Inputs(
        daily=daily,
        p0=p0,
        rollback_rate=stage_limits.worse_rate(p0, p0 * tol.rollback_error_multiplier),
        parity_rate=stage_limits.worse_rate(p0, p0 + tol.error_rate_points),
        smoke_rate=stage_limits.worse_rate(p0, p0 * tol.smoke_multiplier),
        revenue_n=revenue_n,
    )


def _ladder(policy: Policy, risk: RiskAssessment) -> list[LadderStep]:
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
    if any(b <= a for a, b in pairwise(traffic)) or traffic[-1] != 100:
        raise InputError(
            "rollout.yaml",
            f"stages: traffic must strictly increase and end at 100%, got {traffic}",
        )
    return ladder


def _target_rate(purpose: Purpose, inputs: _Inputs) -> float | None:
    return {
        "smoke_test": inputs.smoke_rate,
        "rollback_threshold": inputs.rollback_rate,
        "parity_check": inputs.parity_rate,
        "full_rollout": None,
    }[purpose]


def _required(step: LadderStep, inputs: _Inputs, policy: Policy) -> tuple[int, float]:
    """Transactions the step's purpose needs and the hours that takes at its traffic.

    Smoke and rollback stages are sized at their boundary's last-checkpoint alpha.
    """
    minimum = policy.calendar.min_stage_hours
    if step.purpose == "full_rollout":
        return 0, max(policy.calendar.bake_hours, minimum)
    target = _target_rate(step.purpose, inputs)
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


def _audience(step: LadderStep, context: RolloutContext) -> str:
    avg = context.baseline.avg_transaction_value
    if step.audience == "internal":
        return "Internal employees (allow-listed staff accounts)"
    if step.audience == "low_value" and avg is not None:
        currency = context.baseline.currency
        return f"Low-value transactions (below the {money(avg.value, currency)} average)"
    if step.audience == "everyone":
        return "Everyone"
    return "All users, randomly sampled"


def _stage_criteria(
    step: LadderStep, expected: int, inputs: _Inputs, criteria: Criteria, policy: Policy
) -> list[_Threshold]:
    chosen = [c for c in criteria.success if c.metric in ("error_rate", "p95_latency_ms")]
    # At 100% there is no control group: only absolute criteria apply.
    if step.purpose not in ("smoke_test", "full_rollout"):
        chosen += [c for c in criteria.success if c.metric == "support_tickets_vs_control"]
    if inputs.revenue_n is not None and expected >= inputs.revenue_n and step.traffic_percent < 100:
        drop = policy.tolerances.revenue_drop
        chosen.append(
            _Threshold(
                metric="revenue_vs_control",
                op=">=",
                value=-drop,
                unit="ratio",
                description=f"Revenue per checkout attempt within {pct(drop)} of control",
                derivation=f"policy tolerances.revenue_drop {drop}",
            )
        )
    chosen += [c for c in criteria.success if c.metric == "critical_bugs"]
    return chosen


@dataclass(frozen=True)
class _Seen:
    """What one stage's traffic lets it see."""

    expected: int
    detectable: float | None
    power: float | None


def _seen(
    step: LadderStep, start: datetime, end: datetime, inputs: _Inputs, policy: Policy
) -> _Seen:
    duration = (end.timestamp() - start.timestamp()) / 3600
    if inputs.daily is None:
        return _Seen(0, None, None)
    expected = math.floor(inputs.daily * step.traffic_percent / 100 * duration / 24)
    if inputs.p0 is None or inputs.rollback_rate is None:
        return _Seen(expected, None, None)
    alpha, power = policy.statistics.alpha, policy.statistics.power
    return _Seen(
        expected,
        bounded_stats.stage_detectable_rate(expected, inputs.p0, alpha=alpha, power=power),
        bounded_stats.stage_power(expected, inputs.p0, inputs.rollback_rate, alpha=alpha),
    )


def _notes(
    step: LadderStep,
    seen: _Seen,
    inputs: _Inputs,
    *,
    power: float,
    required_h: float,
    actual_h: float,
) -> list[str]:
    notes: list[str] = []
    if seen.detectable is not None:
        notes.append(
            f"About {count(seen.expected)} transactions: detects an error rate of "
            f"{pct(seen.detectable, 1)} or worse ({pct(power, 0)} power)."
        )
    elif inputs.daily is not None and inputs.p0 is not None:
        notes.append(f"About {count(seen.expected)} transactions: too few to test the error rate.")
    if seen.power is not None and inputs.rollback_rate is not None:
        notes.append(
            f"Chance its rollback boundary catches the {pct(inputs.rollback_rate)} rollback "
            f"threshold within the stage: {chance(seen.power)}."
        )
    if actual_h > required_h + 1:
        notes.append(
            f"Needs {hours(required_h)}; runs {hours(actual_h)} so the gate falls in "
            "business hours outside peaks and freezes."
        )
    if step.audience == "internal":
        notes.append(
            f"Assumes staff traffic reaches {step.traffic_percent:g}% of volume; "
            "top up with a random sample if it does not."
        )
    return notes


def _user_duration(policy: Policy, number: int) -> float | None:
    for change in policy.stages:
        if change.stage == number and change.duration_hours is not None:
            return change.duration_hours
    return None


def design_stages(
    context: RolloutContext,
    policy: Policy,
    risk: RiskAssessment,
    criteria: Criteria,
    *,
    calendar: GateCalendar,
    start: datetime,
) -> StageDesign:
    """The traffic ladder with durations, dates, detection power and SPRT tables."""
    ladder = _ladder(policy, risk)
    metrics = rules.rate_metrics(context, policy)
    plan_budget = rules.budget(policy, stages=len(ladder), metrics=len(metrics))
    inputs = replace(_inputs(context, policy, risk), sizing_alpha=plan_budget.final_alpha)
    needs = [_required(step, inputs, policy) for step in ladder]
    planned_hours = [
        _user_duration(policy, i) or hours_needed for i, (_, hours_needed) in enumerate(needs, 1)
    ]
    windows = schedule_stages(
        start,
        planned_hours,
        calendar,
        min_hours=policy.calendar.min_stage_hours,
        round_to_days=policy.calendar.round_to_days,
    )
    stages: list[Stage] = []
    traffic: list[rules.StageTraffic] = []
    for number, (step, (needed, _), planned, (begin, end)) in enumerate(
        zip(ladder, needs, planned_hours, windows, strict=True), 1
    ):
        seen = _seen(step, begin, end, inputs, policy)
        judged = rules.StageTraffic(number, step.purpose, seen.expected, needed)
        judged.decisions = [rules.build_decision(m, judged, plan_budget) for m in metrics]
        traffic.append(judged)
        # The chance to catch the rollback threshold is the boundary's, not a fixed test's.
        caught = rules.error_boundary_power(judged.decisions, inputs.rollback_rate)
        seen = seen if caught is None else _Seen(seen.expected, seen.detectable, caught)
        actual_h = (end.timestamp() - begin.timestamp()) / 3600
        notes = _notes(
            step,
            seen,
            inputs,
            power=policy.statistics.power,
            required_h=planned,
            actual_h=actual_h,
        )
        if _user_duration(policy, number) is not None:
            notes.insert(0, f"Duration set by the team in rollout.yaml: {hours(planned)}.")
        stages.append(
            Stage(
                number=number,
                traffic_percent=step.traffic_percent,
                duration_hours=round(actual_h, 2),
                required_hours=round(needs[number - 1][1], 2),
                audience=_audience(step, context),
                purpose=step.purpose,
                purpose_text=_purpose_text(step.purpose, needed, inputs),
                start=begin,
                end=end,
                success_criteria=_stage_criteria(step, seen.expected, inputs, criteria, policy),
                expected_transactions=seen.expected,
                required_transactions=needed,
                detectable_error_rate=_round(seen.detectable),
                power_at_rollback_threshold=_round(seen.power),
                sequential_boundaries=(
                    rules.as_sequential_table(judged.decisions[0]) if judged.decisions else []
                ),
                decisions=judged.decisions,
                notes=notes,
            )
        )
    design = StageDesign(
        stages=stages,
        statistics=_settings(inputs, policy),
        summary=rules.summarize(traffic, plan_budget, policy),
    )
    _explain(design, inputs, policy, context)
    return design


def _settings(inputs: _Inputs, policy: Policy) -> StatisticsSettings:
    return StatisticsSettings(
        alpha=policy.statistics.alpha,
        power=policy.statistics.power,
        baseline_error_rate=inputs.p0,
        rollback_error_rate=_round(inputs.rollback_rate),
        smoke_error_rate=_round(inputs.smoke_rate),
        parity_error_rate=_round(inputs.parity_rate),
        revenue_cv=policy.statistics.revenue_cv,
        revenue_transactions=inputs.revenue_n,
    )


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def _purpose_text(purpose: Purpose, needed: int, inputs: _Inputs) -> str:
    text = _PURPOSE_TEXT[purpose]
    target = _target_rate(purpose, inputs)
    if target is None or inputs.p0 is None or needed == 0:
        return text + "."
    return f"{text} ({pct(inputs.p0)} -> {pct(target)}): needs about {count(needed)} transactions."


def _explain(design: StageDesign, inputs: _Inputs, policy: Policy, context: RolloutContext) -> None:
    """Warnings where a stage cannot see what its gate claims, and the assumptions made."""
    stages = design.stages
    if inputs.p0 is None:
        design.warnings.append(
            "Baseline error rate missing: stage durations fall back to the policy minimum "
            f"({hours(policy.calendar.min_stage_hours)}) and no stage can say what it detects."
        )
    if inputs.daily is None:
        design.warnings.append(
            "Daily transaction volume missing: stages cannot be sized by traffic; "
            "expected transactions are unknown."
        )
    if inputs.p0 is not None and inputs.rollback_rate is None:
        design.warnings.append(stage_limits.no_room_warning(inputs.p0, policy))
    if inputs.p0 is None or inputs.rollback_rate is None or inputs.daily is None:
        return
    blind = [
        s
        for s in stages
        if s.purpose != "full_rollout"
        and s.power_at_rollback_threshold is not None
        and s.power_at_rollback_threshold < policy.statistics.power
    ]
    sighted = next(
        (
            s
            for s in stages
            if s.power_at_rollback_threshold is not None
            and s.power_at_rollback_threshold >= policy.statistics.power
        ),
        None,
    )
    for stage in blind:
        owner = (
            f"; the {pct(inputs.rollback_rate)} decision rests on stage {sighted.number} "
            f"({count(sighted.expected_transactions)} transactions, "
            f"{chance(sighted.power_at_rollback_threshold or 0)} power)"
            if sighted is not None
            else ""
        )
        detect = (
            f"; it catches {pct(stage.detectable_error_rate, 1)} or worse"
            if stage.detectable_error_rate is not None
            else ""
        )
        design.warnings.append(
            f"Stage {stage.number} ({stage.traffic_percent:g}%, about "
            f"{count(stage.expected_transactions)} transactions) cannot reliably see the "
            f"{pct(inputs.rollback_rate)} rollback threshold: "
            f"{chance(stage.power_at_rollback_threshold or 0)} chance to catch a "
            f"{policy.tolerances.rollback_error_multiplier:g}x regression{detect}{owner}."
        )
    _explain_parity(design, inputs, policy)
    _explain_revenue(design, inputs, policy)
    _explain_user_overrides(design, policy)
    design.warnings += stage_limits.capped_warnings(design.stages, policy)
    if any(s.audience.startswith("Internal") for s in stages):
        design.assumptions.append(
            "Internal staff traffic can fill the first stage's share; otherwise it is "
            "topped up with a random sample."
        )
    if context.baseline.daily_transactions is None and context.feature.daily_volume is not None:
        design.assumptions.append(
            "Daily volume taken from the feature description: the baseline does not state it."
        )
    design.assumptions.append(
        "Traffic is spread over the day as in the baseline; expected transactions are "
        "daily volume x traffic share x days."
    )


def _explain_parity(design: StageDesign, inputs: _Inputs, policy: Policy) -> None:
    assert inputs.p0 is not None and inputs.parity_rate is not None
    needed = stats.stage_sample_size(
        inputs.p0, inputs.parity_rate, alpha=policy.statistics.alpha, power=policy.statistics.power
    )
    confirming = [
        s.number
        for s in design.stages
        if s.purpose != "full_rollout" and s.expected_transactions >= needed
    ]
    tol = policy.tolerances.error_rate_points
    if confirming:
        design.warnings.append(
            f"Error-rate parity (within {points(tol)}) needs about {count(needed)} "
            f"transactions; only stage(s) {', '.join(map(str, confirming))} see that many. "
            "Earlier gates rule out larger regressions only."
        )
    else:
        design.warnings.append(
            f"No canary stage sees the {count(needed)} transactions needed to confirm "
            f"error-rate parity within {points(tol)}; parity rests on the 100% bake."
        )


def _explain_revenue(design: StageDesign, inputs: _Inputs, policy: Policy) -> None:
    if inputs.revenue_n is None:
        return
    first = next(
        (
            s
            for s in design.stages
            if s.traffic_percent < 100 and s.expected_transactions >= inputs.revenue_n
        ),
        None,
    )
    drop = pct(policy.tolerances.revenue_drop)
    cv = policy.statistics.revenue_cv
    if first is None:
        design.warnings.append(
            f"No canary stage sees the {count(inputs.revenue_n)} transactions needed to "
            f"detect a {drop} revenue drop against control (CV {cv:g} assumed)."
        )
    else:
        design.assumptions.append(
            f"Revenue vs control: a {drop} drop needs about {count(inputs.revenue_n)} "
            f"transactions per arm (coefficient of variation {cv:g} assumed); "
            f"measurable from stage {first.number}."
        )


def _explain_user_overrides(design: StageDesign, policy: Policy) -> None:
    for stage in design.stages:
        if _user_duration(policy, stage.number) is None or stage.required_transactions == 0:
            continue
        if stage.expected_transactions < stage.required_transactions:
            design.warnings.append(
                f"Stage {stage.number} was shortened in rollout.yaml: it sees about "
                f"{count(stage.expected_transactions)} of the {count(stage.required_transactions)}"
                " transactions its purpose needs."
            )
