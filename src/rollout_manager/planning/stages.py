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
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rollout_manager.formatting import chance, count, hours, money, pct, round_rate
from rollout_manager.model import (
    ALL_TRAFFIC_PERCENT,
    Criteria,
    DecisionSummary,
    Purpose,
    RiskAssessment,
    RolloutContext,
    Stage,
    StatisticsSettings,
)
from rollout_manager.model import Threshold as _Threshold
from rollout_manager.planning import bounded_stats
from rollout_manager.planning import decisions as rules
from rollout_manager.planning.stage_notes import explain_stages
from rollout_manager.planning.stage_sizing import (
    Sizing,
    SizingInputs,
    size_stages,
    stage_windows,
    target_rate,
    user_duration,
)

if TYPE_CHECKING:
    from datetime import datetime

    from rollout_manager.planning.policy import LadderStep, Policy
    from rollout_manager.planning.schedule import GateCalendar

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
    step: LadderStep, expected: int, inputs: SizingInputs, criteria: Criteria, policy: Policy
) -> list[_Threshold]:
    chosen = [c for c in criteria.success if c.metric in ("error_rate", "p95_latency_ms")]
    # At 100% there is no control group: only absolute criteria apply.
    if step.purpose not in ("smoke_test", "full_rollout"):
        chosen += [c for c in criteria.success if c.metric == "support_tickets_vs_control"]
    if (
        inputs.revenue_n is not None
        and expected >= inputs.revenue_n
        and step.traffic_percent < ALL_TRAFFIC_PERCENT
    ):
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
    step: LadderStep, start: datetime, end: datetime, inputs: SizingInputs, policy: Policy
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
    inputs: SizingInputs,
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


def design_stages(
    context: RolloutContext,
    policy: Policy,
    risk: RiskAssessment,
    criteria: Criteria,
    *,
    calendar: GateCalendar,
    start: datetime,
    sizing: Sizing | None = None,
) -> StageDesign:
    """Design the traffic ladder with durations, dates, detection power and SPRT tables.

    ``sizing`` is `size_stages` for these arguments, when the caller already has it.
    """
    sizing = sizing or size_stages(context, policy, risk)
    ladder, inputs, needs = sizing.ladder, sizing.inputs, sizing.needs
    windows = stage_windows(sizing, policy, calendar, start)
    stages: list[Stage] = []
    traffic: list[rules.StageTraffic] = []
    for number, (step, (needed, _), planned, (begin, end)) in enumerate(
        zip(ladder, needs, sizing.planned_hours, windows, strict=True), 1
    ):
        seen = _seen(step, begin, end, inputs, policy)
        judged = rules.StageTraffic(number, step.purpose, seen.expected, needed)
        judged.decisions = [rules.build_decision(m, judged, sizing.budget) for m in sizing.metrics]
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
        if user_duration(policy, number) is not None:
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
        summary=rules.summarize(traffic, sizing.budget, policy),
    )
    told = explain_stages(stages, inputs, policy, context)
    design.warnings += told.warnings
    design.assumptions += told.assumptions
    return design


def _settings(inputs: SizingInputs, policy: Policy) -> StatisticsSettings:
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
    return None if value is None else round_rate(value)


def _purpose_text(purpose: Purpose, needed: int, inputs: SizingInputs) -> str:
    text = _PURPOSE_TEXT[purpose]
    target = target_rate(purpose, inputs)
    if target is None or inputs.p0 is None or needed == 0:
        return text + "."
    return f"{text} ({pct(inputs.p0)} -> {pct(target)}): needs about {count(needed)} transactions."
