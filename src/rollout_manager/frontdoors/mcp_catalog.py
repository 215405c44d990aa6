"""What the MCP server offers besides tools: the six requests as prompts, the plan as resources.

Plain data and functions, no `mcp` import: `mcp_server` wraps them in the
protocol's types. Clients without subagents (Claude Desktop, VS Code) get the
seed scenario's six requests as prompts a user picks from a menu, and can
attach the plan document or the plan's JSON Schema as resources.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rollout_manager.planning.plan import plan_folder
from rollout_manager.render.sections import render_document
from rollout_manager.schema import published_schema_text
from rollout_manager.tools.registry import ToolEnv

if TYPE_CHECKING:
    from pathlib import Path


@dataclass(frozen=True)
class Request:
    """One of the scenario's requests, offered as an MCP prompt."""

    name: str
    title: str
    description: str
    text: str
    """The request; `{where}` names the context folder."""

    def message(self, context: str | None) -> str:
        """Word the request as the user's message about `context` (None: the served folder)."""
        where = f"the folder `{context}`" if context and context != "." else "this folder"
        return self.text.format(where=where)


_CONTEXT_NOTE = (
    " The context is in feature-description.md and baseline-metrics.md in {where}. Use the "
    "rollout-manager tools and show their Markdown as returned; every number comes from them."
)

REQUESTS = (
    Request(
        "assess-risk",
        "Assess the rollout risk",
        "Risk factors, overall level and strategy (the tool assess_risk).",
        "Assess the risk of rolling out this feature." + _CONTEXT_NOTE,
    ),
    Request(
        "define-stages",
        "Define the rollout stages",
        "Traffic stages with dates, durations and what each can detect (design_stages).",
        "Define rollout stages for this rollout. We need to be careful." + _CONTEXT_NOTE,
    ),
    Request(
        "rollback-criteria",
        "Success and rollback criteria",
        "What must hold to advance and when to roll back automatically (define_criteria).",
        "What are the success and rollback criteria for each stage? When should we "
        "automatically roll back?" + _CONTEXT_NOTE,
    ),
    Request(
        "plan-monitoring",
        "Plan the monitoring",
        "Metrics, dashboards, WARNING and CRITICAL alerts, on-call (plan_monitoring).",
        "What monitoring should be in place during the rollout? What dashboards and alerts "
        "do we need?" + _CONTEXT_NOTE,
    ),
    Request(
        "plan-communication",
        "Plan the communication",
        "Who needs to know what, and when, with message templates (plan_communication).",
        "Create a communication plan for this rollout. Who needs to know what, and when?"
        + _CONTEXT_NOTE,
    ),
    Request(
        "plan-document",
        "Write the sign-off document",
        "The complete plan written to rollout-plan.md for sign-off (render_plan).",
        "Generate a complete rollout plan document I can share with the team and get "
        "sign-off." + _CONTEXT_NOTE,
    ),
)

PLAN_URI = "rollout://plan"
"""The plan document of the served folder; `rollout://plan/{context}` for a subfolder."""
PLAN_TEMPLATE = "rollout://plan/{context}"
SCHEMA_URI = "rollout://schema/rollout-plan.json"


def plan_document(root: Path, uri: str) -> str:
    """Return the plan document (Markdown) a plan URI names, planned now, nothing written.

    Raises:
        InputError: the folder is outside `root`, or its documents cannot be read.
        KeyError: the URI is not a plan URI.
    """
    if uri == PLAN_URI:
        context = "."
    elif uri.startswith(PLAN_URI + "/") and len(uri) > len(PLAN_URI) + 1:
        context = uri.removeprefix(PLAN_URI + "/")
    else:
        raise KeyError(uri)
    return render_document(plan_folder(ToolEnv(root=root).resolve(context)))


def plan_schema() -> str:
    """Return the published JSON Schema of `RolloutPlan`."""
    return published_schema_text()
