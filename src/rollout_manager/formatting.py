"""Numbers as people write them: `0.8%`, `979 ms`, `1.8 s`, `$1,000,000`, `15,000`.

Used by the planner for sentences (descriptions, messages) and by the
templates as Jinja filters, so a number reads the same everywhere.
"""

from __future__ import annotations

import math
from datetime import datetime
from decimal import ROUND_HALF_UP, Decimal, localcontext

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}
RATE_DECIMALS = 4
"""A rate is shown from its value at this many decimals, the precision the plan's JSON keeps
(more below 0.1%: see `round_rate`)."""
SMALL_PERCENT = 0.1
"""Below 0.1% a rate keeps two significant digits, so 0.001% never reads `0%`."""


def round_rate(rate: float) -> float:
    """A rate at `RATE_DECIMALS` decimals, or two significant digits when that keeps more.

    0.00954 -> 0.0095 and 0.0028 -> 0.0028 as before; 0.0000123 (0.00123%) -> 0.000012, not 0.
    """
    if not math.isfinite(rate) or rate == 0:
        return rate
    decimals = max(RATE_DECIMALS, 1 - math.floor(math.log10(abs(rate))))
    return round(rate, decimals)


def _rate_decimals(percent: Decimal | float, decimals: int) -> int:
    """`decimals`, or enough for two significant digits when a percentage is below 0.1% or
    would round to 0 (a nonzero rate never reads `0%`)."""
    if not math.isfinite(percent) or percent == 0:
        return decimals
    size = abs(float(percent))
    if size >= SMALL_PERCENT and size >= 0.5 * 10.0**-decimals:
        return decimals
    return max(decimals, 1 - math.floor(math.log10(size)))


def _trim(number: float | Decimal, decimals: int) -> str:
    """Round half up on the number as written (`0.95` -> `1.0`), then drop trailing zeros."""
    if isinstance(number, float) and not math.isfinite(number):
        return str(number)
    exact = number if isinstance(number, Decimal) else Decimal(repr(float(number)))
    with localcontext() as context:  # room for every digit of a huge figure
        context.prec = max(28, exact.adjusted() + decimals + 2)
        rounded = exact.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{rounded:,.{decimals}f}"
    if "." in text:
        text = text.rstrip("0").rstrip(".")
    return "0" if text == "-0" else text


def _percent(rate: float) -> Decimal | float:
    """`rate` x 100 from its value at `RATE_DECIMALS` decimals, so a rate rounded for the JSON
    and the same rate unrounded read the same (0.00955 and 0.0096 both show `1%` at one decimal).
    """
    if not math.isfinite(rate):
        return rate
    return Decimal(repr(round_rate(rate))) * 100


def pct(rate: float | None, decimals: int = 2) -> str:
    """A fraction as a percentage: 0.008 -> `0.8%`, 0.0125 -> `1.25%`.

    One rule for every displayed rate: the value at 4 decimals, rounded half up.
    """
    if rate is None:
        return "not set"
    percent = _percent(rate)
    return f"{_trim(percent, _rate_decimals(percent, decimals))}%"


def chance(probability: float) -> str:
    """A probability as a whole percentage that never rounds to certainty: `22%`, `>99%`."""
    if probability >= 0.995:
        return ">99%"
    if 0 < probability < 0.005:
        return "<1%"
    return f"{round(probability * 100)}%"


def plural(number: float, noun: str) -> str:
    """`1 transaction`, `68 transactions` (the number with thousands separators)."""
    rounded = round(number)
    return f"{rounded:,} {noun}" + ("" if rounded == 1 else "s")


def points(rate: float) -> str:
    """A difference of rates in percentage points: 0.002 -> `0.2 points`."""
    percent = _percent(rate)
    return f"{_trim(percent, _rate_decimals(percent, 2))} points"


def ms(value: float | None) -> str:
    """A latency: milliseconds below one second, seconds above (`979 ms`, `1.78 s`)."""
    if value is None:
        return "not set"
    if value < 1000:
        return f"{_trim(value, 0 if value >= 100 else 1)} ms"
    return f"{_trim(value / 1000, 2)} s"


def money(amount: float | None, currency: str = "USD") -> str:
    """An amount with thousands separators and its symbol: `$1,000,000`."""
    if amount is None:
        return "not set"
    symbol = CURRENCY_SYMBOLS.get(currency)
    text = _trim(amount, 0 if abs(amount) >= 10 else 2)
    return f"{symbol}{text}" if symbol else f"{text} {currency}"


def count(number: float | None) -> str:
    """A count with thousands separators: 15000 -> `15,000`."""
    if number is None:
        return "not set"
    return f"{round(number):,}"


def hours(value: float) -> str:
    """A duration: `24 h`, `3 days`, `7 days`, `1.5 days`."""
    if value < 48:
        return f"{_trim(value, 1)} h"
    return f"{_trim(value / 24, 1)} days"


def when(moment: datetime) -> str:
    """A local time as `Tue 2026-12-01 09:00 EST` (the moment's own zone)."""
    return moment.strftime("%a %Y-%m-%d %H:%M %Z").strip()


def day(moment: datetime) -> str:
    """A local date as `Tue 2026-12-01`."""
    return moment.strftime("%a %Y-%m-%d")


def minutes(value: float | None) -> str:
    """A duration given in minutes: `8 min`, `0.5 min`; from two hours on, `4.1 h`."""
    if value is None:
        return "not set"
    if value >= 120:
        return f"{_trim(value / 60, 1)} h"
    return f"{_trim(value, 1)} min"


def number(value: float | None, decimals: int = 1) -> str:
    """A plain quantity with thousands separators and no trailing zeros: `10.4`, `1,200`."""
    if value is None:
        return "not set"
    return _trim(value, decimals)


def rare(probability: float) -> str:
    """A small probability to two significant figures: 0.00118 -> `0.12%`, 0.031 -> `3.1%`."""
    if probability <= 0:
        return "0%"
    if probability >= 0.1:
        return chance(probability)
    digits = max(0, 1 - math.floor(math.log10(probability * 100)))
    return f"{_trim(probability * 100, digits)}%"


_WHO_ROLLS_BACK = {
    "engine": "the engine, at the stage's rollback boundary",
    "on_call": "the on-call engineer, on the page",
    "incident_commander": "the incident commander, on the page",
}


def who_rolls_back(actor: str | None) -> str:
    """Who executes a rollback trigger, in the words every part of the plan uses."""
    return _WHO_ROLLS_BACK.get(actor or "on_call", _WHO_ROLLS_BACK["on_call"])
