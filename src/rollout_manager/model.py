"""The domain model: what is read from the documents and the plan built from it.

Every type here is part of the contract users rely on (``rollout plan --json``
and the published JSON Schema). Rates are fractions (0.008), latencies are
milliseconds, money is in the documents' currency, times are ISO 8601 with an
offset. Field docstrings become the schema's descriptions.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Generic, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class _Model(BaseModel):
    # Field docstrings are attached by `schema.attach_field_docstrings` when a schema is
    # made: one AST parse of this file is ~10x faster than pydantic's per-class lookup.
    model_config = ConfigDict(extra="forbid", defer_build=True)


# --------------------------------------------------------------------------- evidence


class Evidence(_Model):
    """Where a fact was read: a file, a line and the quoted text."""

    file: str
    """File name relative to the context folder, e.g. `baseline-metrics.md`."""
    line: int = Field(ge=1)
    """1-based line number of the quoted text."""
    text: str
    """The line as written, stripped of surrounding whitespace."""


class Fact(_Model, Generic[T]):
    """A value read from a document together with the evidence it rests on."""

    value: T
    """The normalised value (fractions for rates, milliseconds for latency)."""
    evidence: list[Evidence] = Field(default_factory=list)
    """The lines this value was read from; empty only for a stated default."""


class Level(StrEnum):
    """A three-step rating used for risk and its factors."""

    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


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


# --------------------------------------------------------------------------- context


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


class ErrorShare(_Model):
    """One line of the baseline error breakdown."""

    category: str
    """Error category as written, e.g. `Network timeout`."""
    share: float = Field(ge=0, le=1)
    """Fraction of all errors in this category."""
    expected: bool = False
    """True when the document marks these errors as expected (e.g. card declines)."""


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


# --------------------------------------------------------------------------- plan

Op = Literal["<", "<=", ">", ">=", "==", "!="]
Severity = Literal["WARNING", "CRITICAL"]
Strategy = Literal["canary", "progressive", "short_ramp", "direct"]
Purpose = Literal["smoke_test", "rollback_threshold", "parity_check", "full_rollout"]
Actor = Literal["engine", "on_call", "incident_commander"]
"""Who executes a rollback trigger: the engine at the stage's rollback boundary, or a person
paged for it."""


class FeatureSummary(_Model):
    """The feature being rolled out."""

    name: str
    """Feature name."""
    flag: str | None
    """Feature flag key, or null when the documents name none."""
    flag_state: str | None = None
    """Current flag state (`OFF`, `ON`)."""
    scope: str | None = None
    """Affected scope as written."""
    summary: str | None = None
    """What changes, in one line."""


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


class RiskFactor(_Model):
    """One dimension of risk."""

    name: str
    """`user_impact`, `revenue_impact`, `system_criticality`, `reversibility`,
    `change_complexity` or `timing`."""
    level: Level
    """LOW, MEDIUM or HIGH. For `reversibility` HIGH means easy to reverse,
    which lowers the overall risk."""
    rationale: str
    """One sentence saying why."""
    evidence: list[Evidence] = Field(default_factory=list)
    """Document lines the rating rests on."""
    risk_points: int = 0
    """Contribution to the overall score under the policy's scale."""


class RiskAssessment(_Model):
    """Overall risk and the strategy it calls for."""

    overall: Level
    """LOW, MEDIUM or HIGH."""
    strategy: Strategy
    """`canary` for HIGH, `progressive` for MEDIUM, `short_ramp` or `direct` for LOW."""
    strategy_rationale: str
    """Why this strategy fits the risk."""
    score: int
    """Sum of factor points; the policy's scale maps it to `overall`."""
    scale: str
    """The scale applied, e.g. `0-4 LOW, 5-7 MEDIUM, 8+ HIGH`."""
    factors: list[RiskFactor]
    """Each factor with its level, rationale and evidence."""
    overrides: list[str] = Field(default_factory=list)
    """Rules that raised the overall level above the score (e.g. irreversible data change)."""


class Threshold(_Model):
    """A measurable condition on one metric."""

    metric: str
    """Stable snake_case metric name, e.g. `error_rate`, `p95_latency_ms`."""
    op: Op
    """Comparison operator applied as `observed op value`."""
    value: float | None
    """Threshold in the metric's unit; null when the baseline it derives from is missing."""
    unit: str = ""
    """`fraction`, `ms`, `count`, `ratio` or the currency code."""
    description: str = ""
    """The condition in words, e.g. `Error rate <= 1.0% (baseline 0.8% + 0.2 points)`."""
    derivation: str = ""
    """Formula or rule the value comes from; `not set: ...` when it could not be computed."""
    acted_by: Actor | None = None
    """Rollback triggers only: `engine` (the exported rollback boundary rolls back), or the
    person paged who rolls back (`on_call`, `incident_commander`)."""


class SequentialBoundary(_Model):
    """Wald SPRT boundary at one sample size, for the on-call engineer."""

    transactions: int
    """Canary transactions seen so far (n)."""
    rollback_at_errors: int
    """Roll back when this many or more errors have been seen within n."""
    accept_at_errors: int | None
    """Accept (H0 holds) when at most this many errors; null when not yet possible."""


class BoundaryPoint(_Model):
    """One row of a cumulative rollback boundary."""

    n: int = Field(ge=1)
    """Transactions on the new path since the stage started."""
    k: int = Field(ge=1)
    """Roll back as soon as `k` or more counted events are seen within the first `n`."""


class GateTest(_Model):
    """The fixed test that lets a stage advance."""

    min_transactions: int = Field(ge=0)
    """Transactions the new path must have seen in this stage before it may advance."""
    hold_at_errors: int = Field(ge=1)
    """Advance only with fewer than this many counted events in `min_transactions`;
    this many or more holds the stage."""


class Decision(_Model):
    """The one decision rule of one metric in one stage: a gate test and a rollback boundary."""

    metric: str
    """Metric key the rule judges, e.g. `error_rate`, `change_error_rate`, `p95_latency_ms`."""
    label: str = ""
    """The metric in words."""
    event: str = ""
    """What is counted per transaction, e.g. `errors`, `requests slower than 890 ms`."""
    purpose: Purpose
    """What the stage is sized to show for this metric."""
    baseline_rate: float = Field(ge=0, le=1)
    """p0: share of transactions with the counted event when nothing is wrong."""
    alternative_rate: float = Field(ge=0, le=1)
    """p1: the regression this stage's boundary is sized to catch."""
    advance_threshold: float | None = None
    """The stated rate a count is judged against to advance (e.g. 1.0% error rate)."""
    rollback_threshold: float | None = None
    """The stated rate a count is judged against to roll back (e.g. 1.6% error rate)."""
    alpha: float = Field(ge=0, le=1)
    """False-rollback budget spent on this boundary."""
    power: float = Field(ge=0, le=1)
    """Chance the boundary is crossed within the stage's expected transactions at p1."""
    gate: GateTest
    """The fixed advance test."""
    rollback_boundary: list[BoundaryPoint] = Field(default_factory=list)
    """Roll back as soon as `k` or more events within the first `n` (`n` strictly increasing)."""
    false_rollback: float = Field(ge=0, le=1)
    """Chance a healthy stage crosses the boundary (exact)."""
    false_hold: float = Field(ge=0, le=1)
    """Chance a healthy stage fails its gate test (exact)."""
    exact: bool = True
    """False when the stage is too large for the exact sum: then `false_rollback` is an upper
    bound (sum of checkpoint tails) and `power` a lower bound (best checkpoint)."""
    description: str = ""
    """The rule in one sentence, as the gate checklist states it."""


class DecisionSummary(_Model):
    """What the plan's decisions cost and catch over the whole rollout."""

    false_rollback: float = Field(ge=0, le=1)
    """Chance a healthy rollout is rolled back somewhere (all stages and metrics)."""
    false_hold: float = Field(ge=0, le=1)
    """Chance a healthy rollout is held at some gate (all stages and metrics)."""
    method: str
    """How alpha was split across stages and metrics (e.g. `Bonferroni`)."""
    false_rollback_limit: float | None = None
    """The policy's total false-rollback limit the split was made to meet."""
    false_hold_limit: float | None = None
    """The policy's total false-hold limit the split was made to meet."""
    caught_2x_by_stage: int | None = None
    """First stage by which a 2x error-rate regression is caught with the policy's power."""
    notes: list[str] = Field(default_factory=list)
    """How the figures were computed."""


class Stage(_Model):
    """One step of the traffic ramp."""

    number: int = Field(ge=1)
    """1-based stage number."""
    traffic_percent: float = Field(gt=0, le=100)
    """Share of traffic on the new path, in percent."""
    duration_hours: float = Field(ge=0)
    """Scheduled hours from `start` to `end` (the gate), including waits for business hours."""
    required_hours: float = Field(ge=0)
    """Hours the stage's purpose needs at its traffic (statistics), before calendar rounding."""
    audience: str
    """Who gets the new path, e.g. `Internal employees`."""
    purpose: Purpose
    """Smoke test, rollback-threshold detection, parity check or full rollout."""
    purpose_text: str = ""
    """The purpose in words with its target."""
    start: datetime
    """Start time, ISO 8601 with offset."""
    end: datetime
    """Gate time (advance or roll back), ISO 8601 with offset."""
    success_criteria: list[Threshold]
    """Conditions that must all hold to advance."""
    expected_transactions: int = Field(ge=0)
    """Transactions the stage sees between `start` and `end`."""
    required_transactions: int = Field(ge=0)
    """Transactions the stage's purpose needs."""
    detectable_error_rate: float | None
    """Smallest true error rate this stage detects with the policy's power (exact one-sided
    binomial test at the policy's alpha); null without a baseline error rate."""
    power_at_rollback_threshold: float | None
    """Chance of detecting an error rate at the automatic rollback threshold."""
    sequential_boundaries: list[SequentialBoundary] = Field(default_factory=list)
    """`roll back if k or more errors within the first n transactions` table."""
    decisions: list[Decision] = Field(default_factory=list)
    """One decision rule per gated metric: the gate test and the rollback boundary."""
    notes: list[str] = Field(default_factory=list)
    """What the stage can and cannot see, calendar waits, and similar remarks."""


class Criteria(_Model):
    """What advances a stage and what rolls it back."""

    success: list[Threshold]
    """All must hold to advance."""
    auto_rollback: list[Threshold]
    """Any one rolls back at once; each says who executes it (`acted_by`): the engine at the
    stage's rollback boundary, or the person paged."""
    manual_rollback: list[Threshold]
    """Judgement calls that warrant a manual rollback."""


class MonitoredMetric(_Model):
    """A metric on the rollout dashboards."""

    name: str
    """Stable snake_case metric name."""
    kind: Literal["technical", "business"]
    """Technical (errors, latency) or business (revenue, conversion)."""
    description: str
    """What is measured."""
    split_by: list[str] = Field(default_factory=list)
    """Dimensions, e.g. `variant`, `error_type`."""
    baseline: float | None = None
    """Baseline value in the metric's unit, where known."""
    unit: str = ""
    """`fraction`, `ms`, `per_minute`, `count` or `ratio`."""
    derivation: str = ""
    """Where the baseline comes from, e.g. `15,000 a day / 1,440 minutes`."""


class Dashboard(_Model):
    """A dashboard the rollout needs."""

    name: str
    """Dashboard title."""
    panels: list[str]
    """What it shows."""


class Alert(_Model):
    """An alert rule."""

    name: str
    """Alert name, e.g. `ErrorRateWarning`."""
    severity: Severity
    """WARNING at the success threshold, CRITICAL at the rollback threshold."""
    metric: str
    """Stable snake_case metric name."""
    op: Op
    """Comparison operator."""
    value: float | None
    """Threshold in the metric's unit; null when its baseline is missing."""
    unit: str = ""
    """`fraction`, `ms`, `count`, `ratio` or the currency code."""
    derivation: str = ""
    """Formula or rule the threshold comes from (the criterion it mirrors)."""
    for_minutes: int = 5
    """How long the condition must hold before firing."""
    action: str = ""
    """What happens when it fires."""
    description: str = ""
    """The rule in words."""
    window_minutes: int | None = None
    """Length of the window a windowed alert counts over; null for a cumulative boundary."""
    min_transactions: int | None = None
    """The window must hold at least this many transactions before the alert can fire."""
    min_events: int | None = None
    """The window must hold at least this many counted events before the alert can fire."""
    false_pages_per_week: float | None = None
    """Expected pages per week on healthy traffic at the busiest stage the alert covers."""


class OnCall(_Model):
    """On-call cover during the rollout."""

    stages: list[int]
    """Stage numbers that need a dedicated engineer on call."""
    rotation: str
    """Who is on call (from `rollout.yaml` or a role)."""
    escalation: list[str]
    """Escalation path, in order."""
    response_minutes: int
    """Time to acknowledge a CRITICAL alert."""
    start: datetime | None = None
    """When the dedicated cover begins (stage 1 start)."""
    end: datetime | None = None
    """When it ends (the gate of the last covered stage; for HIGH risk, the end of the bake)."""
    legacy_removal_owner: str = ""
    """Who removes the previous path once it may go."""


class Monitoring(_Model):
    """What to watch, where, and who answers."""

    metrics: list[MonitoredMetric]
    """Technical and business metrics."""
    dashboards: list[Dashboard]
    """Dashboards to have before stage 1."""
    alerts: list[Alert]
    """WARNING and CRITICAL alert rules."""
    on_call: OnCall
    """On-call cover and escalation."""


class Stakeholder(_Model):
    """Who needs to know, what, when and how."""

    role: str
    """Role, e.g. `Engineering`, `Support`, `Leadership`."""
    needs: str
    """What they need to know."""
    when: str
    """When, in words (`T-2 days`, `each stage gate`)."""
    dates: list[datetime] = Field(default_factory=list)
    """The real dates of `when` for this plan."""
    channel: str
    """Channel, e.g. `Slack #platform`."""


class MessageTemplate(_Model):
    """A message filled with the plan's numbers."""

    name: str
    """`pre_rollout`, `stage_advancement`, `rollback`, `completion`."""
    subject: str
    """Subject line."""
    body: str
    """Message body (plain text, Markdown allowed)."""


class Communication(_Model):
    """Stakeholders and messages."""

    stakeholders: list[Stakeholder]
    """Stakeholder matrix."""
    templates: list[MessageTemplate]
    """The four message templates, filled in."""


class GateChecklist(_Model):
    """What to check before leaving a stage."""

    stage: int
    """Stage number the checklist closes (0: before stage 1)."""
    title: str = ""
    """What the gate decides, e.g. `Leave stage 2`."""
    items: list[str]
    """Checklist items, each a yes/no question or action."""


class RollbackStep(_Model):
    """One step of the rollback procedure."""

    step: int
    """1-based step number."""
    action: str
    """What to do."""
    owner: str = ""
    """Who does it."""
    expected_minutes: float | None = None
    """Expected time for this step, minutes."""


class Schedule(_Model):
    """The calendar the stages were placed in."""

    timezone: str
    """IANA time zone of the plan's local times."""
    start: datetime
    """First stage start."""
    end: datetime
    """Last stage end."""
    freezes: list[str] = Field(default_factory=list)
    """Freeze windows honoured, in words with dates."""
    peak_windows: list[str] = Field(default_factory=list)
    """Daily peak windows avoided for gates, in words."""
    gate_hours: str = ""
    """Local hours and days in which gates may happen."""
    legacy_removal: datetime | None = None
    """Earliest time the flag and the previous path may be removed (after the bake, and after
    any playbook's keep period such as a payments dispute window)."""
    legacy_removal_reason: str = ""
    """Why the previous path stays until then."""
    legacy_removal_owner: str = ""
    """Who removes it."""


class PlaybookUse(_Model):
    """A domain playbook the documents called for, and what it adds to the plan."""

    key: str
    """Policy key (`payments`, `identity`, `data_deletion`, ...)."""
    title: str
    """The domain in words."""
    score: int
    """Weight of the distinct cues found; the playbook's `min_score` or more."""
    cues: list[str] = Field(default_factory=list)
    """The words that matched, as written in the documents."""
    evidence: list[Evidence] = Field(default_factory=list)
    """Document lines with the cues."""
    risks: list[str] = Field(default_factory=list)
    """What goes wrong in this domain."""
    watch: list[str] = Field(default_factory=list)
    """Metrics to watch during the rollout."""


class StatisticsSettings(_Model):
    """The test settings every stage's numbers were computed with."""

    alpha: float
    """One-sided false-alarm rate of the gate tests."""
    power: float
    """Chance to detect the regression a stage is sized for."""
    baseline_error_rate: float | None
    """p0: the baseline error rate the tests compare against."""
    rollback_error_rate: float | None
    """p1 of the sequential test: the automatic rollback threshold."""
    smoke_error_rate: float | None
    """The gross failure a smoke test must catch."""
    parity_error_rate: float | None
    """The success limit a parity check must confirm."""
    revenue_cv: float
    """Assumed coefficient of variation of revenue per transaction."""
    revenue_transactions: int | None
    """Transactions per arm to see the revenue-drop trigger; null if revenue is not at stake."""


class RolloutPlan(_Model):
    """A complete rollout plan, ready for sign-off."""

    schema_version: Literal["1"] = "1"
    """Version of this JSON contract."""
    feature: FeatureSummary
    """The feature."""
    baseline: Baseline
    """Current numbers."""
    traffic: Traffic = Field(default_factory=lambda: Traffic(unit="transactions", per_day=None))
    """The stream the flag splits, in the team's unit."""
    risk: RiskAssessment
    """Risk assessment."""
    schedule: Schedule
    """Calendar."""
    stages: list[Stage]
    """Traffic ramp, strictly increasing, ending at 100%."""
    statistics: StatisticsSettings
    """The test settings behind every stage's detection numbers."""
    decision_summary: DecisionSummary | None = None
    """False rollback, false hold and detection of all the decisions together."""
    criteria: Criteria
    """Success and rollback criteria."""
    monitoring: Monitoring
    """Monitoring plan."""
    communication: Communication
    """Communication plan."""
    gate_checklist: list[GateChecklist]
    """One checklist per stage gate."""
    rollback_procedure: list[RollbackStep]
    """Numbered rollback steps."""
    expected_recovery_minutes: float | None = None
    """Expected time from the decision to roll back to full recovery."""
    irreversible_recovery_minutes: float | None = None
    """Expected recovery once an irreversible step has run (restore from backup); null when
    the plan has no such step or the documents give no restore time."""
    worst_case_exposure: str = ""
    """What a bad stage can cost before rollback, in words with numbers."""
    warnings: list[str] = Field(default_factory=list)
    """Things the team must know before signing (stages that cannot see their gate, ...)."""
    assumptions: list[str] = Field(default_factory=list)
    """Values assumed because the documents do not state them; every missing metric named."""
    next_steps: list[str] = Field(default_factory=list)
    """What to do after sign-off."""
    before_signing: list[str] = Field(default_factory=list)
    """What the executive summary raises up front (a start moved past a freeze, a start that
    does not fit, cohorts that are not random samples), a line each; `warnings` says more."""
    playbooks: list[PlaybookUse] = Field(default_factory=list)
    """Domain playbooks chosen from the documents (their checklist items and rollback steps
    are in `gate_checklist` and `rollback_procedure`)."""
