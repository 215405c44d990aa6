"""The planning tools, each declared once; `tools.catalog` collects them into a registry.

Each tool is a pydantic input model (unknown keys refused, every field
described for a model) and a function that reads the context folder, calls
the pure planning core and returns the section's contract JSON together with
its rendered Markdown, so a model can show a result without retyping a number.
Two tools write, each exactly one file inside the context folder:
`render_plan` (the sign-off document) and `adjust_plan` (`rollout.yaml`).
"""

from __future__ import annotations

from typing import Any

from rollout_manager.errors import InputError
from rollout_manager.planning.plan import context_folder
from rollout_manager.reading.context import BASELINE_FILE, FEATURE_FILE
from rollout_manager.render.sections import (
    render_context,
    render_document,
    render_saved,
    status_line,
)
from rollout_manager.sections import SECTIONS, Section
from rollout_manager.storage import mark_generated, write_generated
from rollout_manager.tools import outputs
from rollout_manager.tools.facts import record_fact
from rollout_manager.tools.inputs import (
    AdjustInput,
    ContextInput,
    DurationInput,
    RecordFactInput,
    RenderInput,
    SectionInput,
    SimulateInput,
)
from rollout_manager.tools.registry import Tool, ToolEnv, ToolResult
from rollout_manager.tools.served import plan_for, relative, section_result
from rollout_manager.tools.settings import adjust_plan
from rollout_manager.tools.what_if import stage_duration

# --------------------------------------------------------------------------- read-only tools


def _fact_values(value: Any) -> Any:
    """Facts reduced to their values: `{"value": 0.008, "evidence": [...]}` -> 0.008."""
    if isinstance(value, dict):
        if set(value) == {"value", "evidence"}:
            return _fact_values(value["value"])
        return {k: _fact_values(v) for k, v in value.items() if v not in (None, [])}
    if isinstance(value, list):
        return [_fact_values(item) for item in value]
    return value


def _read_context(args: ContextInput, env: ToolEnv) -> ToolResult:
    context = context_folder(env.resolve(args.context), config=env.config)
    data = _fact_values(context.model_dump(mode="json", exclude={"folder"}))
    data["missing"], data["warnings"] = context.missing, context.warnings
    return ToolResult(ok=True, data=data, markdown=render_context(context))


def _section_tool(section: Section) -> Tool:
    def run(args: ContextInput, env: ToolEnv) -> ToolResult:
        dated = args if isinstance(args, SectionInput) else SectionInput(context=args.context)
        return section_result(plan_for(env, dated), section.name)

    return Tool(
        section.tool,
        section.description,
        SectionInput if section.dated else ContextInput,
        run,
        title=section.title,
        output=outputs.contract_fields(*section.fields),
    )


def _simulate_rollout(args: SimulateInput, env: ToolEnv) -> ToolResult:
    from rollout_manager.planning.simulate import simulate_rollout  # numpy: only here
    from rollout_manager.render.simulation import render_simulation

    report = simulate_rollout(plan_for(env, args), runs=args.runs, seed=args.seed)
    return ToolResult(
        ok=True, data=report.model_dump(mode="json"), markdown=render_simulation(report)
    )


def _render_plan(args: RenderInput, env: ToolEnv) -> ToolResult:
    plan = plan_for(env, args)
    folder = env.resolve(args.context)
    # The name is never resolved: a symlink in its place is refused, not followed.
    target = folder / args.output
    document = mark_generated(render_document(plan))
    try:
        write_generated(
            target,
            document,
            protected=(folder / FEATURE_FILE, folder / BASELINE_FILE),
            force=args.force,
        )
    except InputError as error:
        raise InputError("output", f"'{args.output}' {error.problem}") from None
    path = relative(env, target)
    lines = document.count("\n")
    data = {
        "path": path,
        "lines": lines,
        "status": status_line(plan),
        "overall": plan.risk.overall.value,
        "strategy": plan.risk.strategy,
        "stages": len(plan.stages),
        "gate_checklists": len(plan.gate_checklist),
        "rollback_steps": len(plan.rollback_procedure),
        "expected_recovery_minutes": plan.expected_recovery_minutes,
        "warnings": len(plan.warnings),
    }
    markdown = render_saved(plan, path=path, lines=lines)
    return ToolResult(ok=True, data=data, markdown=markdown)


# --------------------------------------------------------------------------- declarations

PLANNING_TOOLS: tuple[Tool, ...] = (
    Tool(
        "read_context",
        "Facts read from the documents with file:line evidence; what is missing or inconsistent.",
        ContextInput,
        _read_context,
        title="What the documents state",
        output=outputs.CONTEXT,
    ),
    *(_section_tool(section) for section in SECTIONS),
    Tool(
        "render_plan",
        "Writes the whole plan as the sign-off document (with gate checklists); returns path "
        "and summary.",
        RenderInput,
        _render_plan,
        title="Write the sign-off document",
        writes=True,
        output=outputs.RENDERED,
    ),
    Tool(
        "stage_duration",
        "What-if, saves nothing: how long a stage must run to catch an error-rate regression; "
        "transactions, hours, power.",
        DurationInput,
        stage_duration,
        title="Stage duration what-if",
        output=outputs.DURATION,
    ),
    Tool(
        "simulate_rollout",
        "The plan's rules on simulated rollouts: false rollbacks and holds; 2x, 5x errors, "
        "P95 +20%: caught, missed, exposure.",
        SimulateInput,
        _simulate_rollout,
        title="Simulate the rollout",
    ),
    Tool(
        "adjust_plan",
        "Saves the change given to rollout.yaml; returns the re-planned section. Not for "
        "questions or what-ifs.",
        AdjustInput,
        adjust_plan,
        title="Save a plan change",
        writes=True,
        output=outputs.ADJUSTED,
    ),
    Tool(
        "record_fact",
        "Saves to rollout.yaml a number read_context did not understand, with file and exact "
        "quote (checked).",
        RecordFactInput,
        record_fact,
        title="Record a fact the reader missed",
        writes=True,
    ),
)
