"""The baseline numbers: the stated metrics, the traffic the flag splits, the error mix."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from rollout_manager.model.evidence import Evidence, _Model


class ErrorShare(_Model):
    """One line of the baseline error breakdown."""

    category: str
    """Error category as written, e.g. `Network timeout`."""
    share: float = Field(ge=0, le=1)
    """Fraction of all errors in this category."""
    expected: bool = False
    """True when the document marks these errors as expected (e.g. card declines)."""


MetricKind = Literal["rate", "latency", "throughput", "ratio", "money", "lag", "count"]
Direction = Literal["higher_is_worse", "higher_is_better", "none"]


class Metric(_Model):
    """One metric the documents state: the team's own or a well-known one."""

    key: str
    """Stable snake_case key: `error_rate`, `p95_latency_ms`, ... or a slug of the label."""
    label: str
    """The label as the team wrote it, e.g. `Checkout API 5xx rate`."""
    kind: MetricKind
    """rate, latency, throughput, ratio, money, lag or count."""
    direction: Direction
    """Whether a higher value is worse, better, or neither (a plain volume)."""
    value: float
    """Baseline value in `unit` (rates as fractions, latencies in ms)."""
    unit: str
    """`fraction`, `ms`, `per_day`, `seconds`, `count` or a currency code."""
    evidence: list[Evidence] = Field(default_factory=list)
    """Where it was read (or recorded)."""


class Traffic(_Model):
    """The stream the flag splits, in the team's own unit."""

    unit: str
    """What is counted, plural: `transactions`, `logins`, `messages`, `searches`, ..."""
    per_day: float | None
    """Count per day (converted from the stated time base); null when no document states it."""
    evidence: list[Evidence] = Field(default_factory=list)
    """Where it was read, recorded or declared."""
    source: str = ""
    """Why this stream was chosen when the documents state several, or where it was declared."""


class Baseline(_Model):
    """Current numbers; null where the documents do not state them."""

    error_rate: float | None
    """Share of failed transactions, 0-1."""
    p50_latency_ms: float | None
    """Median latency, ms."""
    p95_latency_ms: float | None
    """95th percentile latency, ms."""
    p99_latency_ms: float | None
    """99th percentile latency, ms."""
    success_rate: float | None
    """Share of successful transactions, 0-1."""
    timeout_rate: float | None
    """Share of timed-out transactions, 0-1."""
    daily_transactions: float | None
    """Transactions per day."""
    avg_transaction_value: float | None
    """Average transaction value, in `currency`."""
    daily_revenue: float | None
    """Revenue per day, in `currency`."""
    currency: str = "USD"
    """ISO 4217 currency code."""
    error_breakdown: list[ErrorShare] = Field(default_factory=list)
    """Error categories and their shares."""
    evidence: dict[str, list[Evidence]] = Field(default_factory=dict)
    """Evidence per baseline field name."""
    metrics: list[Metric] = Field(default_factory=list)
    """Every stated metric with its kind, direction, unit and evidence."""
