"""What a bad stage costs before it is stopped, at the peak rate, for every stage.

Two failures bound the cost. A total failure (every transaction fails) is stopped
by the error-rate boundary's first checkpoint: its ``k`` errors arrive with the
first ``k`` transactions, then the rollback takes the procedure's minutes. A
silent failure (a wrong amount, noticed only at reconciliation) is exposed for
the whole stage.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rollout_manager.formatting import count, minutes, money, number

if TYPE_CHECKING:
    from rollout_manager.model import RolloutContext, Stage
    from rollout_manager.planning.policy import Policy


def _after(minutes_: float) -> str:
    return f"{max(round(minutes_ * 60), 1)} s" if minutes_ < 1 else minutes(minutes_)


def _money(n: float, context: RolloutContext) -> str:
    avg = context.baseline.avg_transaction_value
    return f", {money(n * avg.value, context.baseline.currency)}" if avg is not None else ""


def _value(n: float, context: RolloutContext) -> str:
    avg = context.baseline.avg_transaction_value
    if avg is None:
        return ""
    return f" ({money(n * avg.value, context.baseline.currency)})"


@dataclass(frozen=True)
class StageExposure:
    """One stage's exposure: total failure at the peak rate, and silent failure."""

    first_error_minutes: float
    boundary_minutes: float
    boundary_errors: int
    total_transactions: float
    silent_transactions: int


def stage_exposure(
    context: RolloutContext, stage: Stage, recovery: float, policy: Policy
) -> StageExposure | None:
    """Return a stage's exposure, or None without traffic or an error-rate boundary."""
    daily_fact = context.baseline.daily_transactions or context.feature.daily_volume
    error = next((d for d in stage.decisions if d.metric == "error_rate"), None)
    if daily_fact is None or error is None or not error.rollback_boundary:
        return None
    per_minute = daily_fact.value * policy.statistics.peak_factor / 1440 * stage.traffic_percent
    per_minute /= 100
    if per_minute <= 0:
        return None
    k = error.rollback_boundary[0].k
    return StageExposure(
        first_error_minutes=1 / per_minute,
        boundary_minutes=k / per_minute,
        boundary_errors=k,
        total_transactions=k + per_minute * recovery,
        silent_transactions=stage.expected_transactions,
    )


def exposure_note(
    context: RolloutContext, stage: Stage, recovery: float, policy: Policy
) -> str | None:
    """Return the stage note: total and silent failure exposure at this stage."""
    seen = stage_exposure(context, stage, recovery, policy)
    if seen is None:
        return None
    return (
        f"Exposure at the peak rate ({number(policy.statistics.peak_factor)}x the daily average, "
        f"assumed): a total failure shows its first error after "
        f"{_after(seen.first_error_minutes)} and reaches the boundary ({seen.boundary_errors} "
        f"errors) after {_after(seen.boundary_minutes)}; with about {minutes(recovery)} to roll "
        f"back, about {count(seen.total_transactions)} transactions"
        f"{_value(seen.total_transactions, context)} are exposed. A silent failure (seen only "
        f"at reconciliation) runs the whole stage: {count(seen.silent_transactions)} "
        f"transactions{_value(seen.silent_transactions, context)}."
    )


def worst_case_exposure(
    context: RolloutContext, stages: list[Stage], recovery: float, policy: Policy
) -> str:
    """Word the headline: total failure at the first, last canary and 100% stages.

    Silent failure at the largest stage; every stage's figures are in its notes.
    """
    seen = [(s, stage_exposure(context, s, recovery, policy)) for s in stages]
    known = [(s, e) for s, e in seen if e is not None]
    if not known:
        if context.baseline.daily_transactions or context.feature.daily_volume:
            return "No error-rate boundary: a total failure is stopped only by a person."
        return "Unknown: the documents do not state daily volume."
    picked = [known[0]] if len(known) == 1 else [known[0], known[-1]]
    parts = []
    for index, (stage, seen_) in enumerate(picked):
        noun = " transactions" if index == 0 else ""
        parts.append(
            f"{_after(seen_.boundary_minutes)} at stage {stage.number} "
            f"({count(seen_.total_transactions)}{noun}{_money(seen_.total_transactions, context)})"
        )
    largest, most = max(known, key=lambda pair: pair[1].silent_transactions)
    avg = context.baseline.avg_transaction_value
    silent_money = (
        f" ({money(most.silent_transactions * avg.value, context.baseline.currency)})"
        if avg is not None
        else ""
    )
    return (
        f"A total failure (peak rate, {number(policy.statistics.peak_factor)}x average "
        f"assumed) hits the error boundary in {', '.join(parts)}, then "
        f"{minutes(recovery)} to roll back; a silent failure runs a whole stage until "
        f"reconciliation: up to {count(most.silent_transactions)} transactions{silent_money} "
        f"at stage {largest.number}."
    )
