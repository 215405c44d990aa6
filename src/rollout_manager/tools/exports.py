"""The `export_plan` tool: the plan as Prometheus, Argo Rollouts, Flagger and flagd files.

Writes only inside the served folder, under `exports/` in the context folder;
returns the paths and what each engine cannot express. Its schema stays short
(the model reads every tool's schema on each turn): the CLI has the other options.
"""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from rollout_manager.exports.bundle import export_context, export_notes, write_exports
from rollout_manager.tools.inputs import ContextInput, SectionInput
from rollout_manager.tools.registry import Tool, ToolEnv, ToolResult
from rollout_manager.tools.served import plan_for, relative

Engine = Literal["prometheus", "argo", "flagger", "flagd", "all"]


class ExportInput(ContextInput):
    """Arguments of `export_plan` (the CLI adds --start, --stage, -o and --rollout-from)."""

    to: Engine = Field("all", description="Engine")
    placeholder: bool = Field(default=False, description="Mark unmapped series as placeholders")


_OUTPUT = "exports"
"""Where the tool writes, inside the context folder."""


def _export_plan(args: ExportInput, env: ToolEnv) -> ToolResult:
    folder = env.resolve(args.context)
    target = env.resolve(f"{args.context}/{_OUTPUT}", field="context")
    files = export_context(
        plan_for(env, SectionInput(context=args.context)),
        folder,
        args.to,
        config=env.config,
        placeholder=args.placeholder,
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
        "Writes the plan as Prometheus rules with tests, Argo Rollouts, Flagger and flagd "
        "files in exports/.",
        ExportInput,
        _export_plan,
        title="Export to the rollout engines",
        writes=True,
    ),
)
