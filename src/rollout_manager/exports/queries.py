"""PromQL over the team's own series: `rollout.yaml` `metrics_source:` is the one mapping.

Each gated metric counts transactions and events on the new and the old
variant. Error-like metrics divide an event counter by the request counter;
latency metrics count requests slower than a histogram bucket (`+Inf` minus
the bucket at the baseline percentile), so a latency gate is a count test too.
A metric mapped with `successes:` (a counter of good outcomes) counts
requests minus successes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rollout_manager.errors import InputError
from rollout_manager.planning.decisions import COMPLEMENT_EVENT

if TYPE_CHECKING:
    from rollout_manager.model import RolloutPlan
    from rollout_manager.planning.metrics_source import MetricSeries, MetricsSource

PLACEHOLDER = "PLACEHOLDER"
_INF = "+Inf"


@dataclass(frozen=True)
class MetricQueries:
    """How to count one gated metric's transactions and events in Prometheus."""

    metric: str
    source: MetricsSource
    flag: str
    events: str
    """The events counter; for a latency metric, the duration histogram's buckets; with
    `successes`, the successes counter (events are requests minus it)."""
    selector: str
    slow_le: str | None
    placeholder: bool
    note: str
    successes: bool = False
    """`events` counts good outcomes: the counted events are requests minus it."""

    def _labels(self, variant: str | None, extra: str = "") -> str:
        parts = [f'{self.source.flag_label}="{self.flag}"']
        if variant is not None:
            parts.append(f'{self.source.variant_label}="{variant}"')
        parts += [part for part in (self.selector, extra) if part]
        return "{" + ", ".join(parts) + "}"

    @property
    def by(self) -> str:
        """The grouping every sum keeps: flag and variant."""
        return f"sum by ({self.source.flag_label}, {self.source.variant_label})"

    def requests(self, window: str, variant: str | None = None) -> str:
        """Transactions over `window`, by flag and variant."""
        if self.slow_le is not None:
            selector = self._labels(variant, f'le="{_INF}"')
            return f"{self.by} (increase({self.events}{selector}[{window}]))"
        return f"{self.by} (increase({self.source.requests}{self._labels(variant)}[{window}]))"

    def event_count(self, window: str, variant: str | None = None) -> str:
        """Return the query of events counted over `window`, by flag and variant."""
        if self.slow_le is not None:
            total = self._labels(variant, f'le="{_INF}"')
            fast = self._labels(variant, f'le="{self.slow_le}"')
            return (
                f"({self.by} (increase({self.events}{total}[{window}])) - "
                f"{self.by} (increase({self.events}{fast}[{window}])))"
            )
        counted = f"{self.by} (increase({self.events}{self._labels(variant)}[{window}]))"
        if not self.successes:
            return counted
        # No successes series yet (every transaction failed) counts as zero successes.
        requests = self.requests(window, variant)
        return f"({requests} - ({counted} or {requests} * 0))"

    def test_series(self, variant: str, transactions: int, events: int) -> list[tuple[str, int]]:
        """Input series (name with labels, final value) holding these counts, for promtool."""
        if self.slow_le is not None:
            return [
                (self.events + self._labels(variant, f'le="{_INF}"'), transactions),
                (
                    self.events + self._labels(variant, f'le="{self.slow_le}"'),
                    transactions - events,
                ),
            ]
        counter = transactions - events if self.successes else events
        return [
            (self.source.requests + self._labels(variant), transactions),
            (self.events + self._labels(variant), counter),
        ]


def _baseline_seconds(plan: RolloutPlan, metric: str) -> float | None:
    found = next((m.value for m in plan.baseline.metrics if m.key == metric), None)
    if found is None:
        value = getattr(plan.baseline, metric, None)
        found = value if isinstance(value, float) else None
    return None if found is None else found / 1000


def _latency(
    plan: RolloutPlan, source: MetricsSource, metric: str, mapped: MetricSeries | None
) -> tuple[str | None, str]:
    """Return the slow bucket's `le` for a latency metric and a note when it was assumed."""
    if mapped is not None and mapped.slow_bucket_le is not None:
        return mapped.slow_bucket_le, ""
    seconds = _baseline_seconds(plan, metric)
    if seconds is None:
        return None, ""
    le = f"{seconds:g}"
    return le, (
        f'{metric}: slow requests counted above the bucket le="{le}" of '
        f"{source.duration_bucket} (the baseline in seconds); your histogram must have that "
        f"bucket, else set metrics_source.metrics.{metric}.slow_bucket_le"
    )


def _on_failures(plan: RolloutPlan, metric: str) -> bool:
    """Whether the plan judges `metric` on its failures (a higher-is-better share)."""
    return any(
        d.metric == metric and d.event == COMPLEMENT_EVENT for s in plan.stages for d in s.decisions
    )


def _failures_note(plan: RolloutPlan, metric: str, mapped: MetricSeries | None) -> str:
    """For a higher-is-better share counted from `events`: that counter must count failures."""
    if not _on_failures(plan, metric) or (mapped is not None and mapped.successes is not None):
        return ""
    counter = mapped.events if mapped is not None and mapped.events else "the errors counter"
    return (
        f"{metric} is judged on its failures (1 - value): {counter} must count failures, "
        f"not good outcomes; for a counter of good outcomes (e.g. conversions) set "
        f"metrics_source.metrics.{metric}.successes instead of events"
    )


def metric_queries(
    plan: RolloutPlan, source: MetricsSource, metric: str, *, placeholder: bool, config: str
) -> MetricQueries:
    """Return the series of one gated metric.

    Raises:
        InputError: the metric has no mapping in `metrics_source` and no default, unless
            `placeholder` asks for clearly marked placeholder series.
    """
    flag = plan.feature.flag or metric
    mapped = source.metrics.get(metric)
    selector = mapped.selector if mapped is not None else ""
    events = mapped.events if mapped is not None else None
    successes = mapped.successes if mapped is not None else None
    slow_le, note = None, ""
    if metric.endswith("_latency_ms"):
        if successes is not None:
            raise InputError(
                config,
                f"metrics_source.metrics.{metric}.successes: a latency metric counts slow "
                "requests from the duration histogram; use slow_bucket_le",
            )
        slow_le, note = _latency(plan, source, metric, mapped)
        events = events or source.duration_bucket
        found = slow_le is not None
    else:
        found = mapped is not None or metric == "error_rate"
        events = events or successes or source.errors
        note = _failures_note(plan, metric, mapped)
    if not found:
        if not placeholder:
            raise InputError(
                config,
                f"metrics_source.metrics.{metric}: no Prometheus series for the gated metric "
                f"'{metric}'; map it (events: COUNTER, selector: LABELS) or export with "
                "--placeholder",
            )
        events = f"{PLACEHOLDER}_{metric}_events_total"
        slow_le = None
        note = f"{metric}: {events} is a PLACEHOLDER: replace it with your counter of its events"
        if _on_failures(plan, metric):
            note += (
                f" (its failures: 1 - value), or map metrics_source.metrics.{metric}.successes "
                "to a counter of its good outcomes"
            )
    return MetricQueries(
        metric=metric,
        source=source,
        flag=flag,
        events=events,
        selector=selector,
        slow_le=slow_le,
        placeholder=not found,
        note=note,
        successes=found and successes is not None,
    )
