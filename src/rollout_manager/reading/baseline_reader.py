"""Facts from `baseline-metrics.md`: latency, rates, volume, money and the error mix.

Each metric comes from a labelled line or table row whose label the synonym
table knows, or from a sentence such as `P95 latency is 890ms`. The first
statement of a metric is kept; a later one that disagrees becomes a warning
quoting both, never a silent overwrite.
"""

from __future__ import annotations

import math
import re
from dataclasses import replace
from typing import TYPE_CHECKING, Final

from rollout_manager import formatting
from rollout_manager.model import BaselineFacts, ErrorShare, Fact
from rollout_manager.reading.labels import LABEL_SYNONYMS, match_label, negated, split_sentence
from rollout_manager.reading.units import (
    parse_count,
    parse_latency_ms,
    parse_money,
    parse_rate,
)

if TYPE_CHECKING:
    from collections.abc import Callable

    from rollout_manager.reading.document import Document, Line

_FIELDS: Final = tuple(name for name in LABEL_SYNONYMS if name.startswith("baseline."))
_LATENCY_FIELDS: Final = {"p50_latency_ms", "p95_latency_ms", "p99_latency_ms"}
_RATE_FIELDS: Final = {"success_rate", "error_rate", "timeout_rate"}
_MONEY_FIELDS: Final = {"avg_transaction_value", "daily_revenue"}

_BREAKDOWN_SECTION = re.compile(
    r"error (?:breakdown|categor|type|mix|distribution|class|reason|cause|code)"
    r"|errors? \(?by\b|failure (?:breakdown|reason|mode|categor|type)|breakdown"
)
# "P95 latency is 0.9s and p99 is about 2 s" states two metrics; so does "1.2% | success 98.8%".
# Whitespace is consumed possessively and only from its first character on, so a long
# run of spaces costs linear time, not the cubic time overlapping `\s*` would.
_CLAUSES = re.compile(r"(?<!\s)(?:\s*+[;|]|,(?=\s)|\s++(?:and|while)\b)\s*+")
_SHARE_OF_ERRORS = re.compile(r"%\s*of\s+(?:all\s+)?(?:errors|failures)\b", re.IGNORECASE)
_EXPECTED = re.compile(r"\bexpected\b", re.IGNORECASE)
_PARENTHESES = re.compile(r"(?<!\s)\s*\([^()]*\)")

# Shares of errors are rounded by people; two points either way is still "all of them".
_BREAKDOWN_TOLERANCE: Final = 0.02


def _describe(name: str, value: float, currency: str) -> str:
    if name in _LATENCY_FIELDS:
        return formatting.ms(value)
    if name in _RATE_FIELDS:
        return formatting.pct(value)
    if name in _MONEY_FIELDS:
        return formatting.money(value, currency)
    return formatting.count(value)


def _same(first: float, second: float) -> bool:
    return math.isclose(first, second, rel_tol=1e-9, abs_tol=1e-12)


class _BaselineReader:
    """Collects baseline facts line by line, with the warnings reading raises."""

    def __init__(self, document: Document, warnings: list[str]) -> None:
        self.document = document
        self.warnings = warnings
        self.facts = BaselineFacts()
        self.currency_line: Line | None = None
        self.parsers: dict[str, Callable[[Line], float | None]] = {
            **dict.fromkeys(_LATENCY_FIELDS, self._latency),
            **dict.fromkeys(_RATE_FIELDS, self._rate),
            **dict.fromkeys(_MONEY_FIELDS, self._money),
            "daily_transactions": self._count,
        }

    def where(self, line: Line) -> str:
        return f"{self.document.name}:{line.number}"

    def read(self, line: Line) -> None:
        if line.kind in {"title", "heading"}:
            return
        if line.kind == "cell":
            self._labelled_metric(line)
            return
        if self._is_breakdown(line):
            self._error_share(line)
            return
        clauses = [clause for clause in _CLAUSES.split(line.value) if clause]
        if line.label and clauses:
            self._labelled_metric(replace(line, value=clauses.pop(0)))
        for clause in clauses:
            sentence = replace(line, label="", unit_hint="", content=clause, value=clause)
            label, _ = split_sentence(clause)
            name = match_label(label, _FIELDS) if label else None
            if name is not None:
                self._metric(name.removeprefix("baseline."), sentence)

    def _labelled_metric(self, line: Line) -> None:
        name = match_label(line.label, _FIELDS, line.value, line.unit_hint)
        if name is not None:
            self._metric(name.removeprefix("baseline."), line)

    def _is_breakdown(self, line: Line) -> bool:
        return line.in_section(_BREAKDOWN_SECTION) or bool(_SHARE_OF_ERRORS.search(line.value))

    # ------------------------------------------------------------------ metrics

    def _metric(self, name: str, line: Line) -> None:
        value = self.parsers[name](line)
        if value is None:
            return
        existing: Fact[float] | None = getattr(self.facts, name)
        if existing is None:
            setattr(self.facts, name, Fact(value=value, evidence=[self.document.evidence(line)]))
            return
        if not _same(existing.value, value):
            first = existing.evidence[0]
            currency = self.facts.currency
            self.warnings.append(
                f"{name} is stated twice with different values: "
                f"{_describe(name, existing.value, currency)} ({first.file}:{first.line}) and "
                f"{_describe(name, value, currency)} ({self.where(line)}); the first is used"
            )

    def _latency(self, line: Line) -> float | None:
        return parse_latency_ms(line.value, line.unit_hint)

    def _rate(self, line: Line) -> float | None:
        # "Error %: 0.3" and "Error rate (%): 0.3" both mean 0.3 percent.
        rate = parse_rate(line.value, f"{line.unit_hint} {line.label}")
        if rate is not None and rate > 1:
            self.warnings.append(
                f"{self.where(line)}: {formatting.pct(rate)} is not a rate between 0% and 100%; "
                f'"{line.text}" is ignored'
            )
            return None
        return rate

    def _count(self, line: Line) -> float | None:
        return parse_count(line.value)

    def _money(self, line: Line) -> float | None:
        money = parse_money(line.value)
        if money is None:
            return None
        if money.currency is not None:
            self._currency(money.currency, line)
        return money.amount

    def _currency(self, code: str, line: Line) -> None:
        if self.currency_line is None:
            self.facts.currency = code
            self.currency_line = line
        elif code != self.facts.currency:
            self.warnings.append(
                f"amounts are in {self.facts.currency} ({self.where(self.currency_line)}) "
                f"and in {code} ({self.where(line)}); {self.facts.currency} is used"
            )

    # ------------------------------------------------------------------ error mix

    def _error_share(self, line: Line) -> None:
        category = _PARENTHESES.sub("", line.label_text).strip()
        share = parse_rate(line.value, line.unit_hint)
        if not category or share is None:
            return
        if share > 1:
            self.warnings.append(
                f"{self.where(line)}: error share {formatting.pct(share)} is over 100%; "
                f'"{line.text}" is ignored'
            )
            return
        marked = f"{line.label_text} {line.value}"
        expected = any(not negated(marked, m.start()) for m in _EXPECTED.finditer(marked))
        self.facts.error_breakdown.append(
            Fact(
                value=ErrorShare(category=category, share=share, expected=expected),
                evidence=[self.document.evidence(line)],
            )
        )

    def check_breakdown(self) -> None:
        shares = [fact.value.share for fact in self.facts.error_breakdown]
        total = math.fsum(shares)
        if shares and abs(total - 1) > _BREAKDOWN_TOLERANCE:
            self.warnings.append(
                f"the error breakdown in {self.document.name} sums to {formatting.pct(total)} "
                "of errors, not 100%"
            )


def read_baseline(document: Document, warnings: list[str]) -> BaselineFacts:
    """Read the baseline metrics from a parsed `baseline-metrics.md`.

    Args:
        document: the parsed document.
        warnings: where disagreements found while reading are appended.

    Returns:
        The facts stated, each with its evidence; unstated metrics stay None.
    """
    reader = _BaselineReader(document, warnings)
    for line in document.lines:
        reader.read(line)
    reader.check_breakdown()
    return reader.facts
