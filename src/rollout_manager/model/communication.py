"""Communication and sign-off: stakeholders, messages, gate checklists and rollback steps."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from rollout_manager.model.evidence import _Model


class Stakeholder(_Model):
    """Who needs to know, what, when and how."""

    role: str
    """Role, e.g. `Engineering`, `Support`, `Leadership`."""
    needs: str
    """What they need to know."""
    when: str
    """When, in words (`T-2 days`, `each stage gate`)."""
    dates: list[datetime] = Field(default_factory=list)
    """The real dates of `when` for this plan."""
    channel: str
    """Channel, e.g. `Slack #platform`."""


class MessageTemplate(_Model):
    """A message filled with the plan's numbers."""

    name: str
    """`pre_rollout`, `stage_advancement`, `rollback`, `completion`."""
    subject: str
    """Subject line."""
    body: str
    """Message body (plain text, Markdown allowed)."""


class Communication(_Model):
    """Stakeholders and messages."""

    stakeholders: list[Stakeholder]
    """Stakeholder matrix."""
    templates: list[MessageTemplate]
    """The four message templates, filled in."""


class GateChecklist(_Model):
    """What to check before leaving a stage."""

    stage: int
    """Stage number the checklist closes (0: before stage 1)."""
    title: str = ""
    """What the gate decides, e.g. `Leave stage 2`."""
    items: list[str]
    """Checklist items, each a yes/no question or action."""


class RollbackStep(_Model):
    """One step of the rollback procedure."""

    step: int
    """1-based step number."""
    action: str
    """What to do."""
    owner: str = ""
    """Who does it."""
    expected_minutes: float | None = None
    """Expected time for this step, minutes."""
