"""Monitoring plan: metrics, dashboards, alerts at the criteria's thresholds, on-call."""

from __future__ import annotations

from .formatting import ms, pct
from .model import (
    Alert,
    ChangeType,
    Criteria,
    Dashboard,
    MonitoredMetric,
    Monitoring,
    OnCall,
    RolloutContext,
    Severity,
    Stage,
    Threshold,
)
from .policy import Policy

_ALERT_NAMES = {
    "error_rate": "ErrorRate",
    "p95_latency_ms": "P95Latency",
    "revenue_vs_control": "RevenueVsControl",
    "data_integrity_errors": "DataIntegrity",
}


def _value(fact: object) -> float | None:
    return getattr(fact, "value", None)


def _metrics(context: RolloutContext) -> list[MonitoredMetric]:
    base = context.baseline
    metrics = [
        MonitoredMetric(
            name="success_rate",
            kind="technical",
            description="Transaction success rate",
            split_by=["variant"],
            baseline=_value(base.success_rate),
        ),
        MonitoredMetric(
            name="error_rate",
            kind="technical",
            description="Error rate, with the breakdown by error type",
            split_by=["variant", "error_type"],
            baseline=_value(base.error_rate),
        ),
        MonitoredMetric(
            name="p50_latency_ms",
            kind="technical",
            description="Median latency",
            split_by=["variant"],
            baseline=_value(base.p50_latency_ms),
        ),
        MonitoredMetric(
            name="p95_latency_ms",
            kind="technical",
            description="95th percentile latency",
            split_by=["variant"],
            baseline=_value(base.p95_latency_ms),
        ),
        MonitoredMetric(
            name="p99_latency_ms",
            kind="technical",
            description="99th percentile latency",
            split_by=["variant"],
            baseline=_value(base.p99_latency_ms),
        ),
        MonitoredMetric(
            name="timeout_rate",
            kind="technical",
            description="Timeout rate",
            split_by=["variant"],
            baseline=_value(base.timeout_rate),
        ),
    ]
    if any(f.value is ChangeType.WEBHOOKS for f in context.feature.change_types):
        metrics.append(
            MonitoredMetric(
                name="webhook_backlog",
                kind="technical",
                description="Webhook events received but not yet processed, and failures",
                split_by=["event_type"],
            )
        )
    metrics += [
        MonitoredMetric(
            name="revenue_vs_control",
            kind="business",
            description="Revenue per transaction, treatment vs control",
            split_by=["variant"],
            baseline=0.0,
        ),
        MonitoredMetric(
            name="transactions_per_minute",
            kind="business",
            description="Transaction volume; a drop in the new path signals lost checkouts",
            split_by=["variant"],
            baseline=(base.daily_transactions.value / 1440 if base.daily_transactions else None),
        ),
        MonitoredMetric(
            name="support_tickets",
            kind="business",
            description="Customer support tickets about the changed flow",
            split_by=["variant", "category"],
        ),
    ]
    return metrics


def _dashboards(context: RolloutContext) -> list[Dashboard]:
    legacy_vs_new = "legacy vs new"
    return [
        Dashboard(
            name="Rollout progress",
            panels=[
                "% traffic on the new path and current stage",
                "Time to the next gate",
                "Transactions seen in this stage vs required",
            ],
        ),
        Dashboard(
            name=f"Side by side ({legacy_vs_new})",
            panels=[
                "Success and error rate by variant",
                "Latency P50 / P95 / P99 by variant",
                "Revenue per transaction, treatment vs control",
            ],
        ),
        Dashboard(
            name="Error rate alerting panel",
            panels=[
                "Error rate against the WARNING and CRITICAL lines",
                "Error breakdown by type"
                + (
                    f" (baseline: {len(context.baseline.error_breakdown)} categories)"
                    if context.baseline.error_breakdown
                    else ""
                ),
                "Sequential test: errors so far vs the rollback boundary",
            ],
        ),
    ]


def _alert(threshold: Threshold, severity: Severity, minutes: int, action: str) -> Alert:
    label = _ALERT_NAMES.get(threshold.metric, threshold.metric.title().replace("_", ""))
    suffix = "Warning" if severity == "WARNING" else "Critical"
    value = threshold.value
    if value is None:
        rendered = "not set"
    elif threshold.unit == "ms":
        rendered = ms(value)
    elif threshold.unit in ("fraction", "ratio"):
        rendered = pct(value)
    else:
        rendered = f"{value:g}"
    return Alert(
        name=f"{label}{suffix}",
        severity=severity,
        metric=threshold.metric,
        op=threshold.op,
        value=value,
        for_minutes=minutes,
        action=action,
        description=f"{threshold.metric} {threshold.op} {rendered} for {minutes} min",
    )


def _alerts(criteria: Criteria, policy: Policy) -> list[Alert]:
    warn = policy.alerts.warning_for_minutes
    crit = policy.alerts.critical_for_minutes
    success = {c.metric: c for c in criteria.success}
    alerts = []
    for metric in ("error_rate", "p95_latency_ms"):
        line = success[metric]
        warning = line.model_copy(update={"op": ">" if line.op == "<=" else line.op})
        alerts.append(_alert(warning, "WARNING", warn, "Page the on-call engineer; hold the gate"))
    alerts += [
        _alert(rule, "CRITICAL", 0 if rule.unit == "count" else crit, "Roll back automatically")
        for rule in criteria.auto_rollback
    ]
    return alerts


def plan_monitoring(
    context: RolloutContext, policy: Policy, criteria: Criteria, stages: list[Stage]
) -> Monitoring:
    """Metrics by variant, dashboards, WARNING/CRITICAL alerts and on-call cover."""
    through = min(policy.on_call.through_stage, len(stages))
    return Monitoring(
        metrics=_metrics(context),
        dashboards=_dashboards(context),
        alerts=_alerts(criteria, policy),
        on_call=OnCall(
            stages=list(range(1, through + 1)),
            rotation=policy.on_call.rotation,
            escalation=list(policy.on_call.escalation),
            response_minutes=policy.on_call.response_minutes,
        ),
    )
