"""What the team must know about a stage design.

Stages that cannot see their threshold, and the assumptions the sizing made.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rollout_manager.formatting import chance, count, hours, pct, points
from rollout_manager.model import ALL_TRAFFIC_PERCENT
from rollout_manager.planning import stage_limits, stats
from rollout_manager.planning.stage_sizing import SizingInputs, user_duration

if TYPE_CHECKING:
    from rollout_manager.model import RolloutContext, Stage
    from rollout_manager.planning.policy import Policy


@dataclass
class StageNotes:
    """Warnings and assumptions, in the order the plan states them."""

    warnings: list[str] = field(default_factory=list)
    assumptions: list[str] = field(default_factory=list)


def explain_stages(
    stages: list[Stage], inputs: SizingInputs, policy: Policy, context: RolloutContext
) -> StageNotes:
    """Warnings where a stage cannot see what its gate claims, and the assumptions made."""
    design = StageNotes()
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
        return design
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
    _explain_parity(design, stages, inputs, policy)
    _explain_revenue(design, stages, inputs, policy)
    _explain_user_overrides(design, stages, policy)
    design.warnings += stage_limits.capped_warnings(stages, policy)
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
    return design


def _explain_parity(
    design: StageNotes, stages: list[Stage], inputs: SizingInputs, policy: Policy
) -> None:
    if inputs.p0 is None or inputs.parity_rate is None:
        raise RuntimeError("a parity note needs the baseline and the parity rate")
    needed = stats.stage_sample_size(
        inputs.p0, inputs.parity_rate, alpha=policy.statistics.alpha, power=policy.statistics.power
    )
    confirming = [
        s.number
        for s in stages
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


def _explain_revenue(
    design: StageNotes, stages: list[Stage], inputs: SizingInputs, policy: Policy
) -> None:
    if inputs.revenue_n is None:
        return
    first = next(
        (
            s
            for s in stages
            if s.traffic_percent < ALL_TRAFFIC_PERCENT
            and s.expected_transactions >= inputs.revenue_n
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


def _explain_user_overrides(design: StageNotes, stages: list[Stage], policy: Policy) -> None:
    for stage in stages:
        if user_duration(policy, stage.number) is None or stage.required_transactions == 0:
            continue
        if stage.expected_transactions < stage.required_transactions:
            design.warnings.append(
                f"Stage {stage.number} was shortened in rollout.yaml: it sees about "
                f"{count(stage.expected_transactions)} of the {count(stage.required_transactions)}"
                " transactions its purpose needs."
            )
