"""Counts since a stage started, from a Prometheus server's HTTP API (standard library only).

The series and labels are the team's `metrics_source` (`rollout.yaml`), the
same model the exports write their queries from. A count since the stage
started is the counter's value at `at` minus its value at `since`, per
variant: exact, unlike `increase()`, which extrapolates to the window's edges.
"""

from __future__ import annotations

import json
import urllib.error
import urllib.parse
import urllib.request
from typing import TYPE_CHECKING, Any

from rollout_manager.errors import InputError
from rollout_manager.gates.observed import Arm, Observation, is_latency

if TYPE_CHECKING:
    from datetime import datetime

    from rollout_manager.model import Decision, RolloutPlan, Stage
    from rollout_manager.planning.metrics_source import MetricsSource

TIMEOUT_SECONDS = 10.0
MAX_RESPONSE_BYTES = 8 * 1024 * 1024
_SOURCE = "--prometheus"


def _check_url(base: str) -> str:
    parsed = urllib.parse.urlparse(base)
    if parsed.scheme not in ("http", "https") or not parsed.netloc:
        raise InputError(_SOURCE, f"'{base}' is not an http:// or https:// URL")
    return base.rstrip("/")


def query(base: str, expression: str, at: datetime, label: str = "variant") -> dict[str, float]:
    """Return an instant query at `at`: the value per value of `label`, as `{variant: value}`.

    Raises:
        InputError: the server cannot be reached, or answers with an error.
    """
    url = f"{_check_url(base)}/api/v1/query?" + urllib.parse.urlencode(
        {"query": expression, "time": f"{at.timestamp():.3f}"}
    )
    try:
        with urllib.request.urlopen(url, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310  (scheme checked above)
            body = response.read(MAX_RESPONSE_BYTES + 1)
    except urllib.error.HTTPError as error:
        detail = error.read(2000).decode("utf-8", "replace")
        raise InputError(
            _SOURCE, f"{base} answered HTTP {error.code}: {_error_text(detail)}"
        ) from None
    except (urllib.error.URLError, OSError, ValueError) as error:
        reason = getattr(error, "reason", error)
        raise InputError(_SOURCE, f"cannot reach {base}: {reason}") from None
    if len(body) > MAX_RESPONSE_BYTES:
        raise InputError(_SOURCE, f"{base} answered with more than 8 MiB")
    return _vector(body, base, label)


def _error_text(detail: str) -> str:
    try:
        return str(json.loads(detail).get("error", detail))
    except (ValueError, AttributeError):
        return detail[:200]


def _vector(body: bytes, base: str, label: str) -> dict[str, float]:
    try:
        data: Any = json.loads(body)
        if data.get("status") != "success":
            raise InputError(_SOURCE, f"{base}: {data.get('error', 'query failed')}")
        result = data["data"]["result"]
        return {str(item["metric"].get(label, "")): float(item["value"][1]) for item in result}
    except (ValueError, KeyError, TypeError, AttributeError, IndexError):
        raise InputError(_SOURCE, f"{base} did not answer like a Prometheus query API") from None


def _quote(value: str) -> str:
    return json.dumps(value)


class _Reader:
    """Queries for one flag's counters, at the stage's start and at the moment judged."""

    def __init__(
        self, base: str, source: MetricsSource, flag: str, since: datetime, at: datetime
    ) -> None:
        self.base, self.source, self.since, self.at = base, source, since, at
        self.matcher = f"{source.flag_label}={_quote(flag)}"

    def counts(self, series: str, selector: str = "") -> dict[str, float]:
        """Return the counter's increase from `since` to `at`, per variant."""
        labels = ",".join(part for part in (self.matcher, selector) if part)
        label = self.source.variant_label
        expression = f"sum by ({label}) ({series}{{{labels}}})"
        now = query(self.base, expression, self.at, label)
        before = query(self.base, expression, self.since, label)
        increase: dict[str, float] = {}
        for variant, value in now.items():
            start = before.get(variant, 0.0)
            if value < start:
                raise InputError(
                    _SOURCE,
                    f"{series} for variant '{variant}' fell from {start:g} to {value:g} "
                    "(a counter reset): judge this stage from a counts file",
                )
            increase[variant] = value - start
        return increase


def _decision_counts(reader: _Reader, d: Decision, plan: RolloutPlan) -> dict[str, float] | None:
    source = reader.source
    series = source.metrics.get(d.metric)
    if series is not None and series.slow_bucket_le is not None:
        le = series.slow_bucket_le
    elif series is None and is_latency(d) and plan.baseline.p95_latency_ms is not None:
        le = f"{plan.baseline.p95_latency_ms / 1000:g}"
    else:
        le = None
    if le is not None:
        extra = series.selector if series is not None else ""
        total = reader.counts(
            source.duration_bucket, ",".join(p for p in ('le="+Inf"', extra) if p)
        )
        fast = reader.counts(
            source.duration_bucket, ",".join(p for p in (f"le={_quote(le)}", extra) if p)
        )
        return {v: total[v] - fast.get(v, 0.0) for v in total}
    if series is not None and series.successes is not None:
        # A counter of good outcomes: the counted events are the requests without one
        # (the selector applies to both, as in the exported queries).
        requests = reader.counts(source.requests, series.selector)
        good = reader.counts(series.successes, series.selector)
        return {v: max(0.0, total - good.get(v, 0.0)) for v, total in requests.items()}
    if series is not None:
        return reader.counts(series.events or source.errors, series.selector)
    if d.metric == "error_rate":
        return reader.counts(source.errors)
    return None


def read_prometheus(
    base: str,
    plan: RolloutPlan,
    stage: Stage,
    source: MetricsSource,
    *,
    since: datetime,
    at: datetime,
) -> Observation:
    """Return the stage's counts per variant from Prometheus, between `since` and `at`.

    Raises:
        InputError: the plan names no flag, or the server cannot answer.
    """
    flag = plan.feature.flag
    if not flag:
        raise InputError(_SOURCE, "the plan names no feature flag to select the series by")
    reader = _Reader(base, source, flag, since, at)
    requests = reader.counts(source.requests)
    per_metric = {d.metric: _decision_counts(reader, d, plan) for d in stage.decisions}

    def arm(variant: str) -> Arm:
        counts: dict[str, float] = {}
        for key, values in per_metric.items():
            if values is None:
                continue
            if variant in values:
                counts[key] = values[variant]
            elif values or key == "error_rate":
                # The series exists for another variant, or no error was counted yet: zero.
                # A series missing for every variant is not measured: the metric is not judged.
                counts[key] = 0.0
        return Arm(transactions=round(requests.get(variant, 0.0)), counts=counts)

    control = arm(source.old_variant)
    return Observation(
        canary=arm(source.new_variant),
        control=control if control.transactions else None,
        source=f"Prometheus {base}",
        at=at,
        since=since,
    )
