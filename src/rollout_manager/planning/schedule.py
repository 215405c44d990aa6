"""The rollout calendar: when a stage may start or pass its gate.

A gate opens only on a gate weekday that is not a US federal holiday, inside
the daily gate hours, outside every peak window (each local to its own time
zone) and outside every freeze (half-open ``[start, end)``). Stage durations
come from :mod:`rollout_manager.planning.stats`; this module turns them into dates.

All datetimes are time-zone aware. ``holidays`` (about 80 ms to import and
first use, most of it loading every country module) is imported on the first
holiday lookup, not with this module.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from functools import cache
from zoneinfo import ZoneInfo

from rollout_manager.planning.zones import resolve_timezone

# Spelled out: strftime("%a") and ("%B") follow the process locale.
_WEEKDAY_NAMES = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTH_NAMES = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
_SEARCH_LIMIT = timedelta(days=366)
_MIN_PROGRESS = timedelta(minutes=15)

KNOWN_EVENTS: frozenset[str] = frozenset(
    {
        "black_friday_weekend",
        "cyber_monday",
        "christmas",
        "new_year",
        "month_end_close",
        "quarter_end_close",
        "year_end_close",
        "tax_day",
        "product_launch",
    }
)
"""Event slugs :func:`event_freezes` understands (the document reader emits these)."""

UNDATED_EVENTS: frozenset[str] = frozenset({"product_launch"})
"""Known events without a date of their own: they give no freeze; the caller notes them."""

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


def format_local(moment: datetime, tz: ZoneInfo) -> str:
    """``Tue 2026-12-01 09:00 EST``: weekday, date, time and the zone's abbreviation then."""
    local = moment.astimezone(tz)
    return f"{_clock(local)} {local.tzname()}"


def _clock(local: datetime) -> str:
    return f"{_WEEKDAY_NAMES[local.weekday()]} {local:%Y-%m-%d %H:%M}"


def _require_aware(moment: datetime, what: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{what} must be time-zone aware, got {moment.isoformat()}")


@dataclass(frozen=True)
class Freeze:
    """A period in which no stage may start or pass its gate: ``[start, end)``."""

    name: str
    start: datetime
    end: datetime
    reason: str
    seasonal: bool = False
    """From the policy's seasonal freezes (a HIGH-risk ramp bakes before it, or starts after)."""

    def __post_init__(self) -> None:
        _require_aware(self.start, f"freeze {self.name!r} start")
        _require_aware(self.end, f"freeze {self.name!r} end")
        if self.end <= self.start:
            raise ValueError(f"freeze {self.name!r} ends before it starts")

    def contains(self, moment: datetime) -> bool:
        """Whether ``moment`` falls inside the freeze (the end itself is outside)."""
        return self.start <= moment < self.end

    def describe(self) -> str:
        """``Black Friday weekend: Fri 2026-11-27 00:00 – Tue 2026-12-01 00:00 EST``.

        Shown in the zone of ``start``; the abbreviation is given once unless it
        changes within the freeze (a DST switch).
        """
        start = self.start
        end = self.end.astimezone(start.tzinfo)
        if start.tzname() == end.tzname():
            opening = _clock(start)
        else:
            opening = f"{_clock(start)} {start.tzname()}"
        return f"{self.name}: {opening} – {_clock(end)} {end.tzname()}"


@cache
def _us_holidays(year: int) -> frozenset[date]:
    """US federal holidays of ``year``, observed days included."""
    # Imported here: holidays loads every country module on first use (about 80 ms).
    from holidays.utils import country_holidays

    return frozenset(country_holidays("US", years=year).keys())


def _is_holiday(day: date) -> bool:
    return day in _us_holidays(day.year)


def _is_business_day(day: date) -> bool:
    return day.weekday() < 5 and not _is_holiday(day)


@cache
def thanksgiving(year: int) -> date:
    """US Thanksgiving of ``year`` as the holidays library defines it."""
    from holidays.utils import country_holidays

    (day,) = country_holidays("US", years=year).get_named("Thanksgiving")
    return day


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def _business_days(first: date, step: int) -> Iterator[date]:
    day = first
    while True:
        if _is_business_day(day):
            yield day
        day += timedelta(days=step)


def _close_freeze(year: int, month: int, quarterly: bool, tz: ZoneInfo) -> Freeze:
    """Last two business days of a month and the first business day of the next."""
    following = date(year + 1, 1, 1) if month == 12 else date(year, month + 1, 1)
    backwards = _business_days(following - timedelta(days=1), -1)
    next(backwards)
    second_last = next(backwards)
    first_next = next(_business_days(following, 1))
    period = f"Q{month // 3} {year}" if quarterly else f"{_MONTH_NAMES[month - 1]} {year}"
    kind = "quarter-end" if quarterly else "month-end"
    return Freeze(
        name=f"{kind.capitalize()} close {period}",
        start=_midnight(second_last, tz),
        end=_midnight(first_next + timedelta(days=1), tz),
        reason=f"finance {kind} close: last two business days and the first of the next",
    )


def _fixed_freeze(name: str, first: date, end: date, reason: str, tz: ZoneInfo) -> Freeze:
    return Freeze(name=name, start=_midnight(first, tz), end=_midnight(end, tz), reason=reason)


def _event_year_freezes(event: str, year: int, tz: ZoneInfo) -> list[Freeze]:
    if event in {"black_friday_weekend", "cyber_monday"}:
        day_of = thanksgiving(year)
        if event == "cyber_monday":
            monday = day_of + timedelta(days=4)
            return [
                _fixed_freeze(
                    "Cyber Monday", monday, monday + timedelta(days=1), "peak retail day", tz
                )
            ]
        return [
            _fixed_freeze(
                "Black Friday weekend",
                day_of + timedelta(days=1),
                day_of + timedelta(days=5),
                "peak retail traffic from Black Friday through Cyber Monday",
                tz,
            )
        ]
    fixed = {
        "christmas": ("Christmas", date(year, 12, 24), date(year, 12, 27), "holiday staffing"),
        "new_year": ("New Year", date(year, 12, 31), date(year + 1, 1, 2), "holiday staffing"),
        "year_end_close": (
            "Year-end close",
            date(year, 12, 15),
            date(year + 1, 1, 3),
            "finance year-end close",
        ),
        "tax_day": ("Tax Day", date(year, 4, 14), date(year, 4, 17), "US tax deadline peak"),
    }
    if event in fixed:
        name, first, end, reason = fixed[event]
        return [_fixed_freeze(name, first, end, reason, tz)]
    if event == "month_end_close":
        return [_close_freeze(year, month, False, tz) for month in range(1, 13)]
    if event == "quarter_end_close":
        return [_close_freeze(year, month, True, tz) for month in (3, 6, 9, 12)]
    return []  # product_launch: no known date


def event_freezes(events: Iterable[str], *, years: Iterable[int], tz: ZoneInfo) -> list[Freeze]:
    """Freezes for named calendar events, in ``tz``, for the occurrences that begin in ``years``.

    Slugs: ``black_friday_weekend`` (Friday after US Thanksgiving 00:00 to the
    Tuesday after, 00:00), ``cyber_monday``, ``christmas`` (Dec 24-26),
    ``new_year`` (Dec 31 to Jan 2 00:00), ``month_end_close`` and
    ``quarter_end_close`` (last two business days of the month or quarter and
    the first business day after, one freeze per month or quarter),
    ``year_end_close`` (Dec 15 to Jan 3 00:00), ``tax_day`` (April 14-16).
    Business days are Monday to Friday less US federal holidays.
    ``product_launch`` and unknown slugs give nothing. An occurrence belongs to
    the year it begins in, so pass the previous year too when the plan starts
    early in January.

    Returns:
        The freezes, sorted by start.
    """
    wanted = [event for event in dict.fromkeys(events) if event in KNOWN_EVENTS]
    freezes = [
        freeze
        for year in sorted(set(years))
        for event in wanted
        for freeze in _event_year_freezes(event, year, tz)
    ]
    return sorted(freezes, key=lambda freeze: (freeze.start, freeze.end, freeze.name))


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
        return day.weekday() in self.weekdays and not (self.skip_holidays and _is_holiday(day))

    def is_work_day(self, day: date) -> bool:
        """Whether people work on ``day``: a work weekday that is not a skipped holiday."""
        return day.weekday() in self.work_weekdays and not (self.skip_holidays and _is_holiday(day))

    def is_eve(self, day: date) -> bool:
        """Whether ``day`` is the last work day before a holiday or a freeze."""
        following = day + timedelta(days=1)
        for _ in range(7):
            if following.weekday() in self.work_weekdays:
                break
            following += timedelta(days=1)
        if self.skip_holidays and _is_holiday(following):
            return True
        opening = self._day_start(following)
        return any(
            f.contains(opening) and not f.contains(self._day_start(day)) for f in self.freezes
        )

    def business_days_before(self, moment: datetime, days: int) -> datetime:
        """The same clock time ``days`` work days before ``moment`` (weekends, holidays skipped)."""
        earlier = moment
        remaining = days
        while remaining > 0:
            earlier -= timedelta(days=1)
            if self.is_work_day(earlier.date()):
                remaining -= 1
        return earlier

    def next_work_day(self, after: date) -> date:
        """The first work day strictly after ``after``."""
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
        _require_aware(moment, "moment")
        return self._blocked_until(moment) is None

    def next_allowed(self, moment: datetime) -> datetime:
        """The earliest allowed moment at or after ``moment``.

        ``moment`` itself comes back unchanged when allowed. Otherwise the search
        jumps to the end of whatever blocks it (the next day's gate opening, the
        end of a peak window or a freeze) until nothing does; the answer is in
        the calendar's zone.

        Raises:
            ValueError: Nothing is allowed within 366 days.
        """
        _require_aware(moment, "moment")
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


def _stage_end(start: datetime, hours: float, tz: ZoneInfo, round_to_days: bool) -> datetime:
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
    _require_aware(start, "start")
    if not (math.isfinite(min_hours) and min_hours >= 0):
        raise ValueError(f"min_hours must be a non-negative number of hours, got {min_hours!r}")
    for hours in required_hours:
        if not (math.isfinite(hours) and hours >= 0):
            raise ValueError(f"stage durations must be non-negative hours, got {hours!r}")
    stages: list[tuple[datetime, datetime]] = []
    current = calendar.next_allowed(start).astimezone(calendar.tz)
    for hours in required_hours:
        end = _stage_end(current, max(hours, min_hours), calendar.tz, round_to_days)
        gate = calendar.next_allowed(end)
        stages.append((current, gate))
        current = gate
    return stages
