"""What a criterion line asks of the plan's way back, judged on a run's plan.

The verifiers of communication, rollback steps, gate checklists, the irreversible step and
recovery times; `scenario.verifiers` holds the others and what they share.
"""

from __future__ import annotations

import re

from rollout_manager.model import Level
from rollout_manager.scenario.criterion_words import normalize, stated_bound, stated_minutes
from rollout_manager.scenario.verifiers import OPS, Outcome, Seen, clip, listing

_LEAST_ROLES = 3  # the distinct stakeholder roles a communication plan names at least


def comms_roles(seen: Seen) -> Outcome:
    """Check for three or more stakeholders in distinct roles, each with a when and a channel."""
    people = seen.plan.communication.stakeholders
    roles = [p.role.strip() for p in people]
    complete = all(p.role.strip() and p.when.strip() and p.channel.strip() for p in people)
    shown = [f"{p.role} ({p.channel})" for p in people]
    evidence = listing(shown, 3) if shown else "no stakeholders"
    distinct = len(set(roles)) == len(roles) >= _LEAST_ROLES
    return Outcome(complete and distinct, evidence)


def rollback_procedure(seen: Seen) -> Outcome:
    """Check for numbered rollback steps, each with an action, as many as the line asks (3)."""
    steps = seen.plan.rollback_procedure
    numbered = [s.step for s in steps] == list(range(1, len(steps) + 1))
    bound = stated_bound(normalize(seen.line))
    least = bound[1] if bound and bound[0] in (">=", ">") else 3
    filled = all(s.action.strip() for s in steps)
    shown = [f"{s.step}. {clip(s.action, 40)}" for s in steps]
    evidence = f"{len(steps)} numbered steps: " + listing(shown, 2)
    return Outcome(numbered and filled and len(steps) >= least, evidence)


def gate_checklist(seen: Seen) -> Outcome:
    """Check that every stage has a gate checklist with items."""
    lists = seen.plan.gate_checklist
    covered = {g.stage for g in lists if g.items}
    missing = [s.number for s in seen.plan.stages if s.number not in covered]
    sizes = [f"stage {g.stage}: {len(g.items)} items" for g in lists if g.stage]
    before = next((g for g in lists if g.stage == 0), None)
    evidence = (f"before stage 1: {len(before.items)} items; " if before else "") + listing(
        sizes, 2
    )
    if missing:
        return Outcome(
            passed=False, evidence="no checklist for stage(s) " + ", ".join(map(str, missing))
        )
    return Outcome(passed=True, evidence=evidence)


def flag_cannot_undo(seen: Seen) -> Outcome:
    """Check for the warning that the flag alone cannot undo a hard-to-reverse change."""
    plan = seen.plan
    warning = next(
        (w for w in plan.warnings if re.search(r"flag alone cannot undo", w, re.IGNORECASE)),
        None,
    )
    reversibility = next((f for f in plan.risk.factors if f.name == "reversibility"), None)
    level = reversibility.level.value if reversibility else "not rated"
    if warning is None:
        return Outcome(
            passed=False, evidence=f"no warning that the flag cannot undo it; reversibility {level}"
        )
    easy = reversibility is not None and reversibility.level is Level.HIGH
    return Outcome(not easy, f"reversibility {level}; warning: {clip(warning, 90)}")


def irreversible_gate(seen: Seen) -> Outcome:
    """Check that the irreversible step has its own checklist, after the last stage."""
    plan = seen.plan
    last = plan.stages[-1]
    own = [
        g
        for g in plan.gate_checklist
        if re.search(r"irreversib", g.title, re.IGNORECASE) and g.items
    ]
    if not own:
        titles = listing([g.title or f"stage {g.stage}" for g in plan.gate_checklist], 3)
        return Outcome(
            passed=False,
            evidence=f"no checklist of its own for the irreversible step; have {titles}",
        )
    gate = own[0]
    after_bake = gate.stage >= last.number
    return Outcome(
        after_bake,
        f"'{gate.title}' after stage {gate.stage} ({last.traffic_percent:g}%): "
        + listing([clip(i, 60) for i in gate.items[1:]], 1),
    )


def tested_restore(seen: Seen) -> Outcome:
    """Check that the checklist before stage 1 has a tested restore."""
    before = next((g for g in seen.plan.gate_checklist if g.stage == 0), None)
    if before is None:
        return Outcome(passed=False, evidence="no checklist before stage 1")
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
        return Outcome(
            passed=False, evidence=f"before stage 1 ({len(before.items)} items): no tested restore"
        )
    return Outcome(passed=True, evidence=f"before stage 1: {item}")


def recovery_time(seen: Seen) -> Outcome:
    """Check the expected recovery time against the line's bound."""
    return bounded_recovery(seen, seen.plan.expected_recovery_minutes, "expected recovery")


def irreversible_recovery_time(seen: Seen) -> Outcome:
    """Check the recovery time after the irreversible step against the line's bound."""
    return bounded_recovery(
        seen, seen.plan.irreversible_recovery_minutes, "recovery after the irreversible step"
    )


def bounded_recovery(seen: Seen, minutes: float | None, what: str) -> Outcome:
    """Check a recovery time (`what`) against the duration bound the line states."""
    bound = stated_minutes(normalize(seen.line))
    if bound is None:
        return Outcome(
            passed=False, evidence="no duration bound (e.g. 'within 15 minutes') in the line"
        )
    if minutes is None:
        return Outcome(passed=False, evidence=f"the plan states no {what} time")
    undo = seen.plan.rollback_procedure[1].action if len(seen.plan.rollback_procedure) > 1 else ""
    op, limit = bound
    return Outcome(OPS[op](minutes, limit), f"{what} {minutes:g} min (undo: {clip(undo, 60)})")
