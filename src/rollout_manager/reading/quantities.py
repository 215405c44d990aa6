"""Quantities as teams write them: a number, its unit and its time base.

`15k`, `1.2M`, `~900 ms`, `about three hundred ms`, `0.3 per cent`, `8 per
10,000`, `80 bps`, `1.2e3`, `350 per second`, `1,200 deletion requests a day`,
`$67`. Each becomes a `Quantity` whose value is in the model's units (rates as
fractions, durations in milliseconds, counts per day when a time base is
written). Numbers that cannot be a metric are refused with `NumberError`, not
guessed: a minus sign (`-0.8%`), an exponent beyond any real figure (`1e309`,
`1e-400`), or a run of hundreds of digits.

The scanner is hand-written because no library reads this mix of units,
spellings and time bases; the vocabulary it uses lives in `vocabulary`.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from decimal import Decimal, InvalidOperation
from typing import Final, Literal

from rollout_manager.reading.vocabulary import (
    MS_PER_DURATION_UNIT,
    NUMBER_SCALES,
    NUMBER_WORDS,
    PER_DAY,
    SCALE_SUFFIXES,
    TIME_BASE_ADJECTIVES,
    duration_unit_pattern,
)

QuantityKind = Literal["fraction", "duration", "count", "money"]

_MAX_DIGITS: Final = 30
_HUNDRED: Final = 100
_LARGEST: Final = Decimal("1e15")
_SMALLEST: Final = Decimal("1e-9")

_NUMBER = re.compile(
    r"(?<![\w.,/])(?P<sign>[-−](?=\.?\d))?"
    r"(?P<n>(?:\d{1,3}(?:,\d{3})++(?![\d,])|\d++)(?:\.\d++)?(?:[eE][+-]?\d++)?|\.\d++)"
)
_APPROX = re.compile(
    r"(?:~|≈|\babout|\baround|\broughly|\bapprox(?:\.|imately)?|\bnearly|\balmost|\bsome)\s*$",
    re.IGNORECASE,
)
_RANGE_TAIL = re.compile(r"\s*(?:-|–|to)\s*(?=\d)")
_PERCENT = re.compile(
    r"\s*(?:(?P<pct>%|percent\b|per\s*cent\b|pct\b)|(?P<permille>‰|per\s*mille\b)"
    r"|(?P<bps>‱|bps\b|basis\s+points?\b)"
    r"|(?:per|in|out\s+of|/)\s*(?P<den>\d{1,3}(?:,\d{3})+|\d+)(?P<den_k>\s*k\b)?(?!\s*\w*[a-z]/)"
    r"|(?:per|in|out\s+of)\s+(?P<den_word>hundred|thousand|million)\b)",
    re.IGNORECASE,
)
_SCALE = re.compile(r"\s*(?P<scale>[kK]|thousand|mm|mn|million|M|bn|billion|B)(?![\w])")
_DURATION = re.compile(rf"\s*(?P<unit>{duration_unit_pattern()})(?![\w])", re.IGNORECASE)
_BASE: Final = r"(?P<base>s|sec|second|m|min|minute|h|hr|hour|d|day|w|wk|week|mo|month)"
_PER_TIME = re.compile(
    rf"\s*(?:/|\bper\b|\ba\b|\ban\b|\beach\b|\bevery\b)\s*{_BASE}\b", re.IGNORECASE
)
_NOUN_THEN_BASE = re.compile(
    rf"\s+(?P<adj>daily\s+|hourly\s+|weekly\s+|monthly\s+)?"
    rf"(?P<noun>(?:(?!per\b|a\b|an\b|each\b|every\b|of\b|and\b|in\b)[a-z][a-z-]*\s+){{0,3}}?"
    rf"(?!per\b|a\b|an\b|each\b|every\b|of\b|and\b|in\b)[a-z][a-z-]*s)"
    rf"(?:(?:\s*/\s*|\s+(?:per|a|an|each|every)\s+){_BASE}\b)?",
    re.IGNORECASE,
)
# `4.2k rpm`: the rate abbreviations of request dashboards name what is counted and its base.
_RATE_ABBREVIATION = re.compile(
    r"\s*(?P<abbr>(?P<what>[rqt])p(?P<base>[smh])|req/(?P<req_base>s|sec|min))\b", re.IGNORECASE
)
_COUNTED_BY_LETTER: Final = {"r": "requests", "q": "queries", "t": "transactions"}
_CURRENCY_BEFORE = re.compile(r"(?P<sym>[$€£])\s*$|(?P<code>\b(?:USD|EUR|GBP))\s*$")
_CURRENCY_AFTER = re.compile(r"\s*(?P<code>USD|EUR|GBP|dollars?|euros?|pounds?)\b", re.IGNORECASE)
_CURRENCIES: Final = {"$": "USD", "€": "EUR", "£": "GBP", "dollar": "USD", "euro": "EUR"}
_WORD_RUN = re.compile(
    r"\b(?:a\s+(?=hundred|thousand|million|billion))?"
    r"(?:(?:" + "|".join([*NUMBER_WORDS, *NUMBER_SCALES]) + r")(?:[\s-]+(?:and\s+)?|\b))+",
    re.IGNORECASE,
)


class NumberError(ValueError):
    """A number that cannot be a metric: negative, out of range or absurdly long."""


@dataclass(frozen=True)
class Quantity:
    """One number read from text, in the model's units.

    Attributes:
        value: fraction, milliseconds, count (per day when `per_day` is set), or amount.
        kind: fraction (percentages and `N per M`), duration, count or money.
        per_day: True when a time base was written and `value` is converted to a day.
        base: the time base as written (`hour`), or "".
        noun: what is counted, when written after the number (`deletion requests`).
        currency: the ISO code for money.
        start: where the number starts in the text.
        approximate: written with `~`, `about`, `roughly`...
        end: where the quantity (number and unit) ends in the text.
    """

    value: float
    kind: QuantityKind
    per_day: bool = False
    base: str = ""
    noun: str = ""
    currency: str = ""
    start: int = 0
    approximate: bool = False
    end: int = 0


def spell_numbers(text: str) -> str:
    """Spelled numbers as digits, keeping the rest: `about three hundred ms` -> `about 300 ms`."""

    def digits(match: re.Match[str]) -> str:
        words = re.findall(r"[a-z]+", match[0].lower())
        if words[0] in NUMBER_SCALES:
            return match[0]  # "3.2 million": the scale of a written number, kept for the scanner
        total = current = 0
        seen = False
        for word in words:
            if word in NUMBER_WORDS:
                current += NUMBER_WORDS[word]
                seen = True
            elif word in NUMBER_SCALES:
                seen = True
                scale = NUMBER_SCALES[word]
                if scale == _HUNDRED:  # scales the group it follows, not the total
                    current = max(current, 1) * _HUNDRED
                else:
                    total += max(current, 1) * scale
                    current = 0
        if not seen:
            return match[0]
        trailing = match[0][len(match[0].rstrip()) :]
        return f"{total + current}{trailing}"

    return _WORD_RUN.sub(digits, text)


def _decimal(text: str) -> Decimal:
    digits = sum(ch.isdigit() for ch in text.split("e", maxsplit=1)[0].split("E", maxsplit=1)[0])
    if digits > _MAX_DIGITS:
        raise NumberError(f"a number of {digits} digits is not a figure anyone measured")
    try:
        value = Decimal(text.replace(",", ""))
    except InvalidOperation:
        raise NumberError(f"{text!r} is not a number") from None
    if not value.is_finite() or abs(value) > _LARGEST or (value and abs(value) < _SMALLEST):
        raise NumberError(f"{text} is out of range for a metric")
    return value


def _float(value: Decimal) -> float:
    result = float(value)
    if not math.isfinite(result):
        raise NumberError(f"{value} is out of range for a metric")
    return result


def _negative(text: str, start: int) -> bool:
    """Tell whether a minus sign is a sign, not a range dash (`1-7 July`) or a list marker."""
    before = text[max(0, start - 40) : start].split()
    previous = before[-1] if before else ""
    return not any(ch.isdigit() for ch in previous)


def _time_base(match: re.Match[str] | None) -> str:
    if match is None or not match["base"]:
        return ""
    return match["base"].lower()


def _count(number: Decimal, text: str, end: int, start: int, *, approx: bool) -> Quantity:
    scale = _SCALE.match(text, end)
    if scale is not None:
        number *= SCALE_SUFFIXES.get(scale["scale"], SCALE_SUFFIXES.get(scale["scale"].lower(), 1))
        end = scale.end()
    base = _time_base(_PER_TIME.match(text, end))
    noun = ""
    abbreviation = _RATE_ABBREVIATION.match(text, end)
    if not base and abbreviation is not None:
        written = (abbreviation["base"] or abbreviation["req_base"]).lower()
        base = {"s": "second", "m": "minute", "h": "hour"}.get(written[0], "second")
        noun = _COUNTED_BY_LETTER[(abbreviation["what"] or "r").lower()]
    if not base:
        phrase = _NOUN_THEN_BASE.match(text, end)
        if phrase is not None:
            noun = " ".join(phrase["noun"].lower().split())
            base = _time_base(phrase)
            if not base and phrase["adj"]:
                base = TIME_BASE_ADJECTIVES[phrase["adj"].strip().lower()]
    if base:
        number *= PER_DAY[base.removesuffix("s")]
    return Quantity(
        _float(number), "count", bool(base), base, noun, start=start, approximate=approx
    )


def _one(text: str, match: re.Match[str]) -> tuple[Quantity | None, int]:
    if match["sign"] and _negative(text, match.start()):
        raise NumberError(f"{match[0]} is negative; a baseline metric cannot be below zero")
    number = _decimal(match["n"])
    start, end = match.start("n"), match.end()
    approx = _APPROX.search(text[max(0, start - 16) : start]) is not None
    money = _CURRENCY_BEFORE.search(text[max(0, start - 4) : start])
    if money is not None:
        scale = _SCALE.match(text, end)
        if scale is not None:
            number *= SCALE_SUFFIXES.get(
                scale["scale"], SCALE_SUFFIXES.get(scale["scale"].lower(), 1)
            )
        currency = _CURRENCIES.get(money["sym"] or "", money["code"] or "USD")
        quantity = Quantity(
            _float(number), "money", currency=currency, start=start, approximate=approx
        )
        return quantity, scale.end() if scale is not None else end
    rate = _PERCENT.match(text, end)
    if rate is not None:
        if rate["pct"]:
            denominator = Decimal(100)
        elif rate["permille"]:
            denominator = Decimal(1000)
        elif rate["bps"]:
            denominator = Decimal(10_000)
        elif rate["den_word"]:
            denominator = Decimal(NUMBER_SCALES[rate["den_word"].lower()])
        else:
            denominator = _decimal(rate["den"]) * (1000 if rate["den_k"] else 1)
        if denominator == 0:
            return None, rate.end()
        base = _time_base(_PER_TIME.match(text, rate.end()))
        fraction = _float(number / denominator)
        quantity = Quantity(fraction, "fraction", base=base, start=start, approximate=approx)
        return quantity, rate.end()
    duration = _DURATION.match(text, end)
    if duration is not None and not _SCALE.match(text, end) and not _PER_TIME.match(text, end):
        unit = duration["unit"].lower()
        key = unit if unit in MS_PER_DURATION_UNIT else unit.rstrip("s")
        factor = MS_PER_DURATION_UNIT.get(key, MS_PER_DURATION_UNIT.get(unit[:3], Decimal(1)))
        quantity = Quantity(_float(number * factor), "duration", start=start, approximate=approx)
        return quantity, duration.end()
    after = text[end : end + 1]
    if after.isalpha() and not _SCALE.match(text, end):
        return None, end  # `5xx`, `11am`, `2nd`: part of a word, not a quantity
    return _count(number, text, end, start, approx=approx), end


def find_quantities(text: str, limit: int = 1_000) -> list[Quantity]:
    """Return the quantities in `text`, in order, at most `limit` of them.

    Raises:
        NumberError: a negative number, one out of any metric's range, or one of
            more than 30 digits.
    """
    spelled = spell_numbers(text)
    quantities: list[Quantity] = []
    matches = list(_NUMBER.finditer(spelled))
    consumed = 0
    for index, match in enumerate(matches):
        if match.start() < consumed:
            continue  # the `10,000` of `8 per 10,000` is part of the first quantity
        following = matches[index + 1] if index + 1 < len(matches) else None
        if following is not None and _RANGE_TAIL.fullmatch(spelled, match.end(), following.start()):
            continue  # "5-10 ms": the upper end, with the unit written after it, is read
        quantity, consumed = _one(spelled, match)
        if quantity is not None:
            quantities.append(replace(quantity, end=consumed))
            if len(quantities) >= limit:
                break
    return quantities


__all__ = ["NumberError", "Quantity", "QuantityKind", "find_quantities", "spell_numbers"]
