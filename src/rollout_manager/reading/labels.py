"""The words of a labelled line: label spellings, emphasis, negation, sentence labels.

Labels are matched through `LABEL_SYNONYMS`, a table from a dotted field name to
the spellings people use, so `P95`, `95th percentile` and `latency p95` all name
`baseline.p95_latency_ms`. The other helpers work on one line's words (strip
emphasis, normalise a label, find a negation, split a sentence into a label and
its number); the Markdown structure around them comes from `reading.blocks`.
"""

from __future__ import annotations

import functools
import re
from typing import TYPE_CHECKING, Final

from rollout_manager.reading.units import NUMBER_PATTERN

if TYPE_CHECKING:
    from collections.abc import Iterable

LABELLED: Final = re.compile(
    r"^(?P<label>[^:=|]{1,80}?)[ \t]{0,8}(?::(?=\s|$)|\s=\s|\s[—–]\s)\s*(?P<value>.*)$"
)
"""`Label: value`, `Label = value` or `Label — value`: a line that names what it states."""

# Bracket contents exclude their own opener, so an unclosed `(` or `[` repeated along a
# long line is scanned once, not once per opener.
_LINK = re.compile(r"!?\[(?P<text>[^\][]*)\]\([^()]*\)")
_EMPHASIS = re.compile(r"\*\*|__|(?<![\w*])[*_](?=\S)|(?<=\S)[*_](?![\w*])")
_PARENTHESES = re.compile(r"\((?P<inner>[^()]*)\)")
_DAILY = re.compile(
    r"(?:/\s*day\b|\bper\s+day\b|\ba\s+day\b|\bdaily\b|\beach\s+day\b|/d\b)", re.IGNORECASE
)
_DAY_WORD = re.compile(r"\bday\b|\bdaily\b")
_MODIFIER = re.compile(
    r"^(?:current|baseline|overall|total|observed|typical|today's|estimated|est\.?|"
    r"approx\.?|approximate|avg\.?|average|mean)\s+"
)

# ------------------------------------------------------------------------- synonyms

_LAT: Final = r"(?:latency|latencies|response time|response|duration|round trip time|rtt|time)"
COUNTED: Final = r"(?:transactions?|txns?|tx|payments?|orders?|requests?|checkouts?|calls?)"
_ITEM: Final = r"(?:transaction|txn|tx|order|payment|basket|ticket|purchase|cart|checkout)"
_MONEY_FLOW: Final = r"(?:revenue|gmv|sales|turnover|tpv|gross merchandise value)"
_PER_DAY: Final = r"(?: per | a | each |/)day"


def _percentile(rank: int, *more: str) -> tuple[str, ...]:
    core = rf"(?:p{rank}|tp{rank}|{rank}(?:th)? ?(?:percentile|pctl|pct|%ile))"
    return (rf"(?:{_LAT} )?{core}(?: {_LAT})?", *more)


_DAILY_VOLUME: Final = (
    rf"(?:daily|per day) (?:{COUNTED} )?(?:volume|count|{COUNTED})",
    rf"(?:{COUNTED}|volume)(?: volume| count)?{_PER_DAY}",
)

LABEL_SYNONYMS: Final[dict[str, tuple[str, ...]]] = {
    "baseline.p50_latency_ms": _percentile(50, rf"median(?: {_LAT})?", rf"{_LAT} median"),
    "baseline.p95_latency_ms": _percentile(95),
    "baseline.p99_latency_ms": _percentile(99),
    "baseline.success_rate": (
        r"success(?:ful)?(?: rate| ratio| percentage| %)?",
        rf"(?:successful|approved|completed) {COUNTED}(?: rate| %)?",
        r"approval rate",
    ),
    "baseline.error_rate": (
        r"(?:error|errors|failure|failures|fail)(?: rate| ratio| percentage| %)?",
        rf"(?:failed|erroring) {COUNTED}(?: rate| %)?",
    ),
    "baseline.timeout_rate": (
        r"time ?outs?(?: rate| ratio| percentage| %)?",
        rf"timed out(?: {COUNTED})?(?: rate| %)?",
    ),
    "baseline.daily_transactions": _DAILY_VOLUME,
    "baseline.avg_transaction_value": (
        rf"(?:average|avg\.?|mean|typical) {_ITEM}(?: value| size| amount)?",
        rf"{_ITEM} (?:value|amount|size)",
        r"aov",
        r"atv",
    ),
    "baseline.daily_revenue": (
        rf"(?:daily|per day) {_MONEY_FLOW}",
        rf"{_MONEY_FLOW}{_PER_DAY}",
    ),
    "feature.name": (r"(?:feature|project)(?: name| title)?", r"name", r"title"),
    "feature.summary": (
        r"summary",
        r"what(?:'s| is)? chang(?:ing|es)",
        r"(?:change )?description",
        r"overview",
        r"tl;? ?dr",
    ),
    "feature.flag": (
        r"(?:feature )?(?:flag|toggle)(?: name| key| id)?",
        r"kill switch",
        r"launchdarkly(?: flag)?",
    ),
    "feature.flag_state": (r"(?:feature )?(?:flag|toggle) (?:state|status)",),
    "feature.scope": (
        r"scope",
        r"affected(?: scope| users| traffic| transactions| customers| sessions)?",
        r"affects",
        r"blast radius",
        r"audience",
        r"exposure",
        r"who is affected",
    ),
    "feature.peak_windows": (
        r"peak(?: traffic| hours| times?| windows?| load| periods?| usage)?",
        r"busiest (?:hours|times?|periods?)",
        r"high traffic(?: hours| periods?| windows?)?",
        r"traffic peaks?",
    ),
    "feature.rollback_mechanism": (
        r"roll ?back(?: plan| mechanism| method| strategy| procedure| path)?",
        r"revert(?: plan| strategy)?",
        r"how to roll ?back",
        r"undo",
    ),
    "feature.rollback_minutes": (
        r"roll ?back (?:time|speed|duration|eta)",
        r"time to (?:roll ?back|revert|recover|restore)",
        r"recovery time(?: objective)?",
        r"rto",
        r"mttr",
    ),
    "feature.daily_volume": _DAILY_VOLUME,
}
"""Canonical field -> the label spellings that name it (regexes on a normalised label)."""


@functools.cache
def _label_pattern(name: str) -> re.Pattern[str]:
    """Return the synonyms of one field as one regex, compiled when first asked for."""
    return re.compile("|".join(f"(?:{variant})" for variant in LABEL_SYNONYMS[name]))


# ------------------------------------------------------------------------- sentences

# A negation shortly before a phrase ("No data migration", "does not move money");
# punctuation ends its reach, so "No downtime; touches payments" stays positive.
# "non-" negates only the word it is attached to: "non-breaking API changes" are changes.
# A list joined by "or"/"nor" stays under the negation: "Not on the checkout or payment path".
_NEGATION = re.compile(
    r"(?:\b(?:no|not|never|without|isn't|aren't|doesn't|don't|won't|cannot|can't)\b"
    r"[\s-]*(?:(?:[\w'-]+[\s-]+){0,2}|(?:[\w'-]+[\s-]+){0,4}n?or[\s-]+)|\bnon[\s-]*)$",
    re.IGNORECASE,
)
_QUANTITY = re.compile(
    rf"(?:[~≈$€£]\s*)?{NUMBER_PATTERN}\s*"
    r"(?:%|‰|ms|msec|s|sec|secs|seconds|k|m|mm|million|bn|per\s+1,?000)?(?!\w)",
    re.IGNORECASE,
)
_FILLER = re.compile(
    r"(?<!\s)(?:\s+(?:is|are|was|of|at|around|about|approx\.?|approximately|=|~))+$"
)


def negated(text: str, start: int) -> bool:
    """Whether the phrase at `start` in `text` is negated by the words just before it."""
    return _NEGATION.search(text[max(0, start - 40) : start]) is not None


def split_sentence(content: str) -> tuple[str, str]:
    """Split an unlabelled line into a label and the text holding its number.

    `P95 latency is 890ms` gives (`p95 latency`, the line); `~15,000 daily
    transactions` gives (`daily transactions`, the line). The label is only
    a candidate: the caller keeps it when the synonym table knows it.
    """
    words = _QUANTITY.sub(" ", content)
    label = _FILLER.sub("", normalise_label(words)[0]).strip(" :=")
    return label, content


def strip_emphasis(text: str) -> str:
    """Remove bold/italic markers and link targets, keep the words and code spans."""
    return _EMPHASIS.sub("", _LINK.sub(r"\g<text>", text)).strip()


def normalise_label(text: str) -> tuple[str, str]:
    """Return a label as the synonym table expects it, and the unit hint in its parentheses.

    `**P95-Latency** (ms)` becomes (`p95 latency`, `ms`).
    """
    plain = strip_emphasis(text).replace("`", "").replace("’", "'")
    hint = " ".join(m["inner"].strip() for m in _PARENTHESES.finditer(plain))
    plain = _PARENTHESES.sub(" ", plain).lower().replace("-", " ").replace("_", " ")
    # Blanks are collapsed before `/` is joined up, with no regex over a run of blanks.
    plain = " ".join(plain.split()).replace(" /", "/").replace("/ ", "/")
    return plain.strip(" :.*"), hint


def section_name(text: str) -> str:
    """Return a heading as sections match it: lower case, parentheses kept (`errors (by type)`)."""
    plain = strip_emphasis(text).replace("`", "").replace("’", "'").lower()
    return " ".join(plain.replace("-", " ").replace("_", " ").split()).strip(" :")


def match_label(label: str, fields: Iterable[str], value: str = "", hint: str = "") -> str | None:
    """Return the first of `fields` whose synonyms name `label`, or None.

    Leading modifiers (`current`, `average`, ...) are tried off one by one; the
    label's parenthesis (`hint`) is tried as part of it, so `Latency (p50)` names
    the median; a value that says `per day` lets `Transactions: 15,000/day` name
    a daily field.
    """
    names = tuple(fields)
    candidates = [label]
    if hint:
        candidates.append(normalise_label(f"{label} {hint}")[0])
    while (modifier := _MODIFIER.match(candidates[-1])) is not None:
        candidates.append(candidates[-1][modifier.end() :])
    if value and _DAILY.search(value) and not _DAY_WORD.search(label):
        candidates += [f"{candidate} per day" for candidate in candidates]
    for candidate in candidates:
        for name in names:
            if _label_pattern(name).fullmatch(candidate):
                return name
    return None


__all__ = [
    "COUNTED",
    "LABELLED",
    "LABEL_SYNONYMS",
    "match_label",
    "negated",
    "normalise_label",
    "section_name",
    "split_sentence",
    "strip_emphasis",
]
