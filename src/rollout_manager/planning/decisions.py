"""One decision per gated metric per stage: a gate test and a cumulative rollback boundary.

Every gated metric is treated as a rate of counted events per transaction
(errors, change-caused errors, requests slower than the baseline P95) with a
known baseline ``p0``. For each stage it gets:

- a **rollback boundary**: roll back as soon as ``k`` or more events within the
  first ``n`` transactions of the stage, at checkpoints doubling up to the
  stage's expected traffic, sized for the stage's own alternative (smoke: the
  gross failure, rollback threshold: 2x, parity: the success tolerance);
- a **gate test**: advance only after ``min_transactions`` with fewer than
  ``hold_at_errors`` events.

Alpha is spent, not repeated (Bonferroni): the policy's total false-rollback
chance is split equally across every stage's boundary of every metric, the
total false-hold chance across every gate. Inside a boundary the last checkpoint
gets ``boundary_final_share`` of its alpha and the earlier ones share the rest.
Figures are exact binomial sums (`sequential`), bounds where a stage is too
large for the exact sum (then `Decision.exact` is false).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from statistics import NormalDist
from typing import TYPE_CHECKING

from rollout_manager.formatting import chance, count, ms, pct
from rollout_manager.model import (
    BoundaryPoint,
    Decision,
    DecisionSummary,
    GateTest,
    Purpose,
    RolloutContext,
    SequentialBoundary,
)
from rollout_manager.planning import sequential, stats
from rollout_manager.planning.criteria import worse_rate_lines

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rollout_manager.planning.policy import Policy

METHOD = "Bonferroni"
COMPLEMENT_EVENT = "failures"
"""What a higher-is-better share is judged on: its complement, `1 - value`."""
_CAP = 0.99
# Assumed log-normal spread of latency when the documents give no median.
_DEFAULT_LATENCY_SIGMA = 0.5


@dataclass(frozen=True)
class RateMetric:
    """A metric judged as a count of events per transaction against a known baseline rate."""

    key: str
    label: str
    event: str
    """What is counted, plural: `errors`, `requests slower than 890 ms`."""
    baseline: float
    """p0: share of transactions with the event when nothing is wrong."""
    targets: dict[Purpose, float]
    """p1 per stage purpose: the regression that stage's boundary is sized for."""
    advance: float | None = None
    """The stated advance threshold, in the event-rate scale (e.g. 0.01)."""
    rollback: float | None = None
    """The stated rollback threshold, in the event-rate scale (e.g. 0.016)."""
    stated: str = ""
    """The stated thresholds in the metric's own words, e.g. `P95 <= 979 ms / > 1.78 s`."""
    derivation: str = ""


def _targets(p0: float, *, smoke: float, rollback: float, parity: float) -> dict[Purpose, float]:
    # Above p0 and below 1 for any p0: a share judged on its failures (a 0.5% conversion is
    # 99.5% failures) keeps its alternative above its baseline.
    upper = max(_CAP, p0 + (1 - p0) / 2)
    floor = p0 + min(p0 * 0.0001, (1 - p0) / 4)

    def cap(rate: float) -> float:
        return min(max(rate, floor), upper)

    return {
        "smoke_test": cap(smoke),
        "rollback_threshold": cap(rollback),
        "parity_check": cap(parity),
        "full_rollout": cap(rollback),
    }


def rate_metric(
    key: str,
    label: str,
    event: str,
    p0: float,
    policy: Policy,
    *,
    advance: float | None = None,
    rollback: float | None = None,
) -> RateMetric:
    """Build a rate metric (higher is worse) with the policy's alternatives per stage purpose.

    Smoke stages are sized for ``smoke_multiplier`` x p0, rollback-threshold
    stages and the bake for the rollback threshold (``rollback_error_multiplier``
    x p0 unless stated), parity stages for the advance threshold (p0 plus
    ``error_rate_points`` unless stated).
    """
    tol = policy.tolerances
    # The same lines the criteria state (one rule per metric): both above p0, the advance
    # line below the rollback line for any baseline, however small.
    lines = worse_rate_lines(p0, tol.error_rate_points, tol.rollback_error_multiplier)
    rollback = rollback if rollback is not None else lines[1]
    advance = advance if advance is not None else lines[0]
    if advance >= rollback:
        advance = p0 + (rollback - p0) / 2
    return RateMetric(
        key=key,
        label=label,
        event=event,
        baseline=p0,
        targets=_targets(p0, smoke=p0 * tol.smoke_multiplier, rollback=rollback, parity=advance),
        advance=advance,
        rollback=rollback,
        stated=f"advance at <= {pct(advance)}, roll back at > {pct(rollback)}",
        derivation=f"baseline {pct(p0)}",
    )


def latency_metric(context: RolloutContext, policy: Policy) -> RateMetric | None:
    """Build the metric of requests slower than the baseline P95.

    5% of requests under H0, more when P95 moves (log-normal).
    """
    base = context.baseline
    if base.p95_latency_ms is None:
        return None
    p95 = base.p95_latency_ms.value
    z95 = NormalDist().inv_cdf(0.95)
    median = base.p50_latency_ms.value if base.p50_latency_ms is not None else None
    sigma = math.log(p95 / median) / z95 if median and 0 < median < p95 else _DEFAULT_LATENCY_SIGMA
    tol = policy.tolerances

    def slower_share(factor: float) -> float:
        # A P95 `factor` times higher: share of requests above the old P95.
        return 1 - NormalDist().cdf(z95 - math.log(factor) / sigma)

    advance = slower_share(1 + tol.p95_relative)
    rollback = slower_share(tol.rollback_p95_multiplier)
    spread = (
        f"log-normal through P50 {ms(median)} and P95 {ms(p95)}"
        if median and 0 < median < p95
        else f"log-normal, sigma {_DEFAULT_LATENCY_SIGMA} assumed (no P50 stated)"
    )
    return RateMetric(
        key="p95_latency_ms",
        label="P95 latency (requests slower than the baseline P95)",
        event=f"requests slower than {ms(p95)}",
        baseline=0.05,
        targets=_targets(0.05, smoke=rollback, rollback=rollback, parity=advance),
        advance=advance,
        rollback=rollback,
        stated=(
            f"P95 <= {ms(p95 * (1 + tol.p95_relative))} is {pct(advance, 1)} slower than "
            f"{ms(p95)}; P95 > {ms(p95 * tol.rollback_p95_multiplier)} is {pct(rollback, 1)}"
        ),
        derivation=f"5% of requests exceed the P95 when nothing changed; {spread}",
    )


@dataclass(frozen=True)
class Budget:
    """Alpha per boundary and per gate, spent equally over every stage and metric."""

    boundaries: int
    gates: int
    rollback_total: float
    hold_total: float
    final_share: float
    checkpoints: int

    @property
    def boundary_alpha(self) -> float:
        """Alpha of one boundary: the false-rollback total split evenly over the boundaries."""
        return self.rollback_total / max(self.boundaries, 1)

    @property
    def final_alpha(self) -> float:
        """Alpha of a boundary's last checkpoint: the test the stage is sized with."""
        share = self.final_share if self.checkpoints > 1 else 1.0
        return self.boundary_alpha * share

    @property
    def gate_alpha(self) -> float:
        """Alpha of one gate: the false-hold total split evenly over the gates."""
        return self.hold_total / max(self.gates, 1)


def budget(policy: Policy, *, stages: int, metrics: int) -> Budget:
    """Split the policy's totals over ``stages`` x ``metrics`` (Bonferroni)."""
    st = policy.statistics
    return Budget(
        boundaries=stages * metrics,
        gates=stages * metrics,
        rollback_total=st.false_rollback_total,
        hold_total=st.false_hold_total,
        final_share=st.boundary_final_share,
        checkpoints=st.boundary_checkpoints,
    )


@dataclass
class StageTraffic:
    """What a stage sees: its purpose, its expected and required transactions."""

    number: int
    purpose: Purpose
    expected: int
    required: int
    decisions: list[Decision] = field(default_factory=list)


def _rule_text(metric: RateMetric, boundary: list[tuple[int, int]], gate: GateTest) -> str:
    event = metric.event
    if boundary:
        rows = ", ".join(f"{k} within {count(n)}" for n, k in boundary)
        back = f"roll back as soon as {event} reach {rows} (first n transactions of the stage)"
    else:
        back = "no rollback boundary (too few transactions)"
    return (
        f"{metric.label}: {back}; advance after {count(gate.min_transactions)} transactions "
        f"with fewer than {gate.hold_at_errors} {event}."
    )


def build_decision(metric: RateMetric, stage: StageTraffic, plan_budget: Budget) -> Decision:
    """Build the decision of one metric in one stage."""
    p0, p1 = metric.baseline, metric.targets[stage.purpose]
    last = stage.expected if stage.expected > 0 else stage.required
    boundary = sequential.bonferroni_boundary(
        last,
        p0,
        alpha=plan_budget.boundary_alpha,
        count=plan_budget.checkpoints,
        final_share=plan_budget.final_share,
    )
    minimum = min(stage.required, last) if stage.required > 0 else last
    hold_at = stats.critical_errors(minimum, p0, alpha=plan_budget.gate_alpha) if minimum else 1
    gate = GateTest(min_transactions=minimum, hold_at_errors=max(hold_at, 1))
    false_rollback = sequential.crossing_probability(boundary, p0)
    power = sequential.detection_probability(boundary, p1)
    false_hold = stats.binomial_sf(gate.hold_at_errors, minimum, p0) if minimum else 0.0
    return Decision(
        metric=metric.key,
        label=metric.label,
        event=metric.event,
        purpose=stage.purpose,
        baseline_rate=round(p0, 6),
        alternative_rate=round(p1, 6),
        advance_threshold=None if metric.advance is None else round(metric.advance, 6),
        rollback_threshold=None if metric.rollback is None else round(metric.rollback, 6),
        alpha=round(plan_budget.boundary_alpha, 6),
        power=round(power.probability, 4),
        gate=gate,
        rollback_boundary=[BoundaryPoint(n=n, k=k) for n, k in boundary],
        false_rollback=round(false_rollback.probability, 6),
        false_hold=round(false_hold, 6),
        exact=false_rollback.exact and power.exact,
        description=_rule_text(metric, boundary, gate),
    )


def as_sequential_table(decision: Decision) -> list[SequentialBoundary]:
    """Return the decision's boundary as the stage's `roll back if k within the first n` table."""
    return [
        SequentialBoundary(transactions=p.n, rollback_at_errors=p.k, accept_at_errors=None)
        for p in decision.rollback_boundary
    ]


def error_boundary_power(decisions: Sequence[Decision], rate: float | None) -> float | None:
    """Chance the stage's error-rate boundary is crossed when the true rate is ``rate``."""
    error = next((d for d in decisions if d.metric == "error_rate"), None)
    if error is None or rate is None:
        return None
    boundary = [(p.n, p.k) for p in error.rollback_boundary]
    return sequential.detection_probability(boundary, min(rate, _CAP)).probability


def _combined(probabilities: Sequence[float]) -> float:
    survive = 1.0
    for probability in probabilities:
        survive *= 1 - probability
    return 1 - survive


def summarize(
    stages: Sequence[StageTraffic], plan_budget: Budget, policy: Policy
) -> DecisionSummary | None:
    """Return false rollback and hold, and the stage catching the rollback multiple."""
    decisions = [d for s in stages for d in s.decisions]
    if not decisions:
        return None
    target = policy.statistics.power
    multiplier = policy.tolerances.rollback_error_multiplier
    missed, caught_by = 1.0, None
    for stage in stages:
        error = next((d for d in stage.decisions if d.metric == "error_rate"), None)
        if error is None:
            continue
        boundary = [(p.n, p.k) for p in error.rollback_boundary]
        rate = min(error.baseline_rate * multiplier, _CAP)
        missed *= 1 - sequential.detection_probability(boundary, rate).probability
        if caught_by is None and 1 - missed >= target:
            caught_by = stage.number
    exact = all(d.exact for d in decisions)
    return DecisionSummary(
        false_rollback=round(_combined([d.false_rollback for d in decisions]), 6),
        false_hold=round(_combined([d.false_hold for d in decisions]), 6),
        method=METHOD,
        false_rollback_limit=plan_budget.rollback_total,
        false_hold_limit=plan_budget.hold_total,
        caught_2x_by_stage=caught_by,
        caught_multiplier=multiplier,
        notes=[
            (
                f"{METHOD}: the {pct(plan_budget.rollback_total, 0)} false-rollback total is split "
                f"over {plan_budget.boundaries} boundaries ({pct(plan_budget.boundary_alpha, 3)} "
                f"each, half at the last checkpoint), the {pct(plan_budget.hold_total, 0)} "
                f"false-hold total over {plan_budget.gates} gates "
                f"({pct(plan_budget.gate_alpha, 3)} each)."
            ),
            (
                "Stages see disjoint transactions, so they are independent; metrics of one stage "
                "count overlapping events (positively associated), so 1 - product(1 - p) over "
                "all decisions bounds the total from above."
            ),
            (
                "Each decision's figures are exact binomial sums."
                if exact
                else "Each decision's figures are exact binomial sums, except where a stage is "
                "too large for them: there the false-rollback figure is an upper bound "
                "(sum of checkpoint tails) and power a lower bound (best checkpoint)."
            ),
            f"A {multiplier:g}x error-rate regression from stage 1 on is caught with "
            f"{chance(1 - missed)} by the end of the rollout"
            + (f", {chance(target)} or more by stage {caught_by}." if caught_by else "."),
        ],
    )
