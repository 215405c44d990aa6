"""What is read from the context documents, each fact with its evidence."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field

from rollout_manager.model.evidence import Evidence, Fact, _Model
from rollout_manager.model.metrics import ErrorShare, Metric, Traffic


class ChangeType(StrEnum):
    """Kinds of technical change recognised in a feature description."""

    SDK_INTEGRATION = "sdk_integration"
    SCHEMA_CHANGE = "schema_change"
    DESTRUCTIVE_MIGRATION = "destructive_migration"
    DATA_MIGRATION = "data_migration"
    WEBHOOKS = "webhooks"
    API_CHANGE = "api_change"
    PROVIDER_MIGRATION = "provider_migration"
    INFRASTRUCTURE = "infrastructure"
    UI_CHANGE = "ui_change"
    CONFIG_CHANGE = "config_change"


class RollbackMechanism(StrEnum):
    """How the change is undone."""

    FLAG_TOGGLE = "flag_toggle"
    REDEPLOY = "redeploy"
    RESTORE_FROM_BACKUP = "restore_from_backup"
    NONE = "none"


class PeakWindow(_Model):
    """A daily window of peak traffic in which no stage starts or advances."""

    start: str = Field(pattern=r"^\d{2}:\d{2}$")
    """Local start time, `HH:MM` (24 h)."""
    end: str = Field(pattern=r"^\d{2}:\d{2}$")
    """Local end time, `HH:MM` (24 h)."""
    timezone: str
    """IANA time zone, e.g. `America/New_York` for `EST`."""


class Dependency(_Model):
    """A prerequisite named in the feature description and its status."""

    name: str
    """The dependency as written, e.g. `Database migration`."""
    status: str
    """Upper-case status word: YES, NO, COMPLETED, READY, OFF, ON, PENDING, ..."""
    ready: bool
    """Whether the status means the dependency is in place."""


class NamedFreeze(_Model):
    """A period the documents say not to launch in, by month and day (inclusive)."""

    name: str
    """The event as the document names it (`summer sale`)."""
    start_month: int = Field(ge=1, le=12)
    start_day: int = Field(ge=1, le=31)
    end_month: int = Field(ge=1, le=12)
    end_day: int = Field(ge=1, le=31)
    year: int | None = None
    """The year when the text states one; otherwise resolved against the plan's year."""


class FeatureFacts(_Model):
    """Facts read from `feature-description.md`."""

    name: Fact[str] | None = None
    """Feature name, from the title."""
    summary: Fact[str] | None = None
    """One line saying what changes."""
    flag: Fact[str] | None = None
    """Feature flag key, e.g. `payment_pipeline_v2`."""
    flag_state: Fact[str] | None = None
    """Current flag state as written, upper case (`OFF`, `ON`)."""
    scope: Fact[str] | None = None
    """Affected scope as written, e.g. `ALL checkout transactions`."""
    scope_share: Fact[float] | None = None
    """Share of users or transactions affected, 0-1 (`ALL` is 1.0)."""
    revenue_critical: Fact[bool] | None = None
    """The change sits on a revenue-critical path."""
    mission_critical: Fact[bool] | None = None
    """The system is called mission- or business-critical."""
    moves_money: Fact[bool] | None = None
    """The change touches payments, charges or refunds."""
    regulated: Fact[bool] | None = None
    """The documents mention regulation or compliance (PCI, GDPR, SOX, ...)."""
    change_types: list[Fact[ChangeType]] = Field(default_factory=list)
    """Kinds of technical change, each with its evidence."""
    backwards_compatible: Fact[bool] | None = None
    """Whether API changes are declared backwards compatible."""
    rollback_mechanism: Fact[RollbackMechanism] | None = None
    """How the change is undone."""
    rollback_minutes: Fact[float] | None = None
    """Time to undo the change in minutes (`immediately` reads as 1)."""
    dual_write: Fact[bool] | None = None
    """Data is written to both old and new stores, so no data rollback is needed."""
    data_rollback_needed: Fact[bool] | None = None
    """Undoing the change also needs data to be restored or migrated back."""
    peak_windows: list[Fact[PeakWindow]] = Field(default_factory=list)
    """Daily peak traffic windows with their time zone."""
    events: list[Fact[str]] = Field(default_factory=list)
    """Named business events, as slugs: `black_friday_weekend`, `month_end_close`, ..."""
    dependencies: list[Fact[Dependency]] = Field(default_factory=list)
    """Prerequisites and their status."""
    daily_volume: Fact[float] | None = None
    """Daily transactions or requests named in the feature description."""
    freezes: list[Fact[NamedFreeze]] = Field(default_factory=list)
    """Periods with dates the text says not to launch in (`no launches during ..., 1-7 July`)."""


class BaselineFacts(_Model):
    """Facts read from `baseline-metrics.md`."""

    p50_latency_ms: Fact[float] | None = None
    """Median latency in milliseconds."""
    p95_latency_ms: Fact[float] | None = None
    """95th percentile latency in milliseconds."""
    p99_latency_ms: Fact[float] | None = None
    """99th percentile latency in milliseconds."""
    success_rate: Fact[float] | None = None
    """Share of successful transactions, 0-1."""
    error_rate: Fact[float] | None = None
    """Share of failed transactions, 0-1."""
    timeout_rate: Fact[float] | None = None
    """Share of timed-out transactions, 0-1."""
    daily_transactions: Fact[float] | None = None
    """Transactions (or requests) per day."""
    avg_transaction_value: Fact[float] | None = None
    """Average value of one transaction, in `currency`."""
    daily_revenue: Fact[float] | None = None
    """Revenue per day, in `currency`."""
    currency: str = "USD"
    """ISO 4217 code of the money amounts (`$` reads as USD)."""
    error_breakdown: list[Fact[ErrorShare]] = Field(default_factory=list)
    """Error categories and their shares."""


class RolloutContext(_Model):
    """Everything read from a context folder, each fact with its evidence."""

    folder: str
    """The context folder as given."""
    feature: FeatureFacts = Field(default_factory=FeatureFacts)
    """Facts from the feature description."""
    baseline: BaselineFacts = Field(default_factory=BaselineFacts)
    """Facts from the baseline metrics."""
    missing: list[str] = Field(default_factory=list)
    """Expected facts that no document states (e.g. `baseline.p95_latency_ms`)."""
    warnings: list[str] = Field(default_factory=list)
    """Inconsistencies found while reading, each with both figures."""
    metrics: list[Metric] = Field(default_factory=list)
    """Every metric stated (read, recorded by the agent or declared in rollout.yaml)."""
    traffic: Traffic | None = None
    """The stream the flag splits, in the team's unit; None when nothing states it."""
    not_understood: list[Evidence] = Field(default_factory=list)
    """Baseline lines with a number that no reader understood."""
    recorded: list[str] = Field(default_factory=list)
    """Facts taken from rollout.yaml (`facts:`, `traffic:`, `baseline:`), described."""
    lines: list[Evidence] = Field(default_factory=list, exclude=True)
    """Every meaningful document line, for domain playbooks (not part of the JSON)."""
