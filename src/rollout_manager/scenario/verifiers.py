"""What a criterion line asks, judged on a run's plan: one verifier per check.

Each verifier reads the plan the run produced (never the model's prose) and,
where the line states a bound or a level ("at least 5", "rated LOW", "within 15
minutes"), reads it from the line with the exact parsers of
`scenario.criterion_words`. It returns PASS or FAIL and the numbers it saw.
Which verifier a line needs is decided by meaning in `scenario.checks`.
"""

from __future__ import annotations

import itertools
import operator
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from rollout_manager.model import ALL_TRAFFIC_PERCENT, Level, RolloutPlan, Stage, Threshold
from rollout_manager.scenario.criterion_words import (
    NO_CANARY,
    RISK_QUALIFIER,
    has_word,
    normalize,
    stated_bound,
    stated_levels,
)

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence


@dataclass(frozen=True)
class Outcome:
    """A verifier's verdict and the numbers it rests on."""

    passed: bool
    evidence: str


@dataclass(frozen=True)
class Seen:
    """A criterion line with the plan and the trace data it is judged on."""

    line: str
    plan: RolloutPlan
    data: Any
    """The contract field found in the successful tool result; None when it carries none."""


# --------------------------------------------------------------------------- rules and wording

OPS: dict[str, Callable[[float, float], bool]] = {
    ">=": operator.ge,
    ">": operator.gt,
    "<=": operator.le,
    "<": operator.lt,
    "==": operator.eq,
}
_FACTOR_WORDS = (
    ("user", "user_impact"),
    ("revenue", "revenue_impact"),
    ("critical", "system_criticality"),
    ("revers", "reversibility"),
    ("complex", "change_complexity"),
    ("timing", "timing"),
)
# What a strategy should be for each overall level (DESIGN.md, the risk contract).
_STRATEGY_FOR = {
    Level.HIGH: ("canary",),
    Level.MEDIUM: ("progressive",),
    Level.LOW: ("short_ramp", "direct"),
}
_LEAST_STAGES = 2  # a ramp needs two stages for its traffic to grow


def clip(text: str, width: int) -> str:
    """`text` cut at a word boundary to at most `width` characters, with an ellipsis."""
    if len(text) <= width:
        return text
    return text[: width - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def listing(items: Sequence[str], limit: int = 2) -> str:
    """Join the first `limit` items, saying how many more there are."""
    shown = ", ".join(items[:limit])
    return shown + (f" (+{len(items) - limit} more)" if len(items) > limit else "")


def _value(metric: str, value: float | None, unit: str = "") -> str:
    if value is None:
        return "not set"
    if unit == "ratio" or metric.endswith("_vs_control"):
        return f"{value * 100:+.1f}%"
    if unit == "fraction" or metric.endswith("_rate"):
        return f"{value * 100:.1f}%"
    if unit == "ms" or metric.endswith("_ms"):
        return f"{value:g} ms"
    return f"{value:g}"


def _threshold(item: Threshold) -> str:
    return f"{item.metric} {item.op} {_value(item.metric, item.value, item.unit)}"


def _ladder(stages: Sequence[Stage]) -> str:
    return " → ".join(f"{s.traffic_percent:g}%" for s in stages)


# --------------------------------------------------------------------------- verifiers


def stages_increase(seen: Seen) -> Outcome:
    """Traffic grows from each stage to the next (1% -> 5% -> 10% ...)."""
    stages = seen.plan.stages
    shares = [s.traffic_percent for s in stages]
    growing = len(shares) >= _LEAST_STAGES and all(a < b for a, b in itertools.pairwise(shares))
    return Outcome(growing, f"{len(stages)} stages: {_ladder(stages)}")


def final_stage_full(seen: Seen) -> Outcome:
    """Check that the last stage serves all traffic."""
    last = seen.plan.stages[-1]
    return Outcome(
        last.traffic_percent >= ALL_TRAFFIC_PERCENT,
        f"stage {last.number}: {last.traffic_percent:g}% of traffic",
    )


def risk_factors(seen: Seen) -> Outcome:
    """Check that each factor the line names is rated with a rationale (and in the tool result)."""
    text = normalize(seen.line)
    named = [name for word, name in _FACTOR_WORDS if has_word(text, word)]
    in_plan = {f.name: f for f in seen.plan.risk.factors}
    missing = [n for n in named if n not in in_plan or not in_plan[n].rationale.strip()]
    if missing:
        return Outcome(passed=False, evidence="the plan has no rated " + ", ".join(missing))
    if isinstance(seen.data, list):  # a risk result, not the document: it must agree
        in_trace = {str(f.get("name")): f.get("level") for f in seen.data if isinstance(f, dict)}
        unseen = [n for n in named if in_trace.get(n) not in tuple(Level)]
        if unseen:
            return Outcome(
                passed=False, evidence="the tool result has no level for " + ", ".join(unseen)
            )
    return Outcome(passed=True, evidence=", ".join(f"{n} {in_plan[n].level.value}" for n in named))


def factor_level(seen: Seen) -> Outcome:
    """Check that the one factor the line names is rated at the one level it names."""
    text = normalize(seen.line)
    named = [name for word, name in _FACTOR_WORDS if has_word(text, word)]
    levels = stated_levels(text)
    if len(named) != 1 or len(levels) != 1:
        return Outcome(
            passed=False, evidence="the line must name one factor and one level (LOW/MEDIUM/HIGH)"
        )
    factor = next((f for f in seen.plan.risk.factors if f.name == named[0]), None)
    if factor is None:
        return Outcome(passed=False, evidence=f"the plan has no {named[0]} factor")
    (wanted,) = levels
    return Outcome(
        factor.level is wanted, f"{factor.name} {factor.level.value}: {factor.rationale}"
    )


def overall_risk(seen: Seen) -> Outcome:
    """Check the overall risk: the level the line names, else any level at all."""
    risk = seen.plan.risk
    evidence = f"overall {risk.overall.value} (score {risk.score} on {risk.scale})"
    levels = stated_levels(normalize(seen.line))
    if len(levels) == 1:
        (wanted,) = levels
        return Outcome(risk.overall is wanted, evidence)
    return Outcome(risk.overall in tuple(Level), evidence)


def strategy(seen: Seen) -> Outcome:
    """Check that the strategy fits the overall risk and what the line rules out."""
    risk = seen.plan.risk
    text = normalize(seen.line)
    expected = _STRATEGY_FOR[risk.overall]
    evidence = f"overall {risk.overall.value} → strategy {risk.strategy}"
    if NO_CANARY.search(text) and risk.strategy == "canary":
        return Outcome(passed=False, evidence=evidence + " (the line rules out a canary)")
    if risk.strategy not in expected:
        return Outcome(passed=False, evidence=evidence + f" (expected {' or '.join(expected)})")
    return Outcome(passed=True, evidence=evidence)


def _risk_qualifiers(text: str, plan: RolloutPlan) -> str | None:
    """Why the plan's risk or strategy contradicts the line, if it does."""
    qualifier = RISK_QUALIFIER.search(text)
    if qualifier and plan.risk.overall.value != qualifier.group(1).upper():
        return f"the line is about {qualifier.group(1).upper()} risk; the plan is rated " + (
            plan.risk.overall.value
        )
    if NO_CANARY.search(text) and plan.risk.strategy == "canary":
        return "the line rules out a canary; the strategy is canary"
    return None


def stage_count(seen: Seen) -> Outcome:
    """Check the number of stages against the line's bound, and its risk qualifiers."""
    stages = seen.plan.stages
    text = normalize(seen.line)
    bound = stated_bound(text)
    evidence = f"{len(stages)} stages: {_ladder(stages)} (risk {seen.plan.risk.overall.value}, "
    evidence += f"{seen.plan.risk.strategy})"
    if bound is None:
        return Outcome(
            passed=False, evidence="no stage count (e.g. 'at least 5') in the line; " + evidence
        )
    contradiction = _risk_qualifiers(text, seen.plan)
    if contradiction:
        return Outcome(passed=False, evidence=f"{contradiction}; {evidence}")
    op, number = bound
    return Outcome(OPS[op](len(stages), number), evidence)


def first_stage(seen: Seen) -> Outcome:
    """Check that the first stage is internal or at most the line's share (else 1%)."""
    first = seen.plan.stages[0]
    text = normalize(seen.line)
    bound = stated_bound(text)
    limit = bound[1] if bound and "%" in text else 1.0
    internal = re.search(r"internal|employee|staff|dogfood", first.audience, re.IGNORECASE)
    evidence = f"stage 1: {first.traffic_percent:g}% of traffic, {first.audience}"
    return Outcome(bool(internal) or first.traffic_percent <= limit, evidence)


def _unset(items: Iterable[Threshold]) -> list[Threshold]:
    return [t for t in items if t.value is None]


def success_measurable(seen: Seen) -> Outcome:
    """Check that every stage has success criteria, each with a number."""
    plan = seen.plan
    per_stage = [c for s in plan.stages for c in s.success_criteria]
    if not plan.criteria.success or any(not s.success_criteria for s in plan.stages):
        empty = [str(s.number) for s in plan.stages if not s.success_criteria]
        return Outcome(
            passed=False, evidence="no success criteria for stage(s) " + (", ".join(empty) or "-")
        )
    unset = _unset([*plan.criteria.success, *per_stage])
    if unset:
        return Outcome(
            passed=False,
            evidence="no number: " + listing([f"{t.metric} ({t.derivation})" for t in unset]),
        )
    shown = [_threshold(t) for t in plan.criteria.success]
    return Outcome(
        passed=True, evidence=f"every stage of {len(plan.stages)} gated on " + listing(shown, 3)
    )


def auto_rollback(seen: Seen) -> Outcome:
    """Check that the plan has automatic rollback triggers, each with a number."""
    triggers = seen.plan.criteria.auto_rollback
    if not triggers:
        return Outcome(passed=False, evidence="no automatic rollback trigger")
    unset = _unset(triggers)
    shown = [_threshold(t) for t in triggers]
    if unset:
        return Outcome(passed=False, evidence="no number: " + listing([t.metric for t in unset]))
    return Outcome(passed=True, evidence=listing(shown, 3))


def monitoring_kinds(seen: Seen) -> Outcome:
    """Check that the plan monitors both technical and business metrics."""
    metrics = seen.plan.monitoring.metrics
    technical = [m.name for m in metrics if m.kind == "technical"]
    business = [m.name for m in metrics if m.kind == "business"]
    evidence = "technical: " + (listing(technical, 3) or "none")
    evidence += "; business: " + (listing(business, 3) or "none")
    return Outcome(bool(technical) and bool(business), evidence)


def alert_levels(seen: Seen) -> Outcome:
    """Check that the plan has WARNING and CRITICAL alerts, each with a value."""
    alerts = seen.plan.monitoring.alerts
    warning = [a for a in alerts if a.severity == "WARNING" and a.value is not None]
    critical = [a for a in alerts if a.severity == "CRITICAL" and a.value is not None]
    shown = [f"{a.severity} {a.metric} {a.op} {_value(a.metric, a.value)}" for a in alerts]
    first = [alerts.index(a) for a in warning[:1] + critical[:1]]
    ordered = [shown[i] for i in first] + [t for i, t in enumerate(shown) if i not in first]
    evidence = listing(ordered) if ordered else "no alerts"
    return Outcome(bool(warning) and bool(critical), evidence)
