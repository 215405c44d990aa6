"""Success criteria and rollback triggers, derived from the baseline and the policy.

A threshold whose baseline is missing is kept, with `value=None` and a
derivation saying `not set: ...`, so the plan shows the gap instead of a
made-up number.
"""

from __future__ import annotations

from .formatting import ms, pct, points
from .model import ChangeType, Criteria, Level, RiskAssessment, RolloutContext, Threshold
from .policy import Policy


def _round_rate(value: float) -> float:
    return round(value, 6)


def _round_ms(value: float) -> float:
    return round(value, 1)


def error_success(context: RolloutContext, policy: Policy) -> Threshold:
    """Error rate at or below baseline plus the tolerance in points."""
    base = context.baseline.error_rate
    tol = policy.tolerances.error_rate_points
    if base is None:
        return Threshold(
            metric="error_rate",
            op="<=",
            value=None,
            unit="fraction",
            description="Error rate <= baseline + "
            + points(tol)
            + " (not set: baseline error rate missing)",
            derivation="not set: baseline error rate missing",
        )
    value = _round_rate(base.value + tol)
    return Threshold(
        metric="error_rate",
        op="<=",
        value=value,
        unit="fraction",
        description=f"Error rate <= {pct(value)} (baseline {pct(base.value)} + {points(tol)})",
        derivation=f"baseline error_rate {base.value} + tolerance {tol}",
    )


def p95_success(context: RolloutContext, policy: Policy) -> Threshold:
    """P95 latency at or below baseline plus the relative tolerance."""
    base = context.baseline.p95_latency_ms
    tol = policy.tolerances.p95_relative
    if base is None:
        return Threshold(
            metric="p95_latency_ms",
            op="<=",
            value=None,
            unit="ms",
            description=f"P95 latency <= baseline + {pct(tol)}"
            + " (not set: baseline P95 missing)",
            derivation="not set: baseline P95 missing",
        )
    value = _round_ms(base.value * (1 + tol))
    return Threshold(
        metric="p95_latency_ms",
        op="<=",
        value=value,
        unit="ms",
        description=f"P95 latency <= {ms(value)} (baseline {ms(base.value)} + {pct(tol)})",
        derivation=f"baseline p95_latency_ms {base.value} x (1 + {tol})",
    )


def error_rollback(context: RolloutContext, policy: Policy) -> Threshold:
    """Error rate above the rollback multiple of the baseline."""
    base = context.baseline.error_rate
    mult = policy.tolerances.rollback_error_multiplier
    if base is None:
        return Threshold(
            metric="error_rate",
            op=">",
            value=None,
            unit="fraction",
            description=f"Error rate > {mult:g}x baseline"
            + " (not set: baseline error rate missing)",
            derivation="not set: baseline error rate missing",
        )
    value = _round_rate(base.value * mult)
    return Threshold(
        metric="error_rate",
        op=">",
        value=value,
        unit="fraction",
        description=f"Error rate > {pct(value)} ({mult:g}x baseline {pct(base.value)})",
        derivation=f"baseline error_rate {base.value} x {mult:g}",
    )


def p95_rollback(context: RolloutContext, policy: Policy) -> Threshold:
    """P95 latency above the rollback multiple of the baseline."""
    base = context.baseline.p95_latency_ms
    mult = policy.tolerances.rollback_p95_multiplier
    if base is None:
        return Threshold(
            metric="p95_latency_ms",
            op=">",
            value=None,
            unit="ms",
            description=f"P95 latency > {mult:g}x baseline" + " (not set: baseline P95 missing)",
            derivation="not set: baseline P95 missing",
        )
    value = _round_ms(base.value * mult)
    return Threshold(
        metric="p95_latency_ms",
        op=">",
        value=value,
        unit="ms",
        description=f"P95 latency > {ms(value)} ({mult:g}x baseline {ms(base.value)})",
        derivation=f"baseline p95_latency_ms {base.value} x {mult:g}",
    )


def revenue_rollback(policy: Policy) -> Threshold:
    """Revenue per transaction in the new path below control by more than the drop."""
    drop = policy.tolerances.revenue_drop
    return Threshold(
        metric="revenue_vs_control",
        op="<",
        value=-drop,
        unit="ratio",
        description=f"Revenue drop > {pct(drop)} compared to control",
        derivation=f"policy tolerances.revenue_drop {drop}",
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
        )
        for metric, text in triggers
    ]


def define_criteria(context: RolloutContext, policy: Policy, risk: RiskAssessment) -> Criteria:
    """Success criteria (all must hold) and automatic and manual rollback triggers."""
    success = [error_success(context, policy), p95_success(context, policy)]
    success.extend(_qualitative_success(context))
    auto = [error_rollback(context, policy), p95_rollback(context, policy)]
    revenue_factor = next(f for f in risk.factors if f.name == "revenue_impact")
    if revenue_factor.level is not Level.LOW:
        auto.append(revenue_rollback(policy))
    auto.append(_data_integrity(context))
    return Criteria(success=success, auto_rollback=auto, manual_rollback=_manual(context))
