"""The one home of the words numbers and metrics are written in.

Number words, scale suffixes, durations, time bases, time-zone names and the
metric vocabulary (which words make a metric worse when it grows and which
better) live here as plain tables. The readers compile them into patterns;
other modules (`agent.intents`, `scenario.checks`, `planning.schedule`) import
the same tables rather than keep their own copies.
"""

from __future__ import annotations

from decimal import Decimal
from typing import TYPE_CHECKING, Final

if TYPE_CHECKING:
    from rollout_manager.model import Direction, MetricKind

NUMBER_WORDS: Final[dict[str, int]] = {
    "zero": 0,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "thirteen": 13,
    "fourteen": 14,
    "fifteen": 15,
    "sixteen": 16,
    "seventeen": 17,
    "eighteen": 18,
    "nineteen": 19,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
"""Spelled numbers below a hundred, as people write them."""

NUMBER_SCALES: Final[dict[str, int]] = {
    "hundred": 100,
    "thousand": 1_000,
    "million": 1_000_000,
    "billion": 1_000_000_000,
}
"""Spelled multipliers: `three hundred`, `two million`."""

FRACTION_WORDS: Final[dict[str, Decimal]] = {
    "half": Decimal("0.5"),
    "a third": Decimal(1) / 3,
    "a quarter": Decimal("0.25"),
    "a fifth": Decimal("0.2"),
    "a tenth": Decimal("0.1"),
    "two thirds": Decimal(2) / 3,
    "three quarters": Decimal("0.75"),
}
"""Shares said in words: `a quarter of subscription revenue`."""

SCALE_SUFFIXES: Final[dict[str, Decimal]] = {
    "k": Decimal(1_000),
    "thousand": Decimal(1_000),
    "M": Decimal(1_000_000),
    "mm": Decimal(1_000_000),
    "mn": Decimal(1_000_000),
    "million": Decimal(1_000_000),
    "B": Decimal(1_000_000_000),
    "bn": Decimal(1_000_000_000),
    "billion": Decimal(1_000_000_000),
}
"""Suffixes after a count: `15k`, `1.2M`, `2 million`; a lower-case `m` is minutes."""

_PLURAL_LETTERS: Final = 2  # a duration unit this long or longer takes a plural `s`
MS_PER_DURATION_UNIT: Final[dict[str, Decimal]] = {
    "us": Decimal("0.001"),
    "µs": Decimal("0.001"),
    "microsecond": Decimal("0.001"),
    "ms": Decimal(1),
    "msec": Decimal(1),
    "millisecond": Decimal(1),
    "millis": Decimal(1),
    "s": Decimal(1000),
    "sec": Decimal(1000),
    "second": Decimal(1000),
    "m": Decimal(60_000),
    "min": Decimal(60_000),
    "minute": Decimal(60_000),
    "h": Decimal(3_600_000),
    "hr": Decimal(3_600_000),
    "hour": Decimal(3_600_000),
    "d": Decimal(86_400_000),
    "day": Decimal(86_400_000),
    "w": Decimal(604_800_000),
    "wk": Decimal(604_800_000),
    "week": Decimal(604_800_000),
}
"""Duration units (singular, lower case) -> milliseconds."""


def duration_unit_pattern(
    shortest: str = "us", longest: str = "week", without: tuple[str, ...] = ()
) -> str:
    """Return the duration units from `shortest` to `longest` as one regex alternation, plurals too.

    A unit of two letters or more takes a plural `s` (`hrs`, `mins`, `hours`); a single
    letter (`h`) and a unit ending in `s` (`ms`, `millis`) do not. Longest first.
    `without` leaves spellings out (`w`, where a bare `w` is too easily something else).
    """
    low, high = MS_PER_DURATION_UNIT[shortest], MS_PER_DURATION_UNIT[longest]
    names = [
        name
        for name, ms in MS_PER_DURATION_UNIT.items()
        if low <= ms <= high and name not in without
    ]
    spelled = [
        f"{name}s?" if len(name) >= _PLURAL_LETTERS and not name.endswith("s") else name
        for name in names
    ]
    return "|".join(sorted(spelled, key=len, reverse=True))


PER_DAY: Final[dict[str, Decimal]] = {
    "s": Decimal(86_400),
    "sec": Decimal(86_400),
    "second": Decimal(86_400),
    "m": Decimal(1_440),
    "min": Decimal(1_440),
    "minute": Decimal(1_440),
    "h": Decimal(24),
    "hr": Decimal(24),
    "hour": Decimal(24),
    "d": Decimal(1),
    "day": Decimal(1),
    "w": Decimal(1) / 7,
    "wk": Decimal(1) / 7,
    "week": Decimal(1) / 7,
    "mo": Decimal(12) / 365,
    "month": Decimal(12) / 365,
}
"""Time bases (singular) -> how many of them make one day, to turn `N per hour` into a day."""

TIME_BASE_ADJECTIVES: Final[dict[str, str]] = {
    "daily": "day",
    "hourly": "hour",
    "weekly": "week",
    "monthly": "month",
}
"""`daily transactions` counts per day."""

WELL_KNOWN_METRICS: Final[dict[str, tuple[MetricKind, Direction, str]]] = {
    "error_rate": ("rate", "higher_is_worse", "fraction"),
    "success_rate": ("ratio", "higher_is_better", "fraction"),
    "timeout_rate": ("rate", "higher_is_worse", "fraction"),
    "p50_latency_ms": ("latency", "higher_is_worse", "ms"),
    "p95_latency_ms": ("latency", "higher_is_worse", "ms"),
    "p99_latency_ms": ("latency", "higher_is_worse", "ms"),
}
"""The contract's well-known metric keys (the `BaselineFacts` fields): kind, direction, unit."""

TIMEZONE_ABBREVIATIONS: Final[dict[str, str]] = {
    "EST": "America/New_York",
    "EDT": "America/New_York",
    "ET": "America/New_York",
    "EASTERN": "America/New_York",
    "CST": "America/Chicago",
    "CDT": "America/Chicago",
    "CT": "America/Chicago",
    "CENTRAL": "America/Chicago",
    "MST": "America/Denver",
    "MDT": "America/Denver",
    "MT": "America/Denver",
    "MOUNTAIN": "America/Denver",
    "PST": "America/Los_Angeles",
    "PDT": "America/Los_Angeles",
    "PT": "America/Los_Angeles",
    "PACIFIC": "America/Los_Angeles",
    "UTC": "UTC",
    "GMT": "UTC",
    "Z": "UTC",
    "CET": "Europe/Berlin",
    "CEST": "Europe/Berlin",
    "BST": "Europe/London",
    "IST": "Asia/Kolkata",
    "JST": "Asia/Tokyo",
    "AEST": "Australia/Sydney",
    "AEDT": "Australia/Sydney",
}
"""Time zone abbreviations people write, mapped to the IANA zone they mean."""

# ------------------------------------------------------------------------- metrics

HIGHER_IS_BETTER: Final = (
    r"crash[- ]?free",
    r"success(?:ful)?",
    r"hit (?:ratio|rate)",
    r"hit",
    r"conversions?",
    r"ctr",
    r"click[- ]?through",
    r"approv(?:al|ed)",
    r"availability",
    r"uptime",
    r"deliver(?:y|ed|ability)",
    r"retention",
    r"completion",
    r"open rate",
    r"accept(?:ance|ed)",
)
"""Label words for a metric that should stay high (checked before the worse list)."""

HIGHER_IS_WORSE: Final = (
    r"errors?",
    r"fail(?:ures?|ed|s|ing)?",
    r"[45](?:xx|\d\d)",
    r"crash(?:es|ed)?",
    r"bounces?",
    r"time ?outs?",
    r"timed out",
    r"lag",
    r"latenc(?:y|ies)",
    r"ttfb",
    r"duration",
    r"response time",
    r"render time",
    r"start(?:up)? time",
    r"load time",
    r"p\d{2,3}(?:\.\d)?",
    r"median",
    r"\d{2}(?:th)? (?:percentile|pctl|pct)",
    r"churn",
    r"dead[- ]?letter",
    r"abandon(?:ment|ed)?",
    r"retr(?:y|ies)",
    r"zero[- ]results?",
    r"declin(?:es|ed)",
    r"reject(?:ions|ed)",
    r"throttl(?:ed|ing)",
    r"drop(?:s|ped)?",
    r"complaints?",
    r"unsubscribes?",
)
"""Label words for a metric that gets worse as it grows."""

ERROR_WORDS: Final = r"\b(?:errors?|fail(?:ures?|ed|s|ing)?|[45]xx)\b"
"""Label words that make a worse rate the contract's `error_rate`."""
SUCCESS_WORDS: Final = r"\bsuccess(?:ful)?\b"
"""Label words that make a better ratio the contract's `success_rate`."""
TIMEOUT_WORDS: Final = r"\b(?:time ?outs?|timed out)\b"
"""Label words that make a worse rate the contract's `timeout_rate`."""
CONVERSION_WORDS: Final = r"\bconversions?\b"
"""Label words that make a better ratio `conversion_rate`."""
LAG_WORDS: Final = r"\blag\b"
"""A duration metric named by these is a lag, not a latency."""
TIME_WORDS: Final = (
    r"\b(?:latenc(?:y|ies)|ttfb|duration|time|p\d{2,3}|median|percentile|pctl|lag)\b"
)
"""A duration read from prose is a metric only when its label names a time."""

GENERIC_TRAFFIC_WORDS: Final = (
    "volume",
    "count",
    "number of",
    "total",
    "throughput",
    "traffic",
    "rate",
)
"""Words around a traffic unit that are not the unit: `daily transaction volume`."""

TRAFFIC_VERBS: Final = (
    "consumed",
    "sent",
    "processed",
    "served",
    "handled",
    "received",
    "delivered",
    "made",
    "placed",
    "created",
)
"""Trailing verbs of a traffic label: `Emails sent` counts emails."""

MONTHS: Final[dict[str, int]] = {
    name: number
    for number, names in enumerate(
        (
            ("jan", "january"), ("feb", "february"), ("mar", "march"), ("apr", "april"),
            ("may",), ("jun", "june"), ("jul", "july"), ("aug", "august"),
            ("sep", "sept", "september"), ("oct", "october"), ("nov", "november"),
            ("dec", "december"),
        ),
        start=1,
    )
    for name in names
}  # fmt: skip
"""Month names and abbreviations, lower case -> 1-12."""
