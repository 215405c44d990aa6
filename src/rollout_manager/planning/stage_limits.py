"""The limits that keep every stage a real plan, however odd its numbers (issue 17, item 12).

A trickle of traffic would need years per stage (or more days than a calendar
holds), and a baseline error rate near 100% leaves no room for a regression
above it. Stages are capped at `LONGEST_STAGE_HOURS` and gate targets at
`HIGHEST_TARGET`, and the plan says so in a warning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rollout_manager.formatting import count, hours, pct

if TYPE_CHECKING:
    from rollout_manager.model import Stage
    from rollout_manager.planning.policy import Policy

LONGEST_STAGE_HOURS = 24 * 90
"""No stage is planned longer than 90 days, however little traffic it sees."""
HIGHEST_TARGET = 0.99
"""No gate is sized for an error rate above this: at 99% nearly every request fails."""


def worse_rate(p0: float, rate: float) -> float | None:
    """Give the rate a gate watches for, capped at 99%; None if that leaves no room above ``p0``."""
    target = min(rate, HIGHEST_TARGET)
    return target if target > p0 else None


def capped_warnings(stages: list[Stage], policy: Policy) -> list[str]:
    """Return a warning per stage cut to the longest stage before it saw what its purpose needs."""
    user_set = {change.stage for change in policy.stages if change.duration_hours is not None}
    return [
        f"Stage {stage.number} ({stage.traffic_percent:g}%) would need more than "
        f"{hours(LONGEST_STAGE_HOURS)} to see the {count(stage.required_transactions)} "
        f"transactions its purpose needs; it is planned for the longest stage, "
        f"{hours(LONGEST_STAGE_HOURS)}, and sees about {count(stage.expected_transactions)}."
        for stage in stages
        if stage.number not in user_set
        and stage.required_transactions > 0
        and stage.required_hours >= LONGEST_STAGE_HOURS
        and stage.expected_transactions < stage.required_transactions
    ]


def no_room_warning(p0: float, policy: Policy) -> str:
    """Why no stage is sized by error rate when the baseline leaves no room for a regression."""
    return (
        f"Baseline error rate {pct(p0)}: a {policy.tolerances.rollback_error_multiplier:g}x "
        f"regression has no room below {pct(HIGHEST_TARGET, 0)}, so stages are not sized by "
        "error rate; fix the service or the figure before rolling out."
    )
