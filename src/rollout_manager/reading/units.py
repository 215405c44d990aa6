"""Numbers and units as teams write them, normalised to the units of the model.

Rates become fractions (`0.8%` -> 0.008), latencies milliseconds (`1.2s` ->
1200.0), rollback times minutes, money a plain amount with its ISO 4217 code,
clock times `HH:MM` with an IANA time zone. Each parser returns None when the
text states no value of its kind: the reader never guesses a number.

Parsing goes through `Decimal` so that `99.2%` becomes exactly the float
nearest 0.992, not the result of a binary multiplication.

The inverse, numbers for people (`0.8%`, `1.2 s`), lives in `formatting`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Final
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from rollout_manager.reading.vocabulary import (
    MS_PER_DURATION_UNIT,
    NUMBER_SCALES,
    SCALE_SUFFIXES,
    TIMEZONE_ABBREVIATIONS,
    duration_unit_pattern,
)

# A number as written: `15,000`, `1.2`, `.5`. The look-behind keeps the digits
# of identifiers (`p95`, `v2`) and of longer numbers out; possessive repeats stop
# `15,00` from being read as 15 or 1.
# An exponent belongs to the number: `1.5e-1%` is 0.15%, and `1e309%` is no rate at all.
NUMBER_PATTERN: Final = (
    r"(?:(?<![\w.,])(?:\d{1,3}(?:,\d{3})++(?!\d)|\d++(?!,\d))(?:\.\d+)?(?:[eE][+-]?\d++)?"
    r"|(?<![\w.])\.\d+)"
)
"""A number as people write it, with thousands separators; a regex fragment."""

# `m` after an amount or a count is million here (`$1M`, `15m requests`): no duration is read.
_SCALE_WORDS: Final = {word.lower(): factor for word, factor in SCALE_SUFFIXES.items()}
_SCALE: Final = r"(?P<scale>k|thousand|mm|mn|million|m|bn|billion|b)\b"

_RATE = re.compile(
    rf"(?P<n>{NUMBER_PATTERN})\s*(?:"
    r"(?P<pct>%|percent\b|pct\b)"
    r"|(?P<permille>‰|per\s*mille\b|permille\b)"
    r"|(?P<bps>‱|bps\b|basis\s+points?\b)"
    rf"|(?:per|in|out\s+of|/)\s*(?P<den>{NUMBER_PATTERN})(?P<den_k>\s*k\b)?"
    r"|(?:per|in|out\s+of)\s+(?P<den_word>hundred|thousand|million)\b"
    r")?",
    re.IGNORECASE,
)

_LATENCY = re.compile(
    rf"(?P<n>{NUMBER_PATTERN})\s*(?P<unit>"
    r"ms|msecs?|millis(?:econds?)?|milliseconds?"
    r"|µs|us|microseconds?"
    r"|s|secs?|seconds?"
    r")?(?!\w)",
    re.IGNORECASE,
)
_COUNT = re.compile(rf"(?P<n>{NUMBER_PATTERN})\s*(?:{_SCALE})?", re.IGNORECASE)

_CURRENCY_SYMBOLS: Final = {"$": "USD", "€": "EUR", "£": "GBP"}
_CURRENCY_WORDS: Final = {
    "usd": "USD",
    "us$": "USD",
    "dollar": "USD",
    "dollars": "USD",
    "eur": "EUR",
    "euro": "EUR",
    "euros": "EUR",
    "gbp": "GBP",
    "pound": "GBP",
    "pounds": "GBP",
}
_CODE: Final = r"(?:US\$|USD|EUR|GBP|dollars?|euros?|pounds?)"
_MONEY = re.compile(
    rf"(?:(?P<pre_code>{_CODE})\s*)?(?:(?P<sym>[$€£])\s*)?(?P<n>{NUMBER_PATTERN})\s*(?:{_SCALE})?"
    rf"(?:\s*(?P<post_code>{_CODE})\b)?",
    re.IGNORECASE,
)

# Rollback speed: "immediately" is as fast as a flag flip, which the model reads as 1 minute.
_IMMEDIATE = re.compile(
    r"\b(?:immediate(?:ly)?|instant(?:ly|aneous(?:ly)?)?|at once|within seconds|in seconds|"
    r"real[- ]time|seconds)\b",
    re.IGNORECASE,
)
_DURATION = re.compile(
    rf"(?P<n>{NUMBER_PATTERN}|\b(?:half )?an?\b)\s*"
    rf"(?P<unit>{duration_unit_pattern('s', 'day')})\b",
    re.IGNORECASE,
)
_MS_PER_MINUTE: Final = MS_PER_DURATION_UNIT["minute"]

# ------------------------------------------------------------------------- clock and zone

_CLOCK: Final = r"(?:\d{1,2}(?::\d{2})?(?:\s*[ap]\.?\s?m\b\.?)?|noon|midnight)"
_TIME_RANGE = re.compile(
    rf"(?<![\w:])(?i:(?P<start>{_CLOCK})\s*(?:-|–|—|to|until|till|through)\s*(?P<end>{_CLOCK}))"
    r"(?=Z\b|[^\w:%]|$)"
)
_ONE_CLOCK = re.compile(
    r"^(?P<h>\d{1,2})(?::(?P<m>\d{2}))?\s*(?:(?P<mer>[ap])\.?\s?m\.?)?$", re.IGNORECASE
)


_LONGEST_ABBREVIATION = 4  # `[A-Z]{1,4}` below; longer names are zone words (`Eastern`)
# Upper-case abbreviations only: `et`, `mt` and `pt` are ordinary words in lower case.
_ZONE = re.compile(
    r"(?<![\w/])(?P<zone>[A-Z][a-z]+(?:_[A-Z][a-z]+)*/[A-Z][A-Za-z_]+(?:/[A-Z][A-Za-z_]+)?"
    r"|[A-Z]{1,4}|(?i:"
    # The zones people name in words (`Eastern`), from the one table of zone names.
    + "|".join(name.lower() for name in TIMEZONE_ABBREVIATIONS if len(name) > _LONGEST_ABBREVIATION)
    + r"))(?![\w/])"
)


@dataclass(frozen=True)
class Money:
    """An amount of money and, when the text names it, its ISO 4217 currency."""

    amount: float
    currency: str | None


@dataclass(frozen=True)
class TimeRange:
    """A daily window as read: local `HH:MM` times and the zone written after them."""

    start: str
    end: str
    timezone: str | None


def _decimal(text: str) -> Decimal:
    return Decimal(text.replace(",", ""))


def _finite(value: Decimal) -> float | None:
    # A run of hundreds of digits overflows to inf; such a value is not a metric.
    try:
        result = float(value)
    except (OverflowError, InvalidOperation):
        return None
    return result if math.isfinite(result) else None


def parse_rate(text: str, unit_hint: str = "") -> float | None:
    """Read a rate as a fraction: `0.8%`, `8 per 1,000`, `8‰`, `80 bps`, `0.008`.

    A number without a unit is a fraction when it lies in [0, 1], or a percentage
    when `unit_hint` (the label's parenthesis, e.g. `Error rate (%)`) says so.

    Args:
        text: the value as written.
        unit_hint: unit written beside the label, if any.

    Returns:
        The fraction (0.008 for 0.8%), or None when no rate is stated. The value
        may exceed 1; the caller decides whether that is plausible.
    """
    match = _RATE.search(text)
    if match is None:
        return None
    number = _decimal(match["n"])
    denominator = _rate_denominator(match, unit_hint)
    if denominator is None:
        return _finite(number) if number <= 1 else None
    return _finite(number / denominator) if denominator else None


def _rate_denominator(match: re.Match[str], unit_hint: str) -> Decimal | None:
    """Return what the number is out of (100 for a percentage), or None when no unit is written."""
    unit_written = any(match[unit] for unit in ("pct", "permille", "bps", "den", "den_word"))
    if match["pct"] or (not unit_written and "%" in unit_hint):
        return Decimal(100)
    if match["permille"]:
        return Decimal(1000)
    if match["bps"]:
        return Decimal(10_000)
    if match["den"]:
        return _decimal(match["den"]) * (1000 if match["den_k"] else 1)
    if match["den_word"]:
        return Decimal(NUMBER_SCALES[match["den_word"].lower()])
    return None


def parse_latency_ms(text: str, unit_hint: str = "") -> float | None:
    """Read a latency in milliseconds: `245ms`, `1.2s`, `0.89 s`, `~900 ms`.

    A bare number takes the unit of `unit_hint` (`P95 (s)`), else milliseconds,
    the unit latency dashboards use.
    """
    match = _LATENCY.search(text)
    if match is None:
        return None
    unit = (match["unit"] or unit_hint.strip()).lower()
    if unit.startswith(("ms", "msec", "milli")) or unit == "":
        factor = MS_PER_DURATION_UNIT["ms"]
    elif unit.startswith(("µ", "us", "micro")):
        factor = MS_PER_DURATION_UNIT["us"]
    elif unit.startswith("s"):
        factor = MS_PER_DURATION_UNIT["s"]
    else:
        factor = MS_PER_DURATION_UNIT["ms"]
    return _finite(_decimal(match["n"]) * factor)


def parse_count(text: str) -> float | None:
    """Read a count such as a daily volume: `15,000`, `~15k`, `1.2M`, `2 million`.

    Returns None when the text is money (`$1M` is revenue, not a volume).
    """
    if any(symbol in text for symbol in _CURRENCY_SYMBOLS):
        return None
    match = _COUNT.search(text)
    if match is None:
        return None
    scale = _SCALE_WORDS[match["scale"].lower()] if match["scale"] else Decimal(1)
    return _finite(_decimal(match["n"]) * scale)


def parse_money(text: str) -> Money | None:
    """Read an amount of money: `$67`, `~$1M`, `$1.0M`, `€1,200`, `250k GBP`.

    Returns:
        The amount and its currency (None when neither symbol nor code is written),
        or None when no amount is stated.
    """
    # "2024 revenue: $1M" names a year first; an amount with a currency beats a bare number.
    matches = list(_MONEY.finditer(text))
    if not matches:
        return None
    match = next((m for m in matches if m["sym"] or m["pre_code"] or m["post_code"]), matches[0])
    scale = _SCALE_WORDS[match["scale"].lower()] if match["scale"] else Decimal(1)
    amount = _finite(_decimal(match["n"]) * scale)
    if amount is None:
        return None
    currency = None
    if match["sym"]:
        currency = _CURRENCY_SYMBOLS[match["sym"]]
    for code in (match["pre_code"], match["post_code"]):
        if code and currency is None:
            currency = _CURRENCY_WORDS[code.lower()]
    return Money(amount, currency)


def parse_duration_minutes(text: str) -> float | None:
    """Read how long something takes, in minutes: `immediately`, `~5 min`, `about 4 hours`.

    `immediately` and its kin read as 1 minute: the time a person needs to flip a flag.
    """
    match = _DURATION.search(text)
    if match is None:
        return 1.0 if _IMMEDIATE.search(text) else None
    amount_text = match["n"].lower()
    if amount_text.startswith("half"):
        amount = Decimal("0.5")
    elif amount_text in {"a", "an"}:
        amount = Decimal(1)
    else:
        amount = _decimal(amount_text)
    unit = match["unit"].lower()[0]
    return _finite(amount * MS_PER_DURATION_UNIT[unit] / _MS_PER_MINUTE)


_CLOCK_WORDS: Final = {"noon": (12, 0), "midnight": (0, 0)}
_NOON, _LAST_HOUR, _LAST_MINUTE = 12, 23, 59  # the largest 12-hour hour, 24-hour hour, minute


def _clock(text: str, meridiem: str | None) -> tuple[int, int] | None:
    """(hour, minute) on a 24-hour clock; `meridiem` (`a`/`p`) applies when the text has none."""
    word = text.strip().lower()
    match = _ONE_CLOCK.match(word)
    if match is None:
        return _CLOCK_WORDS.get(word)
    hour, minute = int(match["h"]), int(match["m"] or 0)
    mer = (match["mer"] or meridiem or "").lower()
    valid_hour = 1 <= hour <= _NOON if mer else hour <= _LAST_HOUR
    if minute > _LAST_MINUTE or not valid_hour:
        return None
    if mer:
        hour = hour % 12 + (12 if mer == "p" else 0)
    return (hour, minute)


def _meridiem(text: str) -> str | None:
    match = _ONE_CLOCK.match(text.strip().lower())
    return match["mer"] if match else None


def _is_explicit(text: str) -> bool:
    # "11-2" could be a count; a window needs am/pm, minutes or noon/midnight somewhere.
    word = text.strip().lower()
    return ":" in word or word in {"noon", "midnight"} or _meridiem(word) is not None


def timezone_name(token: str) -> str | None:
    """Return the IANA zone for `EST`, `Eastern`, `UTC` or an IANA name itself; None if unknown."""
    known = TIMEZONE_ABBREVIATIONS.get(token.upper())
    if known is not None:
        return known
    if "/" not in token:
        return None
    try:
        ZoneInfo(token)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return token


def _zone_after(text: str, position: int) -> str | None:
    match = _ZONE.match(text[position:].lstrip(" \t("))
    return timezone_name(match["zone"]) if match else None


def parse_time_ranges(text: str) -> list[TimeRange]:
    """Read daily windows such as `11am-2pm EST` or `14:00-17:00 UTC`.

    A zone written right after a window is its zone; otherwise the one zone
    named elsewhere in the text, if any. `11-2pm` means 11:00-14:00.

    Returns:
        Each window with its zone (None when the text names none).
    """
    windows: list[TimeRange] = []
    for match in _TIME_RANGE.finditer(text):
        start_text, end_text = match["start"], match["end"]
        if not (_is_explicit(start_text) or _is_explicit(end_text)):
            continue
        end = _clock(end_text, _meridiem(start_text))
        start = _clock(start_text, _meridiem(end_text))
        if start is not None and end is not None and _meridiem(start_text) is None and start > end:
            # "11-2pm": the start is morning, not 23:00.
            start = _clock(start_text, "a")
        if start is None or end is None:
            continue
        windows.append(
            TimeRange(
                f"{start[0]:02d}:{start[1]:02d}",
                f"{end[0]:02d}:{end[1]:02d}",
                _zone_after(text, match.end()),
            )
        )
    line_zones = {name for m in _ZONE.finditer(text) if (name := timezone_name(m["zone"]))}
    fallback = next(iter(line_zones)) if len(line_zones) == 1 else None
    return [TimeRange(w.start, w.end, w.timezone or fallback) for w in windows]


__all__ = [
    "NUMBER_PATTERN",
    "TIMEZONE_ABBREVIATIONS",
    "Money",
    "TimeRange",
    "parse_count",
    "parse_duration_minutes",
    "parse_latency_ms",
    "parse_money",
    "parse_rate",
    "parse_time_ranges",
    "timezone_name",
]
