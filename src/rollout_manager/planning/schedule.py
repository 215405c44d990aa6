"""The rollout calendar: when a stage may start or pass its gate.

A gate opens only on a gate weekday that is not a US federal holiday, inside
the daily gate hours, outside every peak window (each local to its own time
zone) and outside every freeze (half-open ``[start, end)``). Stage durations
come from :mod:`rollout_manager.planning.stats`; this module turns them into dates.

All datetimes are time-zone aware. Freezes, holidays and named events come from
:mod:`rollout_manager.planning.freezes` (re-exported here).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import TYPE_CHECKING

from rollout_manager.planning.freezes import (
    KNOWN_EVENTS,
    UNDATED_EVENTS,
    Freeze,
    event_freezes,
    format_local,
    is_us_holiday,
    require_aware,
    thanksgiving,
)
from rollout_manager.planning.zones import resolve_timezone

if TYPE_CHECKING:
    from collections.abc import Sequence
    from zoneinfo import ZoneInfo

_SEARCH_LIMIT = timedelta(days=366)
_MIN_PROGRESS = timedelta(minutes=15)

__all__ = [
    "KNOWN_EVENTS",
    "UNDATED_EVENTS",
    "Freeze",
    "GateCalendar",
    "event_freezes",
    "format_local",
    "resolve_timezone",
    "schedule_stages",
    "thanksgiving",
]


def _in_daily_window(clock: time, opens: time, closes: time) -> bool:
    if opens <= closes:
        return opens <= clock < closes
    return clock >= opens or clock < closes  # the window wraps past midnight


@dataclass(frozen=True)
class GateCalendar:
    """When a rollout stage may start or pass its gate.

    Attributes:
        tz: Zone of the gate hours and of the dates in the plan.
        gate_start: Daily opening of the gate, local to ``tz``.
        gate_end: Daily closing, exclusive (must be after ``gate_start``).
        weekdays: Gate days, Monday = 0 to Sunday = 6.
        peak_windows: ``(start, end, zone)`` daily windows, each local to its own
            zone and half-open; a window may wrap past midnight.
        freezes: Periods with no gates at all.
        skip_holidays: Whether US federal holidays are closed to gates.
        work_weekdays: Days people work (sign-off, briefings), Monday = 0.
        avoid_eves: Whether the last work day before a holiday or a freeze is closed to gates.
    """

    tz: ZoneInfo
    gate_start: time
    gate_end: time
    weekdays: frozenset[int]
    peak_windows: tuple[tuple[time, time, ZoneInfo], ...] = ()
    freezes: tuple[Freeze, ...] = ()
    skip_holidays: bool = True
    work_weekdays: frozenset[int] = frozenset(range(5))
    avoid_eves: bool = False

    def __post_init__(self) -> None:
        if not self.gate_start < self.gate_end:
            raise ValueError(
                f"gate hours must open before they close: {self.gate_start}-{self.gate_end}"
            )
        if not self.weekdays or not self.weekdays <= set(range(7)):
            raise ValueError(f"weekdays must be a non-empty set of 0-6, got {set(self.weekdays)}")
        for opens, closes, _zone in self.peak_windows:
            if opens == closes:
                raise ValueError(f"peak window {opens}-{closes} is empty")

    def is_business_day(self, day: date) -> bool:
        """Whether ``day`` is a gate weekday and not a skipped US federal holiday.

        Freezes and peak windows are not considered: they block hours, not days.
        """
        return day.weekday() in self.weekdays and not (self.skip_holidays and is_us_holiday(day))

    def is_work_day(self, day: date) -> bool:
        """Whether people work on ``day``: a work weekday that is not a skipped holiday."""
        return day.weekday() in self.work_weekdays and not (
            self.skip_holidays and is_us_holiday(day)
        )

    def is_eve(self, day: date) -> bool:
        """Whether ``day`` is the last work day before a holiday or a freeze."""
        following = day + timedelta(days=1)
        for _ in range(7):
            if following.weekday() in self.work_weekdays:
                break
            following += timedelta(days=1)
        if self.skip_holidays and is_us_holiday(following):
            return True
        opening = self._day_start(following)
        return any(
            f.contains(opening) and not f.contains(self._day_start(day)) for f in self.freezes
        )

    def business_days_before(self, moment: datetime, days: int) -> datetime:
        """Return the same clock time ``days`` work days before ``moment``.

        Weekends and holidays are skipped.
        """
        earlier = moment
        remaining = days
        while remaining > 0:
            earlier -= timedelta(days=1)
            if self.is_work_day(earlier.date()):
                remaining -= 1
        return earlier

    def next_work_day(self, after: date) -> date:
        """Return the first work day strictly after ``after``."""
        day = after + timedelta(days=1)
        while not self.is_work_day(day):
            day += timedelta(days=1)
        return day

    def _day_start(self, day: date) -> datetime:
        return datetime.combine(day, self.gate_start, tzinfo=self.tz)

    def _blocked_until(self, moment: datetime) -> datetime | None:
        """When the first thing blocking ``moment`` ends, or None if nothing blocks it."""
        local = moment.astimezone(self.tz)
        if not self.is_business_day(local.date()) or local.time() >= self.gate_end:
            return self._day_start(local.date() + timedelta(days=1))
        if local.time() < self.gate_start:
            return self._day_start(local.date())
        if self.avoid_eves and self.is_eve(local.date()):
            return self._day_start(local.date() + timedelta(days=1))
        for opens, closes, zone in self.peak_windows:
            there = moment.astimezone(zone)
            if _in_daily_window(there.time(), opens, closes):
                closing_day = there.date()
                if closes <= there.time():  # a wrapping window closes tomorrow
                    closing_day += timedelta(days=1)
                return datetime.combine(closing_day, closes, tzinfo=zone)
        for freeze in self.freezes:
            if freeze.contains(moment):
                return freeze.end
        return None

    def allows(self, moment: datetime) -> bool:
        """Whether a stage may start or pass its gate at ``moment``.

        True on a gate weekday that is not a skipped holiday, within the gate
        hours, outside every peak window (in that window's own zone) and outside
        every freeze.
        """
        require_aware(moment, "moment")
        return self._blocked_until(moment) is None

    def next_allowed(self, moment: datetime) -> datetime:
        """Return the earliest allowed moment at or after ``moment``.

        ``moment`` itself comes back unchanged when allowed. Otherwise the search
        jumps to the end of whatever blocks it (the next day's gate opening, the
        end of a peak window or a freeze) until nothing does; the answer is in
        the calendar's zone.

        Raises:
            ValueError: Nothing is allowed within 366 days.
        """
        require_aware(moment, "moment")
        limit = moment + _SEARCH_LIMIT
        candidate = moment
        while (blocked_until := self._blocked_until(candidate)) is not None:
            if blocked_until <= candidate:  # a wall-clock jump into a DST gap can land no later
                blocked_until = candidate + _MIN_PROGRESS
            candidate = blocked_until.astimezone(self.tz)
            if candidate > limit:
                raise ValueError(
                    f"no gate is allowed within 366 days of {format_local(moment, self.tz)}"
                )
        return candidate

    def next_business_day_start(self, after: date) -> datetime:
        """Gate opening on the first day after ``after`` that is open and outside every freeze.

        The first day strictly after ``after`` that is a gate day and whose gate
        opening lies outside every freeze; the default start of a rollout. If a
        peak window covers the opening, the start moves on to the window's end.

        Raises:
            ValueError: No such day within 366 days.
        """
        for offset in range(1, _SEARCH_LIMIT.days + 1):
            day = after + timedelta(days=offset)
            opening = self._day_start(day)
            if self.is_business_day(day) and not any(f.contains(opening) for f in self.freezes):
                return self.next_allowed(opening)
        raise ValueError(f"no open business day within 366 days after {after.isoformat()}")


def _stage_end(start: datetime, hours: float, tz: ZoneInfo, *, round_to_days: bool) -> datetime:
    if round_to_days:
        # Whole days in local wall time, so a 09:00 start ends at 09:00 across a DST change.
        wall = start.astimezone(tz) + timedelta(days=math.ceil(hours / 24))
        return wall.astimezone(UTC).astimezone(tz)
    return (start.astimezone(UTC) + timedelta(hours=hours)).astimezone(tz)


def schedule_stages(
    start: datetime,
    required_hours: Sequence[float],
    calendar: GateCalendar,
    *,
    min_hours: float = 24.0,
    round_to_days: bool = True,
) -> list[tuple[datetime, datetime]]:
    """Dates for consecutive stages: each gate is the next allowed moment after the stage ran.

    The first stage starts at ``calendar.next_allowed(start)``. Stage i runs
    ``max(required_hours[i], min_hours)`` hours, rounded up to whole days in
    local wall time when ``round_to_days`` (so the gate falls at the start's
    clock time, DST or not), otherwise in real elapsed hours; its gate, which
    is its end and the next stage's start, is the next allowed moment from
    there.

    Returns:
        ``(start, end)`` per stage, in the calendar's zone.

    Raises:
        ValueError: ``start`` is naive, a duration is negative or not finite, or
            no gate is allowed within 366 days.
    """
    require_aware(start, "start")
    if not (math.isfinite(min_hours) and min_hours >= 0):
        raise ValueError(f"min_hours must be a non-negative number of hours, got {min_hours!r}")
    for hours in required_hours:
        if not (math.isfinite(hours) and hours >= 0):
            raise ValueError(f"stage durations must be non-negative hours, got {hours!r}")
    stages: list[tuple[datetime, datetime]] = []
    current = calendar.next_allowed(start).astimezone(calendar.tz)
    for hours in required_hours:
        end = _stage_end(current, max(hours, min_hours), calendar.tz, round_to_days=round_to_days)
        gate = calendar.next_allowed(end)
        stages.append((current, gate))
        current = gate
    return stages
