"""Numbers as people write them: `0.8%`, `979 ms`, `1.8 s`, `$1,000,000`, `15,000`.

Used by the planner for sentences (descriptions, messages) and by the
templates as Jinja filters, so a number reads the same everywhere.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from datetime import datetime

CURRENCY_SYMBOLS = {"USD": "$", "EUR": "€", "GBP": "£"}
RATE_DECIMALS = 4
"""A rate is shown from its value at this many decimals, the precision the plan's JSON keeps
(more below 0.1%: see `round_rate`)."""
SMALL_PERCENT = 0.1
"""Below 0.1% a rate keeps two significant digits, so 0.001% never reads `0%`."""
# Where a display switches form (each the first value shown the second way).
_SHOWN_AS_CERTAIN = 0.995  # rounds to 100%: shown as `>99%`
_SHOWN_AS_NONE = 0.005  # a chance above 0 but below this is shown as `<1%`
_MS_PER_SECOND = 1000
_WHOLE_MS_FROM = 100  # `979 ms`, but `97.5 ms`
_WHOLE_MONEY_FROM = 10  # `$67`, but `$6.25`
_DAYS_FROM_HOURS = 48  # `47 h`, then `2 days`
_HOURS_FROM_MINUTES = 120  # `119 min`, then `2 h`
_RARE_BELOW = 0.1  # two significant figures below 10%; whole percentages above


def round_rate(rate: float) -> float:
    """Return a rate at `RATE_DECIMALS` decimals, or two significant digits when that keeps more.

    0.00954 -> 0.0095 and 0.0028 -> 0.0028 as before; 0.0000123 (0.00123%) -> 0.000012, not 0.
    """
    if not math.isfinite(rate) or rate == 0:
        return rate
    decimals = max(RATE_DECIMALS, 1 - math.floor(math.log10(abs(rate))))
    return round(rate, decimals)


def _rate_decimals(percent: Decimal | float, decimals: int) -> int:
    """Give `decimals`, or enough for two significant digits when the percentage needs them.

    It needs them below 0.1% or where it would round to 0: a nonzero rate never reads `0%`.
    """
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
    """Give `rate` x 100 from its value at `RATE_DECIMALS` decimals.

    So a rate rounded for the JSON and the same rate unrounded read the same
    (0.00955 and 0.0096 both show `1%` at one decimal).
    """
    if not math.isfinite(rate):
        return rate
    return Decimal(repr(round_rate(rate))) * 100


def pct(rate: float | None, decimals: int = 2) -> str:
    """Return a fraction as a percentage: 0.008 -> `0.8%`, 0.0125 -> `1.25%`.

    One rule for every displayed rate: the value at 4 decimals, rounded half up.
    """
    if rate is None:
        return "not set"
    percent = _percent(rate)
    return f"{_trim(percent, _rate_decimals(percent, decimals))}%"


def chance(probability: float) -> str:
    """Return a probability as a whole percentage that never rounds to certainty: `22%`, `>99%`."""
    if probability >= _SHOWN_AS_CERTAIN:
        return ">99%"
    if 0 < probability < _SHOWN_AS_NONE:
        return "<1%"
    return f"{round(probability * 100)}%"


def plural(number: float, noun: str) -> str:
    """`1 transaction`, `68 transactions` (the number with thousands separators)."""
    rounded = round(number)
    return f"{rounded:,} {noun}" + ("" if rounded == 1 else "s")


def points(rate: float) -> str:
    """Return a difference of rates in percentage points: 0.002 -> `0.2 points`."""
    percent = _percent(rate)
    return f"{_trim(percent, _rate_decimals(percent, 2))} points"


def ms(value: float | None) -> str:
    """Return a latency: milliseconds below one second, seconds above (`979 ms`, `1.78 s`)."""
    if value is None:
        return "not set"
    if value < _MS_PER_SECOND:
        return f"{_trim(value, 0 if value >= _WHOLE_MS_FROM else 1)} ms"
    return f"{_trim(value / _MS_PER_SECOND, 2)} s"


def money(amount: float | None, currency: str = "USD") -> str:
    """Return an amount with thousands separators and its symbol: `$1,000,000`."""
    if amount is None:
        return "not set"
    symbol = CURRENCY_SYMBOLS.get(currency)
    text = _trim(amount, 0 if abs(amount) >= _WHOLE_MONEY_FROM else 2)
    return f"{symbol}{text}" if symbol else f"{text} {currency}"


def count(number: float | None) -> str:
    """Return a count with thousands separators: 15000 -> `15,000`."""
    if number is None:
        return "not set"
    return f"{round(number):,}"


def hours(value: float) -> str:
    """Return a duration: `24 h`, `3 days`, `7 days`, `1.5 days`."""
    if value < _DAYS_FROM_HOURS:
        return f"{_trim(value, 1)} h"
    return f"{_trim(value / 24, 1)} days"


def when(moment: datetime) -> str:
    """Return a local time as `Tue 2026-12-01 09:00 EST` (the moment's own zone)."""
    return moment.strftime("%a %Y-%m-%d %H:%M %Z").strip()


def day(moment: datetime) -> str:
    """Return a local date as `Tue 2026-12-01`."""
    return moment.strftime("%a %Y-%m-%d")


def minutes(value: float | None) -> str:
    """Return a duration given in minutes: `8 min`, `0.5 min`; from two hours on, `4.1 h`."""
    if value is None:
        return "not set"
    if value >= _HOURS_FROM_MINUTES:
        return f"{_trim(value / 60, 1)} h"
    return f"{_trim(value, 1)} min"


def number(value: float | None, decimals: int = 1) -> str:
    """Return a plain quantity with thousands separators and no trailing zeros: `10.4`, `1,200`."""
    if value is None:
        return "not set"
    return _trim(value, decimals)


def rare(probability: float) -> str:
    """Show a small probability to two significant figures: 0.00118 -> `0.12%`, 0.031 -> `3.1%`."""
    if probability <= 0:
        return "0%"
    if probability >= _RARE_BELOW:
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
