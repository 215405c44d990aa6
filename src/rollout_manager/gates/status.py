"""`rollout status`: where the rollout stands, from the plan and the journal of verdicts."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rollout_manager.gates.verdict import GateVerdict

if TYPE_CHECKING:
    from rollout_manager.model import RolloutPlan

SHOWN_VERDICTS = 10


def _stage_view(plan: RolloutPlan, number: int) -> dict[str, Any] | None:
    stage = next((s for s in plan.stages if s.number == number), None)
    if stage is None:
        return None
    return {
        "number": stage.number,
        "traffic_percent": stage.traffic_percent,
        "planned_start": stage.start.isoformat(),
        "planned_gate": stage.end.isoformat(),
        "decisions": [
            {
                "metric": d.metric,
                "min_transactions": d.gate.min_transactions,
                "hold_at_errors": d.gate.hold_at_errors,
                "rollback_boundary": [p.model_dump() for p in d.rollback_boundary],
            }
            for d in stage.decisions
        ],
    }


def _progress(plan: RolloutPlan, last: GateVerdict) -> list[dict[str, Any]]:
    stage = next((s for s in plan.stages if s.number == last.stage), None)
    decisions = {d.metric: d for d in stage.decisions} if stage is not None else {}
    rows = []
    for metric in last.metrics:
        decision = decisions.get(metric.metric)
        points = sorted(decision.rollback_boundary, key=lambda p: p.n) if decision else []
        point = next((p for p in points if p.n >= metric.transactions), None)
        rows.append(
            {
                "metric": metric.metric,
                "verdict": metric.verdict,
                "transactions": metric.transactions,
                "events": metric.events,
                "rollback_at": None if point is None else point.model_dump(),
                "gate_transactions": metric.gate.min_transactions,
                "transactions_to_gate": max(0, metric.gate.min_transactions - metric.transactions),
                "hold_at_errors": metric.gate.hold_at_errors,
            }
        )
    return rows


def rollout_status(plan: RolloutPlan, entries: list[dict[str, Any]]) -> dict[str, Any]:
    """Return the current stage, its progress to the gate, and the last verdicts (oldest first)."""
    verdicts = [GateVerdict.model_validate(_verdict_fields(e)) for e in entries]
    if not verdicts:
        current = plan.stages[0].number if plan.stages else None
        return {
            "current_stage": current,
            "stage": _stage_view(plan, current) if current is not None else None,
            "state": "not started: no gate verdict recorded yet",
            "progress": [],
            "verdicts": [],
        }
    last = verdicts[-1]
    current, state = last.stage, f"last verdict {last.verdict}"
    if last.verdict == "advance":
        later = [s.number for s in plan.stages if s.number > last.stage]
        current = later[0] if later else last.stage
        state = (
            f"stage {last.stage} passed its gate; stage {current} is next"
            if later
            else f"stage {last.stage}, the last, passed its gate: rollout complete"
        )
    elif last.verdict == "rollback":
        state = f"stage {last.stage} was rolled back"
    return {
        "current_stage": current,
        "stage": _stage_view(plan, current),
        "state": state,
        "hours_to_wait": last.hours_to_wait if current == last.stage else None,
        "progress": _progress(plan, last) if current == last.stage else [],
        "verdicts": [_row(v, e) for v, e in zip(verdicts, entries, strict=True)][-SHOWN_VERDICTS:],
        "verdict_count": len(verdicts),
    }


def _verdict_fields(entry: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in entry.items() if k != "recorded"}


def _row(verdict: GateVerdict, entry: dict[str, Any]) -> dict[str, Any]:
    return {
        "recorded": entry.get("recorded"),
        "at": verdict.at.isoformat(),
        "stage": verdict.stage,
        "verdict": verdict.verdict,
        "against": verdict.against,
        "canary": verdict.canary,
        "control": verdict.control,
        "source": verdict.source,
        "summary": verdict.summary,
    }
