"""The traffic ramp: stages, the calendar they were placed in and the test settings."""

from __future__ import annotations

from datetime import datetime

from pydantic import Field

from rollout_manager.model.decisions import Decision, Purpose, SequentialBoundary, Threshold
from rollout_manager.model.evidence import _Model

ALL_TRAFFIC_PERCENT = 100
"""A stage at this share of traffic serves everyone: the ramp is complete."""


class Stage(_Model):
    """One step of the traffic ramp."""

    number: int = Field(ge=1)
    """1-based stage number."""
    traffic_percent: float = Field(gt=0, le=100)
    """Share of traffic on the new path, in percent."""
    duration_hours: float = Field(ge=0)
    """Scheduled hours from `start` to `end` (the gate), including waits for business hours."""
    required_hours: float = Field(ge=0)
    """Hours the stage's purpose needs at its traffic (statistics), before calendar rounding."""
    audience: str
    """Who gets the new path, e.g. `Internal employees`."""
    purpose: Purpose
    """Smoke test, rollback-threshold detection, parity check or full rollout."""
    purpose_text: str = ""
    """The purpose in words with its target."""
    start: datetime
    """Start time, ISO 8601 with offset."""
    end: datetime
    """Gate time (advance or roll back), ISO 8601 with offset."""
    success_criteria: list[Threshold]
    """Conditions that must all hold to advance."""
    expected_transactions: int = Field(ge=0)
    """Transactions the stage sees between `start` and `end`."""
    required_transactions: int = Field(ge=0)
    """Transactions the stage's purpose needs."""
    detectable_error_rate: float | None
    """Smallest true error rate this stage detects with the policy's power (exact one-sided
    binomial test at the policy's alpha); null without a baseline error rate."""
    power_at_rollback_threshold: float | None
    """Chance of detecting an error rate at the automatic rollback threshold."""
    sequential_boundaries: list[SequentialBoundary] = Field(default_factory=list)
    """`roll back if k or more errors within the first n transactions` table."""
    decisions: list[Decision] = Field(default_factory=list)
    """One decision rule per gated metric: the gate test and the rollback boundary."""
    notes: list[str] = Field(default_factory=list)
    """What the stage can and cannot see, calendar waits, and similar remarks."""


class Schedule(_Model):
    """The calendar the stages were placed in."""

    timezone: str
    """IANA time zone of the plan's local times."""
    start: datetime
    """First stage start."""
    end: datetime
    """Last stage end."""
    freezes: list[str] = Field(default_factory=list)
    """Freeze windows honoured, in words with dates."""
    peak_windows: list[str] = Field(default_factory=list)
    """Daily peak windows avoided for gates, in words."""
    gate_hours: str = ""
    """Local hours and days in which gates may happen."""
    legacy_removal: datetime | None = None
    """Earliest time the flag and the previous path may be removed (after the bake, and after
    any playbook's keep period such as a payments dispute window)."""
    legacy_removal_reason: str = ""
    """Why the previous path stays until then."""
    legacy_removal_owner: str = ""
    """Who removes it."""


class StatisticsSettings(_Model):
    """The test settings every stage's numbers were computed with."""

    alpha: float
    """One-sided false-alarm rate of the gate tests."""
    power: float
    """Chance to detect the regression a stage is sized for."""
    baseline_error_rate: float | None
    """p0: the baseline error rate the tests compare against."""
    rollback_error_rate: float | None
    """p1 of the sequential test: the automatic rollback threshold."""
    smoke_error_rate: float | None
    """The gross failure a smoke test must catch."""
    parity_error_rate: float | None
    """The success limit a parity check must confirm."""
    revenue_cv: float
    """Assumed coefficient of variation of revenue per transaction."""
    revenue_transactions: int | None
    """Transactions per arm to see the revenue-drop trigger; null if revenue is not at stake."""
