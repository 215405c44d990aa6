"""Success criteria and rollback triggers, derived from the baseline and the policy.

A threshold whose baseline is missing is kept, with `value=None` and a
derivation saying `not set: ...`, so the plan shows the gap instead of a
made-up number.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from rollout_manager.formatting import ms, pct, points
from rollout_manager.model import (
    ChangeType,
    Criteria,
    Fact,
    Level,
    Op,
    RiskAssessment,
    RolloutContext,
    Threshold,
)
from rollout_manager.planning.policy import Policy


@dataclass(frozen=True)
class _Derived:
    """A threshold computed from one baseline figure."""

    metric: str
    op: Op
    label: str
    """The metric in words, e.g. `Error rate`."""
    rule: str
    """The rule in words, for when the baseline is missing: `baseline + 0.2 points`."""
    missing: str
    """What is missing, e.g. `baseline P95`."""
    value: Callable[[float], float]
    because: Callable[[float], str]
    """Why the value, from the baseline: `baseline 0.8% + 0.2 points`."""
    derivation: Callable[[float], str]


def _threshold(rule: _Derived, base: Fact[float] | None) -> Threshold:
    unit = "ms" if rule.metric.endswith("_ms") else "fraction"
    if base is None:
        gap = f"not set: {rule.missing} missing"
        return Threshold(
            metric=rule.metric,
            op=rule.op,
            value=None,
            unit=unit,
            description=f"{rule.label} {rule.op} {rule.rule} ({gap})",
            derivation=gap,
        )
    value = rule.value(base.value)
    shown = ms(value) if unit == "ms" else pct(value)
    return Threshold(
        metric=rule.metric,
        op=rule.op,
        value=value,
        unit=unit,
        description=f"{rule.label} {rule.op} {shown} ({rule.because(base.value)})",
        derivation=rule.derivation(base.value),
    )


def error_success(context: RolloutContext, policy: Policy) -> Threshold:
    """Error rate at or below baseline plus the tolerance in points."""
    tol = policy.tolerances.error_rate_points
    rule = _Derived(
        metric="error_rate",
        op="<=",
        label="Error rate",
        rule=f"baseline + {points(tol)}",
        missing="baseline error rate",
        value=lambda base: round(base + tol, 6),
        because=lambda base: f"baseline {pct(base)} + {points(tol)}",
        derivation=lambda base: f"baseline error_rate {base} + tolerance {tol}",
    )
    return _threshold(rule, context.baseline.error_rate)


def p95_success(context: RolloutContext, policy: Policy) -> Threshold:
    """P95 latency at or below baseline plus the relative tolerance."""
    tol = policy.tolerances.p95_relative
    rule = _Derived(
        metric="p95_latency_ms",
        op="<=",
        label="P95 latency",
        rule=f"baseline + {pct(tol)}",
        missing="baseline P95",
        value=lambda base: round(base * (1 + tol), 1),
        because=lambda base: f"baseline {ms(base)} + {pct(tol)}",
        derivation=lambda base: f"baseline p95_latency_ms {base} x (1 + {tol})",
    )
    return _threshold(rule, context.baseline.p95_latency_ms)


def error_rollback(context: RolloutContext, policy: Policy) -> Threshold:
    """Error rate above the rollback multiple of the baseline."""
    mult = policy.tolerances.rollback_error_multiplier
    rule = _Derived(
        metric="error_rate",
        op=">",
        label="Error rate",
        rule=f"{mult:g}x baseline",
        missing="baseline error rate",
        value=lambda base: round(base * mult, 6),
        because=lambda base: f"{mult:g}x baseline {pct(base)}",
        derivation=lambda base: f"baseline error_rate {base} x {mult:g}",
    )
    return _threshold(rule, context.baseline.error_rate)


def p95_rollback(context: RolloutContext, policy: Policy) -> Threshold:
    """P95 latency above the rollback multiple of the baseline."""
    mult = policy.tolerances.rollback_p95_multiplier
    rule = _Derived(
        metric="p95_latency_ms",
        op=">",
        label="P95 latency",
        rule=f"{mult:g}x baseline",
        missing="baseline P95",
        value=lambda base: round(base * mult, 1),
        because=lambda base: f"{mult:g}x baseline {ms(base)}",
        derivation=lambda base: f"baseline p95_latency_ms {base} x {mult:g}",
    )
    return _threshold(rule, context.baseline.p95_latency_ms)


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
