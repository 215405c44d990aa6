"""What every tool does with the folder it serves: plan it, name files inside it, trim JSON."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rollout_manager.errors import InputError
from rollout_manager.planning.plan import plan_folder, section_json
from rollout_manager.planning.policy import CONFIG_NAME
from rollout_manager.render.sections import render_section, status_line
from rollout_manager.tools.registry import ToolEnv, ToolResult

if TYPE_CHECKING:
    from pathlib import Path

    from rollout_manager.model import RolloutPlan
    from rollout_manager.tools.inputs import SectionInput


def drop_evidence(value: Any) -> Any:
    """Contract JSON without evidence lists: the Markdown quotes the evidence already."""
    if isinstance(value, dict):
        return {k: drop_evidence(v) for k, v in value.items() if k != "evidence"}
    if isinstance(value, list):
        return [drop_evidence(item) for item in value]
    return value


def plan_for(env: ToolEnv, args: SectionInput) -> RolloutPlan:
    """Return the plan of the served context folder, as every planning tool and command makes it."""
    folder = env.resolve(args.context)
    try:
        return plan_folder(folder, config=env.config, start=args.start, today=env.today)
    except ValueError as error:  # the calendar found no gate: the settings leave no room
        raise InputError(CONFIG_NAME, str(error)) from None


def section_result(plan: RolloutPlan, section: str) -> ToolResult:
    """One section: compact contract JSON for a model, its Markdown, and the plan it came from."""
    return ToolResult(
        ok=True,
        data=drop_evidence(section_json(plan, section)),
        markdown=render_section(plan, section),
        summary=status_line(plan),
        plan=plan,
    )


def relative(env: ToolEnv, path: Path) -> str:
    """Return a path inside the served folder, as the caller names it."""
    return path.relative_to(env.root.resolve()).as_posix()
