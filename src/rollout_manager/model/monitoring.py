"""The monitoring plan: metrics, dashboards, alerts and on-call cover."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import Field

from rollout_manager.model.decisions import Op
from rollout_manager.model.evidence import _Model

Severity = Literal["WARNING", "CRITICAL"]


class MonitoredMetric(_Model):
    """A metric on the rollout dashboards."""

    name: str
    """Stable snake_case metric name."""
    kind: Literal["technical", "business"]
    """Technical (errors, latency) or business (revenue, conversion)."""
    description: str
    """What is measured."""
    split_by: list[str] = Field(default_factory=list)
    """Dimensions, e.g. `variant`, `error_type`."""
    baseline: float | None = None
    """Baseline value in the metric's unit, where known."""
    unit: str = ""
    """`fraction`, `ms`, `per_minute`, `count` or `ratio`."""
    derivation: str = ""
    """Where the baseline comes from, e.g. `15,000 a day / 1,440 minutes`."""


class Dashboard(_Model):
    """A dashboard the rollout needs."""

    name: str
    """Dashboard title."""
    panels: list[str]
    """What it shows."""


class Alert(_Model):
    """An alert rule."""

    name: str
    """Alert name, e.g. `ErrorRateWarning`."""
    severity: Severity
    """WARNING at the success threshold, CRITICAL at the rollback threshold."""
    metric: str
    """Stable snake_case metric name."""
    op: Op
    """Comparison operator."""
    value: float | None
    """Threshold in the metric's unit; null when its baseline is missing."""
    unit: str = ""
    """`fraction`, `ms`, `count`, `ratio` or the currency code."""
    derivation: str = ""
    """Formula or rule the threshold comes from (the criterion it mirrors)."""
    for_minutes: int = 5
    """How long the condition must hold before firing."""
    action: str = ""
    """What happens when it fires."""
    description: str = ""
    """The rule in words."""
    window_minutes: int | None = None
    """Length of the window a windowed alert counts over; null for a cumulative boundary."""
    min_transactions: int | None = None
    """The window must hold at least this many transactions before the alert can fire."""
    min_events: int | None = None
    """The window must hold at least this many counted events before the alert can fire."""
    false_pages_per_week: float | None = None
    """Expected pages per week on healthy traffic at the busiest stage the alert covers."""


class OnCall(_Model):
    """On-call cover during the rollout."""

    stages: list[int]
    """Stage numbers that need a dedicated engineer on call."""
    rotation: str
    """Who is on call (from `rollout.yaml` or a role)."""
    escalation: list[str]
    """Escalation path, in order."""
    response_minutes: int
    """Time to acknowledge a CRITICAL alert."""
    start: datetime | None = None
    """When the dedicated cover begins (stage 1 start)."""
    end: datetime | None = None
    """When it ends (the gate of the last covered stage; for HIGH risk, the end of the bake)."""
    legacy_removal_owner: str = ""
    """Who removes the previous path once it may go."""


class Monitoring(_Model):
    """What to watch, where, and who answers."""

    metrics: list[MonitoredMetric]
    """Technical and business metrics."""
    dashboards: list[Dashboard]
    """Dashboards to have before stage 1."""
    alerts: list[Alert]
    """WARNING and CRITICAL alert rules."""
    on_call: OnCall
    """On-call cover and escalation."""
