"""Statements -> typed metrics and traffic candidates, by a general vocabulary.

A metric's kind and direction come from its label and its unit, not from a list
of known lines: a fraction whose label says `failure`, `5xx` or `bounce` is a
rate that should stay low; one that says `success`, `crash-free` or `hit ratio`
a ratio that should stay high; a duration is a latency (or a lag when the label
says so); `N things per time` is throughput, and a candidate for the traffic
the flag splits. Well-known metrics keep their contract keys (`error_rate`,
`p95_latency_ms`, ...); every other one is kept under a slug of its label.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from rollout_manager.model import Direction, Evidence, Metric, MetricKind
from rollout_manager.reading.quantities import (
    NumberError,
    Quantity,
    find_quantities,
    spell_numbers,
)
from rollout_manager.reading.vocabulary import (
    CONVERSION_WORDS,
    ERROR_WORDS,
    GENERIC_TRAFFIC_WORDS,
    HIGHER_IS_BETTER,
    HIGHER_IS_WORSE,
    LAG_WORDS,
    PER_DAY,
    SUCCESS_WORDS,
    TIME_BASE_ADJECTIVES,
    TIME_WORDS,
    TIMEOUT_WORDS,
    TRAFFIC_VERBS,
)

if TYPE_CHECKING:
    from rollout_manager.reading.statements import Statement

_I: Final = re.IGNORECASE
_BETTER = re.compile(r"\b(?:" + "|".join(HIGHER_IS_BETTER) + r")\b", _I)
_WORSE = re.compile(r"\b(?:" + "|".join(HIGHER_IS_WORSE) + r")\b", _I)
_ERROR = re.compile(ERROR_WORDS, _I)
_SUCCESS = re.compile(SUCCESS_WORDS, _I)
_TIMEOUT = re.compile(TIMEOUT_WORDS, _I)
_CONVERSION = re.compile(CONVERSION_WORDS, _I)
_APPROVAL = re.compile(r"\bapprov(?:al|ed)\b", _I)
_LAG = re.compile(LAG_WORDS, _I)
_TIME = re.compile(TIME_WORDS, _I)
_RATE_WORD = re.compile(r"\b(?:rate|ratio|share|percentage)\b|%", _I)
_PERCENTILE = re.compile(
    r"\b(?:t?p(?P<p>\d{2,3})|(?P<q>\d{2})(?:th)?\s*(?:percentile|pctl|pct|%ile))\b", _I
)
_MEDIAN = re.compile(r"\bmedian\b", _I)
_PERCENTILE_AFTER = re.compile(
    r"\s*(?:at\s+(?:the\s+)?|@\s*|\(\s*|for\s+(?:the\s+)?)?"
    r"(?P<rank>t?p\d{2,3}|\d{2}(?:th)?\s*(?:percentile|pctl|%ile)|median)\b",
    _I,
)
# A failure word makes a metric one to keep low even beside a word that wants it high
# ("Delivery failures", "failed to deliver"); a success word proper still wins.
_STRONGLY_BETTER = re.compile(r"\b(?:success(?:ful)?|crash[- ]?free|error[- ]?free)\b", _I)
_LABEL_BASE = re.compile(
    r"(?:\s*/\s*|\s+(?:per|a|an|each|every)\s+)(?P<base>second|sec|s|minute|min|hour|hr|h|day|d|week|month)\b",
    _I,
)
_LABEL_ADJECTIVE = re.compile(r"^(?P<adj>daily|hourly|weekly|monthly)\s+", _I)
_CLAUSES = re.compile(r"\s*;\s*|,\s+|\s+(?:and|while)\s+")
_FILLER = re.compile(
    r"(?:\b(?:is|are|was|were|of|at|around|about|roughly|approx\.?|approximately|nearly|"
    r"the|its|our|their|on|for|sits|runs|stands|averages|currently|today)\b|[~≈=:($€£])",
    _I,
)
_PARENTHESES = re.compile(r"\([^()]*\)")
# Lines of an error breakdown give shares of errors, not rates of traffic.
_BREAKDOWN = re.compile(
    r"error (?:breakdown|categor|type|mix|distribution|class|reason|cause|code)"
    r"|errors? \(?by\b|failure (?:breakdown|reason|mode|categor|type)|breakdown",
    _I,
)
_SHARE_OF_ERRORS = re.compile(r"%\s*of\s+(?:all\s+)?(?:errors|failures)\b", _I)
_SLUG = re.compile(r"[^a-z0-9]+")
_WELL_KNOWN_LATENCY: Final = {
    "50": "p50_latency_ms",
    "95": "p95_latency_ms",
    "99": "p99_latency_ms",
}


@dataclass(frozen=True)
class TrafficCandidate:
    """A stated stream of things per time, in its own unit, per day."""

    unit: str
    per_day: float
    evidence: Evidence


@dataclass
class MetricReading:
    """What a document's statements gave: metrics, traffic candidates, lines used."""

    metrics: list[Metric]
    traffic: list[TrafficCandidate]
    used_lines: set[int]


def slug(label: str) -> str:
    """Make a stable snake_case key from a label: `Crash-free sessions` -> `crash_free_sessions`."""
    plain = _PARENTHESES.sub(" ", label.lower())
    return _SLUG.sub("_", plain).strip("_")


def direction_of(label: str) -> Direction:
    """Whether a metric so labelled should stay low, stay high, or neither."""
    if _BETTER.search(label) and (not _ERROR.search(label) or _STRONGLY_BETTER.search(label)):
        return "higher_is_better"
    if _WORSE.search(label):
        return "higher_is_worse"
    return "none"


def _latency_key(label: str) -> str:
    match = _PERCENTILE.search(label)
    rank = (match["p"] or match["q"]) if match else ("50" if _MEDIAN.search(label) else "")
    return _WELL_KNOWN_LATENCY.get(rank, f"{slug(label)}_ms")


# "Unknown errors: 5%" is a category of an error breakdown, not the error rate.
_CATEGORY = re.compile(r"^(?:unknown|other|misc\w*|remaining|rest of)\b", _I)


_BETTER_KEYS: Final = (
    (_SUCCESS, "success_rate"),
    (_CONVERSION, "conversion_rate"),
    (_APPROVAL, "approval_rate"),
)


def _fraction_key(label: str, direction: Direction) -> str:
    if direction == "higher_is_better":
        return next((key for words, key in _BETTER_KEYS if words.search(label)), slug(label))
    if _TIMEOUT.search(label):
        return "timeout_rate"
    if _ERROR.search(label) and not _CATEGORY.match(label):
        return "error_rate"
    return slug(label)


def _label_base(label: str) -> str:
    match = _LABEL_BASE.search(label)
    if match is not None:
        return match["base"].lower()
    adjective = _LABEL_ADJECTIVE.match(label)
    return TIME_BASE_ADJECTIVES[adjective["adj"].lower()] if adjective else ""


def traffic_unit(label: str, noun: str) -> str:
    """Name what a traffic figure counts, plural: `Emails sent` -> `emails`."""
    if noun:
        words = noun.lower()
    else:
        words = _LABEL_BASE.sub(" ", _PARENTHESES.sub(" ", label.lower()))
        adjective = _LABEL_ADJECTIVE.match(words)
        if adjective is not None and words[adjective.end() :].strip() != "active users":
            words = words[adjective.end() :]
    for generic in GENERIC_TRAFFIC_WORDS:
        words = re.sub(rf"\b{generic}\b", " ", words)
    parts = [w for w in re.split(r"[^a-z-]+", words) if w]
    while parts and parts[-1] in TRAFFIC_VERBS:
        parts.pop()
    while parts and parts[0] in {"the", "a", "an", "of", "total", "our"}:
        parts.pop(0)
    if not parts:
        return ""
    if not parts[-1].endswith("s"):
        parts[-1] += "s"
    return " ".join(parts)


def _clean_label(text: str) -> str:
    return " ".join(_FILLER.sub(" ", text).split()).strip(" ,.-")


def _pick(quantities: list[Quantity]) -> Quantity | None:
    for quantity in quantities:
        if quantity.kind != "count" or quantity.per_day:
            return quantity
    return quantities[0] if quantities else None


def _kind(label: str, quantity: Quantity, direction: Direction) -> MetricKind | None:
    kind: MetricKind | None = None
    if quantity.kind == "fraction":
        if direction != "none" or _RATE_WORD.search(label):
            kind = "ratio" if direction == "higher_is_better" else "rate"
    elif quantity.kind == "duration":
        if _LAG.search(label):
            kind = "lag"
        elif _TIME.search(label):
            kind = "latency"
    elif quantity.kind == "money":
        kind = "money"
    elif quantity.per_day:
        kind = "throughput"
    elif direction != "none":
        kind = "count"
    return kind


class _Reader:
    def __init__(self, file: str) -> None:
        self.file = file
        self.metrics: list[Metric] = []
        self.traffic: list[TrafficCandidate] = []
        self.used: set[int] = set()

    def statement(self, statement: Statement) -> None:
        if statement.kind == "heading" or (statement.kind == "sentence" and "|" in statement.text):
            return  # a pipe row with no separator line under a header is not a table
        if any(_BREAKDOWN.search(section) for section in statement.sections):
            return
        if _SHARE_OF_ERRORS.search(statement.text):
            return
        text = spell_numbers(statement.value)
        clauses = [c for c in _CLAUSES.split(text) if c.strip()]
        for index, clause in enumerate(clauses):
            outer = statement.label if index == 0 else ""
            self._clause(statement, outer, clause)

    def _clause(self, statement: Statement, outer: str, clause: str) -> None:
        # A clause states one metric; its first few numbers are all that can name it.
        quantities = find_quantities(clause, limit=4)
        quantity = _pick(quantities)
        if quantity is None:
            return
        own = _clean_label(clause[: quantity.start])
        if quantity.kind == "duration":
            # "420 ms at p95": the percentile written after the value names it too.
            rank = _PERCENTILE_AFTER.match(clause, quantity.end)
            own = f"{own} {rank['rank']}".strip() if rank is not None else own
        label = " ".join(part for part in (outer, own) if part) if outer else own
        if not label and not quantity.noun:
            return
        base = _label_base(label)
        if quantity.kind == "count" and not quantity.per_day and base:
            quantity = Quantity(
                float(Decimal(str(quantity.value)) * PER_DAY[base]),
                "count",
                per_day=True,
                base=base,
            )
        evidence = Evidence(file=self.file, line=statement.line, text=statement.text)
        direction = direction_of(label)
        kind = _kind(label, quantity, direction)
        if kind is None:
            return
        if kind == "throughput" and direction == "none":
            unit = traffic_unit(label, quantity.noun)
            if unit:
                self.traffic.append(TrafficCandidate(unit, quantity.value, evidence))
                self.used.add(statement.line)
            return
        self._add(label, kind, direction, quantity, evidence)

    def _add(
        self,
        label: str,
        kind: MetricKind,
        direction: Direction,
        quantity: Quantity,
        evidence: Evidence,
    ) -> None:
        if kind == "latency":
            key, unit = _latency_key(label), "ms"
        elif kind == "lag":
            key, unit = slug(label), "ms"
        elif kind in {"rate", "ratio"}:
            key, unit = _fraction_key(label, direction), "fraction"
            if key == "error_rate" and quantity.value >= 1:
                raise NumberError(
                    f"an error rate of {quantity.value:.0%} leaves no successful traffic to "
                    "compare against; a baseline error rate must be below 100%"
                )
            if quantity.value > 1:
                return  # not a share of anything; the labelled reader says so in a warning
        elif kind == "money":
            key, unit = slug(label), quantity.currency or "USD"
        else:
            key, unit = slug(label), "per_day" if kind == "throughput" else "count"
        taken = {metric.key for metric in self.metrics}
        if key in taken:
            key = slug(label)
            if key in taken:
                return
        self.metrics.append(
            Metric(
                key=key,
                label=label,
                kind=kind,
                direction=direction,
                value=quantity.value,
                unit=unit,
                evidence=[evidence],
            )
        )
        self.used.add(evidence.line)


def read_metrics(file: str, statements: list[Statement], *, strict: bool = True) -> MetricReading:
    """Read the metrics and traffic figures a document's statements state.

    Args:
        file: the document's name, for evidence.
        statements: its statements.
        strict: refuse a bad number (the baseline); otherwise skip its statement.

    Raises:
        NumberError: (strict) a stated number is negative, out of range or
            absurdly long; the message starts with its line.
    """
    reader = _Reader(file)
    for statement in statements:
        try:
            reader.statement(statement)
        except NumberError as error:
            if strict:
                raise NumberError(f"line {statement.line}: {error}") from None
    return MetricReading(reader.metrics, reader.traffic, reader.used)


__all__ = [
    "MetricReading",
    "TrafficCandidate",
    "direction_of",
    "read_metrics",
    "slug",
    "traffic_unit",
]
