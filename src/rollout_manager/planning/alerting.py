"""Alerts page people; boundaries act.

CRITICAL on a count decision is the stage's rollback boundary crossed, on
cumulative counts: the engine rolls back on it (the exports encode it). WARNING
is a windowed rate with minimum counts that pages and holds the gate; its
minimum event count is raised until healthy traffic at the busiest stage pages
at most the policy's `max_false_pages_per_week`. Pages per week are counted as disjoint windows
(a page is one episode), at the stage's average traffic, from exact binomial
tails.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import TYPE_CHECKING

from rollout_manager.formatting import count, ms, number, pct, who_rolls_back
from rollout_manager.model import Alert, Decision, Stage
from rollout_manager.planning import stats
from rollout_manager.planning.decisions import COMPLEMENT_EVENT

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rollout_manager.planning.policy import Policy

_WEEK_MINUTES = 7 * 24 * 60
_ALERT_NAMES = {
    "error_rate": "ErrorRate",
    "change_error_rate": "ChangeErrorRate",
    "p95_latency_ms": "P95Latency",
}


@dataclass(frozen=True)
class WindowRule:
    """A windowed WARNING on counted events: rate above ``threshold`` with minimum counts."""

    metric: str
    label: str
    event: str
    threshold: float
    """Fires when events / transactions in the window exceed this share."""
    healthy_rate: float
    """Share of transactions with the event on healthy traffic."""
    shown: str
    """The threshold in the metric's own words, e.g. `error rate > 1%`."""
    value: float
    unit: str
    derivation: str


def _fires(window: int, rule: WindowRule, min_transactions: int, min_events: int) -> float:
    """Chance one window of ``window`` healthy transactions fires the rule."""
    if window < min_transactions or window == 0:
        return 0.0
    needed = max(min_events, math.floor(rule.threshold * window) + 1)
    return stats.binomial_sf(needed, window, rule.healthy_rate)


def _window_transactions(stage: Stage, per_day: float, minutes: int) -> int:
    return math.floor(per_day * stage.traffic_percent / 100 * minutes / 1440)


def pages_per_week(
    rule: WindowRule, stage: Stage, per_day: float, policy: Policy, min_events: int
) -> float:
    """Return expected WARNING pages per week at ``stage`` when nothing is wrong."""
    alerts = policy.alerts
    window = _window_transactions(stage, per_day, alerts.warning_window_minutes)
    fires = _fires(window, rule, alerts.warning_min_transactions, min_events)
    return _WEEK_MINUTES / alerts.warning_window_minutes * fires


def warning_alert(
    rule: WindowRule, stages: Sequence[Stage], per_day: float | None, policy: Policy
) -> Alert:
    """Return the WARNING of one metric, its minimum event count calibrated to the page budget."""
    alerts = policy.alerts
    min_events = alerts.warning_min_events
    busiest = max(stages, key=lambda s: s.traffic_percent)
    pages = None
    if per_day:
        window = _window_transactions(busiest, per_day, alerts.warning_window_minutes)

        def too_many(events: int) -> bool:
            pages = pages_per_week(rule, busiest, per_day, policy, events)
            return pages > alerts.max_false_pages_per_week

        if too_many(min_events):
            # Pages fall as the minimum rises: bisect for the smallest one within budget.
            low = max(min_events, math.floor(rule.threshold * window) + 1) - 1
            high = max(window, low + 1)
            while high - low > 1:
                middle = (low + high) // 2
                low, high = (middle, high) if too_many(middle) else (low, middle)
            min_events = high
        pages = pages_per_week(rule, busiest, per_day, policy, min_events)
    minutes = alerts.warning_window_minutes
    return Alert(
        name=f"{_ALERT_NAMES.get(rule.metric, rule.metric.title().replace('_', ''))}Warning",
        severity="WARNING",
        metric=rule.metric,
        op=">",
        value=rule.value,
        unit=rule.unit,
        derivation=rule.derivation + f"; min events raised to keep healthy pages at most "
        f"{number(alerts.max_false_pages_per_week)} a week at stage {busiest.number}",
        for_minutes=alerts.warning_for_minutes,
        action="Page the on-call engineer; hold the gate (never rolls back on its own)",
        description=(
            f"{rule.shown} over the last {minutes} min, with at least {min_events} "
            f"{rule.event} among at least {count(alerts.warning_min_transactions)} transactions"
        ),
        window_minutes=minutes,
        min_transactions=alerts.warning_min_transactions,
        min_events=min_events,
        false_pages_per_week=None if pages is None else round(pages, 4),
    )


def critical_alert(
    key: str,
    decisions: Sequence[tuple[Stage, Decision]],
    *,
    p95_ms: float | None = None,
    p95_multiple: float = 2.0,
) -> Alert:
    """Return the CRITICAL of one metric: any stage's rollback boundary crossed (cumulative)."""
    first = decisions[0][1]
    stated = first.rollback_threshold
    per_week = [d.false_rollback / max(s.duration_hours / 168, 1 / 168) for s, d in decisions]
    unit, value, op = "fraction", stated, ">"
    shown = pct(stated) if stated is not None else "its alternative"
    if first.event == COMPLEMENT_EVENT and stated is not None:
        # Judged on its failures: the alert states the share itself, as the criteria do.
        value, op = round(1 - stated, 9), "<"
        shown = f"{pct(value)} ({pct(stated)} failures)"
    if key == "p95_latency_ms" and p95_ms is not None and stated is not None:
        unit, value = "ms", round(p95_ms * p95_multiple, 1)
        shown = f"a P95 of {ms(value)}: {pct(stated, 1)} of requests slower than {ms(p95_ms)}"
    return Alert(
        name=f"{_ALERT_NAMES.get(key, key.title().replace('_', ''))}Critical",
        severity="CRITICAL",
        metric=key,
        op=op,
        value=value,
        unit=unit,
        derivation="the stage's cumulative rollback boundary (stages[].decisions)",
        for_minutes=0,
        action=f"Rolled back by {who_rolls_back('engine')}",
        description=(
            f"{first.event} reach the stage's rollback boundary: k or more within the first n "
            f"transactions of the stage (the stated rollback limit, {shown}, as a count test; "
            "each stage's boundary is sized for its own purpose)"
        ),
        window_minutes=None,
        min_transactions=None,
        min_events=None,
        false_pages_per_week=round(max(per_week), 4) if per_week else None,
    )


def window_rules(stages: Sequence[Stage], p95_ms: float | None, policy: Policy) -> list[WindowRule]:
    """WARNING rules at the stated advance thresholds of the error rate and the P95."""
    rules = []
    for stage in stages[:1]:
        for d in stage.decisions:
            if d.advance_threshold is None:
                continue
            if d.metric == "error_rate":
                rules.append(
                    WindowRule(
                        metric=d.metric,
                        label=d.label,
                        event=d.event,
                        threshold=d.advance_threshold,
                        healthy_rate=d.baseline_rate,
                        shown=f"error rate > {pct(d.advance_threshold)}",
                        value=d.advance_threshold,
                        unit="fraction",
                        derivation=f"the stated success limit {pct(d.advance_threshold)}",
                    )
                )
            elif d.metric == "p95_latency_ms" and p95_ms is not None:
                rules.append(_p95_rule(d, p95_ms, policy.tolerances.p95_relative))
            elif d.event != COMPLEMENT_EVENT and not d.metric.endswith("_ms"):
                rules.append(_rate_rule(d, d.advance_threshold))
    return rules


def _rate_rule(decision: Decision, advance: float) -> WindowRule:
    """Another counted share (change-caused errors, a team's rate): its events above the line."""
    shown = f"{decision.metric.replace('_', ' ')} > {pct(advance)}"
    return WindowRule(
        metric=decision.metric,
        label=decision.label,
        event=decision.event,
        threshold=advance,
        healthy_rate=decision.baseline_rate,
        shown=shown,
        value=advance,
        unit="fraction",
        derivation=f"the stated success limit {pct(advance)}",
    )


def _p95_rule(decision: Decision, p95_ms: float, relative: float) -> WindowRule:
    """Build the rule for a window's P95 over the limit: more than 5% of its requests slower.

    With log-normal latency, the decision's share slower than the baseline P95 at
    the limit fixes ``ln(1 + relative) / sigma = z95 - z(1 - share)``, so healthy
    traffic has ``1 - Phi(2 z95 - z(1 - share))`` of its requests above the limit.
    """
    if decision.advance_threshold is None:
        raise RuntimeError(f"the {decision.metric} decision has no advance line")
    normal = NormalDist()
    z95 = normal.inv_cdf(0.95)
    healthy = 1 - normal.cdf(2 * z95 - normal.inv_cdf(1 - decision.advance_threshold))
    limit = round(p95_ms * (1 + relative), 1)
    return WindowRule(
        metric="p95_latency_ms",
        label="P95 latency",
        event=f"requests slower than {ms(limit)}",
        threshold=0.05,
        healthy_rate=healthy,
        shown=f"P95 latency > {ms(limit)}",
        value=limit,
        unit="ms",
        derivation=(
            f"the stated success limit {ms(limit)}: more than 5% of the window's requests slower "
            f"than it ({pct(healthy, 1)} on healthy traffic)"
        ),
    )
