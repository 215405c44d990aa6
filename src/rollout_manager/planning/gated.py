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

from dataclasses import dataclass

from rollout_manager.model import Metric, RolloutContext
from rollout_manager.planning.criteria import gated_metrics
from rollout_manager.planning.decisions import RateMetric, rate_metrics
from rollout_manager.planning.policy import Policy


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
    """The gated metrics of a plan: the stated ones and those judged on counts."""
    stated = gated_metrics(context)
    return GatedMetrics(stated=tuple(stated), counted=tuple(rate_metrics(context, policy, stated)))
