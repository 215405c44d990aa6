"""The sections of a plan: one table that the CLI, the renderer, the tools and the agent read.

A section is a named part of the `RolloutPlan` with its own command
(`rollout assess`), its own tool (`assess_risk`), the contract fields its
`--json` prints, and the template that renders it. Adding a section is one row
here plus its template.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final


@dataclass(frozen=True)
class Section:
    """One section of the plan."""

    name: str
    """CLI subcommand and section key, e.g. `assess`."""
    tool: str
    """Tool that returns it, e.g. `assess_risk`."""
    title: str
    """Heading in words."""
    fields: tuple[str, ...]
    """`RolloutPlan` fields its JSON holds."""
    template: str
    """Jinja2 template under `render/templates/`."""
    help: str
    """One line for `rollout --help`."""
    description: str
    """What the tool returns, written for a model choosing tools."""
    overview: bool = True
    """Whether the one-screen overview (a request too vague to pin down) has a line for it."""
    dated: bool = True
    """Whether it depends on when stage 1 starts, so that its tool takes `start`."""


SECTIONS: Final[tuple[Section, ...]] = (
    Section(
        name="assess",
        tool="assess_risk",
        title="Risk assessment",
        fields=("feature", "baseline", "traffic", "risk"),
        template="assess.md.j2",
        help="Risk assessment: factors, overall level, strategy.",
        description="Risk: user and revenue impact, criticality, reversibility (HIGH = easy to "
        "undo), complexity, timing; overall level, strategy.",
    ),
    Section(
        name="stages",
        tool="design_stages",
        title="Rollout stages",
        fields=("feature", "traffic", "schedule", "stages", "decision_summary", "warnings"),
        template="stages.md.j2",
        help="Rollout stages with dates, durations and what each can detect.",
        description="Stages: traffic %, audience, dates, duration, transactions, smallest "
        "detectable error rate, criteria, warnings.",
    ),
    Section(
        name="criteria",
        tool="define_criteria",
        title="Success and rollback criteria",
        fields=("criteria",),
        template="criteria.md.j2",
        help="Success criteria and automatic/manual rollback triggers.",
        description="Criteria to advance; automatic and manual rollback triggers with "
        "thresholds; each stage's decision rules.",
    ),
    Section(
        name="monitoring",
        tool="plan_monitoring",
        title="Monitoring plan",
        fields=("monitoring",),
        template="monitoring.md.j2",
        help="Metrics, dashboards, WARNING/CRITICAL alerts, on-call.",
        description="Metrics, dashboards, WARNING/CRITICAL alerts with thresholds, on-call and "
        "escalation.",
    ),
    Section(
        name="comms",
        tool="plan_communication",
        title="Communication plan",
        fields=("communication",),
        template="comms.md.j2",
        help="Stakeholder matrix and message templates.",
        description="Stakeholders by role: needs, when (dated), channel; filled message templates.",
    ),
    Section(
        name="rollback",
        tool="plan_rollback",
        title="Rollback procedure",
        fields=("rollback_procedure", "expected_recovery_minutes", "irreversible_recovery_minutes"),
        template="rollback.md.j2",
        help="Rollback procedure: steps, owners, time to recover.",
        description="How to roll back: steps with owner and minutes, expected time to recover.",
        overview=False,
        dated=False,  # the steps follow from the documents and the policy, not the calendar
    ),
)

_BY_NAME: Final = {section.name: section for section in SECTIONS}
_BY_TOOL: Final = {section.tool: section for section in SECTIONS}


def section_named(name: str) -> Section:
    """Return the section with this CLI name.

    Raises:
        ValueError: no section has that name.
    """
    try:
        return _BY_NAME[name]
    except KeyError:
        raise ValueError(f"unknown section {name!r}: one of {', '.join(_BY_NAME)}") from None


def section_of_tool(tool: str) -> Section | None:
    """Return the section a tool returns, or None for a tool that is not a section."""
    return _BY_TOOL.get(tool)
