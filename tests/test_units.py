"""Numbers and units as teams write them: each expected value worked out by hand."""

from __future__ import annotations

import pytest

from rollout_manager.reading.units import (
    TIMEZONE_ABBREVIATIONS,
    Money,
    TimeRange,
    parse_count,
    parse_duration_minutes,
    parse_latency_ms,
    parse_money,
    parse_rate,
    parse_time_ranges,
    timezone_name,
)


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        ("0.8%", "", 0.008),
        ("99.2%", "", 0.992),
        ("0.1%", "", 0.001),
        ("~0.8 %", "", 0.008),
        ("about 0.8 percent", "", 0.008),
        ("8 per 1,000", "", 0.008),
        ("8 per 1000", "", 0.008),
        ("8‰", "", 0.008),
        ("8 per mille", "", 0.008),
        ("1 in 125", "", 0.008),
        ("80 bps", "", 0.008),
        ("0.008", "", 0.008),
        ("0.8", "%", 0.008),
        ("65% of errors (expected)", "", 0.65),
        ("150%", "", 1.5),
        ("12", "", None),
        ("not measured", "", None),
    ],
)
def test_parse_rate(text: str, hint: str, expected: float | None) -> None:
    assert parse_rate(text, hint) == expected


@pytest.mark.parametrize(
    ("text", "hint", "expected"),
    [
        ("245ms", "", 245.0),
        ("890 ms", "", 890.0),
        ("1.2s", "", 1200.0),
        ("0.89 s", "", 890.0),
        ("~900 ms", "", 900.0),
        ("approx. 1,200 ms", "", 1200.0),
        ("2 seconds", "", 2000.0),
        ("1.78 sec", "", 1780.0),
        ("500 µs", "", 0.5),
        ("890", "", 890.0),
        ("1.5", "s", 1500.0),
        ("n/a", "", None),
    ],
)
def test_parse_latency_ms(text: str, hint: str, expected: float | None) -> None:
    assert parse_latency_ms(text, hint) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("15,000", 15_000.0),
        ("~15,000", 15_000.0),
        ("about 15,000", 15_000.0),
        ("approx. 15k", 15_000.0),
        ("15k", 15_000.0),
        ("15K", 15_000.0),
        ("1.2M", 1_200_000.0),
        ("2m", 2_000_000.0),
        ("2 million", 2_000_000.0),
        ("1,234,567", 1_234_567.0),
        ("$1M", None),
        ("15,00", None),
        ("many", None),
    ],
)
def test_parse_count(text: str, expected: float | None) -> None:
    assert parse_count(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("$67", Money(67.0, "USD")),
        ("$67.00", Money(67.0, "USD")),
        ("~$1M", Money(1_000_000.0, "USD")),
        ("$1.0M", Money(1_000_000.0, "USD")),
        ("$1,000,000", Money(1_000_000.0, "USD")),
        ("€1.2m", Money(1_200_000.0, "EUR")),
        ("£500k", Money(500_000.0, "GBP")),
        ("67 USD", Money(67.0, "USD")),
        ("EUR 45", Money(45.0, "EUR")),
        ("2024 figure: $1M", Money(1_000_000.0, "USD")),
        ("67", Money(67.0, None)),
        ("unknown", None),
    ],
)
def test_parse_money(text: str, expected: Money | None) -> None:
    assert parse_money(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Feature flag toggle returns to legacy processor immediately.", 1.0),
        ("instantly", 1.0),
        ("~5 min", 5.0),
        ("within 15 minutes", 15.0),
        ("restore from backup (about 4 hours)", 240.0),
        ("2h", 120.0),
        ("30 seconds", 0.5),
        ("half an hour", 30.0),
        ("within a minute", 1.0),
        ("2 days", 2880.0),
        ("soon", None),
        ("No data migration rollback needed", None),
    ],
)
def test_parse_duration_minutes(text: str, expected: float | None) -> None:
    assert parse_duration_minutes(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("11am-2pm EST, Black Friday weekend", [("11:00", "14:00", "America/New_York")]),
        ("14:00-17:00 UTC", [("14:00", "17:00", "UTC")]),
        ("14:00–17:00Z", [("14:00", "17:00", "UTC")]),
        ("11-2pm ET", [("11:00", "14:00", "America/New_York")]),
        ("9am to 11am (PT)", [("09:00", "11:00", "America/Los_Angeles")]),
        ("noon-2pm CET", [("12:00", "14:00", "Europe/Berlin")]),
        ("6pm–9pm BST", [("18:00", "21:00", "Europe/London")]),
        ("12pm-1pm America/Chicago", [("12:00", "13:00", "America/Chicago")]),
        (
            "EST: 11am-2pm and 6pm-8pm",
            [("11:00", "14:00", "America/New_York"), ("18:00", "20:00", "America/New_York")],
        ),
        ("10pm-2am PST", [("22:00", "02:00", "America/Los_Angeles")]),
        ("11am-2pm", [("11:00", "14:00", None)]),
        ("15-20% of traffic", []),
        ("9-5", []),
        ("25:00-26:00 UTC", []),
    ],
)
def test_parse_time_ranges(text: str, expected: list[tuple[str, str, str | None]]) -> None:
    assert parse_time_ranges(text) == [TimeRange(*window) for window in expected]


@pytest.mark.parametrize(
    ("abbreviation", "zone"),
    [
        ("EST", "America/New_York"),
        ("EDT", "America/New_York"),
        ("ET", "America/New_York"),
        ("CST", "America/Chicago"),
        ("CDT", "America/Chicago"),
        ("CT", "America/Chicago"),
        ("MST", "America/Denver"),
        ("MDT", "America/Denver"),
        ("MT", "America/Denver"),
        ("PST", "America/Los_Angeles"),
        ("PDT", "America/Los_Angeles"),
        ("PT", "America/Los_Angeles"),
        ("UTC", "UTC"),
        ("GMT", "UTC"),
        ("Z", "UTC"),
        ("CET", "Europe/Berlin"),
        ("CEST", "Europe/Berlin"),
        ("BST", "Europe/London"),
        ("IST", "Asia/Kolkata"),
        ("JST", "Asia/Tokyo"),
        ("AEST", "Australia/Sydney"),
        ("Europe/Paris", "Europe/Paris"),
        ("Mars/Olympus_Mons", None),
        ("XYZ", None),
    ],
)
def test_timezone_name(abbreviation: str, zone: str | None) -> None:
    assert timezone_name(abbreviation) == zone


def test_every_abbreviation_names_a_real_zone() -> None:
    from zoneinfo import ZoneInfo

    for zone in TIMEZONE_ABBREVIATIONS.values():
        ZoneInfo(zone)


@pytest.mark.parametrize(
    ("text", "zone"),
    [
        ("11am-2pm Eastern", "America/New_York"),
        ("9am-11am pacific", "America/Los_Angeles"),
        ("noon-1pm Central", "America/Chicago"),
        ("6pm-8pm (Mountain)", "America/Denver"),
    ],
)
def test_a_zone_named_in_words_reads_as_the_planner_resolves_it(text: str, zone: str) -> None:
    """One table of zone names: a window read from a document and `resolve_timezone` agree."""
    from rollout_manager.planning.zones import resolve_timezone

    (window,) = parse_time_ranges(text)
    assert window.timezone == zone
    word = text.rsplit(maxsplit=1)[-1].strip("()")
    assert resolve_timezone(word).key == zone


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("3 per thousand", 0.003),
        ("5 per hundred", 0.05),
        ("2 per million", 0.000002),
        ("7 seconds", None),
    ],
)
def test_rates_out_of_a_number_word(text: str, expected: float | None) -> None:
    assert parse_rate(text) == (pytest.approx(expected) if expected is not None else None)


@pytest.mark.parametrize(
    ("shortest", "longest", "without", "spellings"),
    [
        # The alternations the readers wrote by hand before they shared one table.
        ("h", "week", ("w",), "hours?|hrs?|h|days?|d|weeks?|wks?"),
        ("s", "day", (), "s|secs?|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?"),
        (
            "us",
            "week",
            (),
            (
                "µs|us|microseconds?|ms|msecs?|milliseconds?|millis|s|secs?|seconds?"
                "|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|wks?|weeks?"
            ),
        ),
    ],
)
def test_duration_units_come_from_one_table(
    shortest: str, longest: str, without: tuple[str, ...], spellings: str
) -> None:
    from rollout_manager.reading.vocabulary import duration_unit_pattern

    pattern = duration_unit_pattern(shortest, longest, without)
    assert set(pattern.split("|")) == set(spellings.split("|"))
    assert pattern.split("|") == sorted(pattern.split("|"), key=len, reverse=True)


def test_well_known_metrics_are_one_table_the_renderer_agrees_with() -> None:
    """Kind, direction and unit of each contract key, checked by hand and against the renderer."""
    from rollout_manager.model import BaselineFacts
    from rollout_manager.reading.vocabulary import WELL_KNOWN_METRICS
    from rollout_manager.render.plan_view import unit_of

    assert WELL_KNOWN_METRICS["success_rate"] == ("ratio", "higher_is_better", "fraction")
    assert WELL_KNOWN_METRICS["timeout_rate"] == ("rate", "higher_is_worse", "fraction")
    assert WELL_KNOWN_METRICS["p99_latency_ms"] == ("latency", "higher_is_worse", "ms")
    for key, (_, _, unit) in WELL_KNOWN_METRICS.items():
        assert key in BaselineFacts.model_fields
        assert unit_of(key) == unit
