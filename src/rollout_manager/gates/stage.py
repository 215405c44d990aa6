"""A stage's overall verdict: its decisions, the split, the dwell and the calendar."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from rollout_manager.errors import InputError
from rollout_manager.gates.judge import judge_decision, sample_ratio, worst
from rollout_manager.gates.verdict import EXIT_CODES, GateVerdict, MetricVerdict, SampleRatio
from rollout_manager.planning.schedule import GateCalendar, format_local

if TYPE_CHECKING:
    from rollout_manager.gates.observed import Observation
    from rollout_manager.model import RolloutPlan, Stage


def find_stage(plan: RolloutPlan, number: int, source: str) -> Stage:
    """Return the plan's stage `number`, with its decisions.

    Raises:
        InputError: no such stage, or the stage states no decision to judge.
    """
    for stage in plan.stages:
        if stage.number == number:
            if not stage.decisions:
                raise InputError(
                    source,
                    f"stage {number} states no decision rules (stages[].decisions is empty); "
                    "the gate applies only the plan's decisions",
                )
            return stage
    raise InputError("STAGE", f"stage {number} does not exist (the plan has {len(plan.stages)})")


def _per_hour(plan: RolloutPlan, stage: Stage) -> float | None:
    if not plan.traffic.per_day:
        return None
    return plan.traffic.per_day * stage.traffic_percent / 100 / 24


def _timing(
    verdict: GateVerdict,
    *,
    calendar: GateCalendar | None,
    min_dwell_hours: float,
) -> GateVerdict:
    """Make an `advance` wait for the dwell and for the calendar's next gate hour."""
    waits: list[str] = []
    ready = verdict.at
    if verdict.hours_in_stage < min_dwell_hours:
        short = min_dwell_hours - verdict.hours_in_stage
        waits.append(
            f"the stage has run {verdict.hours_in_stage:.1f} h of the {min_dwell_hours:g} h "
            f"minimum dwell"
        )
        ready = verdict.at + timedelta(hours=short)
    if calendar is not None:
        opening = calendar.next_allowed(ready)
        if opening != verdict.at:
            verdict.next_gate = opening
            where = format_local(opening, calendar.tz)
            if opening > ready or not waits:
                waits.append(f"the calendar allows the next gate at {where}")
            else:
                waits[-1] += f"; next gate {where}"
            ready = opening
        else:
            verdict.next_gate = verdict.at
    if not waits:
        return verdict
    verdict.verdict = "continue"
    verdict.exit_code = EXIT_CODES["continue"]
    verdict.hours_to_wait = round((ready - verdict.at).total_seconds() / 3600, 2)
    passed = verdict.summary.removeprefix("Advance. ")
    verdict.summary = f"Continue. {passed} Not yet: " + "; ".join(waits) + "."
    return verdict


def judge_stage(
    plan: RolloutPlan,
    number: int,
    observation: Observation,
    *,
    at: datetime,
    since: datetime,
    calendar: GateCalendar | None,
    min_dwell_hours: float,
    plan_source: str = "plan",
) -> GateVerdict:
    """Return the stage's verdict from its decisions, the split, the dwell and the calendar.

    Raises:
        InputError: the stage does not exist, states no decisions, or the counts belong to
            another stage.
    """
    stage = find_stage(plan, number, plan_source)
    if observation.stage is not None and observation.stage != number:
        raise InputError(
            observation.source, f"the counts are for stage {observation.stage}, not {number}"
        )
    per_hour = _per_hour(plan, stage)
    metrics = [
        judge_decision(d, observation.canary, observation.control, per_hour=per_hour)
        for d in stage.decisions
    ]
    split = sample_ratio(observation, stage.traffic_percent)
    verdict = worst([m.verdict for m in metrics])
    if split is not None and not split.ok and verdict != "rollback":
        verdict = "hold"
    summary = _summary(verdict, metrics, split)
    needed = [m.transactions_needed for m in metrics if m.transactions_needed is not None]
    most = max(needed) if needed else None
    result = GateVerdict(
        stage=number,
        verdict=verdict,
        exit_code=EXIT_CODES[verdict],
        summary=summary,
        against="control" if any(m.against == "control" for m in metrics) else "baseline",
        source=observation.source,
        at=at,
        since=since,
        hours_in_stage=round(max(0.0, (at - since).total_seconds() / 3600), 2),
        metrics=metrics,
        sample_ratio=split,
        transactions_needed=most if verdict == "continue" else None,
        hours_to_wait=(
            round(most / per_hour, 2) if verdict == "continue" and most and per_hour else None
        ),
        canary=observation.canary.as_json(),
        control=None if observation.control is None else observation.control.as_json(),
        timezone=None if calendar is None else str(calendar.tz),
    )
    if verdict == "advance":
        return _timing(result, calendar=calendar, min_dwell_hours=min_dwell_hours)
    return result


def _summary(verdict: str, metrics: list[MetricVerdict], split: SampleRatio | None) -> str:
    if split is not None and not split.ok and verdict == "hold":
        reasons = [split.reason.capitalize()]
    else:
        reasons = [m.reason for m in metrics if m.verdict == verdict] or [m.reason for m in metrics]
        unjudged = [m.metric for m in metrics if m.verdict == "not_judged"]
        if unjudged and len(unjudged) < len(metrics):
            reasons.append(f"Not judged (no counts given): {', '.join(unjudged)}.")
    label = {"advance": "Advance", "continue": "Continue", "hold": "Hold", "rollback": "Roll back"}
    text = " ".join(f"{m[0].upper()}{m[1:]}" for m in reasons)
    return f"{label[verdict]}. {text}"
