"""The rollout calendar, against dates read off a real 2026 calendar.

Facts used (checked by hand): 2026-11-01 is a Sunday and the day US daylight
saving time ends; Thanksgiving is Thu 2026-11-26; Christmas is Fri 2026-12-25;
2027-01-01 is a Friday.
"""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from rollout_manager.planning.schedule import (
    KNOWN_EVENTS,
    UNDATED_EVENTS,
    Freeze,
    GateCalendar,
    event_freezes,
    format_local,
    resolve_timezone,
    schedule_stages,
)

NY = ZoneInfo("America/New_York")
CHICAGO = ZoneInfo("America/Chicago")
WEEKDAYS = frozenset(range(5))
HOUR = timedelta(hours=1)


def _ny(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    return datetime(year, month, day, hour, minute, tzinfo=NY)


def _calendar(
    events: tuple[str, ...] = ("black_friday_weekend", "cyber_monday", "christmas"),
    *,
    tz: ZoneInfo = NY,
    gate: tuple[time, time] = (time(9), time(17)),
    skip_holidays: bool = True,
) -> GateCalendar:
    """The seed's calendar: gates 09:00-17:00 Mon-Fri, no gate 11am-2pm New York."""
    return GateCalendar(
        tz=tz,
        gate_start=gate[0],
        gate_end=gate[1],
        weekdays=WEEKDAYS,
        peak_windows=((time(11), time(14), NY),),
        freezes=tuple(event_freezes(events, years=[2026, 2027], tz=tz)),
        skip_holidays=skip_holidays,
    )


def _only(events: str, year: int = 2026) -> Freeze:
    (freeze,) = event_freezes([events], years=[year], tz=NY)
    return freeze


# --- Time zones -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "zone"),
    [
        ("EST", "America/New_York"),
        ("EDT", "America/New_York"),
        ("ET", "America/New_York"),
        ("est", "America/New_York"),
        ("CST", "America/Chicago"),
        ("CT", "America/Chicago"),
        ("MST", "America/Denver"),
        ("MT", "America/Denver"),
        ("PST", "America/Los_Angeles"),
        ("PT", "America/Los_Angeles"),
        ("UTC", "UTC"),
        ("GMT", "UTC"),
        ("CET", "Europe/Berlin"),
        ("CEST", "Europe/Berlin"),
        ("BST", "Europe/London"),
        ("GMT+1", "Europe/London"),
        ("IST", "Asia/Kolkata"),
        ("JST", "Asia/Tokyo"),
        ("AEST", "Australia/Sydney"),
        ("Europe/Paris", "Europe/Paris"),
        (" america/new_york ", "America/New_York"),
    ],
)
def test_resolve_timezone(name: str, zone: str) -> None:
    assert resolve_timezone(name).key == zone


@pytest.mark.parametrize("name", ["Mars/Olympus", "XYZ", "", "America", "../etc/passwd"])
def test_unknown_time_zones_are_refused(name: str) -> None:
    with pytest.raises(ValueError, match="unknown time zone"):
        resolve_timezone(name)


def test_format_local_uses_the_zone_abbreviation_of_the_moment() -> None:
    assert format_local(datetime(2026, 12, 1, 14, tzinfo=UTC), NY) == "Tue 2026-12-01 09:00 EST"
    assert format_local(datetime(2026, 10, 30, 13, tzinfo=UTC), NY) == "Fri 2026-10-30 09:00 EDT"


# --- Event freezes ----------------------------------------------------------------------------


def test_black_friday_weekend_runs_from_friday_to_the_end_of_cyber_monday() -> None:
    freeze = _only("black_friday_weekend")
    assert (freeze.start, freeze.end) == (_ny(2026, 11, 27), _ny(2026, 12, 1))
    assert freeze.describe() == (
        "Black Friday weekend: Fri 2026-11-27 00:00 – Tue 2026-12-01 00:00 EST"
    )


def test_black_friday_follows_thanksgiving_in_other_years() -> None:
    # Thanksgiving 2027 is Thu 2027-11-25.
    freeze = _only("black_friday_weekend", 2027)
    assert (freeze.start, freeze.end) == (_ny(2027, 11, 26), _ny(2027, 11, 30))


@pytest.mark.parametrize(
    ("event", "start", "end"),
    [
        ("cyber_monday", _ny(2026, 11, 30), _ny(2026, 12, 1)),
        ("christmas", _ny(2026, 12, 24), _ny(2026, 12, 27)),
        ("new_year", _ny(2026, 12, 31), _ny(2027, 1, 2)),
        ("year_end_close", _ny(2026, 12, 15), _ny(2027, 1, 3)),
        ("tax_day", _ny(2026, 4, 14), _ny(2026, 4, 17)),
    ],
)
def test_fixed_event_freezes(event: str, start: datetime, end: datetime) -> None:
    freeze = _only(event)
    assert (freeze.start, freeze.end) == (start, end)


@pytest.mark.parametrize(
    ("month_name", "start", "end"),
    [
        # Wed 30, Thu 31; Jan 1 is a holiday, Jan 2-3 the weekend, so Mon Jan 4.
        ("December 2026", _ny(2026, 12, 30), _ny(2027, 1, 5)),
        # Thanksgiving Thu 26 is a holiday, 28-29 the weekend: Fri 27, Mon 30, then Tue Dec 1.
        ("November 2026", _ny(2026, 11, 27), _ny(2026, 12, 2)),
        # Thu 29, Fri 30 (31 is a Saturday), then Mon Nov 2.
        ("October 2026", _ny(2026, 10, 29), _ny(2026, 11, 3)),
    ],
)
def test_month_end_close(month_name: str, start: datetime, end: datetime) -> None:
    freezes = event_freezes(["month_end_close"], years=[2026], tz=NY)
    assert len(freezes) == 12
    (freeze,) = [f for f in freezes if f.name.endswith(month_name)]
    assert (freeze.start, freeze.end) == (start, end)


def test_december_month_end_close_covers_dec_30_31_and_jan_4() -> None:
    freeze = next(
        f
        for f in event_freezes(["month_end_close"], years=[2026], tz=NY)
        if f.name.endswith("December 2026")
    )
    for frozen in (_ny(2026, 12, 30, 9), _ny(2026, 12, 31, 16), _ny(2027, 1, 4, 23, 59)):
        assert freeze.contains(frozen)
    for open_moment in (_ny(2026, 12, 29, 23, 59), _ny(2027, 1, 5)):
        assert not freeze.contains(open_moment)


def test_describe_names_both_abbreviations_across_a_dst_change() -> None:
    october = next(
        f
        for f in event_freezes(["month_end_close"], years=[2026], tz=NY)
        if f.name.endswith("October 2026")
    )
    assert october.describe() == (
        "Month-end close October 2026: Thu 2026-10-29 00:00 EDT – Tue 2026-11-03 00:00 EST"
    )


def test_quarter_end_close_is_the_month_end_close_of_quarter_months() -> None:
    quarters = event_freezes(["quarter_end_close"], years=[2026], tz=NY)
    months = event_freezes(["month_end_close"], years=[2026], tz=NY)
    assert [(f.start, f.end) for f in quarters] == [
        (f.start, f.end) for f in months if f.start.month in {3, 6, 9, 12}
    ]


def test_undated_and_unknown_events_give_no_freeze() -> None:
    assert "product_launch" in KNOWN_EVENTS
    assert UNDATED_EVENTS <= KNOWN_EVENTS
    assert event_freezes(["product_launch", "solar_eclipse"], years=[2026], tz=NY) == []
    assert "solar_eclipse" not in KNOWN_EVENTS


def test_freezes_come_back_sorted_once_per_event() -> None:
    freezes = event_freezes(
        ["christmas", "black_friday_weekend", "christmas"], years=[2027, 2026], tz=NY
    )
    assert [f.start for f in freezes] == [
        _ny(2026, 11, 27),
        _ny(2026, 12, 24),
        _ny(2027, 11, 26),
        _ny(2027, 12, 24),
    ]


def test_freeze_is_half_open_and_needs_aware_times() -> None:
    freeze = Freeze("Test", _ny(2026, 12, 1), _ny(2026, 12, 2), "test")
    assert freeze.contains(_ny(2026, 12, 1))
    assert freeze.contains(datetime(2026, 12, 2, 4, 59, tzinfo=UTC))
    assert not freeze.contains(datetime(2026, 12, 2, 5, tzinfo=UTC))
    with pytest.raises(ValueError, match="time-zone aware"):
        Freeze("Naive", datetime(2026, 12, 1), _ny(2026, 12, 2), "test")  # noqa: DTZ001 - refused
    with pytest.raises(ValueError, match="ends before it starts"):
        Freeze("Backwards", _ny(2026, 12, 2), _ny(2026, 12, 1), "test")


# --- What the calendar allows -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "allowed"),
    [
        (_ny(2026, 12, 1, 9), True),
        (_ny(2026, 12, 1, 10, 59), True),
        (_ny(2026, 12, 1, 11), False),  # peak window
        (_ny(2026, 12, 1, 13, 59), False),
        (_ny(2026, 12, 1, 14), True),
        (_ny(2026, 12, 1, 16, 59), True),
        (_ny(2026, 12, 1, 17), False),  # gate closed
        (_ny(2026, 12, 1, 8, 59), False),
        (_ny(2026, 12, 5, 10), False),  # Saturday
        (_ny(2026, 11, 26, 10), False),  # Thanksgiving
        (_ny(2026, 11, 30, 10), False),  # Cyber Monday
        (_ny(2026, 12, 24, 10), False),  # Christmas freeze
        (datetime(2026, 12, 1, 15, tzinfo=UTC), True),  # 10:00 New York
        (datetime(2026, 12, 1, 16, tzinfo=UTC), False),  # 11:00 New York
    ],
)
def test_allows(moment: datetime, allowed: bool) -> None:
    assert _calendar().allows(moment) is allowed


@pytest.mark.parametrize(
    ("day", "business"),
    [
        (date(2026, 11, 25), True),  # Wednesday
        (date(2026, 11, 26), False),  # Thanksgiving
        (date(2026, 11, 28), False),  # Saturday
        (date(2026, 11, 30), True),  # Cyber Monday: frozen, but a business day
        (date(2026, 7, 3), False),  # Independence Day observed (July 4 is a Saturday)
        (date(2027, 12, 31), False),  # New Year's Day 2028 observed (Jan 1 is a Saturday)
    ],
)
def test_is_business_day(day: date, business: bool) -> None:
    assert _calendar().is_business_day(day) is business


def test_holidays_are_gate_days_when_not_skipped() -> None:
    assert _calendar(skip_holidays=False).allows(_ny(2026, 11, 26, 10))
    assert not _calendar().allows(_ny(2027, 1, 1, 10))


def test_peak_window_is_read_in_its_own_zone() -> None:
    calendar = _calendar(tz=CHICAGO)
    chicago_10_30 = datetime(2026, 12, 1, 10, 30, tzinfo=CHICAGO)  # 11:30 in New York
    assert not calendar.allows(chicago_10_30)
    assert calendar.next_allowed(chicago_10_30) == datetime(2026, 12, 1, 13, tzinfo=CHICAGO)


def test_peak_window_may_wrap_past_midnight() -> None:
    calendar = GateCalendar(
        tz=NY,
        gate_start=time(0),
        gate_end=time(23, 59),
        weekdays=frozenset(range(7)),
        peak_windows=((time(22), time(2), NY),),
        freezes=(),
        skip_holidays=False,
    )
    assert not calendar.allows(_ny(2026, 12, 1, 1))
    assert calendar.next_allowed(_ny(2026, 12, 1, 23)) == _ny(2026, 12, 2, 2)


def test_an_allowed_moment_comes_back_unchanged() -> None:
    moment = datetime(2026, 12, 1, 15, 7, tzinfo=UTC)
    assert _calendar().next_allowed(moment) is moment


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (_ny(2026, 12, 1, 12), _ny(2026, 12, 1, 14)),  # peak window: 14:00 the same day
        (_ny(2026, 12, 1, 17, 30), _ny(2026, 12, 2, 9)),  # after hours: next morning
        (_ny(2026, 12, 4, 18), _ny(2026, 12, 7, 9)),  # Friday evening: Monday
        (_ny(2026, 12, 1, 6), _ny(2026, 12, 1, 9)),  # early: the gate opening
        (_ny(2026, 11, 27, 10), _ny(2026, 12, 1, 9)),  # Black Friday: after Cyber Monday
    ],
)
def test_next_allowed(moment: datetime, expected: datetime) -> None:
    assert _calendar().next_allowed(moment) == expected


def test_next_allowed_gives_up_after_a_year() -> None:
    frozen_year = Freeze("Long freeze", _ny(2026, 1, 1), _ny(2027, 6, 1), "test")
    calendar = GateCalendar(NY, time(9), time(17), WEEKDAYS, (), (frozen_year,))
    with pytest.raises(ValueError, match="366 days"):
        calendar.next_allowed(_ny(2026, 1, 2))
    with pytest.raises(ValueError, match="366 days"):
        calendar.next_business_day_start(date(2026, 1, 2))


def test_naive_moments_are_refused() -> None:
    with pytest.raises(ValueError, match="time-zone aware"):
        _calendar().allows(datetime(2026, 12, 1, 10))  # noqa: DTZ001 - the naive moment refused


def test_gate_hours_must_open_before_they_close() -> None:
    with pytest.raises(ValueError, match="open before"):
        GateCalendar(NY, time(17), time(9), WEEKDAYS)
    with pytest.raises(ValueError, match="weekdays"):
        GateCalendar(NY, time(9), time(17), frozenset())


# --- The default start ------------------------------------------------------------------------


def test_default_start_on_black_friday_is_tuesday_after_cyber_monday() -> None:
    start = _calendar().next_business_day_start(date(2026, 11, 27))
    assert start == _ny(2026, 12, 1, 9)
    assert start.utcoffset() == timedelta(hours=-5)


def test_default_start_skips_holidays_and_weekends() -> None:
    # Dec 31 2026 is frozen by New Year; Jan 1 is a holiday; Jan 2-3 the weekend.
    calendar = _calendar(("new_year",))
    assert calendar.next_business_day_start(date(2026, 12, 30)) == _ny(2027, 1, 4, 9)


# --- Stages -----------------------------------------------------------------------------------


def test_first_start_moves_to_the_next_allowed_moment() -> None:
    ((start, end),) = schedule_stages(_ny(2026, 11, 27, 10), [24.0], _calendar())
    assert (start, end) == (_ny(2026, 12, 1, 9), _ny(2026, 12, 2, 9))


def test_stage_ending_on_saturday_gates_on_monday() -> None:
    ((start, end),) = schedule_stages(_ny(2026, 11, 5, 9), [48.0], _calendar())
    assert start == _ny(2026, 11, 5, 9)  # Thursday
    assert end == _ny(2026, 11, 9, 9)  # Saturday 09:00 -> Monday 09:00


def test_stage_ending_in_the_peak_window_gates_at_two_pm() -> None:
    stages = schedule_stages(_ny(2026, 11, 3, 10), [25.0], _calendar(), round_to_days=False)
    assert stages == [(_ny(2026, 11, 3, 10), _ny(2026, 11, 4, 14))]


def test_christmas_freeze_pushes_the_gate_to_monday_dec_28() -> None:
    ((_start, end),) = schedule_stages(_ny(2026, 12, 22, 9), [48.0], _calendar())
    assert end == _ny(2026, 12, 28, 9)
    assert end.weekday() == 0


def test_whole_days_keep_the_local_clock_across_the_dst_change() -> None:
    ((start, end),) = schedule_stages(_ny(2026, 10, 30, 9), [72.0], _calendar())
    assert end == _ny(2026, 11, 2, 9)
    assert start.utcoffset() == timedelta(hours=-4)
    assert end.utcoffset() == timedelta(hours=-5)
    # Subtracting datetimes that share a tzinfo gives wall-clock time; compare in UTC.
    assert end.astimezone(UTC) - start.astimezone(UTC) == timedelta(hours=73)
    assert format_local(end, NY) == "Mon 2026-11-02 09:00 EST"


def test_real_hours_when_not_rounding_to_days() -> None:
    calendar = _calendar(gate=(time(8), time(17)))
    ((_start, end),) = schedule_stages(_ny(2026, 10, 30, 9), [72.0], calendar, round_to_days=False)
    assert end == _ny(2026, 11, 2, 8)  # 72 real hours: one of them was the repeated 01:00


def test_short_stages_run_the_minimum_and_round_up_to_days() -> None:
    stages = schedule_stages(_ny(2026, 12, 1, 9), [2.0, 30.0], _calendar())
    assert stages == [
        (_ny(2026, 12, 1, 9), _ny(2026, 12, 2, 9)),
        (_ny(2026, 12, 2, 9), _ny(2026, 12, 4, 9)),
    ]


def test_negative_durations_are_refused() -> None:
    with pytest.raises(ValueError, match="non-negative"):
        schedule_stages(_ny(2026, 12, 1, 9), [-1.0], _calendar())


_BUSY_CALENDAR = _calendar(
    ("black_friday_weekend", "cyber_monday", "christmas", "new_year", "month_end_close")
)


@settings(max_examples=60)
@given(
    offset_minutes=st.integers(min_value=0, max_value=365 * 24 * 60),
    hours=st.lists(st.floats(min_value=0, max_value=300), min_size=1, max_size=6),
    round_to_days=st.booleans(),
)
def test_no_gate_ever_lands_in_the_peak_window_or_a_freeze(
    offset_minutes: int, hours: list[float], round_to_days: bool
) -> None:
    begin = _ny(2026, 1, 1) + timedelta(minutes=offset_minutes)
    stages = schedule_stages(begin, hours, _BUSY_CALENDAR, round_to_days=round_to_days)
    for (start, end), required in zip(stages, hours, strict=True):
        for moment in (start, end):
            local = moment.astimezone(NY)
            assert not time(11) <= local.time() < time(14)
            assert time(9) <= local.time() < time(17)
            assert local.weekday() < 5
            assert not any(f.contains(moment) for f in _BUSY_CALENDAR.freezes)
        elapsed = end.astimezone(UTC) - start.astimezone(UTC)
        assert elapsed >= max(required, 24.0) * HOUR - HOUR  # less a DST hour at most


@pytest.mark.slow
def test_importing_the_calendar_does_not_import_holidays() -> None:
    code = "import sys, rollout_manager.planning.schedule; print('holidays' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.strip() == "False"
