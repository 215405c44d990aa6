"""Success criteria and rollback triggers, derived from the stated baseline and the policy.

Plan what was stated, recommend what is missing: every metric the documents
state with a direction gets an advance line and a rollback line relative to its
baseline, in its own unit, one function per metric kind; a metric they do not
state gets no threshold at all (the plan recommends measuring it instead).

The two lines are consistent for any baseline: the rollback line is the
policy's multiple of the baseline, capped halfway to the worst possible value,
and the advance line is the policy's tolerance, capped halfway to the rollback
line, so advance < rollback (and WARNING < CRITICAL) from 0.001% to 50%.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Final

from rollout_manager.formatting import ms, pct, points
from rollout_manager.model import (
    ChangeType,
    Criteria,
    Level,
    Metric,
    RiskAssessment,
    RolloutContext,
    Threshold,
)

if TYPE_CHECKING:
    from rollout_manager.planning.policy import Policy

if TYPE_CHECKING:
    from rollout_manager.planning.decisions import RateMetric
    from rollout_manager.planning.gated import GatedMetrics

# Watched but not gated: each is implied by a gated metric when that one is stated.
_IMPLIED_BY: Final = {
    "success_rate": "error_rate",
    "timeout_rate": "error_rate",
    "p50_latency_ms": "p95_latency_ms",
    "p99_latency_ms": "p95_latency_ms",
}
_PRECISION: Final = 9


@dataclass(frozen=True)
class MetricLines:
    """The advance (success) and rollback thresholds of one metric."""

    advance: Threshold
    rollback: Threshold


def worse_rate_lines(base: float, tolerance: float, multiplier: float) -> tuple[float, float]:
    """(advance, rollback) for a rate that should stay low, both strictly above `base`."""
    rollback = min(base * multiplier, base + (1 - base) / 2)
    advance = min(base + tolerance, base + (rollback - base) / 2)
    return round(advance, _PRECISION), round(rollback, _PRECISION)


def _where(metric: Metric) -> str:
    return ", ".join(f"{e.file}:{e.line}" for e in metric.evidence[:1])


def _worse_rate(metric: Metric, label: str, policy: Policy) -> MetricLines:
    tol, mult = policy.tolerances.error_rate_points, policy.tolerances.rollback_error_multiplier
    base = metric.value
    advance, rollback = worse_rate_lines(base, tol, mult)
    capped = "" if advance == round(base + tol, _PRECISION) else ", capped halfway to rollback"
    return MetricLines(
        Threshold(
            metric=metric.key,
            op="<=",
            value=advance,
            unit="fraction",
            description=f"{label} <= {pct(advance)} (baseline {pct(base)} + {points(tol)}{capped})",
            derivation=f"baseline {metric.key} {base} + tolerance {tol}{capped}",
        ),
        Threshold(
            metric=metric.key,
            op=">",
            value=rollback,
            unit="fraction",
            description=f"{label} > {pct(rollback)} ({mult:g}x baseline {pct(base)})",
            derivation=f"baseline {metric.key} {base} x {mult:g}"
            + ("" if rollback == round(base * mult, _PRECISION) else ", capped halfway to 100%"),
        ),
    )


def _better_ratio(metric: Metric, label: str, policy: Policy) -> MetricLines:
    """Draw the lines of a ratio that should stay high: the same rule on its shortfall from 100%."""
    tol, mult = policy.tolerances.error_rate_points, policy.tolerances.rollback_error_multiplier
    base = metric.value
    short_advance, short_rollback = worse_rate_lines(1 - base, tol, mult)
    advance, rollback = round(1 - short_advance, _PRECISION), round(1 - short_rollback, _PRECISION)
    return MetricLines(
        Threshold(
            metric=metric.key,
            op=">=",
            value=advance,
            unit="fraction",
            description=f"{label} >= {pct(advance)} (baseline {pct(base)} - {points(tol)} at most)",
            derivation=f"1 - (shortfall {round(1 - base, _PRECISION)} + tolerance {tol})",
        ),
        Threshold(
            metric=metric.key,
            op="<",
            value=rollback,
            unit="fraction",
            description=f"{label} < {pct(rollback)} (shortfall from 100% {mult:g}x baseline's)",
            derivation=f"1 - shortfall {round(1 - base, _PRECISION)} x {mult:g}",
        ),
    )


def _duration(metric: Metric, label: str, policy: Policy) -> MetricLines:
    """Draw the lines of a latency or lag: relative to its baseline, like P95."""
    tol, mult = policy.tolerances.p95_relative, policy.tolerances.rollback_p95_multiplier
    base = metric.value
    # Microseconds: a sub-millisecond baseline keeps its lines apart.
    rollback = round(base * mult, 3)
    advance = round(min(base * (1 + tol), base * (1 + mult) / 2), 3)
    return MetricLines(
        Threshold(
            metric=metric.key,
            op="<=",
            value=advance,
            unit="ms",
            description=f"{label} <= {ms(advance)} (baseline {ms(base)} + {pct(tol)})",
            derivation=f"baseline {metric.key} {base} x (1 + {tol})",
        ),
        Threshold(
            metric=metric.key,
            op=">",
            value=rollback,
            unit="ms",
            description=f"{label} > {ms(rollback)} ({mult:g}x baseline {ms(base)})",
            derivation=f"baseline {metric.key} {base} x {mult:g}",
        ),
    )


_LABELS: Final = {"error_rate": "Error rate", "p95_latency_ms": "P95 latency"}


def gated_metrics(context: RolloutContext) -> list[Metric]:
    """List the stated metrics with a direction that are gated: error rate, P95, then the team's."""
    by_key = {m.key: m for m in context.metrics}
    chosen = [by_key[key] for key in ("error_rate", "p95_latency_ms") if key in by_key]
    chosen += [
        m
        for m in context.metrics
        if m.key not in {"error_rate", "p95_latency_ms"}
        and m.direction != "none"
        and m.kind in {"rate", "ratio", "latency", "lag"}
        and not (m.key in _IMPLIED_BY and _IMPLIED_BY[m.key] in by_key)
        and 0 <= m.value <= (1 if m.kind in {"rate", "ratio"} else float("inf"))
    ]
    return chosen


def metric_lines(metric: Metric, policy: Policy) -> MetricLines:
    """Return the advance and rollback lines of one stated metric, by its kind and direction."""
    label = _LABELS.get(metric.key, metric.label[:1].upper() + metric.label[1:])
    if metric.kind in {"latency", "lag"}:
        return _duration(metric, label, policy)
    if metric.direction == "higher_is_better":
        return _better_ratio(metric, label, policy)
    return _worse_rate(metric, label, policy)


def missing_recommendations(context: RolloutContext) -> list[str]:
    """Return what to measure before the rollout relies on it: error rate and P95 when unstated."""
    keys = {m.key for m in context.metrics}
    wanted = (
        ("error_rate", "an error-rate baseline", "error-rate gate and alert"),
        ("p95_latency_ms", "a P95 latency baseline", "latency gate and alert"),
    )
    return [
        f"Recommended: add {what} to baseline-metrics.md before stage 2; until then the plan "
        f"has no {gate} (none is invented)."
        for key, what, gate in wanted
        if key not in keys
    ]


def revenue_rollback(policy: Policy) -> Threshold:
    """Revenue per checkout attempt in the new path below control by more than the drop."""
    drop = policy.tolerances.revenue_drop
    return Threshold(
        metric="revenue_vs_control",
        op="<",
        value=-drop,
        unit="ratio",
        description=f"Revenue drop > {pct(drop)} compared to control",
        derivation=f"policy tolerances.revenue_drop {drop}",
        acted_by="incident_commander",
    )


def _money_moves(context: RolloutContext) -> bool:
    fact = context.feature.moves_money
    return fact is not None and fact.value


def _qualitative_success(context: RolloutContext) -> list[Threshold]:
    return [
        Threshold(
            metric="support_tickets_vs_control",
            op="<=",
            value=0.0,
            unit="ratio",
            description="No increase in customer support tickets (new path vs control)",
            derivation="policy: no increase allowed",
        ),
        Threshold(
            metric="critical_bugs",
            op="==",
            value=0.0,
            unit="count",
            description="No critical bugs reported"
            + (" (charges, refunds, receipts)" if _money_moves(context) else ""),
            derivation="policy: zero critical bugs",
        ),
    ]


def _data_integrity(context: RolloutContext) -> Threshold:
    subject = "payment data" if _money_moves(context) else "data"
    return Threshold(
        metric="data_integrity_errors",
        op=">",
        value=0.0,
        unit="count",
        description=f"Any {subject} loss or corruption (reconciliation mismatch)",
        derivation="policy: zero tolerance for data loss",
        acted_by="incident_commander",
    )


def _manual(context: RolloutContext) -> list[Threshold]:
    money = _money_moves(context)
    regulated = context.feature.regulated is not None and context.feature.regulated.value
    triggers = [
        (
            "customer_complaints",
            "Customer complaints about charges (double, missing or wrong amounts)"
            if money
            else "Customer complaints about the new behaviour",
        ),
        ("security_incident", "Security incident involving the new path"),
    ]
    if money or regulated:
        triggers.append(("regulatory_concern", "Regulatory or compliance concern raised"))
    if any(fact.value is ChangeType.WEBHOOKS for fact in context.feature.change_types):
        triggers.append(("webhook_backlog", "Webhook events failing or piling up unprocessed"))
    return [
        Threshold(
            metric=metric,
            op=">",
            value=0.0,
            unit="count",
            description=text,
            derivation="judgement call by the on-call engineer and the incident commander",
            acted_by="on_call",
        )
        for metric, text in triggers
    ]


def counted_lines(metric: RateMetric) -> MetricLines:
    """Draw the lines of a count decision no stated metric carries (change-caused errors)."""
    if metric.advance is None or metric.rollback is None:
        raise RuntimeError(f"{metric.key} has no advance or rollback line")
    base = f"baseline {pct(metric.baseline)}"
    label = metric.label.split(" (")[0]
    return MetricLines(
        Threshold(
            metric=metric.key,
            op="<=",
            value=round(metric.advance, _PRECISION),
            unit="fraction",
            description=f"{label} <= {pct(metric.advance)} ({base})",
            derivation=metric.derivation,
        ),
        Threshold(
            metric=metric.key,
            op=">",
            value=round(metric.rollback, _PRECISION),
            unit="fraction",
            description=f"{label} > {pct(metric.rollback)} ({base})",
            derivation=metric.derivation,
        ),
    )


def define_criteria(
    context: RolloutContext, policy: Policy, risk: RiskAssessment, gated: GatedMetrics
) -> Criteria:
    """Success criteria (all must hold) and rollback triggers, each saying who executes it.

    ``gated`` is the plan's one list of gated metrics: a stated metric judged on counts is
    rolled back by the engine, one that counts cannot judge by the on-call engineer.
    """
    lines = [metric_lines(metric, policy) for metric in gated.stated]
    stated = {metric.key for metric in gated.stated}
    # Lines no document states (change-caused errors) come after the stated and the policy's.
    derived = [counted_lines(metric) for metric in gated.counted if metric.key not in stated]
    counted = gated.counted_keys
    auto = [
        line.rollback.model_copy(
            update={"acted_by": "engine" if line.rollback.metric in counted else "on_call"}
        )
        for line in lines
    ]
    revenue_factor = next(f for f in risk.factors if f.name == "revenue_impact")
    if revenue_factor.level is not Level.LOW:
        auto.append(revenue_rollback(policy))
    auto.append(_data_integrity(context))
    auto += [line.rollback.model_copy(update={"acted_by": "engine"}) for line in derived]
    return Criteria(
        success=[line.advance for line in lines]
        + _qualitative_success(context)
        + [line.advance for line in derived],
        auto_rollback=auto,
        manual_rollback=_manual(context),
    )
