"""The gate tool: a stage's verdict from observed counts, declared like the planning tools.

`evaluate_gate` writes exactly one file, the journal `rollout-log.jsonl` in
the context folder; it reads only inside the served folder, and queries only
the Prometheus address the team's `rollout.yaml` names.
"""

from __future__ import annotations

import re
from pathlib import Path

from pydantic import Field, field_validator

from rollout_manager.gates.report import render_verdict
from rollout_manager.gates.run import GateRequest, evaluate
from rollout_manager.planning.policy import load_policy
from rollout_manager.tools.inputs import ContextInput
from rollout_manager.tools.registry import Tool, ToolEnv, ToolResult

_MAX_PATH = 400
PROMETHEUS = "prometheus"
"""`observed` value that reads the Prometheus at `rollout.yaml` `metrics_source.address`."""
_CONTROL = re.compile(r"[\x00-\x1f]")


class GateInput(ContextInput):
    """Arguments of `evaluate_gate`; the CLI adds `--at`, `--since` and `--plan`.

    Kept to the essentials so the tool definitions stay within the prompt budget; a counts
    file carries its own `at` and `since`.
    """

    stage: int = Field(ge=1, le=20, description="Stage to judge")
    observed: str = Field(description=f"Counts .json, events .csv, or '{PROMETHEUS}'")

    @field_validator("observed")
    @classmethod
    def _file_name(cls, value: str) -> str:
        if len(value) > _MAX_PATH or _CONTROL.search(value):
            raise ValueError(f"must be a file name of at most {_MAX_PATH} printable characters")
        return value


def _inside(env: ToolEnv, context: str, name: str, field: str) -> Path:
    return env.resolve(str(Path(context) / name), field=field)


def _evaluate_gate(args: GateInput, env: ToolEnv) -> ToolResult:
    folder = env.resolve(args.context)
    query = args.observed == PROMETHEUS
    request = GateRequest(
        folder=folder,
        stage=args.stage,
        observed=None if query else _inside(env, args.context, args.observed, "observed"),
        prometheus=load_policy(folder, env.config).metrics_source.address if query else None,
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
        "A stage's verdict on observed counts, by the plan's rules: advance, continue, hold, "
        "rollback.",
        GateInput,
        _evaluate_gate,
        title="Judge a stage's gate",
        writes=True,
        idempotent=False,  # each verdict is appended to the journal
    ),
)
