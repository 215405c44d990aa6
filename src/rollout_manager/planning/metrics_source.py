"""Where a team's Prometheus keeps the series the plan's decisions count.

`rollout.yaml` `metrics_source:` names the user's series and labels; the
defaults are the names rollout-manager's own exports and gate verdicts
assume. Exports write queries over these names and `rollout gate
--prometheus` reads them, so both judge the same counts.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError


class MetricSeries(BaseModel):
    """The series that count one gated metric's events, when not the default error counter.

    A metric's counted events are its bad ones: declines, crashes, failed checkouts.
    A team that counts the good outcomes instead (conversions, crash-free sessions)
    maps `successes:`; the counted events are then transactions minus successes.
    """

    model_config = ConfigDict(extra="forbid")

    events: str | None = None
    """Counter of the metric's bad events (e.g. `checkout_declines_total`); null: the errors one."""
    successes: str | None = None
    """Counter of the metric's good outcomes (e.g. `checkout_conversions_total`): the counted
    events are transactions minus successes. Never together with `events`."""
    selector: str = ""
    """Extra label matchers inside `{...}`, e.g. `code=~"5.."`."""
    slow_bucket_le: str | None = None
    """For a latency metric: the histogram bucket's `le` at the baseline percentile, e.g. `0.89`."""

    @model_validator(mode="after")
    def _one_counter(self) -> MetricSeries:
        if self.events is not None and self.successes is not None:
            raise PydanticCustomError(
                "events_and_successes",
                "give either events (a counter of failures) or successes (a counter of good "
                "outcomes), not both",
            )
        return self


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
