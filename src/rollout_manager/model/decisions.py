"""Decision rules: thresholds, gate tests, rollback boundaries and what they cost."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from rollout_manager.model.evidence import _Model

Op = Literal["<", "<=", ">", ">=", "==", "!="]
Purpose = Literal["smoke_test", "rollback_threshold", "parity_check", "full_rollout"]
Actor = Literal["engine", "on_call", "incident_commander"]
"""Who executes a rollback trigger: the engine at the stage's rollback boundary, or a person
paged for it."""


class Threshold(_Model):
    """A measurable condition on one metric."""

    metric: str
    """Stable snake_case metric name, e.g. `error_rate`, `p95_latency_ms`."""
    op: Op
    """Comparison operator applied as `observed op value`."""
    value: float | None
    """Threshold in the metric's unit; null when the baseline it derives from is missing."""
    unit: str = ""
    """`fraction`, `ms`, `count`, `ratio` or the currency code."""
    description: str = ""
    """The condition in words, e.g. `Error rate <= 1.0% (baseline 0.8% + 0.2 points)`."""
    derivation: str = ""
    """Formula or rule the value comes from; `not set: ...` when it could not be computed."""
    acted_by: Actor | None = None
    """Rollback triggers only: `engine` (the exported rollback boundary rolls back), or the
    person paged who rolls back (`on_call`, `incident_commander`)."""


class SequentialBoundary(_Model):
    """Wald SPRT boundary at one sample size, for the on-call engineer."""

    transactions: int
    """Canary transactions seen so far (n)."""
    rollback_at_errors: int
    """Roll back when this many or more errors have been seen within n."""
    accept_at_errors: int | None
    """Accept (H0 holds) when at most this many errors; null when not yet possible."""


class BoundaryPoint(_Model):
    """One row of a cumulative rollback boundary."""

    n: int = Field(ge=1)
    """Transactions on the new path since the stage started."""
    k: int = Field(ge=1)
    """Roll back as soon as `k` or more counted events are seen within the first `n`."""


class GateTest(_Model):
    """The fixed test that lets a stage advance."""

    min_transactions: int = Field(ge=0)
    """Transactions the new path must have seen in this stage before it may advance."""
    hold_at_errors: int = Field(ge=1)
    """Advance only with fewer than this many counted events in `min_transactions`;
    this many or more holds the stage."""


class Decision(_Model):
    """The one decision rule of one metric in one stage: a gate test and a rollback boundary."""

    metric: str
    """Metric key the rule judges, e.g. `error_rate`, `change_error_rate`, `p95_latency_ms`."""
    label: str = ""
    """The metric in words."""
    event: str = ""
    """What is counted per transaction, e.g. `errors`, `requests slower than 890 ms`."""
    purpose: Purpose
    """What the stage is sized to show for this metric."""
    baseline_rate: float = Field(ge=0, le=1)
    """p0: share of transactions with the counted event when nothing is wrong."""
    alternative_rate: float = Field(ge=0, le=1)
    """p1: the regression this stage's boundary is sized to catch."""
    advance_threshold: float | None = None
    """The stated rate a count is judged against to advance (e.g. 1.0% error rate)."""
    rollback_threshold: float | None = None
    """The stated rate a count is judged against to roll back (e.g. 1.6% error rate)."""
    alpha: float = Field(ge=0, le=1)
    """False-rollback budget spent on this boundary."""
    power: float = Field(ge=0, le=1)
    """Chance the boundary is crossed within the stage's expected transactions at p1."""
    gate: GateTest
    """The fixed advance test."""
    rollback_boundary: list[BoundaryPoint] = Field(default_factory=list)
    """Roll back as soon as `k` or more events within the first `n` (`n` strictly increasing)."""
    false_rollback: float = Field(ge=0, le=1)
    """Chance a healthy stage crosses the boundary (exact)."""
    false_hold: float = Field(ge=0, le=1)
    """Chance a healthy stage fails its gate test (exact)."""
    exact: bool = True
    """False when the stage is too large for the exact sum: then `false_rollback` is an upper
    bound (sum of checkpoint tails) and `power` a lower bound (best checkpoint)."""
    description: str = ""
    """The rule in one sentence, as the gate checklist states it."""


class DecisionSummary(_Model):
    """What the plan's decisions cost and catch over the whole rollout."""

    false_rollback: float = Field(ge=0, le=1)
    """Chance a healthy rollout is rolled back somewhere (all stages and metrics)."""
    false_hold: float = Field(ge=0, le=1)
    """Chance a healthy rollout is held at some gate (all stages and metrics)."""
    method: str
    """How alpha was split across stages and metrics (e.g. `Bonferroni`)."""
    false_rollback_limit: float | None = None
    """The policy's total false-rollback limit the split was made to meet."""
    false_hold_limit: float | None = None
    """The policy's total false-hold limit the split was made to meet."""
    caught_2x_by_stage: int | None = None
    """First stage by which an error-rate regression of `caught_multiplier` times the baseline
    (the policy's rollback multiple, 2 by default) is caught with the policy's power."""
    caught_multiplier: float | None = None
    """The regression `caught_2x_by_stage` is about, as a multiple of the baseline error rate."""
    notes: list[str] = Field(default_factory=list)
    """How the figures were computed."""


class Criteria(_Model):
    """What advances a stage and what rolls it back."""

    success: list[Threshold]
    """All must hold to advance."""
    auto_rollback: list[Threshold]
    """Any one rolls back at once; each says who executes it (`acted_by`): the engine at the
    stage's rollback boundary, or the person paged."""
    manual_rollback: list[Threshold]
    """Judgement calls that warrant a manual rollback."""
