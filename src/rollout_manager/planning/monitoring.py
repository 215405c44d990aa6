"""Monitoring plan: metrics, dashboards, alerts (boundaries act, windows page), on-call."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Final, Literal

from rollout_manager.formatting import count, ms, pct, who_rolls_back
from rollout_manager.model import (
    Alert,
    ChangeType,
    Criteria,
    Dashboard,
    Fact,
    Level,
    Metric,
    MonitoredMetric,
    Monitoring,
    OnCall,
    RolloutContext,
    Severity,
    Stage,
    Threshold,
)
from rollout_manager.planning import alerting, normal_stats
from rollout_manager.reading.metrics import slug

if TYPE_CHECKING:
    from rollout_manager.planning.policy import Policy

_ALERT_NAMES = {
    "error_rate": "ErrorRate",
    "p95_latency_ms": "P95Latency",
    "revenue_vs_control": "RevenueVsControl",
    "data_integrity_errors": "DataIntegrity",
}


def _from(fact: Fact[float] | None, unit: str) -> dict[str, Any]:
    """Baseline value, unit and the document line it was read from."""
    if fact is None:
        return {"baseline": None, "unit": unit, "derivation": "not stated in the documents"}
    where = ", ".join(f"{ev.file}:{ev.line}" for ev in fact.evidence[:1])
    return {"baseline": fact.value, "unit": unit, "derivation": where}


# The contract's well-known metrics, in the order dashboards list them.
_WELL_KNOWN: Final = (
    ("success_rate", "Transaction success rate", ["variant"], "fraction"),
    (
        "error_rate",
        "Error rate, with the breakdown by error type",
        ["variant", "error_type"],
        "fraction",
    ),
    ("p50_latency_ms", "Median latency", ["variant"], "ms"),
    ("p95_latency_ms", "95th percentile latency", ["variant"], "ms"),
    ("p99_latency_ms", "99th percentile latency", ["variant"], "ms"),
    ("timeout_rate", "Timeout rate", ["variant"], "fraction"),
)


def _stated_metric(metric: Metric) -> MonitoredMetric:
    """Watch a metric the team stated in its own unit."""
    kind: Literal["technical", "business"] = (
        "business"
        if metric.direction == "higher_is_better" and metric.kind == "ratio"
        else "technical"
    )
    return MonitoredMetric(
        name=metric.key,
        kind=kind,
        description=f"{metric.label} (as the team measures it)",
        split_by=["variant"],
        baseline=metric.value,
        unit=metric.unit,
        derivation=", ".join(f"{e.file}:{e.line}" for e in metric.evidence[:1]),
    )


def _technical(context: RolloutContext) -> list[MonitoredMetric]:
    """Every stated metric, the well-known ones first; nothing the documents do not state."""
    base = context.baseline
    metrics = [
        MonitoredMetric(
            name=name,
            kind="technical",
            description=text,
            split_by=split,
            **_from(getattr(base, name), unit),
        )
        for name, text, split, unit in _WELL_KNOWN
        if getattr(base, name) is not None
    ]
    known = {name for name, *_ in _WELL_KNOWN}
    metrics += [
        _stated_metric(m)
        for m in context.metrics
        if m.key not in known and m.kind not in {"money", "throughput"}
    ]
    if any(f.value is ChangeType.WEBHOOKS for f in context.feature.change_types):
        metrics.append(
            MonitoredMetric(
                name="webhook_backlog",
                kind="technical",
                description="Webhook events received but not yet processed, and failures",
                split_by=["event_type"],
                unit="count",
                derivation="new metric: no baseline",
            )
        )
    return metrics


def _business(context: RolloutContext, criteria: Criteria) -> list[MonitoredMetric]:
    daily = context.baseline.daily_transactions or context.feature.daily_volume
    unit = context.traffic.unit if context.traffic is not None else "transactions"
    one = unit.removesuffix("s")
    revenue_at_stake = any(c.metric == "revenue_vs_control" for c in criteria.auto_rollback)
    revenue = [
        MonitoredMetric(
            name="revenue_vs_control",
            kind="business",
            description="Revenue per checkout attempt (failed ones count), treatment vs control",
            split_by=["variant"],
            baseline=0.0,
            unit="ratio",
            derivation="parity: the treatment should match its control",
        )
    ]
    return (revenue if revenue_at_stake else []) + [
        MonitoredMetric(
            name=f"{slug(unit)}_per_minute",
            kind="business",
            description=f"{one[:1].upper()}{one[1:]} volume; a drop in the new path signals lost "
            + ("checkouts" if unit == "transactions" else unit),
            split_by=["variant"],
            baseline=round(daily.value / 1440, 2) if daily else None,
            unit="per_minute",
            derivation=f"{count(daily.value)} {unit} a day / 1,440 minutes"
            if daily
            else "not stated in the documents",
        ),
        MonitoredMetric(
            name="support_tickets",
            kind="business",
            description="Customer support tickets about the changed flow",
            split_by=["variant", "category"],
            unit="count",
            derivation="compare with control: no baseline in the documents",
        ),
    ]


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
                "Revenue per checkout attempt, treatment vs control",
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
        unit=threshold.unit,
        derivation=threshold.derivation,
        for_minutes=minutes,
        action=action,
        description=(
            threshold.description
            if threshold.unit == "count"
            else f"{threshold.metric} {threshold.op} {rendered} for {minutes} min"
        ),
    )


def _revenue_alert(threshold: Threshold, policy: Policy, *, holdback: bool) -> Alert:
    """Revenue per checkout attempt against control: cumulative, and a person decides."""
    st = policy.statistics
    needed = normal_stats.mean_difference_sample_size(
        policy.tolerances.revenue_drop, cv=st.revenue_cv, alpha=st.alpha, power=st.power
    )
    at_full = (
        f"at 100% against the {st.holdback_percent:g}% holdback kept on the old path"
        if holdback
        else "not at 100%: no control is left there"
    )
    alert = _alert(
        threshold,
        "CRITICAL",
        0,
        _paged(threshold, "unless explained (a mean against control: judged by a person)"),
    )
    return alert.model_copy(
        update={
            "description": (
                f"Revenue per checkout attempt (failed payments count as zero) below control by "
                f"more than {pct(-(threshold.value or 0))}, cumulative over the stage, once each "
                f"arm has at least {count(needed)} attempts (CV {st.revenue_cv:g} assumed); "
                + at_full
            ),
            "min_transactions": needed,
        }
    )


_PAGED: Final = {"incident_commander": "the incident commander", "on_call": "the on-call engineer"}


def _paged(threshold: Threshold, how: str) -> str:
    """Word the CRITICAL's action for a trigger a person executes: who is paged, who rolls back."""
    person = _PAGED.get(threshold.acted_by or "on_call", _PAGED["on_call"])
    return f"Page {person}; rolled back by {who_rolls_back(threshold.acted_by)}, {how}"


_NOT_ALERTED: Final = {"support_tickets_vs_control", "critical_bugs"}
_OPPOSITE: Final = {"<=": ">", ">=": "<", "<": ">=", ">": "<="}


def _alerts(
    context: RolloutContext,
    criteria: Criteria,
    policy: Policy,
    stages: list[Stage],
    *,
    holdback: bool,
) -> list[Alert]:
    daily = context.baseline.daily_transactions or context.feature.daily_volume
    p95 = context.baseline.p95_latency_ms.value if context.baseline.p95_latency_ms else None
    judged = [(s, d) for s in stages for d in s.decisions]
    covered = {d.metric for _, d in judged}
    windows = alerting.window_rules(stages, p95, policy)
    alerts = [
        alerting.warning_alert(rule, stages, daily.value if daily else None, policy)
        for rule in windows
    ]
    # A WARNING past the advance line of every stated metric no window rule covers.
    paged = {rule.metric for rule in windows}
    for line in criteria.success:
        if line.metric in paged or line.metric in _NOT_ALERTED or line.value is None:
            continue
        warning = line.model_copy(update={"op": _OPPOSITE.get(line.op, line.op)})
        alerts.append(
            _alert(
                warning,
                "WARNING",
                policy.alerts.warning_for_minutes,
                "Page the on-call engineer; hold the gate",
            )
        )
    keys = list(dict.fromkeys(d.metric for _, d in judged))
    alerts += [
        alerting.critical_alert(
            key,
            [(s, d) for s, d in judged if d.metric == key],
            p95_ms=p95,
            p95_multiple=policy.tolerances.rollback_p95_multiplier,
        )
        for key in keys
    ]
    for rule in criteria.auto_rollback:
        if rule.metric in covered:
            continue
        if rule.metric == "revenue_vs_control":
            alerts.append(_revenue_alert(rule, policy, holdback=holdback))
        elif rule.unit == "count":  # found by reconciliation, not counted by an engine
            alerts.append(_alert(rule, "CRITICAL", 0, _paged(rule, "at once")))
        else:  # no count decision to size a boundary: a person decides
            alerts.append(
                _alert(
                    rule,
                    "CRITICAL",
                    policy.alerts.critical_for_minutes,
                    _paged(rule, "by decision"),
                )
            )
    return alerts


def plan_on_call(policy: Policy, stages: list[Stage], risk_level: Level | None = None) -> OnCall:
    """Dedicated cover with dates: every stage to the end of the bake at the levels that need it."""
    through = min(policy.on_call.through_stage, len(stages))
    if risk_level is not None and risk_level in policy.on_call.through_bake_for:
        through = len(stages)
    return OnCall(
        stages=list(range(1, through + 1)),
        rotation=policy.on_call.rotation,
        escalation=list(policy.on_call.escalation),
        response_minutes=policy.on_call.response_minutes,
        start=stages[0].start if through else None,
        end=stages[through - 1].end if through else None,
        legacy_removal_owner=policy.on_call.legacy_removal_owner,
    )


def plan_monitoring(
    context: RolloutContext,
    policy: Policy,
    criteria: Criteria,
    stages: list[Stage],
    *,
    holdback: bool = False,
) -> Monitoring:
    """Metrics by variant, dashboards, WARNING/CRITICAL alerts and on-call cover.

    The cover here ignores the risk level; `plan_on_call` gives it for one.
    """
    return Monitoring(
        metrics=_technical(context) + _business(context, criteria),
        dashboards=_dashboards(context),
        alerts=_alerts(context, criteria, policy, stages, holdback=holdback),
        on_call=plan_on_call(policy, stages),
    )
