"""What the plan templates show: cells, references and rows chosen from a RolloutPlan.

Everything here selects, groups or words what the plan already holds; apart
from unit conversions (percent, minutes) no function computes a number. The number formats
themselves come from `formatting`, so a rate reads the same in a sentence the
engine wrote and in a table cell.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

from rollout_manager import formatting
from rollout_manager.model import (
    Alert,
    Criteria,
    Decision,
    Evidence,
    Level,
    RiskAssessment,
    RiskFactor,
    RolloutPlan,
    Stage,
    Stakeholder,
    Threshold,
)

if TYPE_CHECKING:
    from collections.abc import Callable
    from datetime import date, datetime

DECISION = "sign-off"
"""The decision the document asks its readers for."""

_PERCENTILE = re.compile(r"p\d+")
_CURRENCY_CODE = re.compile(r"[A-Z]{3}")
# Units of the metrics whose model objects carry none (alerts, monitored metrics).
_UNIT_SUFFIXES = (
    ("_ms", "ms"),
    ("_rate", "fraction"),
    ("_vs_control", "ratio"),
    ("_per_minute", "per_minute"),
)
_HEADLINE_UNITS = frozenset({"fraction", "ms", "ratio"})
# Characters that end a Mermaid gantt task name or start a comment.
_GANTT_UNSAFE = re.compile(r"[:;#]")


def label(metric: str) -> str:
    """Name a metric in words: `error_rate` -> `error rate`, `p95_latency_ms` -> `P95 latency`."""
    words = metric.removesuffix("_ms").split("_")
    return " ".join(word.upper() if _PERCENTILE.fullmatch(word) else word for word in words)


def sentence(text: str) -> str:
    """Return the text with its first letter in upper case, the rest untouched (`P95`, `vs`)."""
    return text[:1].upper() + text[1:]


def unit_of(metric: str) -> str:
    """Return the unit a metric's values are in, from its stable snake_case name."""
    for suffix, unit in _UNIT_SUFFIXES:
        if metric.endswith(suffix):
            return unit
    return "count"


def _per_minute(value: float) -> str:
    return f"{formatting.number(value)}/min"


_FORMATTERS: dict[str, Callable[[float], str]] = {
    "fraction": formatting.pct,
    "ratio": formatting.pct,
    "ms": formatting.ms,
    "count": formatting.count,
    "per_minute": _per_minute,
}


def value_text(value: float | None, unit: str) -> str:
    """Return a value in its unit as people write it: `1%`, `979 ms`, `-5%`, `10.4/min`, `$67`.

    Args:
        value: the number in the model's unit (fractions for rates, ms for latency).
        unit: `fraction`, `ratio`, `ms`, `count`, `per_minute` or a currency code.
    """
    if value is None:
        return "not set"
    formatter = _FORMATTERS.get(unit)
    if formatter is not None:
        return formatter(value)
    if _CURRENCY_CODE.fullmatch(unit):
        return formatting.money(value, unit)
    return f"{formatting.number(value, 2)} {unit}".rstrip()


def condition(item: Threshold | Alert) -> str:
    """Return a threshold or an alert rule in a few words: `error rate > 1.6%`."""
    if item.value is None:
        return f"{label(item.metric)}: not set"
    unit = item.unit if isinstance(item, Threshold) and item.unit else unit_of(item.metric)
    return f"{label(item.metric)} {item.op} {value_text(item.value, unit)}"


def criterion(threshold: Threshold) -> str:
    """Return a criterion as the engine worded it; one that could not be set says why."""
    if threshold.value is None:
        return f"{threshold.description} ({threshold.derivation or 'not set'})"
    return threshold.description


def unset(plan: RolloutPlan) -> list[str]:
    """Every threshold and alert the plan could not set, with the reason."""
    criteria = plan.criteria
    thresholds = [*criteria.success, *criteria.auto_rollback, *criteria.manual_rollback]
    lines = [criterion(t) for t in thresholds if t.value is None]
    lines += [
        f"Alert {a.name} ({a.severity}): {label(a.metric)} threshold not set"
        for a in plan.monitoring.alerts
        if a.value is None
    ]
    return lines


@dataclass(frozen=True)
class BaselineRow:
    """One baseline number as the risk section lists it."""

    metric: str
    value: str
    evidence: str


_BASELINE_UNITS = (
    ("error_rate", "fraction"),
    ("success_rate", "fraction"),
    ("timeout_rate", "fraction"),
    ("p50_latency_ms", "ms"),
    ("p95_latency_ms", "ms"),
    ("p99_latency_ms", "ms"),
    ("daily_transactions", "count"),
    ("avg_transaction_value", "currency"),
    ("daily_revenue", "currency"),
)


def baseline_rows(plan: RolloutPlan) -> list[BaselineRow]:
    """Each baseline number with the line it was read from, then the team's own metrics."""
    base = plan.baseline
    rows = []
    for metric, unit in _BASELINE_UNITS:
        value = getattr(base, metric)
        evidence = base.evidence.get(metric, [])
        shown = (
            "–"
            if value is None
            else value_text(value, base.currency if unit == "currency" else unit)
        )
        rows.append(
            BaselineRow(
                metric,
                shown,
                evidence_refs(evidence) if evidence else "not stated in the documents",
            )
        )
    known = {metric for metric, _ in _BASELINE_UNITS}
    rows += [
        BaselineRow(m.key, value_text(m.value, m.unit), evidence_refs(m.evidence))
        for m in base.metrics
        if m.key not in known and m.kind != "money"
    ]
    return rows


def share(traffic_percent: float) -> str:
    """Return a stage's traffic share, held in percent: 1.0 -> `1%`."""
    return formatting.pct(traffic_percent / 100)


def evidence_refs(evidence: list[Evidence]) -> str:
    """Evidence as `file:line` references, a file's lines together: `baseline-metrics.md:5, 6`."""
    lines: dict[str, list[int]] = {}
    for item in evidence:
        lines.setdefault(item.file, [])
        if item.line not in lines[item.file]:
            lines[item.file].append(item.line)
    return "; ".join(
        f"{name}:{', '.join(str(n) for n in sorted(numbers))}" for name, numbers in lines.items()
    )


def basis(threshold: Threshold, plan: RolloutPlan) -> str:
    """Why a threshold has its value: the baseline line it rests on, else its rule.

    A threshold that could not be set says so (`not set: baseline P95 missing`).
    """
    evidence = plan.baseline.evidence.get(threshold.metric, [])
    if threshold.value is not None and evidence:
        return evidence_refs(evidence)
    return threshold.derivation or "policy"


def headline(thresholds: list[Threshold]) -> list[Threshold]:
    """Return the set, non-zero limits on rates, latencies and ratios: the ones a summary names."""
    return [t for t in thresholds if t.unit in _HEADLINE_UNITS and t.value]


def common_basis(thresholds: list[Threshold]) -> str | None:
    """Return the derivation all these thresholds share (judgement calls), or None."""
    derivations = {t.derivation for t in thresholds}
    if len(derivations) == 1 and thresholds and all(t.value is not None for t in thresholds):
        return derivations.pop() or None
    return None


_TEMPLATE_TITLES = {
    "pre_rollout": "Pre-rollout announcement",
    "stage_advancement": "Stage advancement notice",
    "rollback": "Rollback notification",
    "completion": "Completion announcement",
}


def template_title(name: str) -> str:
    """Return a message template's heading: `pre_rollout` -> `Pre-rollout announcement`."""
    return _TEMPLATE_TITLES.get(name) or sentence(label(name))


def boundary_text(decision: Decision) -> str:
    """Return a rollback boundary as `3 / 9, 4 / 37, 6 / 75`: k or more within the first n."""
    if not decision.rollback_boundary:
        return "–"
    return ", ".join(f"{p.k} / {p.n:,}" for p in decision.rollback_boundary)


def change_decision(plan: RolloutPlan) -> Decision | None:
    """Return the first stage's change-caused error-rate decision, if the plan has one."""
    for stage in plan.stages[:1]:
        for decision in stage.decisions:
            if decision.metric == "change_error_rate":
                return decision
    return None


def expected_share(plan: RolloutPlan) -> str:
    """Return the share of errors the breakdown marks as expected, e.g. `65%`."""
    share = sum(e.share for e in plan.baseline.error_breakdown if e.expected)
    return formatting.pct(share, 0)


def rollback_error_threshold(criteria: Criteria) -> Threshold | None:
    """Return the automatic rollback threshold on the error rate, when the plan has one."""
    return next((t for t in criteria.auto_rollback if t.metric == "error_rate"), None)


def raising(risk: RiskAssessment) -> list[RiskFactor]:
    """Factors that add points to the overall risk score, largest first."""
    return sorted(
        (f for f in risk.factors if f.risk_points > 0), key=lambda f: f.risk_points, reverse=True
    )


def lowering(risk: RiskAssessment) -> list[RiskFactor]:
    """Factors rated HIGH that add no points: they make the change safer (reversibility)."""
    return [f for f in risk.factors if f.risk_points == 0 and f.level == Level.HIGH]


@dataclass(frozen=True)
class GateRow:
    """One success criterion and the stages whose gate checks it."""

    threshold: Threshold
    checked: tuple[bool, ...]


def _criterion_key(threshold: Threshold) -> tuple[str, str, float | None, str]:
    return (threshold.metric, threshold.op, threshold.value, threshold.description)


def gate_matrix(stages: list[Stage]) -> list[GateRow]:
    """Every distinct success criterion of the stages, with the stages that apply it."""
    seen: dict[tuple[str, str, float | None, str], Threshold] = {}
    for stage in stages:
        for threshold in stage.success_criteria:
            seen.setdefault(_criterion_key(threshold), threshold)
    applied = [{_criterion_key(t) for t in stage.success_criteria} for stage in stages]
    return [
        GateRow(threshold, tuple(key in keys for keys in applied))
        for key, threshold in seen.items()
    ]


@dataclass(frozen=True)
class CommsDay:
    """The stakeholders told on one date."""

    moment: datetime
    stakeholders: tuple[Stakeholder, ...]


def comms_calendar(stakeholders: list[Stakeholder]) -> list[CommsDay]:
    """Return the communication plan by date: who hears from the rollout on each real date."""
    days: dict[date, tuple[datetime, list[Stakeholder]]] = {}
    for person in stakeholders:
        for moment in person.dates:
            days.setdefault(moment.date(), (moment, []))[1].append(person)
    return [CommsDay(moment, tuple(people)) for _, (moment, people) in sorted(days.items())]


def on_call_window(plan: RolloutPlan) -> tuple[datetime, datetime] | None:
    """From the start of the first to the end of the last stage that needs on-call cover."""
    covered = [s for s in plan.stages if s.number in plan.monitoring.on_call.stages]
    if not covered:
        return None
    return covered[0].start, covered[-1].end


def gantt_time(moment: datetime) -> str:
    """Return a local time in the gantt's `dateFormat YYYY-MM-DD HH:mm`."""
    return moment.strftime("%Y-%m-%d %H:%M")


def gantt_duration(hours: float) -> str:
    """Return a stage duration as a Mermaid gantt duration: `24h`, or whole minutes (`1909m`)."""
    if float(hours).is_integer():
        return f"{int(hours)}h"
    return f"{round(hours * 60)}m"


def gantt_name(text: str) -> str:
    """Return a gantt task or section name without the characters that would end it."""
    return " ".join(_GANTT_UNSAFE.sub(" ", text).split())


def status_line(plan: RolloutPlan) -> str:
    """One line: feature, flag, risk, strategy, stage count, dates, decision asked for."""
    flag = f"flag {plan.feature.flag}" if plan.feature.flag else "no flag"
    return " · ".join(
        (
            plan.feature.name,
            flag,
            f"risk {plan.risk.overall.value}",
            plan.risk.strategy.replace("_", " "),
            formatting.plural(len(plan.stages), "stage"),
            f"{formatting.when(plan.schedule.start)} → {formatting.when(plan.schedule.end)}",
            f"decision: {DECISION}",
        )
    )


# Stage notes that restate the stage table's Expects, Detects and catch columns.
_TABLE_NOTES = ("About ", "Chance its rollback boundary catches")


def schedule_notes(stage: Stage) -> list[str]:
    """Return a stage's notes beyond what its row in the stage table already shows."""
    return [note for note in stage.notes if not note.startswith(_TABLE_NOTES)]


def any_schedule_notes(stages: list[Stage]) -> bool:
    """Tell whether some stage has a note beyond its row in the stage table."""
    return any(schedule_notes(stage) for stage in stages)
