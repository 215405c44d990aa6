"""The plan itself: the feature, the playbooks chosen and the `RolloutPlan` that holds it all."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from rollout_manager.model.communication import (
    Communication,
    GateChecklist,
    RollbackStep,
)
from rollout_manager.model.decisions import Criteria, DecisionSummary
from rollout_manager.model.evidence import Evidence, _Model
from rollout_manager.model.metrics import Baseline, Traffic
from rollout_manager.model.monitoring import Monitoring
from rollout_manager.model.risk import RiskAssessment
from rollout_manager.model.stages import Schedule, Stage, StatisticsSettings


class FeatureSummary(_Model):
    """The feature being rolled out."""

    name: str
    """Feature name."""
    flag: str | None
    """Feature flag key, or null when the documents name none."""
    flag_state: str | None = None
    """Current flag state (`OFF`, `ON`)."""
    scope: str | None = None
    """Affected scope as written."""
    summary: str | None = None
    """What changes, in one line."""


class PlaybookUse(_Model):
    """A domain playbook the documents called for, and what it adds to the plan."""

    key: str
    """Policy key (`payments`, `identity`, `data_deletion`, ...)."""
    title: str
    """The domain in words."""
    score: int
    """Weight of the distinct cues found; the playbook's `min_score` or more."""
    cues: list[str] = Field(default_factory=list)
    """The words that matched, as written in the documents."""
    evidence: list[Evidence] = Field(default_factory=list)
    """Document lines with the cues."""
    risks: list[str] = Field(default_factory=list)
    """What goes wrong in this domain."""
    watch: list[str] = Field(default_factory=list)
    """Metrics to watch during the rollout."""


class RolloutPlan(_Model):
    """A complete rollout plan, ready for sign-off."""

    schema_version: Literal["1"] = "1"
    """Version of this JSON contract."""
    feature: FeatureSummary
    """The feature."""
    baseline: Baseline
    """Current numbers."""
    traffic: Traffic = Field(default_factory=lambda: Traffic(unit="transactions", per_day=None))
    """The stream the flag splits, in the team's unit."""
    risk: RiskAssessment
    """Risk assessment."""
    schedule: Schedule
    """Calendar."""
    stages: list[Stage]
    """Traffic ramp, strictly increasing, ending at 100%."""
    statistics: StatisticsSettings
    """The test settings behind every stage's detection numbers."""
    decision_summary: DecisionSummary | None = None
    """False rollback, false hold and detection of all the decisions together."""
    criteria: Criteria
    """Success and rollback criteria."""
    monitoring: Monitoring
    """Monitoring plan."""
    communication: Communication
    """Communication plan."""
    gate_checklist: list[GateChecklist]
    """One checklist per stage gate."""
    rollback_procedure: list[RollbackStep]
    """Numbered rollback steps."""
    expected_recovery_minutes: float | None = None
    """Expected time from the decision to roll back to full recovery."""
    irreversible_recovery_minutes: float | None = None
    """Expected recovery once an irreversible step has run (restore from backup); null when
    the plan has no such step or the documents give no restore time."""
    worst_case_exposure: str = ""
    """What a bad stage can cost before rollback, in words with numbers."""
    warnings: list[str] = Field(default_factory=list)
    """Things the team must know before signing (stages that cannot see their gate, ...)."""
    assumptions: list[str] = Field(default_factory=list)
    """Values assumed because the documents do not state them; every missing metric named."""
    next_steps: list[str] = Field(default_factory=list)
    """What to do after sign-off."""
    before_signing: list[str] = Field(default_factory=list)
    """What the executive summary raises up front (a start moved past a freeze, a start that
    does not fit, cohorts that are not random samples), a line each; `warnings` says more."""
    playbooks: list[PlaybookUse] = Field(default_factory=list)
    """Domain playbooks chosen from the documents (their checklist items and rollback steps
    are in `gate_checklist` and `rollback_procedure`)."""
