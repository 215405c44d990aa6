"""Stage gate checklists and the step-by-step rollback procedure."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rollout_manager.formatting import count, hours, pct, when
from rollout_manager.model import (
    ChangeType,
    Criteria,
    GateChecklist,
    RollbackMechanism,
    RollbackStep,
    RolloutContext,
    Stage,
)

if TYPE_CHECKING:
    from rollout_manager.planning.playbooks import LegacyRemoval
    from rollout_manager.planning.policy import Playbook, Policy


def _has(context: RolloutContext, kind: ChangeType) -> bool:
    return any(fact.value is kind for fact in context.feature.change_types)


def irreversible_steps(context: RolloutContext) -> list[str]:
    """Document lines describing a change the flag cannot undo."""
    feature = context.feature
    lines = [
        _quote(ev.text)
        for fact in feature.change_types
        if fact.value is ChangeType.DESTRUCTIVE_MIGRATION
        for ev in fact.evidence
    ]
    mechanism = feature.rollback_mechanism
    if mechanism is not None and mechanism.value is RollbackMechanism.RESTORE_FROM_BACKUP:
        lines += [_quote(ev.text) for ev in mechanism.evidence if _quote(ev.text) not in lines]
    return lines


def _quote(line: str) -> str:
    """Return a document line without its list marker, for quoting in a sentence."""
    return line.lstrip("-*+ ").strip()


def _preflight(
    context: RolloutContext, stages: list[Stage], on_call: list[int], playbooks: list[Playbook]
) -> GateChecklist:
    feature = context.feature
    items = [
        f"{dep.value.name}: {dep.value.status} "
        + ("(in place)" if dep.value.ready else "(NOT READY: blocks stage 1)")
        for dep in feature.dependencies
    ]
    flag = feature.flag.value if feature.flag else None
    items += [
        f"Flag `{flag}` is OFF in production and its off switch was tested"
        if flag
        else "A kill switch exists and was tested (no feature flag is named)",
        "Dashboards and WARNING/CRITICAL alerts are live and were test-fired",
        (
            f"On-call engineer named for stage{'s' if len(on_call) > 1 else ''} "
            f"{', '.join(map(str, on_call))}; escalation path shared"
            if on_call
            else "Escalation path shared with the owning team"
        ),
        f"Sign-off recorded; pre-rollout announcement sent before {when(stages[0].start)}",
    ]
    if irreversible_steps(context):
        items.append("Restore from backup rehearsed end to end in the last 30 days, timed")
    items += [item for book in playbooks for item in book.checklist if item not in items]
    return GateChecklist(stage=0, title="Before stage 1", items=items)


def _decision_items(stage: Stage) -> list[str]:
    """Return the gate and boundary of each decision, worded as the decision itself states them."""
    items = []
    for d in stage.decisions:
        against = (
            f" (the stated {pct(d.advance_threshold)} limit as a count test)"
            if d.advance_threshold is not None and d.metric == "error_rate"
            else ""
        )
        items.append(
            f"{d.label}: fewer than {d.gate.hold_at_errors} {d.event} in the first "
            f"{count(d.gate.min_transactions)} transactions{against}"
        )
    if stage.decisions:
        items.append(
            "No rollback boundary was reached (each metric's k within the first n, "
            "in the stage's decision rules)"
        )
    return items


def _stage_gate(
    stage: Stage, next_stage: Stage | None, criteria: Criteria, removal: LegacyRemoval | None
) -> GateChecklist:
    judged = {d.metric for d in stage.decisions}
    items = [
        f"Ran at least {hours(stage.required_hours)} and saw at least "
        f"{count(stage.required_transactions)} transactions (expected "
        f"{count(stage.expected_transactions)})"
        if stage.required_transactions
        else f"Ran at least {hours(stage.required_hours)}",
    ]
    items += _decision_items(stage)
    items += [f"{c.description}" for c in stage.success_criteria if c.metric not in judged]
    items += [
        "No CRITICAL alert fired; every WARNING explained",
        "No manual rollback trigger raised ("
        + ", ".join(c.description.split(" (")[0].lower() for c in criteria.manual_rollback[:2])
        + ", ...)",
    ]
    if next_stage is not None:
        items += [
            (
                f"Go/no-go recorded by Leadership; advance to {next_stage.traffic_percent:g}% "
                f"at {when(next_stage.start)} (outside peak windows and freezes)"
            ),
            "Stage advancement notice sent",
        ]
    else:
        keep = (
            f"Keep the flag and the previous path until {when(removal.moment)} "
            f"({removal.reason}); then {removal.owner} removes them"
            if removal is not None
            else f"Keep the flag and the previous path until {when(stage.end)}; then remove them"
        )
        items += ["Completion announcement sent", keep]
    return GateChecklist(stage=stage.number, title=f"Leave stage {stage.number}", items=items)


def _irreversible_gate(context: RolloutContext, final: Stage) -> GateChecklist:
    steps = irreversible_steps(context)
    return GateChecklist(
        stage=final.number,
        title="Irreversible step (its own gate)",
        items=[
            f"The flag alone cannot undo: {steps[0]}",
            f"Run it only after stage {final.number} has baked ({when(final.end)})",
            "A fresh backup exists and its restore was tested in the last 30 days",
            "Leadership and the data owner signed this step separately",
        ],
    )


def gate_checklists(
    context: RolloutContext,
    criteria: Criteria,
    stages: list[Stage],
    *,
    on_call: list[int],
    playbooks: list[Playbook] | None = None,
    removal: LegacyRemoval | None = None,
) -> list[GateChecklist]:
    """One checklist before stage 1, one per stage gate, and one for an irreversible step."""
    lists = [_preflight(context, stages, on_call, playbooks or [])]
    for index, stage in enumerate(stages):
        following = stages[index + 1] if index + 1 < len(stages) else None
        lists.append(_stage_gate(stage, following, criteria, removal))
    if irreversible_steps(context):
        lists.append(_irreversible_gate(context, stages[-1]))
    return lists


def _undo_step(
    context: RolloutContext, policy: Policy, playbooks: list[Playbook]
) -> tuple[str, float]:
    feature = context.feature
    mechanism = feature.rollback_mechanism.value if feature.rollback_mechanism else None
    minutes = feature.rollback_minutes.value if feature.rollback_minutes else None
    flag = feature.flag.value if feature.flag else None
    if flag and mechanism in (None, RollbackMechanism.FLAG_TOGGLE):
        # A slow figure next to a flag belongs to the restore, not to the toggle.
        fast = minutes is not None and minutes <= policy.risk.fast_rollback_minutes
        notes = "".join(book.undo_note for book in playbooks)
        returns = "new traffic returns" if notes else "all traffic returns"
        return f"Turn the flag `{flag}` OFF: {returns} to the previous path{notes}", (
            minutes if fast and minutes is not None else 1.0
        )
    if mechanism is RollbackMechanism.REDEPLOY:
        return "Redeploy the previous release", (
            minutes if minutes is not None else policy.rollback.default_redeploy_minutes
        )
    if mechanism is RollbackMechanism.RESTORE_FROM_BACKUP:
        return "Restore the data from the last backup and redeploy the previous release", (
            minutes if minutes is not None else policy.rollback.default_redeploy_minutes
        )
    return "Undo the change with the documented mechanism", (
        minutes if minutes is not None else policy.rollback.default_redeploy_minutes
    )


def _restore_step(
    context: RolloutContext, policy: Policy
) -> tuple[str, str, float | None, bool] | None:
    """After an irreversible step the flag is not enough: restore from backup."""
    irreversible = irreversible_steps(context)
    mechanism = context.feature.rollback_mechanism
    if not irreversible or (
        mechanism is not None and mechanism.value is RollbackMechanism.RESTORE_FROM_BACKUP
    ):
        return None
    minutes = context.feature.rollback_minutes
    slow = minutes is not None and minutes.value > policy.risk.fast_rollback_minutes
    return (
        (
            f"If the irreversible step already ran ({irreversible[0]}): restore from the backup "
            "and redeploy the previous release"
        ),
        "Owning team + data owner",
        minutes.value if slow and minutes is not None else None,
        False,
    )


def rollback_procedure(
    context: RolloutContext, policy: Policy, *, playbooks: list[Playbook] | None = None
) -> tuple[list[RollbackStep], float, float | None]:
    """List the numbered rollback steps and time the recovery.

    Returns the steps, the expected minutes from decision to recovery, and the
    minutes once an irreversible step has run (None when there is none or no
    restore time).

    A chosen playbook's steps follow the drain check (they are not on the recovery clock).
    """
    books = playbooks or []
    undo, undo_minutes = _undo_step(context, policy, books)
    rb = policy.rollback
    steps: list[tuple[str, str, float | None, bool]] = [
        (
            "Declare the rollback in the incident channel and name who executes it",
            "On-call engineer",
            rb.decide_minutes,
            True,
        ),
        (undo, "On-call engineer", undo_minutes, True),
        (
            f"Verify traffic drained: new-path transactions per minute at zero within "
            f"{rb.drain_minutes:g} min; error rate back under "
            + (
                pct(context.baseline.error_rate.value * policy.tolerances.rollback_error_multiplier)
                if context.baseline.error_rate
                else "the rollback threshold"
            ),
            "On-call engineer",
            rb.drain_minutes,
            True,
        ),
    ]
    steps += [(step.action, step.owner, None, False) for book in books for step in book.rollback]
    restore = _restore_step(context, policy)
    if restore is not None:
        steps.append(restore)
    if _has(context, ChangeType.WEBHOOKS):
        steps.append(
            (
                (
                    "Keep webhook handlers running until in-flight events are processed; "
                    "check the backlog reaches zero"
                ),
                "Owning team",
                None,
                False,
            )
        )
    money = context.feature.moves_money is not None and context.feature.moves_money.value
    dual = context.feature.dual_write is not None and context.feature.dual_write.value
    if money or dual or _has(context, ChangeType.SCHEMA_CHANGE):
        steps.append(
            (
                "Reconcile data written by the new path"
                + (" (dual-write: compare both stores)" if dual else "")
                + (": captures, refunds and settlements match on both providers" if money else ""),
                "Owning team" + (" + Finance" if money else ""),
                None,
                False,
            )
        )
    steps += [
        ("Send the rollback notification to every stakeholder", "Release owner", None, False),
        (
            (
                f"Incident review within {rb.review_business_days} business days; "
                "fix, re-plan, restart from stage 1"
            ),
            "Engineering manager",
            None,
            False,
        ),
    ]
    recovery = sum(minutes or 0 for _, _, minutes, critical in steps if critical)
    numbered = [
        RollbackStep(step=i, action=action, owner=owner, expected_minutes=minutes)
        for i, (action, owner, minutes, _) in enumerate(steps, 1)
    ]
    after_irreversible = (
        recovery + restore[2] if restore is not None and restore[2] is not None else None
    )
    return numbered, recovery, after_irreversible
