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
    stated_minutes,
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

_OPS: dict[str, Callable[[float, float], bool]] = {
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
_LEAST_ROLES = 3  # the distinct stakeholder roles a communication plan names at least


def _clip(text: str, width: int) -> str:
    """`text` cut at a word boundary to at most `width` characters, with an ellipsis."""
    if len(text) <= width:
        return text
    return text[: width - 1].rsplit(" ", 1)[0].rstrip(",;:") + "…"


def _listing(items: Sequence[str], limit: int = 2) -> str:
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
    text = normalize(seen.line)
    named = [name for word, name in _FACTOR_WORDS if has_word(text, word)]
    in_plan = {f.name: f for f in seen.plan.risk.factors}
    missing = [n for n in named if n not in in_plan or not in_plan[n].rationale.strip()]
    if missing:
        return Outcome(False, "the plan has no rated " + ", ".join(missing))
    if isinstance(seen.data, list):  # a risk result, not the document: it must agree
        in_trace = {str(f.get("name")): f.get("level") for f in seen.data if isinstance(f, dict)}
        unseen = [n for n in named if in_trace.get(n) not in tuple(Level)]
        if unseen:
            return Outcome(False, "the tool result has no level for " + ", ".join(unseen))
    return Outcome(True, ", ".join(f"{n} {in_plan[n].level.value}" for n in named))


def factor_level(seen: Seen) -> Outcome:
    text = normalize(seen.line)
    named = [name for word, name in _FACTOR_WORDS if has_word(text, word)]
    levels = stated_levels(text)
    if len(named) != 1 or len(levels) != 1:
        return Outcome(False, "the line must name one factor and one level (LOW/MEDIUM/HIGH)")
    factor = next((f for f in seen.plan.risk.factors if f.name == named[0]), None)
    if factor is None:
        return Outcome(False, f"the plan has no {named[0]} factor")
    (wanted,) = levels
    return Outcome(
        factor.level is wanted, f"{factor.name} {factor.level.value}: {factor.rationale}"
    )


def overall_risk(seen: Seen) -> Outcome:
    risk = seen.plan.risk
    evidence = f"overall {risk.overall.value} (score {risk.score} on {risk.scale})"
    levels = stated_levels(normalize(seen.line))
    if len(levels) == 1:
        (wanted,) = levels
        return Outcome(risk.overall is wanted, evidence)
    return Outcome(risk.overall in tuple(Level), evidence)


def strategy(seen: Seen) -> Outcome:
    risk = seen.plan.risk
    text = normalize(seen.line)
    expected = _STRATEGY_FOR[risk.overall]
    evidence = f"overall {risk.overall.value} → strategy {risk.strategy}"
    if NO_CANARY.search(text) and risk.strategy == "canary":
        return Outcome(False, evidence + " (the line rules out a canary)")
    if risk.strategy not in expected:
        return Outcome(False, evidence + f" (expected {' or '.join(expected)})")
    return Outcome(True, evidence)


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
    stages = seen.plan.stages
    text = normalize(seen.line)
    bound = stated_bound(text)
    evidence = f"{len(stages)} stages: {_ladder(stages)} (risk {seen.plan.risk.overall.value}, "
    evidence += f"{seen.plan.risk.strategy})"
    if bound is None:
        return Outcome(False, "no stage count (e.g. 'at least 5') in the line; " + evidence)
    contradiction = _risk_qualifiers(text, seen.plan)
    if contradiction:
        return Outcome(False, f"{contradiction}; {evidence}")
    op, number = bound
    return Outcome(_OPS[op](len(stages), number), evidence)


def first_stage(seen: Seen) -> Outcome:
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
    plan = seen.plan
    per_stage = [c for s in plan.stages for c in s.success_criteria]
    if not plan.criteria.success or any(not s.success_criteria for s in plan.stages):
        empty = [str(s.number) for s in plan.stages if not s.success_criteria]
        return Outcome(False, "no success criteria for stage(s) " + (", ".join(empty) or "-"))
    unset = _unset([*plan.criteria.success, *per_stage])
    if unset:
        return Outcome(
            False, "no number: " + _listing([f"{t.metric} ({t.derivation})" for t in unset])
        )
    shown = [_threshold(t) for t in plan.criteria.success]
    return Outcome(True, f"every stage of {len(plan.stages)} gated on " + _listing(shown, 3))


def auto_rollback(seen: Seen) -> Outcome:
    triggers = seen.plan.criteria.auto_rollback
    if not triggers:
        return Outcome(False, "no automatic rollback trigger")
    unset = _unset(triggers)
    shown = [_threshold(t) for t in triggers]
    if unset:
        return Outcome(False, "no number: " + _listing([t.metric for t in unset]))
    return Outcome(True, _listing(shown, 3))


def monitoring_kinds(seen: Seen) -> Outcome:
    metrics = seen.plan.monitoring.metrics
    technical = [m.name for m in metrics if m.kind == "technical"]
    business = [m.name for m in metrics if m.kind == "business"]
    evidence = "technical: " + (_listing(technical, 3) or "none")
    evidence += "; business: " + (_listing(business, 3) or "none")
    return Outcome(bool(technical) and bool(business), evidence)


def alert_levels(seen: Seen) -> Outcome:
    alerts = seen.plan.monitoring.alerts
    warning = [a for a in alerts if a.severity == "WARNING" and a.value is not None]
    critical = [a for a in alerts if a.severity == "CRITICAL" and a.value is not None]
    shown = [f"{a.severity} {a.metric} {a.op} {_value(a.metric, a.value)}" for a in alerts]
    first = [alerts.index(a) for a in warning[:1] + critical[:1]]
    ordered = [shown[i] for i in first] + [t for i, t in enumerate(shown) if i not in first]
    evidence = _listing(ordered) if ordered else "no alerts"
    return Outcome(bool(warning) and bool(critical), evidence)


def comms_roles(seen: Seen) -> Outcome:
    people = seen.plan.communication.stakeholders
    roles = [p.role.strip() for p in people]
    complete = all(p.role.strip() and p.when.strip() and p.channel.strip() for p in people)
    shown = [f"{p.role} ({p.channel})" for p in people]
    evidence = _listing(shown, 3) if shown else "no stakeholders"
    distinct = len(set(roles)) == len(roles) >= _LEAST_ROLES
    return Outcome(complete and distinct, evidence)


def rollback_procedure(seen: Seen) -> Outcome:
    steps = seen.plan.rollback_procedure
    numbered = [s.step for s in steps] == list(range(1, len(steps) + 1))
    bound = stated_bound(normalize(seen.line))
    least = bound[1] if bound and bound[0] in (">=", ">") else 3
    filled = all(s.action.strip() for s in steps)
    shown = [f"{s.step}. {_clip(s.action, 40)}" for s in steps]
    evidence = f"{len(steps)} numbered steps: " + _listing(shown, 2)
    return Outcome(numbered and filled and len(steps) >= least, evidence)


def gate_checklist(seen: Seen) -> Outcome:
    lists = seen.plan.gate_checklist
    covered = {g.stage for g in lists if g.items}
    missing = [s.number for s in seen.plan.stages if s.number not in covered]
    sizes = [f"stage {g.stage}: {len(g.items)} items" for g in lists if g.stage]
    before = next((g for g in lists if g.stage == 0), None)
    evidence = (f"before stage 1: {len(before.items)} items; " if before else "") + _listing(
        sizes, 2
    )
    if missing:
        return Outcome(False, "no checklist for stage(s) " + ", ".join(map(str, missing)))
    return Outcome(True, evidence)


def flag_cannot_undo(seen: Seen) -> Outcome:
    plan = seen.plan
    warning = next(
        (w for w in plan.warnings if re.search(r"flag alone cannot undo", w, re.IGNORECASE)),
        None,
    )
    reversibility = next((f for f in plan.risk.factors if f.name == "reversibility"), None)
    level = reversibility.level.value if reversibility else "not rated"
    if warning is None:
        return Outcome(False, f"no warning that the flag cannot undo it; reversibility {level}")
    easy = reversibility is not None and reversibility.level is Level.HIGH
    return Outcome(not easy, f"reversibility {level}; warning: {_clip(warning, 90)}")


def irreversible_gate(seen: Seen) -> Outcome:
    plan = seen.plan
    last = plan.stages[-1]
    own = [
        g
        for g in plan.gate_checklist
        if re.search(r"irreversib", g.title, re.IGNORECASE) and g.items
    ]
    if not own:
        titles = _listing([g.title or f"stage {g.stage}" for g in plan.gate_checklist], 3)
        return Outcome(False, f"no checklist of its own for the irreversible step; have {titles}")
    gate = own[0]
    after_bake = gate.stage >= last.number
    return Outcome(
        after_bake,
        f"'{gate.title}' after stage {gate.stage} ({last.traffic_percent:g}%): "
        + _listing([_clip(i, 60) for i in gate.items[1:]], 1),
    )


def tested_restore(seen: Seen) -> Outcome:
    before = next((g for g in seen.plan.gate_checklist if g.stage == 0), None)
    if before is None:
        return Outcome(False, "no checklist before stage 1")
    item = next(
        (
            i
            for i in before.items
            if re.search(r"restor", i, re.IGNORECASE)
            and re.search(r"test|rehears|verif|drill", i, re.IGNORECASE)
        ),
        None,
    )
    if item is None:
        return Outcome(False, f"before stage 1 ({len(before.items)} items): no tested restore")
    return Outcome(True, f"before stage 1: {item}")


def recovery_time(seen: Seen) -> Outcome:
    return bounded_recovery(seen, seen.plan.expected_recovery_minutes, "expected recovery")


def irreversible_recovery_time(seen: Seen) -> Outcome:
    return bounded_recovery(
        seen, seen.plan.irreversible_recovery_minutes, "recovery after the irreversible step"
    )


def bounded_recovery(seen: Seen, minutes: float | None, what: str) -> Outcome:
    bound = stated_minutes(normalize(seen.line))
    if bound is None:
        return Outcome(False, "no duration bound (e.g. 'within 15 minutes') in the line")
    if minutes is None:
        return Outcome(False, f"the plan states no {what} time")
    undo = seen.plan.rollback_procedure[1].action if len(seen.plan.rollback_procedure) > 1 else ""
    op, limit = bound
    return Outcome(_OPS[op](minutes, limit), f"{what} {minutes:g} min (undo: {_clip(undo, 60)})")
