"""The plan's gated metrics, chosen once: every part of the plan reads this one list.

The criteria lines, each stage's decisions, the CRITICAL alerts, the exports and
`rollout gate` all follow from it, so a metric is gated everywhere or nowhere.
A metric judged on counts (error rate, change-caused errors, slow requests, a
team's rate with a baseline) gets a decision per stage and the engine rolls it
back at the stage's boundary; a stated metric that counts cannot judge (a lag,
a ratio of means, a zero baseline) keeps its lines, and a person paged rolls it
back.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from rollout_manager.formatting import pct
from rollout_manager.planning.criteria import gated_metrics
from rollout_manager.planning.decisions import (
    COMPLEMENT_EVENT,
    RateMetric,
    latency_metric,
    rate_metric,
)

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rollout_manager.model import Metric, RolloutContext
    from rollout_manager.planning.policy import Policy


def rate_metric_from(metric: Metric, policy: Policy) -> RateMetric | None:
    """Return a team's stated share of transactions as a count decision, or None.

    The share is one such as `crash_rate` or `conversion_rate`; None if it is not a share
    strictly between 0 and 1.

    A higher-is-better share (success, crash-free sessions, conversion) is judged
    on its complement, the failures.
    """
    if metric.kind not in {"rate", "ratio"} or metric.direction == "none":
        return None
    if not 0 < metric.value < 1:
        return None
    if metric.direction == "higher_is_worse":
        return rate_metric(metric.key, metric.label, "events", metric.value, policy)
    failures = 1 - metric.value
    return rate_metric(
        metric.key, f"{metric.label} (failures: 1 - value)", COMPLEMENT_EVENT, failures, policy
    )


def change_error_share(context: RolloutContext) -> float | None:
    """Share of errors the change can cause: those the breakdown does not mark as expected."""
    shares = [fact.value for fact in context.baseline.error_breakdown]
    expected = sum(s.share for s in shares if s.expected)
    if not shares or expected <= 0 or expected >= 1:
        return None
    return 1 - expected


def rate_metrics(
    context: RolloutContext, policy: Policy, team: Sequence[Metric] = ()
) -> list[RateMetric]:
    """Return the gated rate metrics of a plan.

    The error rate, the change-caused error rate, slow requests, and the team rate metrics
    (from `baseline.metrics`) not already covered.
    """
    metrics: list[RateMetric] = []
    base = context.baseline
    if base.error_rate is not None and 0 < base.error_rate.value < 1:
        p0 = base.error_rate.value
        metrics.append(rate_metric("error_rate", "Error rate", "errors", p0, policy))
        share = change_error_share(context)
        if share is not None:
            change = rate_metric(
                "change_error_rate",
                "Change-caused error rate (expected errors excluded)",
                "errors other than expected ones",
                p0 * share,
                policy,
                advance=p0 * share + policy.tolerances.error_rate_points,
            )
            derivation = (
                f"baseline {pct(p0)} x {pct(share, 0)} not marked expected = {pct(p0 * share)}"
            )
            metrics.append(replace(change, derivation=derivation))
    latency = latency_metric(context, policy)
    if latency is not None:
        metrics.append(latency)
    # Implied by the error rate when it is counted (criteria.gated_metrics leaves them out too).
    known = {m.key for m in metrics}
    if "error_rate" in known:
        known |= {"success_rate", "timeout_rate"}
    for metric in team:
        rate = rate_metric_from(metric, policy) if metric.key not in known else None
        if rate is not None:
            metrics.append(rate)
    return metrics


@dataclass(frozen=True)
class GatedMetrics:
    """The stated metrics with lines and the count decisions of one plan."""

    stated: tuple[Metric, ...]
    """Stated metrics with a direction: an advance and a rollback line each."""
    counted: tuple[RateMetric, ...]
    """Judged on counts: a decision per stage, executed by the engine."""

    @property
    def counted_keys(self) -> frozenset[str]:
        """Keys the engine rolls back on."""
        return frozenset(m.key for m in self.counted)


def plan_gated_metrics(context: RolloutContext, policy: Policy) -> GatedMetrics:
    """Return the gated metrics of a plan: the stated ones and those judged on counts."""
    stated = gated_metrics(context)
    return GatedMetrics(stated=tuple(stated), counted=tuple(rate_metrics(context, policy, stated)))
