"""The calendar part of the rollout policy: gate hours and days, and the yearly freezes.

`SeasonalFreeze` dates are written `MM-DD` or relative to US Thanksgiving; the
planner resolves them against the plan's year (`planning.seasons`).
"""

from __future__ import annotations

from datetime import time
from typing import Annotated, Literal

from pydantic import Field, field_validator, model_validator

from rollout_manager.model import Level
from rollout_manager.planning.plain_text import PlainLine
from rollout_manager.planning.policy_rules import _Strict

Weekday = Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
FreezeCondition = Literal["always", "money", "revenue_critical", "money_or_revenue_critical"]
_DATE_RULE = r"^(\d{2}-\d{2}|thanksgiving([+-]\d{1,2})?)$"


class SeasonalFreeze(_Strict):
    """A freeze that comes back every year, for the risk levels it names."""

    name: PlainLine
    start: str = Field(pattern=_DATE_RULE)
    """First frozen day: `MM-DD`, or `thanksgiving+N` (days after US Thanksgiving)."""
    end: str = Field(pattern=_DATE_RULE)
    """Last frozen day, inclusive, in the same form (before `start`: the next year)."""
    risk_levels: list[Level]
    applies_when: FreezeCondition = "always"
    reason: PlainLine
    enabled: bool = True


class CalendarPolicy(_Strict):
    timezone: str
    gate_start: time
    gate_end: time
    gate_days: list[Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]] = Field(
        min_length=1, max_length=7
    )
    skip_holidays: bool
    min_stage_hours: float = Field(ge=0, le=24 * 30)
    round_to_days: bool
    bake_hours: float = Field(ge=0, le=24 * 90)
    lead_business_days: int = Field(default=3, ge=0, le=30)
    """Business days before the start that sign-off, briefings and alert test-fire need."""
    gate_days_by_risk: dict[Level, Annotated[list[Weekday], Field(min_length=1)]] = Field(
        default_factory=dict
    )
    """Gate days for a risk level, replacing `gate_days` (HIGH: Mon-Thu)."""
    no_gate_on_eve: list[Level] = Field(default_factory=list)
    """Risk levels that never pass a gate on the last business day before a holiday or freeze."""
    fit_before_freeze: list[Level] = Field(default_factory=list)
    """Risk levels whose ramp must bake before a seasonal freeze, else start after it."""
    seasonal_freezes: dict[str, SeasonalFreeze | None] = Field(default_factory=dict, max_length=50)
    """Yearly freezes by key; `null` or `enabled: false` in rollout.yaml removes one."""

    @field_validator("gate_days")
    @classmethod
    def _distinct_days(cls, days: list[str]) -> list[str]:
        if len(set(days)) != len(days):
            raise ValueError(f"names a day twice: {days}")
        return days

    @field_validator("gate_start", "gate_end", mode="before")
    @classmethod
    def _hhmm(cls, value: object) -> object:
        # YAML reads 09:00 as a string; 540 (sexagesimal) only from unquoted 9:00.
        if isinstance(value, int) and 0 <= value < 24 * 60:
            return time(value // 60, value % 60)
        return value

    @field_validator("gate_start", "gate_end")
    @classmethod
    def _local(cls, value: time) -> time:
        # A number of seconds or "09:00+02:00" parses with an offset; gates are local times.
        if value.tzinfo is not None:
            raise ValueError("must be a time of day like 09:00, without an offset")
        return value

    @model_validator(mode="after")
    def _gates_open_before_they_close(self) -> CalendarPolicy:
        if self.gate_start >= self.gate_end:
            raise ValueError(
                f"gate_start {self.gate_start:%H:%M} must be before gate_end {self.gate_end:%H:%M}"
            )
        return self
