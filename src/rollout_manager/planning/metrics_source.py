"""Where a team's Prometheus keeps the series the plan's decisions count.

`rollout.yaml` `metrics_source:` names the user's series and labels; the
defaults are the names rollout-manager's own exports and gate verdicts
assume. Exports write queries over these names and `rollout gate
--prometheus` reads them, so both judge the same counts.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class MetricSeries(BaseModel):
    """The series that count one gated metric's events, when not the default error counter."""

    model_config = ConfigDict(extra="forbid")

    events: str | None = None
    """Counter of the metric's events (e.g. `checkout_declines_total`); null: the errors one."""
    selector: str = ""
    """Extra label matchers inside `{...}`, e.g. `code=~"5.."`."""
    slow_bucket_le: str | None = None
    """For a latency metric: the histogram bucket's `le` at the baseline percentile, e.g. `0.89`."""


class MetricsSource(BaseModel):
    """The team's Prometheus series and labels; every field has the documented default."""

    model_config = ConfigDict(extra="forbid")

    address: str = "http://prometheus:9090"
    """Prometheus base URL the engines query."""
    requests: str = "rollout_requests_total"
    """Counter of transactions (requests, logins, messages...) by flag and variant."""
    errors: str = "rollout_errors_total"
    """Counter of failed transactions by flag and variant."""
    duration_bucket: str = "rollout_request_duration_seconds_bucket"
    """Latency histogram buckets, in seconds."""
    flag_label: str = "flag"
    """Label holding the feature flag key."""
    variant_label: str = "variant"
    """Label holding the variant served."""
    new_variant: str = "on"
    """Variant value of the new path."""
    old_variant: str = "off"
    """Variant value of the old path (the control)."""
    metrics: dict[str, MetricSeries] = Field(default_factory=dict)
    """Per gated metric key (e.g. `change_error_rate`), where its events are counted."""
