"""Cohorts: what a stage's audience can and cannot show.

A stage whose audience is not a random sample (staff accounts, low-value
transactions) cannot speak for the traffic it leaves out, and its error rate
has no baseline of its own: the plan says so on the stage and, when the stage
carries a decision, up front. The internal stage is sized from the team's staff
count when `rollout.yaml` gives one (`cohorts.staff_count`); otherwise the plan
warns that staff traffic rarely fills the stage's share and that a random
sample of customers tops it up.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rollout_manager.formatting import count, money, pct
from rollout_manager.planning.policy import LadderStep, Policy, StageAdjustment

if TYPE_CHECKING:
    from rollout_manager.model import RolloutContext, Stage

_STAFF_NOTE_START = "Assumes staff traffic reaches"


def _daily(context: RolloutContext) -> float | None:
    fact = context.baseline.daily_transactions or context.feature.daily_volume
    return fact.value if fact is not None and fact.value > 0 else None


def staff_daily(policy: Policy) -> float | None:
    """Transactions the team's staff accounts make a day, when rollout.yaml counts them."""
    cohorts = policy.cohorts
    if cohorts.staff_count is None:
        return None
    return cohorts.staff_count * cohorts.staff_daily_per_person


def size_internal_stage(
    context: RolloutContext, policy: Policy, ladder: list[LadderStep]
) -> Policy | None:
    """Give the policy with the internal stage at the staff's share of traffic, when smaller.

    None when there is nothing to change: no staff count, no internal stage, no daily
    volume, the team set that stage's traffic already, or the staff fill the share.
    """
    staff, daily = staff_daily(policy), _daily(context)
    number = next((i for i, s in enumerate(ladder, 1) if s.audience == "internal"), None)
    if staff is None or daily is None or number is None:
        return None
    if any(a.stage == number and a.traffic_percent is not None for a in policy.stages):
        return None
    percent = round(staff / daily * 100, 2)
    if percent >= ladder[number - 1].traffic_percent or percent <= 0:
        return None
    adjustment = StageAdjustment(stage=number, traffic_percent=percent)
    return policy.model_copy(update={"stages": [*policy.stages, adjustment]})


@dataclass
class CohortReview:
    """Stages with their cohort notes, and what the summary must say before sign-off."""

    stages: list[Stage]
    up_front: list[str] = field(default_factory=list)
    brief: list[str] = field(default_factory=list)
    """`up_front` in a line each, for the executive summary."""


def _internal(stage: Stage, context: RolloutContext, policy: Policy, review: CohortReview) -> Stage:
    staff, daily = staff_daily(policy), _daily(context)
    notes = [n for n in stage.notes if not n.startswith(_STAFF_NOTE_START)]
    if staff is not None and daily is not None:
        cohorts = policy.cohorts
        notes.append(
            f"Sized from the staff count in rollout.yaml: {count(cohorts.staff_count)} accounts "
            f"x {cohorts.staff_daily_per_person:g} a day = about {count(staff)} transactions "
            f"a day ({pct(staff / daily)} of {count(daily)})."
        )
        return stage.model_copy(update={"notes": notes})
    if daily is not None:
        wanted = daily * stage.traffic_percent / 100
        review.up_front.append(
            f"Stage {stage.number} is meant for staff accounts at "
            f"{pct(stage.traffic_percent / 100)} of traffic, about {count(wanted)} transactions "
            "a day: staff rarely make that many. "
            "The plan tops the stage up with a random sample of customers to reach its share, "
            "so it is not staff-only; set `cohorts: {staff_count: N}` in rollout.yaml to size "
            "it from your staff instead."
        )
        review.brief.append(
            f"Stage {stage.number} needs ~{count(wanted)} staff transactions a day; "
            "customers top it up."
        )
    return stage


def _low_value(
    stage: Stage, context: RolloutContext, decider: Stage | None, review: CohortReview
) -> Stage:
    avg = context.baseline.avg_transaction_value
    below = f"below the {money(avg.value, context.baseline.currency)} average" if avg else "small"
    short = (
        f"below-{money(avg.value, context.baseline.currency)} transactions"
        if avg
        else "small transactions"
    )
    base = context.baseline.error_rate
    overall = f" overall {pct(base.value)}" if base else " overall baseline"
    note = (
        f"Not a random sample: only transactions {below}. It cannot show how larger "
        "transactions (and the flows they take, such as extra authentication) fare on the new "
        f"path, and its error rate has no baseline of its own: compare it with a matched "
        f"control, transactions {below} on the previous path over the same hours, not with the"
        f"{overall}."
    )
    if decider is stage:
        review.up_front.append(
            f"Stage {stage.number} ({pct(stage.traffic_percent / 100)}) is the first stage that "
            "can see the automatic rollback threshold, but its audience is not a random sample "
            f"(transactions {below}): judge it against a matched control of the same "
            "transactions on the previous path, and let the next randomly sampled stage confirm "
            "before traffic grows."
        )
        review.brief.append(
            f"Stage {stage.number} ({short} only) decides the rollback: use a matched control."
        )
    return stage.model_copy(update={"notes": [*stage.notes, note]})


def review_cohorts(
    stages: list[Stage],
    ladder: list[LadderStep],
    context: RolloutContext,
    policy: Policy,
) -> CohortReview:
    """Stage notes for every non-random audience, and the up-front warnings they need."""
    review = CohortReview(stages=[])
    power = policy.statistics.power
    decider = next(
        (
            s
            for s in stages
            if s.power_at_rollback_threshold is not None and s.power_at_rollback_threshold >= power
        ),
        None,
    )
    for stage, step in zip(stages, ladder, strict=False):
        if step.audience == "internal":
            reviewed = _internal(stage, context, policy, review)
        elif step.audience == "low_value":
            reviewed = _low_value(stage, context, decider, review)
        else:
            reviewed = stage
        review.stages.append(reviewed)
    return review
