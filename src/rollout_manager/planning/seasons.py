"""Seasonal freezes from the policy: each year's occurrence, for the risk levels named.

A rule's dates are `MM-DD` or `thanksgiving+N` (US Thanksgiving as the `holidays`
library dates it, plus N days); the end day is frozen too, and an end before the
start falls in the next year (Dec 15 - Jan 4).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from rollout_manager.planning.schedule import Freeze, thanksgiving

if TYPE_CHECKING:
    from collections.abc import Iterable
    from zoneinfo import ZoneInfo

    from rollout_manager.model import Level, RolloutContext
    from rollout_manager.planning.policy import Policy, SeasonalFreeze


def _day(rule: str, year: int) -> date:
    if rule.startswith("thanksgiving"):
        offset = rule.removeprefix("thanksgiving")
        return thanksgiving(year) + timedelta(days=int(offset or "0"))
    month, day_of_month = (int(part) for part in rule.split("-"))
    return date(year, month, day_of_month)


def _occurrence(key: str, rule: SeasonalFreeze, year: int, tz: ZoneInfo) -> Freeze:
    first = _day(rule.start, year)
    last = _day(rule.end, year)
    if last < first:
        last = _day(rule.end, year + 1)
    levels = "/".join(level.value for level in rule.risk_levels)
    return Freeze(
        name=rule.name,
        start=datetime.combine(first, time(0), tzinfo=tz),
        end=datetime.combine(last + timedelta(days=1), time(0), tzinfo=tz),
        reason=f"{rule.reason} (policy calendar.seasonal_freezes.{key}, {levels} risk)",
        seasonal=True,
    )


def _condition_holds(rule: SeasonalFreeze, context: RolloutContext) -> bool:
    feature = context.feature
    money = feature.moves_money is not None and feature.moves_money.value
    critical = feature.revenue_critical is not None and feature.revenue_critical.value
    return {
        "always": True,
        "money": money,
        "revenue_critical": critical,
        "money_or_revenue_critical": money or critical,
    }[rule.applies_when]


def seasonal_freezes(
    context: RolloutContext, policy: Policy, *, risk: Level, years: Iterable[int], tz: ZoneInfo
) -> list[Freeze]:
    """List the policy's seasonal freezes that apply to this change at this risk level, by start."""
    rules = [
        (key, rule)
        for key, rule in policy.active_seasonal_freezes().items()
        if risk in rule.risk_levels and _condition_holds(rule, context)
    ]
    freezes = [
        _occurrence(key, rule, year, tz) for year in sorted(set(years)) for key, rule in rules
    ]
    return sorted(freezes, key=lambda freeze: (freeze.start, freeze.name))
