"""Success criteria as deterministic checks over a run's trace and its plan.

Each criterion line of a scenario is matched, by meaning keywords, to one
check of a small table. A check passes only when both hold:

- the run called, successfully, a tool that computes the section (the
  section's own tool, or `render_plan`, which writes the whole document), so a
  run that never asked about monitoring cannot pass a monitoring criterion;
  where that tool's result carries the numbers (the section tools do), they
  must agree with the criterion too;
- the plan the run produced (the final state of its folder, `rollout.yaml`
  adjustments included) meets the criterion, judged on numbers, never on the
  model's prose.

A line no check matches fails with "no check for this criterion": nothing
passes silently. The evidence of every result names the numbers it saw.
"""

from __future__ import annotations

import operator
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from rollout_manager.agent.protocol import ToolCall
from rollout_manager.model import Level, RolloutPlan, Stage, Threshold
from rollout_manager.reading.vocabulary import NUMBER_WORDS

# --------------------------------------------------------------------------- run record


@dataclass(frozen=True)
class RunRecord:
    """What the checks see of a run: its tool calls and the plan it produced."""

    plan: RolloutPlan
    """`plan_folder` on the run folder after the last step."""
    calls: tuple[ToolCall, ...]
    """Every tool call of every step, in order."""


@dataclass(frozen=True)
class CriterionResult:
    """The verdict on one criterion line."""

    criterion: str
    """The line as written."""
    check: str | None
    """Key of the matched check; None when no check matches."""
    tool: str | None
    """The tool call whose result the verdict rests on; None when none qualifies."""
    passed: bool
    """PASS or FAIL."""
    evidence: str
    """The numbers seen, or why it failed."""


@dataclass(frozen=True)
class _Outcome:
    passed: bool
    evidence: str


@dataclass(frozen=True)
class _Seen:
    """A criterion line with the plan and the trace data it is judged on."""

    line: str
    plan: RolloutPlan
    data: Any
    """The contract field found in the successful tool result; None when it carries none."""


@dataclass(frozen=True)
class Check:
    """One row of the matching table."""

    key: str
    """Stable name, reported with each result."""
    keywords: tuple[tuple[str, ...], ...]
    """Keyword groups: a line matches when every group has one alternative in it."""
    tools: tuple[str, ...]
    """The run must have called one of these successfully."""
    fields: tuple[str, ...]
    """Contract fields the check reads from that call's result when it carries them
    (`render_plan` returns only a summary beside the document: its call counts by itself)."""
    verify: Callable[[_Seen], _Outcome] = field(repr=False)
    avoid: tuple[str, ...] = ()
    """Words that rule the check out (a line about triggers is no procedure line)."""


# --------------------------------------------------------------------------- text helpers

_NUMBER_WORDS = {word: n for word, n in NUMBER_WORDS.items() if 1 <= n <= 12}
_NUMBER = r"(\d+(?:\.\d+)?|" + "|".join(_NUMBER_WORDS) + r")"
_BOUND_BEFORE = {
    "at least": ">=",
    "no fewer than": ">=",
    "no less than": ">=",
    "minimum of": ">=",
    "more than": ">",
    "over": ">",
    "at most": "<=",
    "no more than": "<=",
    "maximum of": "<=",
    "up to": "<=",
    "within": "<=",
    "fewer than": "<",
    "less than": "<",
    "under": "<",
    "exactly": "==",
}
_BOUND = re.compile(
    r"(?<![a-z])(" + "|".join(sorted(_BOUND_BEFORE, key=len, reverse=True)) + r")\s+" + _NUMBER
)
_BOUND_AFTER = re.compile(_NUMBER + r"\s+or\s+(more|fewer|less)\b")
_DURATION = re.compile(_NUMBER + r"\s*(minutes?|mins?|hours?|hrs?|h|days?)\b")
_LEVEL_WORD = re.compile(r"(?<![a-z])(low|medium|high)(?![a-z])")
_RISK_QUALIFIER = re.compile(r"(?<![a-z])(low|medium|high) risk")
_NO_CANARY = re.compile(r"(?<![a-z])(?:no|not a|without a?) ?canary")
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


def normalize(text: str) -> str:
    """Lower case, hyphens/slashes/underscores as spaces, punctuation dropped."""
    text = re.sub(r"[-/_]", " ", text.lower())
    text = re.sub(r"[^a-z0-9%. ]", " ", text)
    return " ".join(text.split())


def _contains(text: str, word: str) -> bool:
    """`word` at the start of a word in `text` (both normalized)."""
    if not word[0].isalnum():
        return word in text
    return re.search(r"(?<![a-z0-9])" + re.escape(word), text) is not None


def _as_number(token: str) -> float:
    return float(_NUMBER_WORDS.get(token, token))


def _bound(text: str) -> tuple[str, float] | None:
    """The first `at least N` / `N or more` style bound in a normalized line."""
    before = _BOUND.search(text)
    after = _BOUND_AFTER.search(text)
    if before and (after is None or before.start() <= after.start()):
        return _BOUND_BEFORE[before.group(1)], _as_number(before.group(2))
    if after:
        return (">=" if after.group(2) == "more" else "<="), _as_number(after.group(1))
    return None


def _minutes_bound(text: str) -> tuple[str, float] | None:
    """A bound on a duration (`at least 4 hours`) in minutes."""
    for match in _BOUND.finditer(text):
        rest = text[match.start(2) :]
        duration = _DURATION.match(rest)
        if duration:
            unit = duration.group(2)[0]
            scale = {"m": 1.0, "h": 60.0, "d": 1440.0}[unit]
            return _BOUND_BEFORE[match.group(1)], _as_number(duration.group(1)) * scale
    return None


def _levels(text: str) -> set[Level]:
    return {Level(word.upper()) for word in _LEVEL_WORD.findall(text)}


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


def _risk_factors(seen: _Seen) -> _Outcome:
    text = normalize(seen.line)
    named = [name for word, name in _FACTOR_WORDS if _contains(text, word)]
    in_plan = {f.name: f for f in seen.plan.risk.factors}
    missing = [n for n in named if n not in in_plan or not in_plan[n].rationale.strip()]
    if missing:
        return _Outcome(False, "the plan has no rated " + ", ".join(missing))
    if isinstance(seen.data, list):  # a risk result, not the document: it must agree
        in_trace = {str(f.get("name")): f.get("level") for f in seen.data if isinstance(f, dict)}
        unseen = [n for n in named if in_trace.get(n) not in tuple(Level)]
        if unseen:
            return _Outcome(False, "the tool result has no level for " + ", ".join(unseen))
    return _Outcome(True, ", ".join(f"{n} {in_plan[n].level.value}" for n in named))


def _factor_level(seen: _Seen) -> _Outcome:
    text = normalize(seen.line)
    named = [name for word, name in _FACTOR_WORDS if _contains(text, word)]
    levels = _levels(text)
    if len(named) != 1 or len(levels) != 1:
        return _Outcome(False, "the line must name one factor and one level (LOW/MEDIUM/HIGH)")
    factor = next((f for f in seen.plan.risk.factors if f.name == named[0]), None)
    if factor is None:
        return _Outcome(False, f"the plan has no {named[0]} factor")
    (wanted,) = levels
    return _Outcome(
        factor.level is wanted, f"{factor.name} {factor.level.value}: {factor.rationale}"
    )


def _overall_risk(seen: _Seen) -> _Outcome:
    risk = seen.plan.risk
    evidence = f"overall {risk.overall.value} (score {risk.score} on {risk.scale})"
    levels = _levels(normalize(seen.line))
    if len(levels) == 1:
        (wanted,) = levels
        return _Outcome(risk.overall is wanted, evidence)
    return _Outcome(risk.overall in tuple(Level), evidence)


def _strategy(seen: _Seen) -> _Outcome:
    risk = seen.plan.risk
    text = normalize(seen.line)
    expected = _STRATEGY_FOR[risk.overall]
    evidence = f"overall {risk.overall.value} → strategy {risk.strategy}"
    if _NO_CANARY.search(text) and risk.strategy == "canary":
        return _Outcome(False, evidence + " (the line rules out a canary)")
    if risk.strategy not in expected:
        return _Outcome(False, evidence + f" (expected {' or '.join(expected)})")
    return _Outcome(True, evidence)


def _risk_qualifiers(text: str, plan: RolloutPlan) -> str | None:
    """Why the plan's risk or strategy contradicts the line, if it does."""
    qualifier = _RISK_QUALIFIER.search(text)
    if qualifier and plan.risk.overall.value != qualifier.group(1).upper():
        return f"the line is about {qualifier.group(1).upper()} risk; the plan is rated " + (
            plan.risk.overall.value
        )
    if _NO_CANARY.search(text) and plan.risk.strategy == "canary":
        return "the line rules out a canary; the strategy is canary"
    return None


def _stage_count(seen: _Seen) -> _Outcome:
    stages = seen.plan.stages
    text = normalize(seen.line)
    bound = _bound(text)
    evidence = f"{len(stages)} stages: {_ladder(stages)} (risk {seen.plan.risk.overall.value}, "
    evidence += f"{seen.plan.risk.strategy})"
    if bound is None:
        return _Outcome(False, "no stage count (e.g. 'at least 5') in the line; " + evidence)
    contradiction = _risk_qualifiers(text, seen.plan)
    if contradiction:
        return _Outcome(False, f"{contradiction}; {evidence}")
    op, number = bound
    return _Outcome(_OPS[op](len(stages), number), evidence)


def _first_stage(seen: _Seen) -> _Outcome:
    first = seen.plan.stages[0]
    text = normalize(seen.line)
    bound = _bound(text)
    limit = bound[1] if bound and "%" in text else 1.0
    internal = re.search(r"internal|employee|staff|dogfood", first.audience, re.IGNORECASE)
    evidence = f"stage 1: {first.traffic_percent:g}% of traffic, {first.audience}"
    return _Outcome(bool(internal) or first.traffic_percent <= limit, evidence)


def _unset(items: Iterable[Threshold]) -> list[Threshold]:
    return [t for t in items if t.value is None]


def _success_measurable(seen: _Seen) -> _Outcome:
    plan = seen.plan
    per_stage = [c for s in plan.stages for c in s.success_criteria]
    if not plan.criteria.success or any(not s.success_criteria for s in plan.stages):
        empty = [str(s.number) for s in plan.stages if not s.success_criteria]
        return _Outcome(False, "no success criteria for stage(s) " + (", ".join(empty) or "-"))
    unset = _unset([*plan.criteria.success, *per_stage])
    if unset:
        return _Outcome(
            False, "no number: " + _listing([f"{t.metric} ({t.derivation})" for t in unset])
        )
    shown = [_threshold(t) for t in plan.criteria.success]
    return _Outcome(True, f"every stage of {len(plan.stages)} gated on " + _listing(shown, 3))


def _auto_rollback(seen: _Seen) -> _Outcome:
    triggers = seen.plan.criteria.auto_rollback
    if not triggers:
        return _Outcome(False, "no automatic rollback trigger")
    unset = _unset(triggers)
    shown = [_threshold(t) for t in triggers]
    if unset:
        return _Outcome(False, "no number: " + _listing([t.metric for t in unset]))
    return _Outcome(True, _listing(shown, 3))


def _monitoring_kinds(seen: _Seen) -> _Outcome:
    metrics = seen.plan.monitoring.metrics
    technical = [m.name for m in metrics if m.kind == "technical"]
    business = [m.name for m in metrics if m.kind == "business"]
    evidence = "technical: " + (_listing(technical, 3) or "none")
    evidence += "; business: " + (_listing(business, 3) or "none")
    return _Outcome(bool(technical) and bool(business), evidence)


def _alert_levels(seen: _Seen) -> _Outcome:
    alerts = seen.plan.monitoring.alerts
    warning = [a for a in alerts if a.severity == "WARNING" and a.value is not None]
    critical = [a for a in alerts if a.severity == "CRITICAL" and a.value is not None]
    shown = [f"{a.severity} {a.metric} {a.op} {_value(a.metric, a.value)}" for a in alerts]
    first = [alerts.index(a) for a in warning[:1] + critical[:1]]
    ordered = [shown[i] for i in first] + [t for i, t in enumerate(shown) if i not in first]
    evidence = _listing(ordered) if ordered else "no alerts"
    return _Outcome(bool(warning) and bool(critical), evidence)


def _comms_roles(seen: _Seen) -> _Outcome:
    people = seen.plan.communication.stakeholders
    roles = [p.role.strip() for p in people]
    complete = all(p.role.strip() and p.when.strip() and p.channel.strip() for p in people)
    shown = [f"{p.role} ({p.channel})" for p in people]
    evidence = _listing(shown, 3) if shown else "no stakeholders"
    distinct = len(set(roles)) == len(roles) >= 3
    return _Outcome(complete and distinct, evidence)


def _rollback_procedure(seen: _Seen) -> _Outcome:
    steps = seen.plan.rollback_procedure
    numbered = [s.step for s in steps] == list(range(1, len(steps) + 1))
    bound = _bound(normalize(seen.line))
    least = bound[1] if bound and bound[0] in (">=", ">") else 3
    filled = all(s.action.strip() for s in steps)
    shown = [f"{s.step}. {_clip(s.action, 40)}" for s in steps]
    evidence = f"{len(steps)} numbered steps: " + _listing(shown, 2)
    return _Outcome(numbered and filled and len(steps) >= least, evidence)


def _gate_checklist(seen: _Seen) -> _Outcome:
    lists = seen.plan.gate_checklist
    covered = {g.stage for g in lists if g.items}
    missing = [s.number for s in seen.plan.stages if s.number not in covered]
    sizes = [f"stage {g.stage}: {len(g.items)} items" for g in lists if g.stage]
    before = next((g for g in lists if g.stage == 0), None)
    evidence = (f"before stage 1: {len(before.items)} items; " if before else "") + _listing(
        sizes, 2
    )
    if missing:
        return _Outcome(False, "no checklist for stage(s) " + ", ".join(map(str, missing)))
    return _Outcome(True, evidence)


def _flag_cannot_undo(seen: _Seen) -> _Outcome:
    plan = seen.plan
    warning = next(
        (w for w in plan.warnings if re.search(r"flag alone cannot undo", w, re.IGNORECASE)),
        None,
    )
    reversibility = next((f for f in plan.risk.factors if f.name == "reversibility"), None)
    level = reversibility.level.value if reversibility else "not rated"
    if warning is None:
        return _Outcome(False, f"no warning that the flag cannot undo it; reversibility {level}")
    easy = reversibility is not None and reversibility.level is Level.HIGH
    return _Outcome(not easy, f"reversibility {level}; warning: {_clip(warning, 90)}")


def _irreversible_gate(seen: _Seen) -> _Outcome:
    plan = seen.plan
    last = plan.stages[-1]
    own = [
        g
        for g in plan.gate_checklist
        if re.search(r"irreversib", g.title, re.IGNORECASE) and g.items
    ]
    if not own:
        titles = _listing([g.title or f"stage {g.stage}" for g in plan.gate_checklist], 3)
        return _Outcome(False, f"no checklist of its own for the irreversible step; have {titles}")
    gate = own[0]
    after_bake = gate.stage >= last.number
    return _Outcome(
        after_bake,
        f"'{gate.title}' after stage {gate.stage} ({last.traffic_percent:g}%): "
        + _listing([_clip(i, 60) for i in gate.items[1:]], 1),
    )


def _tested_restore(seen: _Seen) -> _Outcome:
    before = next((g for g in seen.plan.gate_checklist if g.stage == 0), None)
    if before is None:
        return _Outcome(False, "no checklist before stage 1")
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
        return _Outcome(False, f"before stage 1 ({len(before.items)} items): no tested restore")
    return _Outcome(True, f"before stage 1: {item}")


def _recovery_time(seen: _Seen) -> _Outcome:
    return _bounded_recovery(seen, seen.plan.expected_recovery_minutes, "expected recovery")


def _irreversible_recovery_time(seen: _Seen) -> _Outcome:
    return _bounded_recovery(
        seen, seen.plan.irreversible_recovery_minutes, "recovery after the irreversible step"
    )


def _bounded_recovery(seen: _Seen, minutes: float | None, what: str) -> _Outcome:
    bound = _minutes_bound(normalize(seen.line))
    if bound is None:
        return _Outcome(False, "no duration bound (e.g. 'within 15 minutes') in the line")
    if minutes is None:
        return _Outcome(False, f"the plan states no {what} time")
    undo = seen.plan.rollback_procedure[1].action if len(seen.plan.rollback_procedure) > 1 else ""
    op, limit = bound
    return _Outcome(_OPS[op](minutes, limit), f"{what} {minutes:g} min (undo: {_clip(undo, 60)})")


# --------------------------------------------------------------------------- the table

_RISK_TOOLS = ("assess_risk", "render_plan")
_STAGE_TOOLS = ("design_stages", "render_plan")
_CRITERIA_TOOLS = ("define_criteria", "render_plan")
_MONITORING_TOOLS = ("plan_monitoring", "render_plan")
_PLAN_TOOLS = ("render_plan",)
_ROLLBACK_WORDS = ("rollback", "roll back", "revert", "back out", "abort")

# The matching table. Keywords are matched at word starts on the normalized line
# ("revers" finds "reversibility", "roll back" finds "roll-back"); a new scenario
# wording that finds no row fails loudly, and gets a row or an alternative here.
CHECKS: tuple[Check, ...] = (
    Check(
        "risk_factors",
        (("risk", "assess", "factor"), ("user",), ("revenue",), ("critical",), ("revers",)),
        _RISK_TOOLS,
        ("factors",),
        _risk_factors,
    ),
    Check(
        "factor_level",
        (
            ("user impact", "revenue impact", "critical", "revers", "complexity", "timing"),
            ("low", "medium", "high"),
            ("rated", "rating", "is", "level", "as", "scored"),
        ),
        _RISK_TOOLS,
        ("factors",),
        _factor_level,
    ),
    Check(
        "overall_risk",
        (("overall", "rating", "rated"), ("risk",)),
        _RISK_TOOLS,
        ("overall",),
        _overall_risk,
        avoid=("strategy",),
    ),
    Check(
        "strategy_matches_risk",
        (
            ("strategy", "approach", "deployment type"),
            ("risk", "match", "fit", "proportion", "canary", "progressive", "ramp", "direct"),
        ),
        _RISK_TOOLS,
        ("strategy",),
        _strategy,
    ),
    Check(
        "stage_count",
        (("stage",), (*_BOUND_BEFORE, "or more", "or fewer", "or less")),
        _STAGE_TOOLS,
        ("stages",),
        _stage_count,
    ),
    Check(
        "first_stage_small",
        (
            ("first stage", "stage 1", "initial stage", "first cohort", "first ramp"),
            ("internal", "employee", "staff", "dogfood", "low", "small", "percent", "%"),
        ),
        _STAGE_TOOLS,
        ("stages",),
        _first_stage,
    ),
    Check(
        "success_measurable",
        (
            ("success", "advance", "promotion", "exit criteria"),
            ("measurabl", "threshold", "specific", "numeric", "quantif", "number"),
        ),
        ("define_criteria", "design_stages", "render_plan"),
        ("success", "success_criteria"),
        _success_measurable,
        avoid=_ROLLBACK_WORDS,
    ),
    Check(
        "auto_rollback",
        (_ROLLBACK_WORDS, ("automatic", "auto", "trigger")),
        _CRITERIA_TOOLS,
        ("auto_rollback",),
        _auto_rollback,
    ),
    Check(
        "monitoring_kinds",
        (
            ("monitor", "metric", "dashboard", "observab"),
            ("technical", "system", "engineering"),
            ("business", "revenue", "product"),
        ),
        _MONITORING_TOOLS,
        ("metrics",),
        _monitoring_kinds,
    ),
    Check(
        "alert_levels",
        (("alert", "alarm", "page"), ("warning", "warn"), ("critical",)),
        _MONITORING_TOOLS,
        ("alerts",),
        _alert_levels,
    ),
    Check(
        "stakeholders_by_role",
        (("communicat", "stakeholder", "announce", "notif"), ("role", "stakeholder", "who")),
        ("plan_communication", "render_plan"),
        ("stakeholders",),
        _comms_roles,
    ),
    Check(
        "rollback_procedure",
        (_ROLLBACK_WORDS, ("procedure", "step", "runbook", "playbook", "documented")),
        _PLAN_TOOLS,
        ("rollback_procedure",),
        _rollback_procedure,
        avoid=("automatic", "trigger"),
    ),
    Check(
        "gate_checklist",
        (("gate", "checklist"), ("checklist", "each", "every", "advancement", "per stage")),
        _PLAN_TOOLS,
        ("gate_checklist",),
        _gate_checklist,
    ),
    Check(
        "flag_cannot_undo",
        (
            ("flag", "toggle", "kill switch"),
            ("cannot", "can t", "can not", "not enough", "alone", "insufficient"),
            ("undo", "revers", "roll back", "rollback", "revert"),
        ),
        _STAGE_TOOLS,
        ("warnings",),
        _flag_cannot_undo,
    ),
    Check(
        "irreversible_gate",
        (
            ("irreversib", "destructive", "one way", "cannot be undone", "point of no return"),
            ("gate", "checklist", "sign off", "approval"),
        ),
        _PLAN_TOOLS,
        ("gate_checklist",),
        _irreversible_gate,
    ),
    Check(
        "tested_restore",
        (
            ("restore", "backup"),
            ("before", "prior", "preflight", "pre flight", "tested", "rehears", "verified"),
        ),
        _PLAN_TOOLS,
        ("gate_checklist",),
        _tested_restore,
    ),
    Check(
        "recovery_time",
        (
            ("recover", "time to roll back", "time to restore", "rollback time", "restore time"),
            ("minute", "hour", "day"),
        ),
        _PLAN_TOOLS,
        ("expected_recovery_minutes",),
        _recovery_time,
    ),
    Check(
        "irreversible_recovery_time",
        (
            ("recover", "time to roll back", "time to restore", "rollback time", "restore time"),
            ("minute", "hour", "day"),
            ("irreversib", "destructive", "one way"),
        ),
        _PLAN_TOOLS,
        ("irreversible_recovery_minutes",),
        _irreversible_recovery_time,
    ),
)


def match_check(criterion: str) -> Check | None:
    """The check for a criterion line: every keyword group matches, the most groups win.

    Ties go to the check listed first in `CHECKS`; a line that names a word of a
    check's `avoid` list is never that check's.
    """
    text = normalize(criterion)
    best: Check | None = None
    for check in CHECKS:
        if any(_contains(text, word) for word in check.avoid):
            continue
        if not all(any(_contains(text, w) for w in group) for group in check.keywords):
            continue
        if best is None or len(check.keywords) > len(best.keywords):
            best = check
    return best


def find_field(data: Any, names: Sequence[str]) -> tuple[bool, Any]:
    """The first value under one of `names`, searched depth-first through dicts and lists."""
    if isinstance(data, dict):
        for name in names:
            if name in data:
                return True, data[name]
        children: Iterable[Any] = data.values()
    elif isinstance(data, list):
        children = data
    else:
        return False, None
    for child in children:
        found, value = find_field(child, names)
        if found:
            return True, value
    return False, None


def _trace_evidence(check: Check, calls: Sequence[ToolCall]) -> tuple[ToolCall | None, Any, str]:
    """The successful call that shows the run computed the section, and the field it carries.

    A section tool's result carries the contract field; `render_plan` returns a
    summary with the whole document, so its call counts without the field.
    """
    relevant = [c for c in calls if c.name in check.tools]
    succeeded = [c for c in relevant if c.ok]
    if not succeeded:
        tools = " or ".join(check.tools)
        if relevant:
            return None, None, f"{relevant[0].name} failed: {relevant[0].error}"
        return None, None, f"the run never called {tools}"
    for call in succeeded:
        found, value = find_field(call.data, check.fields)
        if found:
            return call, value, ""
    return succeeded[0], None, ""


def evaluate(criterion: str, run: RunRecord) -> CriterionResult:
    """Judge one criterion line on a run.

    Args:
        criterion: the line as written in the scenario.
        run: the run's tool calls and the plan it produced.
    """
    check = match_check(criterion)
    if check is None:
        return CriterionResult(criterion, None, None, False, "no check for this criterion")
    call, data, problem = _trace_evidence(check, run.calls)
    if call is None:
        return CriterionResult(criterion, check.key, None, False, problem)
    outcome = check.verify(_Seen(line=criterion, plan=run.plan, data=data))
    return CriterionResult(criterion, check.key, call.name, outcome.passed, outcome.evidence)


def evaluate_all(criteria: Iterable[str], run: RunRecord) -> list[CriterionResult]:
    """Judge every criterion line, in order."""
    return [evaluate(line, run) for line in criteria]
