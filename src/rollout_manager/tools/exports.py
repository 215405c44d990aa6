"""The `export_plan` tool: the plan as Prometheus, Argo Rollouts, Flagger and flagd files.

Writes only inside the served folder, under one output folder (default
`exports/` in the context folder); returns the paths and what each engine
cannot express.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from rollout_manager.exports.bundle import export_context, export_notes, write_exports
from rollout_manager.tools.inputs import SectionInput
from rollout_manager.tools.registry import Tool, ToolEnv, ToolResult
from rollout_manager.tools.served import plan_for, relative

Engine = Literal["prometheus", "argo", "flagger", "flagd", "all"]


class ExportInput(SectionInput):
    """Arguments of `export_plan`."""

    to: Engine = Field("all", description="Engine to export to, or all")
    output: str = Field(
        "exports",
        max_length=200,
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_./-]{0,199}$",
        description="Folder to write into, relative to the context folder",
    )
    stage: int | None = Field(
        None, ge=1, le=20, description="Only this stage's Prometheus rules and flagd file"
    )
    placeholder: bool = Field(
        False, description="Write marked placeholder series for gated metrics with no mapping"
    )
    rollout_from: str | None = Field(
        None,
        max_length=400,
        description="Rollout or Deployment manifest (in the context folder) to merge Argo into",
    )


def _export_plan(args: ExportInput, env: ToolEnv) -> ToolResult:
    folder = env.resolve(args.context)
    target = env.resolve(f"{args.context}/{args.output}", field="output")
    workload = (
        env.resolve(f"{args.context}/{args.rollout_from}", field="rollout_from")
        if args.rollout_from
        else None
    )
    files = export_context(
        plan_for(env, args),
        folder,
        args.to,
        config=env.config,
        stage=args.stage,
        placeholder=args.placeholder,
        workload=workload,
    )
    paths = [relative(env, path) for path in write_exports(files, target)]
    notes = export_notes(files)
    markdown = "\n".join(
        [f"Wrote {len(paths)} files:", *(f"- `{p}`" for p in paths)]
        + (
            ["", "What the engines cannot express or assume:", *(f"- {n}" for n in notes)]
            if notes
            else []
        )
    )
    return ToolResult(ok=True, data={"files": paths, "notes": notes}, markdown=markdown + "\n")


EXPORT_TOOLS: tuple[Tool, ...] = (
    Tool(
        "export_plan",
        "Writes the plan as the engines' own files: Prometheus recording and alert rules with "
        "promtool tests, an Argo Rollouts canary with AnalysisTemplates, a Flagger Canary with "
        "MetricTemplates, flagd flag files per stage. Same stages and thresholds as the plan.",
        ExportInput,
        _export_plan,
    ),
)
