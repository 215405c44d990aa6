"""Success criteria as checks over a run's trace and its plan, matched by meaning.

Each criterion line is matched to the checks it needs by meaning: the line and
its clauses are scored (`meaning.Matcher`) against each check's vocabulary and
example lines (`data/checks.yaml`); a line may need several checks ("at least 5
stages, the last at 100%"), and passes only when all pass. A check passes only
when both hold:

- the run called, successfully, a tool that computes the section (the
  section's own tool, or `render_plan`, which writes the whole document), so a
  run that never asked about monitoring cannot pass a monitoring criterion;
  where that tool's result carries the numbers (the section tools do), they
  must agree with the criterion too;
- the plan the run produced (the final state of its folder, `rollout.yaml`
  adjustments included) meets the criterion, judged on numbers, never on the
  model's prose (`scenario.verifiers`).

A line no check covers is `UNCHECKED` (never a PASS, and not a FAIL either),
with the closest check named; the runner may have a model judge it on the plan
JSON, labelled `MODEL-JUDGED`. The evidence of every result names the numbers
it saw.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Final, Literal

import yaml

from rollout_manager.meaning import Intent, Matcher, Score, terms
from rollout_manager.scenario import verifiers as v
from rollout_manager.scenario.verifiers import Outcome, Seen
from rollout_manager.sections import section_named

if TYPE_CHECKING:
    from collections.abc import Callable, Iterable, Sequence

    from rollout_manager.agent.protocol import ToolCall
    from rollout_manager.model import RolloutPlan

Status = Literal["PASS", "FAIL", "UNCHECKED"]

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
    """Key of the matched check (several joined by `+`); None when no check covers it."""
    tool: str | None
    """The tool call whose result the verdict rests on; None when none qualifies."""
    passed: bool
    """True for PASS (by a check, or by the model when `judge` is `model`)."""
    evidence: str
    """The numbers seen, or why it failed, or the closest check of an unchecked line."""
    status: Status = "PASS"
    """PASS, FAIL, or UNCHECKED (no check covers the line, and no model judged it)."""
    judge: Literal["check", "model"] = "check"
    """Who gave the verdict: a deterministic check, or the model on the plan JSON."""
    closest: str | None = None
    """For an unchecked line, the check nearest in meaning."""

    @property
    def label(self) -> str:
        """`PASS`, `FAIL`, `UNCHECKED`, or `MODEL-JUDGED PASS` / `MODEL-JUDGED FAIL`."""
        return f"MODEL-JUDGED {self.status}" if self.judge == "model" else self.status


@dataclass(frozen=True)
class Check:
    """One row of the check table; what it means is in `data/checks.yaml` under its key."""

    key: str
    """Stable name, reported with each result."""
    tools: tuple[str, ...]
    """The run must have called one of these successfully."""
    fields: tuple[str, ...]
    """Contract fields the check reads from that call's result when it carries them
    (`render_plan` returns only a summary beside the document: its call counts by itself)."""
    verify: Callable[[Seen], Outcome] = field(repr=False)


# A section's own tool (from the Section table), or the whole document.
_PLAN_TOOLS = ("render_plan",)
_RISK_TOOLS = (section_named("assess").tool, *_PLAN_TOOLS)
_STAGE_TOOLS = (section_named("stages").tool, *_PLAN_TOOLS)
_CRITERIA_TOOLS = (section_named("criteria").tool, *_PLAN_TOOLS)
_MONITORING_TOOLS = (section_named("monitoring").tool, *_PLAN_TOOLS)
_COMMS_TOOLS = (section_named("comms").tool, *_PLAN_TOOLS)
_ROLLBACK_TOOLS = (section_named("rollback").tool, *_PLAN_TOOLS)

CHECKS: tuple[Check, ...] = (
    Check("risk_factors", _RISK_TOOLS, ("factors",), v.risk_factors),
    Check("factor_level", _RISK_TOOLS, ("factors",), v.factor_level),
    Check("overall_risk", _RISK_TOOLS, ("overall",), v.overall_risk),
    Check("strategy_matches_risk", _RISK_TOOLS, ("strategy",), v.strategy),
    Check("stage_count", _STAGE_TOOLS, ("stages",), v.stage_count),
    Check("first_stage_small", _STAGE_TOOLS, ("stages",), v.first_stage),
    Check("stages_increase", _STAGE_TOOLS, ("stages",), v.stages_increase),
    Check("final_stage_full", _STAGE_TOOLS, ("stages",), v.final_stage_full),
    Check(
        "success_measurable",
        (section_named("criteria").tool, *_STAGE_TOOLS),
        ("success", "success_criteria"),
        v.success_measurable,
    ),
    Check("auto_rollback", _CRITERIA_TOOLS, ("auto_rollback",), v.auto_rollback),
    Check("monitoring_kinds", _MONITORING_TOOLS, ("metrics",), v.monitoring_kinds),
    Check("alert_levels", _MONITORING_TOOLS, ("alerts",), v.alert_levels),
    Check(
        "stakeholders_by_role",
        _COMMS_TOOLS,
        ("stakeholders",),
        v.comms_roles,
    ),
    Check("rollback_procedure", _ROLLBACK_TOOLS, ("rollback_procedure",), v.rollback_procedure),
    Check("gate_checklist", _PLAN_TOOLS, ("gate_checklist",), v.gate_checklist),
    Check("flag_cannot_undo", _STAGE_TOOLS, ("warnings",), v.flag_cannot_undo),
    Check("irreversible_gate", _PLAN_TOOLS, ("gate_checklist",), v.irreversible_gate),
    Check("tested_restore", _PLAN_TOOLS, ("gate_checklist",), v.tested_restore),
    Check("recovery_time", _ROLLBACK_TOOLS, ("expected_recovery_minutes",), v.recovery_time),
    Check(
        "irreversible_recovery_time",
        _ROLLBACK_TOOLS,
        ("irreversible_recovery_minutes",),
        v.irreversible_recovery_time,
    ),
)
_BY_KEY: Final = {check.key: check for check in CHECKS}
UNCHECKED: Final = "unchecked"
"""The pseudo-check of lines no check covers (its examples say what is out of reach)."""
# Below this score a line is covered by no check.
CHECK_FLOOR: Final = 0.25
# A clause adds a check of its own when it scores this much, this far above its runner-up.
CLAUSE_FLOOR: Final = 0.40
CLAUSE_MARGIN: Final = 0.08
_CLAUSES: Final = re.compile(
    r"[;:]|,\s*(?:and\s+|with\s+)?|\s+(?:and|while|plus)\s+", re.IGNORECASE
)
# A clause names a check of its own only when it says this much (not "no canary").
_CLAUSE_TERMS: Final = 2


@cache
def _matcher() -> Matcher:
    text = (resources.files("rollout_manager") / "data" / "checks.yaml").read_text("utf-8")
    # libyaml when installed: the pure-Python loader costs half a second on this table.
    rows = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    return Matcher(
        [
            Intent(
                name=str(key),
                vocabulary=tuple(str(w) for w in row.get("vocabulary") or ()),
                examples=tuple(str(e) for e in row.get("examples") or ()),
            )
            for key, row in rows.items()
        ]
    )


@dataclass(frozen=True)
class Match:
    """The checks a line needs, each with the part of the line it judges."""

    checks: tuple[tuple[Check, str], ...]
    closest: Score | None
    """The best-scoring check for the whole line (for an unchecked line: the nearest)."""


def match_checks(criterion: str) -> Match:
    """Return the checks a criterion line needs: the best for the whole line, and each clause's own.

    A clause adds its check when it is clearly about something else than the whole line's
    check (its own score high, well above its runner-up, with a word only that check uses).
    """
    matcher = _matcher()
    scored = [s for s in matcher.scores(criterion) if True]
    best = scored[0]
    closest = next((s for s in scored if s.name != UNCHECKED), None)
    # A line that uses none of the check's own words is not that check's, however close.
    if best.name == UNCHECKED or best.value < CHECK_FLOOR or best.vocabulary == 0:
        return Match((), closest)
    found: list[tuple[Check, str]] = [(_BY_KEY[best.name], criterion)]
    parts = [p.strip() for p in _CLAUSES.split(criterion) if p and len(terms(p)) >= _CLAUSE_TERMS]
    if len(parts) > 1:
        for part in parts:
            ranked = matcher.scores(part)
            top = ranked[0]
            margin = top.value - ranked[1].value
            clear = top.value >= CLAUSE_FLOOR and margin >= CLAUSE_MARGIN and top.distinctive
            if clear and top.name != UNCHECKED and all(c.key != top.name for c, _ in found):
                found.append((_BY_KEY[top.name], part))
    order = [check.key for check in CHECKS]
    return Match(tuple(sorted(found, key=lambda pair: order.index(pair[0].key))), closest)


def match_check(criterion: str) -> Check | None:
    """Return the main check for a criterion line; None when no check covers it."""
    found = match_checks(criterion).checks
    return found[0][0] if found else None


def find_field(data: Any, names: Sequence[str]) -> tuple[bool, Any]:
    """Return the first value under one of `names`, searched depth-first through dicts and lists."""
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
    """Return the successful call that shows the run computed the section, and the field it carries.

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


def _judge(check: Check, line: str, run: RunRecord) -> tuple[Outcome, str | None]:
    call, data, problem = _trace_evidence(check, run.calls)
    if call is None:
        return Outcome(passed=False, evidence=problem), None
    return check.verify(Seen(line=line, plan=run.plan, data=data)), call.name


def evaluate(criterion: str, run: RunRecord) -> CriterionResult:
    """Judge one criterion line on a run: PASS only when every check it needs passes.

    Args:
        criterion: the line as written in the scenario.
        run: the run's tool calls and the plan it produced.
    """
    match = match_checks(criterion)
    if not match.checks:
        nearest = match.closest.name if match.closest else None
        evidence = "no check covers this criterion" + (f" (closest: {nearest})" if nearest else "")
        return CriterionResult(
            criterion=criterion,
            check=None,
            tool=None,
            passed=False,
            evidence=evidence,
            status="UNCHECKED",
            closest=nearest,
        )
    outcomes = [(check, *_judge(check, line, run)) for check, line in match.checks]
    passed = all(outcome.passed for _, outcome, _ in outcomes)
    keys = "+".join(check.key for check, _, _ in outcomes)
    tool = next((name for _, _, name in outcomes if name), None)
    if len(outcomes) == 1:
        evidence = outcomes[0][1].evidence
    else:
        evidence = "; ".join(
            f"{check.key}: {'ok' if o.passed else 'FAIL'} ({o.evidence})"
            for check, o, _ in outcomes
        )
    return CriterionResult(
        criterion, keys, tool, passed, evidence, status="PASS" if passed else "FAIL"
    )


def evaluate_all(criteria: Iterable[str], run: RunRecord) -> list[CriterionResult]:
    """Judge every criterion line, in order."""
    return [evaluate(line, run) for line in criteria]
