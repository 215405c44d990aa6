"""The gate tool: a stage's verdict from observed counts, declared like the planning tools.

`evaluate_gate` writes exactly one file, the journal `rollout-log.jsonl` in
the context folder; it reads only inside the served folder, and queries only
the Prometheus address the team's `rollout.yaml` names.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from pydantic import Field, field_validator

from rollout_manager.gates.report import render_verdict
from rollout_manager.gates.run import GateRequest, evaluate
from rollout_manager.planning.policy import load_policy
from rollout_manager.tools.inputs import ContextInput
from rollout_manager.tools.registry import Tool, ToolEnv, ToolResult

_PATH = r"^[^\x00-\x1f]*$"


class GateInput(ContextInput):
    """Arguments of `evaluate_gate`."""

    stage: int = Field(ge=1, le=20, description="Stage number to judge")
    observed: str | None = Field(
        None,
        max_length=400,
        pattern=_PATH,
        description="Counts JSON or raw events .csv, relative to the context folder",
    )
    prometheus: bool = Field(
        False, description="Query the Prometheus at rollout.yaml metrics_source.address instead"
    )
    at: datetime | None = Field(None, description="Moment to judge, ISO 8601 (default: now)")
    since: datetime | None = Field(
        None, description="When the stage started, ISO 8601 (default: the plan's stage start)"
    )
    plan: str | None = Field(
        None,
        max_length=400,
        pattern=_PATH,
        description="Saved `rollout plan --json` in the context folder (default: plan again)",
    )

    @field_validator("at", "since")
    @classmethod
    def _aware(cls, value: datetime | None) -> datetime | None:
        return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


def _inside(env: ToolEnv, context: str, name: str | None, field: str) -> Path | None:
    return None if name is None else env.resolve(str(Path(context) / name), field=field)


def _evaluate_gate(args: GateInput, env: ToolEnv) -> ToolResult:
    folder = env.resolve(args.context)
    address = load_policy(folder).metrics_source.address if args.prometheus else None
    request = GateRequest(
        folder=folder,
        stage=args.stage,
        observed=_inside(env, args.context, args.observed, "observed"),
        prometheus=address,
        at=args.at,
        since=args.since,
        plan_file=_inside(env, args.context, args.plan, "plan"),
        config=env.config,
        today=env.today,
    )
    verdict, journal = evaluate(request)
    data = verdict.model_dump(mode="json")
    data["journal"] = journal.relative_to(env.root.resolve()).as_posix()
    return ToolResult(ok=True, data=data, markdown=render_verdict(verdict))


GATE_TOOLS: tuple[Tool, ...] = (
    Tool(
        "evaluate_gate",
        "Judges a stage from observed counts (counts JSON, events CSV or Prometheus) with "
        "exactly the plan's decision rules: advance, continue, hold or rollback, explained "
        "with the numbers; against the control when its counts are given. Journals it.",
        GateInput,
        _evaluate_gate,
    ),
)
