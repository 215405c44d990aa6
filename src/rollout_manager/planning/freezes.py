"""Freezes: periods in which no stage starts or passes its gate, and the named events behind them.

`event_freezes` turns the event slugs the document reader emits (Black Friday,
month-end close, ...) into dated `Freeze` periods; business days are Monday to
Friday less US federal holidays. Holidays come from the table in
:mod:`rollout_manager.planning.us_holidays`; the ``holidays`` library (which
loads every country on first use) is imported only for a year outside it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cache
from typing import TYPE_CHECKING

from rollout_manager.planning.us_holidays import federal_holidays

if TYPE_CHECKING:
    from collections.abc import Iterable, Iterator
    from zoneinfo import ZoneInfo

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


def format_local(moment: datetime, tz: ZoneInfo) -> str:
    """``Tue 2026-12-01 09:00 EST``: weekday, date, time and the zone's abbreviation then."""
    local = moment.astimezone(tz)
    return f"{_clock(local)} {local.tzname()}"


def _clock(local: datetime) -> str:
    return f"{_WEEKDAY_NAMES[local.weekday()]} {local:%Y-%m-%d %H:%M}"


def require_aware(moment: datetime, what: str) -> None:
    """Refuse a naive ``moment`` (``what`` names it in the error)."""
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
        require_aware(self.start, f"freeze {self.name!r} start")
        require_aware(self.end, f"freeze {self.name!r} end")
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
    return frozenset(federal_holidays(year))


def is_us_holiday(day: date) -> bool:
    """Whether ``day`` is a US federal holiday (observed days included)."""
    return day in _us_holidays(day.year)


_SATURDAY = 5  # `date.weekday()`: Monday is 0, the weekend starts at 5
_DECEMBER = 12


def _is_business_day(day: date) -> bool:
    return day.weekday() < _SATURDAY and not is_us_holiday(day)


@cache
def thanksgiving(year: int) -> date:
    """US Thanksgiving of ``year`` as the holidays library defines it."""
    (day,) = (d for d, name in federal_holidays(year).items() if "thanksgiving" in name.lower())
    return day


def _midnight(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, time(0), tzinfo=tz)


def _business_days(first: date, step: int) -> Iterator[date]:
    day = first
    while True:
        if _is_business_day(day):
            yield day
        day += timedelta(days=step)


def _close_freeze(year: int, month: int, tz: ZoneInfo, *, quarterly: bool) -> Freeze:
    """Last two business days of a month and the first business day of the next."""
    following = date(year + 1, 1, 1) if month == _DECEMBER else date(year, month + 1, 1)
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
        return [_close_freeze(year, month, tz, quarterly=False) for month in range(1, 13)]
    if event == "quarter_end_close":
        return [_close_freeze(year, month, tz, quarterly=True) for month in (3, 6, 9, 12)]
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
