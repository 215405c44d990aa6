"""The verdict `rollout gate` prints, journals and answers with (`--json`)."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict

from rollout_manager.model import BoundaryPoint, GateTest

Verdict = Literal["advance", "continue", "hold", "rollback"]
MetricOutcome = Literal["advance", "continue", "hold", "rollback", "not_judged"]

EXIT_CODES: dict[Verdict, int] = {"advance": 0, "continue": 3, "hold": 4, "rollback": 5}
"""`rollout gate` exit status per verdict; 2 is bad input, 1 an internal error."""


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class MetricVerdict(_Model):
    """One decision's verdict with the numbers it rests on."""

    metric: str
    label: str = ""
    verdict: MetricOutcome
    """`not_judged` when the observed data has no count for this metric."""
    reason: str
    """One or two sentences with the counts and the plan's numbers."""
    against: Literal["control", "baseline"]
    """Whether the counts were tested against the concurrent control or the plan's baseline."""
    transactions: int
    events: float
    control_transactions: int | None = None
    control_events: float | None = None
    p_value: float | None = None
    """Exact one-sided p-value of the counted events (conditional on the control's when given)."""
    level: float | None = None
    """The level the plan's rule attains, `P(X >= k | n, p0)`, the p-value is held against."""
    boundary: BoundaryPoint | None = None
    """The boundary row that was crossed, for a rollback."""
    gate: GateTest
    transactions_needed: int | None = None
    """More transactions the gate test needs, for a `continue`."""


class SampleRatio(_Model):
    """The observed split against the stage's planned traffic share."""

    planned_share: float
    observed_share: float
    p_value: float
    ok: bool
    reason: str


class GateVerdict(_Model):
    """A stage's verdict: overall, per decision, and why."""

    stage: int
    verdict: Verdict
    exit_code: int
    summary: str
    """The verdict explained in one or two sentences with the numbers."""
    against: Literal["control", "baseline"]
    source: str
    """Where the counts came from."""
    at: datetime
    """The moment judged."""
    since: datetime
    """When the stage started (the counts cover `since` to `at`)."""
    hours_in_stage: float
    metrics: list[MetricVerdict]
    sample_ratio: SampleRatio | None = None
    transactions_needed: int | None = None
    """More transactions the stage's gate needs (the largest over its decisions)."""
    hours_to_wait: float | None = None
    """Hours until the stage may advance: dwell, calendar or transactions still needed."""
    next_gate: datetime | None = None
    """Earliest time the calendar lets this stage advance."""
    canary: dict[str, float]
    control: dict[str, float] | None = None
    timezone: str | None = None
    """IANA zone of the plan's calendar, for showing times as the team reads them."""
