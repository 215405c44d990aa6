"""The stated metrics and traffic of a context folder, joined with the labelled facts.

`read_metrics` reads every metric the baseline states (and any the feature
description states that the baseline does not); this module chooses the
traffic stream, fills the contract's well-known baseline fields the labelled
reader missed (`Login failure rate` is the error rate), checks the figures
against each other and lists the lines with a number nobody understood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import Final

from rollout_manager import formatting
from rollout_manager.errors import InputError
from rollout_manager.model import BaselineFacts, Evidence, Fact, Metric, Traffic
from rollout_manager.reading.metrics import MetricReading, TrafficCandidate, read_metrics
from rollout_manager.reading.number_style import NumberFormat, in_point_decimals
from rollout_manager.reading.quantities import NumberError
from rollout_manager.reading.statements import Statement, read_statements
from rollout_manager.reading.vocabulary import WELL_KNOWN_METRICS

# Contract keys the labelled reader also fills, and the BaselineFacts field of each.
_LEGACY_FIELDS: Final = tuple(WELL_KNOWN_METRICS)
_DIGIT = re.compile(r"\d")
_MARKED_NUMBER = re.compile(r"\d[.,]\d")


@dataclass(frozen=True)
class Source:
    """One context document: its name in evidence, the path shown in errors, its text.

    `numbers` is the decimal mark the text writes (see `number_style`).
    """

    name: str
    shown: str
    text: str
    numbers: NumberFormat = field(default_factory=NumberFormat)

    def statements(self) -> list[Statement]:
        """Return the document's statements, their values in point decimals (quotes as written)."""
        return [
            replace(s, value=in_point_decimals(s.value, self.numbers))
            for s in read_statements(self.text)
        ]


@dataclass
class Stated:
    """Metrics, traffic and unread lines of a folder."""

    metrics: list[Metric]
    traffic: Traffic | None
    not_understood: list[Evidence]


def _read(source: Source, statements: list[Statement], *, strict: bool) -> MetricReading:
    try:
        return read_metrics(source.name, statements, strict=strict)
    except NumberError as error:
        raise InputError(source.shown, str(error)) from None


def _mentions(unit: str, text: str) -> bool:
    stem = unit.rsplit(maxsplit=1)[-1].rstrip("s")
    return bool(stem) and re.search(rf"\b{re.escape(stem)}", text, re.IGNORECASE) is not None


def choose_traffic(candidates: list[TrafficCandidate], feature_text: str) -> Traffic | None:
    """Choose the stream the flag splits: the first stated, or the first the feature names."""
    if not candidates:
        return None
    chosen = next((c for c in candidates if _mentions(c.unit, feature_text)), candidates[0])
    others = sorted({c.unit for c in candidates if c.unit != chosen.unit})
    source = f"stated at {chosen.evidence.file}:{chosen.evidence.line}"
    if others:
        source += (
            f"; the documents also count {', '.join(others)}: {chosen.unit} is used because "
            + (
                "the feature description names it"
                if _mentions(chosen.unit, feature_text)
                else "it is stated first"
            )
            + " (set `traffic:` in rollout.yaml to choose another)"
        )
    return Traffic(
        unit=chosen.unit, per_day=chosen.per_day, evidence=[chosen.evidence], source=source
    )


def _fill_legacy(baseline: BaselineFacts, metrics: list[Metric]) -> None:
    """Well-known metrics the labelled reader missed fill its fields; its values win."""
    by_key = {metric.key: metric for metric in metrics}
    for name in _LEGACY_FIELDS:
        metric = by_key.get(name)
        fact: Fact[float] | None = getattr(baseline, name)
        kind = WELL_KNOWN_METRICS[name][0]
        if metric is None or metric.kind != kind or (kind != "latency" and metric.value > 1):
            continue
        if fact is None:
            setattr(baseline, name, Fact(value=metric.value, evidence=metric.evidence))
        else:
            metric.value, metric.evidence = fact.value, fact.evidence


def _legacy_metrics(baseline: BaselineFacts, metrics: list[Metric]) -> list[Metric]:
    """Well-known facts only the labelled reader found, as metrics."""
    have = {metric.key for metric in metrics}
    added: list[Metric] = []
    for name in _LEGACY_FIELDS:
        fact: Fact[float] | None = getattr(baseline, name)
        if fact is None or name in have:
            continue
        kind, direction, unit = WELL_KNOWN_METRICS[name]
        added.append(
            Metric(
                key=name,
                label=name.replace("_", " "),
                kind=kind,
                direction=direction,
                value=fact.value,
                unit=unit,
                evidence=fact.evidence,
            )
        )
    return added


def check_metrics(baseline: BaselineFacts, shown: str, warnings: list[str]) -> None:
    """Refuse an error rate of 100% or more; warn on P95 below P50 or at zero."""
    error = baseline.error_rate
    if error is not None and error.value >= 1:
        line = error.evidence[0].line if error.evidence else 1
        raise InputError(
            shown,
            f"line {line}: an error rate of {formatting.pct(error.value)} leaves no successful "
            "traffic to compare against; state the rate as a share below 100%",
        )
    p50, p95 = baseline.p50_latency_ms, baseline.p95_latency_ms
    if p95 is not None and p95.value <= 0:
        warnings.append(
            f"P95 latency is {formatting.ms(p95.value)} ({_where(p95)}): no request takes no "
            "time; check the unit or the figure"
        )
    elif p95 is not None and p50 is not None and p95.value < p50.value:
        warnings.append(
            f"P95 latency {formatting.ms(p95.value)} ({_where(p95)}) is below the median "
            f"{formatting.ms(p50.value)} ({_where(p50)}): a 95th percentile cannot be; "
            "check which figure is which"
        )


def _where(fact: Fact[float]) -> str:
    return ", ".join(f"{e.file}:{e.line}" for e in fact.evidence)


def _fact_lines(baseline: BaselineFacts) -> set[int]:
    lines: set[int] = set()
    for name in type(baseline).model_fields:
        value = getattr(baseline, name)
        facts = value if isinstance(value, list) else [value]
        for fact in facts:
            if isinstance(fact, Fact):
                lines.update(e.line for e in fact.evidence if e.file.startswith("baseline"))
    return lines


def _not_understood(source: Source, statements: list[Statement], used: set[int]) -> list[Evidence]:
    return [
        Evidence(file=source.name, line=s.line, text=s.text)
        for s in statements
        if s.kind != "heading" and s.line not in used and _DIGIT.search(s.text)
    ]


def _with_number_style(traffic: Traffic, sources: tuple[Source, ...]) -> Traffic:
    """Return the traffic, its source saying so when its figure was read with decimal commas."""
    read_from = {e.file for e in traffic.evidence if _MARKED_NUMBER.search(e.text)}
    for source in sources:
        sign = source.numbers.comma_sign
        if source.name in read_from and source.numbers.style == "comma" and sign is not None:
            note = (
                f"read with decimal commas, as {source.name} writes them "
                f"(`{sign[0]}`, line {sign[1]})"
            )
            shown = f"{traffic.source}; {note}" if traffic.source else note
            return traffic.model_copy(update={"source": shown})
    return traffic


def read_stated(baseline_doc: Source, feature_doc: Source, facts: BaselineFacts) -> Stated:
    """Metrics and traffic of both documents, the baseline's first.

    Raises:
        InputError: the baseline states a negative, out-of-range or absurdly long number.
    """
    baseline_statements = baseline_doc.statements()
    baseline = _read(baseline_doc, baseline_statements, strict=True)
    feature = _read(feature_doc, feature_doc.statements(), strict=False)
    metrics = list(baseline.metrics)
    keys = {metric.key for metric in metrics}
    metrics += [m for m in feature.metrics if m.key not in keys and m.direction != "none"]
    _fill_legacy(facts, metrics)
    metrics += _legacy_metrics(facts, metrics)
    candidates = baseline.traffic + feature.traffic
    volume = facts.daily_transactions
    if volume is None and baseline.traffic:
        # The baseline's own traffic is its daily volume; the feature's stays the feature's.
        first = choose_traffic(baseline.traffic, feature_doc.text)
        if first is not None and first.per_day is not None:
            facts.daily_transactions = Fact(value=first.per_day, evidence=first.evidence)
            volume = facts.daily_transactions
    if volume is not None:
        # The labelled reader's daily volume is the stream the plan has always sized on.
        same = [c for c in candidates if abs(c.per_day - volume.value) <= 1e-9 * volume.value]
        candidates = same + [c for c in candidates if c not in same]
    traffic = choose_traffic(candidates, feature_doc.text if volume is None else "")
    if traffic is not None:
        traffic = _with_number_style(traffic, (baseline_doc, feature_doc))
    used = baseline.used_lines | _fact_lines(facts)
    return Stated(metrics, traffic, _not_understood(baseline_doc, baseline_statements, used))


__all__ = ["Source", "Stated", "check_metrics", "choose_traffic", "read_stated"]
