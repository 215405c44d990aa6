"""`rollout gate` and `evaluate_gate` share this: load the plan and the counts, judge, journal."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

from pydantic import ValidationError

from rollout_manager.errors import InputError
from rollout_manager.gates.events import read_events
from rollout_manager.gates.journal import append_entry
from rollout_manager.gates.observed import Observation, is_latency, read_counts
from rollout_manager.gates.prometheus import read_prometheus
from rollout_manager.gates.stage import find_stage, judge_stage
from rollout_manager.model import RolloutPlan, Stage
from rollout_manager.planning.plan import build_plan
from rollout_manager.planning.policy import Policy, load_policy
from rollout_manager.planning.timeline import plan_timeline, plan_timezone
from rollout_manager.reading.context import read_context
from rollout_manager.storage import read_user_text

if TYPE_CHECKING:
    from pathlib import Path

    from rollout_manager.gates.verdict import GateVerdict

MAX_PLAN_BYTES = 16 * 1024 * 1024


@dataclass(frozen=True)
class GateRequest:
    """What to judge: a stage of the plan for `folder`, on counts from one source."""

    folder: Path
    stage: int
    observed: Path | None = None
    """A counts file (JSON) or raw events (`.csv`)."""
    prometheus: str | None = None
    """A Prometheus base URL."""
    at: datetime | None = None
    since: datetime | None = None
    plan_file: Path | None = None
    """A saved `rollout plan --json`; default: plan the folder again."""
    config: Path | None = None
    start: date | datetime | None = None
    today: date | None = None


def load_plan(request: GateRequest, policy: Policy) -> tuple[RolloutPlan, str]:
    """Return the plan to judge against, and how to name it in errors."""
    if request.plan_file is None:
        start = request.start
        if start is not None:
            policy = policy.model_copy(update={"start": start})
        return build_plan(read_context(request.folder), policy, today=request.today), "the plan"
    shown = str(request.plan_file)
    text = read_user_text(request.plan_file, max_bytes=MAX_PLAN_BYTES, shown=shown)
    try:
        return RolloutPlan.model_validate(json.loads(text)), shown
    except json.JSONDecodeError as error:
        raise InputError(shown, f"not valid JSON at line {error.lineno}: {error.msg}") from None
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InputError(shown, f"not a RolloutPlan: {where}: {first['msg']}") from None


def slow_threshold_ms(plan: RolloutPlan, stage: Stage) -> float | None:
    """Return the latency above which a request counts as slow, for the stage's latency decision."""
    for decision in stage.decisions:
        if not is_latency(decision):
            continue
        known = {
            "p50_latency_ms": plan.baseline.p50_latency_ms,
            "p95_latency_ms": plan.baseline.p95_latency_ms,
            "p99_latency_ms": plan.baseline.p99_latency_ms,
        }
        value = known.get(decision.metric)
        if value is None:
            value = next((m.value for m in plan.baseline.metrics if m.key == decision.metric), None)
        return value
    return None


def _observe(
    request: GateRequest, plan: RolloutPlan, stage: Stage, policy: Policy, at: datetime
) -> Observation:
    source = policy.metrics_source
    if request.observed is not None and request.prometheus is not None:
        raise InputError("--observed", "give --observed FILE or --prometheus URL, not both")
    if request.prometheus is not None:
        since = request.since or stage.start
        return read_prometheus(request.prometheus, plan, stage, source, since=since, at=at)
    if request.observed is None:
        raise InputError("--observed", "give --observed FILE (counts JSON or events CSV)")
    shown = str(request.observed)
    if request.observed.suffix.lower() == ".csv":
        return read_events(
            request.observed,
            plan,
            new_variant=source.new_variant,
            old_variant=source.old_variant,
            slow_above_ms=slow_threshold_ms(plan, stage),
            shown=shown,
        )
    return read_counts(request.observed, plan, shown=shown)


def evaluate(request: GateRequest) -> tuple[GateVerdict, Path]:
    """Judge the stage, append the verdict to the journal; the verdict and the journal's path.

    Raises:
        InputError: a bad plan, counts file, URL or stage.
    """
    policy = load_policy(request.folder, request.config)
    plan, plan_source = load_plan(request, policy)
    stage = find_stage(plan, request.stage, plan_source)
    context = read_context(request.folder)
    today = request.today or datetime.now(plan_timezone(context, policy)).date()
    calendar = plan_timeline(context, policy, today).gates
    at = request.at or datetime.now(UTC)
    observation = _observe(request, plan, stage, policy, at)
    at = request.at or observation.at or at
    since = request.since or observation.since or stage.start
    verdict = judge_stage(
        plan,
        request.stage,
        observation,
        at=at,
        since=since,
        calendar=calendar,
        min_dwell_hours=policy.calendar.min_stage_hours,
        plan_source=plan_source,
    )
    entry = {"recorded": datetime.now(UTC).isoformat(), **verdict.model_dump(mode="json")}
    return verdict, append_entry(request.folder, entry)
