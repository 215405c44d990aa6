"""The decisions an export encodes, read from a `RolloutPlan` once for every engine.

Every engine file says the same thing: per stage, per gated metric, a windowed
WARNING that pages, a cumulative rollback boundary that acts, and a fixed gate
test that lets the stage advance. They come from `stages[].decisions` and the
plan's WARNING alerts; a plan without decisions falls back to its error-rate
criteria, WARNING alert and sequential table, and every export says so.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from rollout_manager.formatting import who_rolls_back

if TYPE_CHECKING:
    from rollout_manager.model import Alert, Decision, RolloutPlan, Stage

FALLBACK_NOTE = (
    "This plan has no per-stage decisions: thresholds come from its error-rate criteria, "
    "its WARNING alert and each stage's sequential table."
)
# A WARNING with no stated window or minimum count gets these, so it never pages on no data.
ALL_TRAFFIC_PERCENT = 100
"""A stage at this share is the whole rollout: no split left to express."""
_DEFAULT_WINDOW_MINUTES = 30
_MIN_EVENTS_AT_THRESHOLD = 5
_STAFF = re.compile(r"\b(internal|employees?|staff)\b", re.IGNORECASE)
_NAME_UNSAFE = re.compile(r"[^a-z0-9]+")


@dataclass(frozen=True)
class BoundaryStep:
    """Roll back as soon as `k` or more events are seen within the first `n` transactions."""

    n: int
    k: int


@dataclass(frozen=True)
class WarningRule:
    """A windowed rate that pages and holds, never rolls back."""

    alert: str
    threshold: float
    window_minutes: int
    for_minutes: int
    min_transactions: int
    min_events: int
    words: str
    derivation: str


@dataclass(frozen=True)
class GatedRule:
    """One metric's decision in one stage, as every engine encodes it."""

    stage: int
    metric: str
    label: str
    event: str
    boundary: tuple[BoundaryStep, ...]
    gate_min_transactions: int
    gate_hold_at: int
    advance_threshold: float | None
    rollback_threshold: float | None
    words: str
    warning: WarningRule | None
    from_decision: bool


@dataclass(frozen=True)
class StageRules:
    """A stage as the engines see it: its weight, its dwell and its gated metrics."""

    number: int
    traffic_percent: float
    duration_hours: float
    audience: str
    purpose: str
    staff_only: bool
    manual_gate: bool
    rules: tuple[GatedRule, ...]


@dataclass(frozen=True)
class ExportRules:
    """Everything an engine needs from the plan."""

    flag: str
    name: str
    feature: str
    stages: tuple[StageRules, ...]
    from_decisions: bool
    notes: tuple[str, ...] = field(default=())
    paged: tuple[str, ...] = field(default=())
    """Rollback triggers no engine file encodes, each with the person paged who rolls back."""

    @property
    def metrics(self) -> tuple[str, ...]:
        """Gated metric keys, in the order they first appear."""
        seen: dict[str, None] = {}
        for stage in self.stages:
            for rule in stage.rules:
                seen.setdefault(rule.metric, None)
        return tuple(seen)


def resource_name(text: str) -> str:
    """Make a Kubernetes-safe name (RFC 1123 label) of a flag key.

    `payment_pipeline_v2` -> `payment-pipeline-v2`.
    """
    name = _NAME_UNSAFE.sub("-", text.lower()).strip("-")
    return name[:50].rstrip("-") or "rollout"


def compress_boundary(points: list[tuple[int, int]]) -> tuple[BoundaryStep, ...]:
    """Return the same boundary with one row per `k`: the largest `n` for each count.

    "k or more within the first n" is implied by the same k within a larger n, so
    only the last row of each k changes the decision.
    """
    best: dict[int, int] = {}
    for n, k in points:
        best[k] = max(n, best.get(k, 0))
    return tuple(BoundaryStep(n=n, k=k) for k, n in sorted(best.items()))


def _warning(alert: Alert | None, metric: str) -> WarningRule | None:
    if alert is None or alert.value is None or not 0 < alert.value < 1:
        return None
    window = alert.window_minutes or _DEFAULT_WINDOW_MINUTES
    derivation = alert.derivation
    if alert.min_transactions is None:
        min_n = math.ceil(_MIN_EVENTS_AT_THRESHOLD / alert.value)
        derivation += (
            f"; minimum {min_n:,} transactions assumed (the plan states none): "
            f"{_MIN_EVENTS_AT_THRESHOLD} events at the threshold"
        )
    else:
        min_n = alert.min_transactions
    if alert.window_minutes is None:
        derivation += f"; {window}-min window assumed (the plan states none)"
    return WarningRule(
        alert=alert.name,
        threshold=alert.value,
        window_minutes=window,
        for_minutes=alert.for_minutes,
        min_transactions=min_n,
        min_events=alert.min_events or 1,
        words=alert.description or f"{metric} {alert.op} {alert.value:g}",
        derivation=derivation,
    )


def _alert(plan: RolloutPlan, metric: str, severity: str) -> Alert | None:
    return next(
        (
            a
            for a in plan.monitoring.alerts
            if a.metric == metric and a.severity == severity and a.op in (">", ">=")
        ),
        None,
    )


def _from_decision(stage: Stage, decision: Decision, plan: RolloutPlan) -> GatedRule:
    return GatedRule(
        stage=stage.number,
        metric=decision.metric,
        label=decision.label or decision.metric,
        event=decision.event or "errors",
        boundary=compress_boundary([(p.n, p.k) for p in decision.rollback_boundary]),
        gate_min_transactions=decision.gate.min_transactions,
        gate_hold_at=decision.gate.hold_at_errors,
        advance_threshold=decision.advance_threshold,
        rollback_threshold=decision.rollback_threshold,
        words=decision.description,
        warning=_warning(_alert(plan, decision.metric, "WARNING"), decision.metric),
        from_decision=True,
    )


def _fallback(stage: Stage, plan: RolloutPlan) -> tuple[GatedRule, ...]:
    """Return the error-rate rule a plan without decisions states: criteria and sequential table."""
    success = next(
        (t for t in plan.criteria.success if t.metric == "error_rate" and t.value is not None),
        None,
    )
    rollback = next((t for t in plan.criteria.auto_rollback if t.metric == "error_rate"), None)
    if success is None or success.value is None or stage.required_transactions < 1:
        return ()
    min_n = stage.required_transactions
    # "error rate <= 1%" on exactly min_n transactions: at most floor(1% x n) errors advance.
    hold_at = math.floor(success.value * min_n + 1e-9) + 1
    words = (
        f"advance after {min_n:,} transactions with {success.description.lower()}; "
        "roll back at the stage's sequential table"
    )
    return (
        GatedRule(
            stage=stage.number,
            metric="error_rate",
            label="error rate",
            event="errors",
            boundary=compress_boundary(
                [(b.transactions, b.rollback_at_errors) for b in stage.sequential_boundaries]
            ),
            gate_min_transactions=min_n,
            gate_hold_at=hold_at,
            advance_threshold=success.value,
            rollback_threshold=rollback.value if rollback is not None else None,
            words=words,
            warning=_warning(_alert(plan, "error_rate", "WARNING"), "error_rate"),
            from_decision=False,
        ),
    )


def manual_gate(stage: Stage) -> bool:
    """Whether an engine without a calendar must wait for a person to advance this stage.

    A timed wait of whole days ends at the clock time the stage started, which the
    plan placed inside gate hours; any other length can end outside them.
    """
    return (
        stage.traffic_percent < ALL_TRAFFIC_PERCENT
        and not float(stage.duration_hours / 24).is_integer()
    )


def export_rules(plan: RolloutPlan) -> ExportRules:
    """Return the stages, weights and decisions every export writes, read from the plan only."""
    from_decisions = any(stage.decisions for stage in plan.stages)
    stages = []
    for stage in plan.stages:
        rules = (
            tuple(_from_decision(stage, d, plan) for d in stage.decisions)
            if from_decisions
            else _fallback(stage, plan)
        )
        stages.append(
            StageRules(
                number=stage.number,
                traffic_percent=stage.traffic_percent,
                duration_hours=stage.duration_hours,
                audience=stage.audience,
                purpose=stage.purpose,
                staff_only=bool(_STAFF.search(stage.audience))
                and stage.traffic_percent < ALL_TRAFFIC_PERCENT,
                manual_gate=manual_gate(stage),
                rules=rules,
            )
        )
    flag = plan.feature.flag or resource_name(plan.feature.name).replace("-", "_")
    notes = () if from_decisions else (FALLBACK_NOTE,)
    encoded = {rule.metric for stage in stages for rule in stage.rules}
    paged = tuple(
        f"{t.description}: rolled back by {who_rolls_back(t.acted_by)}"
        for t in plan.criteria.auto_rollback
        if t.metric not in encoded
    )
    return ExportRules(
        flag=flag,
        name=resource_name(flag),
        feature=plan.feature.name,
        stages=tuple(stages),
        from_decisions=from_decisions,
        notes=notes,
        paged=paged,
    )
