"""The rollout policy: built-in rules plus a team's `rollout.yaml`.

The packaged `data/policy.yaml` holds every rule the planner applies. A team's
`rollout.yaml` next to the context documents is deep-merged over it and also
holds the user's adjustments (start date, time zone, freezes, channels,
per-stage changes). Unknown keys and wrong types are an `InputError` naming
the key.
"""

from __future__ import annotations

import copy
import re
from datetime import time
from functools import cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
    model_validator,
)

from rollout_manager.errors import InputError
from rollout_manager.model import Level, Purpose, Strategy
from rollout_manager.planning.metrics_source import MetricsSource
from rollout_manager.planning.plain_text import PlainLine, check_placeholders
from rollout_manager.planning.settings_file import PlanningMoment, read_config
from rollout_manager.reading.declared import DeclaredTraffic, RecordedFact

CONFIG_NAME = "rollout.yaml"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_WEEK_MINUTES = 7 * 24 * 60

Audience = Literal["internal", "low_value", "sampled", "everyone"]
AppliesWhen = Literal["always", "money", "regulated", "money_or_regulated"]


class _Strict(BaseModel):
    # No infinity or NaN anywhere: every number a rule holds is a real, bounded figure.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class RiskPoints(_Strict):
    default: dict[Level, int]
    reversibility: dict[Level, int]


class RiskScale(_Strict):
    low_max: int = Field(ge=0, le=100)
    medium_max: int = Field(ge=0, le=100)


class UserImpactRule(_Strict):
    high_share: float = Field(gt=0, le=1)
    medium_share: float = Field(gt=0, le=1)


class ComplexityRule(_Strict):
    high_at: int = Field(ge=0, le=100)
    medium_at: int = Field(ge=0, le=100)


class RiskPolicy(_Strict):
    points: RiskPoints
    scale: RiskScale
    user_impact: UserImpactRule
    change_weights: dict[str, Annotated[int, Field(ge=0, le=100)]]
    complexity: ComplexityRule
    fast_rollback_minutes: float = Field(ge=0, le=_WEEK_MINUTES)
    event_near_days: int = Field(ge=0, le=366)
    strategies: dict[Level, Strategy]
    direct_max_score: int = Field(ge=0, le=100)


class LadderStep(_Strict):
    traffic_percent: float = Field(gt=0, le=100)
    audience: Audience
    purpose: Purpose


class Tolerances(_Strict):
    # Bounded so every stage size stays a real count: a 1.0000001x regression or a
    # 7e-286 revenue drop would need more transactions than any rollout sees.
    error_rate_points: float = Field(ge=0.0001, le=0.5)
    p95_relative: float = Field(ge=0, le=10)
    rollback_error_multiplier: float = Field(ge=1.05, le=100)
    rollback_p95_multiplier: float = Field(ge=1.05, le=100)
    revenue_drop: float = Field(ge=0.001, lt=1)
    smoke_multiplier: float = Field(ge=1.05, le=100)


class StatisticsPolicy(_Strict):
    alpha: float = Field(ge=1e-6, le=0.25)
    power: float = Field(ge=0.5, le=0.9999)
    revenue_cv: float = Field(ge=0.01, le=100)
    false_rollback_total: float = Field(default=0.05, ge=1e-6, le=0.25)
    """Most chance a healthy rollout is rolled back by any boundary (all stages and metrics)."""
    false_hold_total: float = Field(default=0.10, ge=1e-6, lt=0.5)
    """Most chance a healthy rollout is held by any gate (all stages and metrics)."""
    boundary_checkpoints: int = Field(default=6, ge=1, le=12)
    """Checkpoints of each stage's rollback boundary (doubling up to the stage's traffic)."""
    boundary_final_share: float = Field(default=0.5, ge=0.01, le=1)
    """Share of a boundary's alpha spent at its last checkpoint (the stage's sized power)."""
    holdback_levels: list[Level] = Field(default_factory=lambda: [Level.HIGH])
    """Risk levels whose 100% bake keeps a holdback on the old path as the revenue control."""
    holdback_percent: float = Field(default=5, ge=0.1, lt=50)
    """Share of traffic kept on the old path during the bake, when a holdback is kept."""
    peak_factor: float = Field(default=2.0, ge=1, le=100)
    """Peak-hour traffic as a multiple of the daily average, when no document states it."""


Weekday = Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
FreezeCondition = Literal["always", "money", "revenue_critical", "money_or_revenue_critical"]
_DATE_RULE = r"^(\d{2}-\d{2}|thanksgiving([+-]\d{1,2})?)$"


class SeasonalFreeze(_Strict):
    """A freeze that comes back every year, for the risk levels it names."""

    name: PlainLine
    start: str = Field(pattern=_DATE_RULE)
    """First frozen day: `MM-DD`, or `thanksgiving+N` (days after US Thanksgiving)."""
    end: str = Field(pattern=_DATE_RULE)
    """Last frozen day, inclusive, in the same form (before `start`: the next year)."""
    risk_levels: list[Level]
    applies_when: FreezeCondition = "always"
    reason: PlainLine
    enabled: bool = True


class CalendarPolicy(_Strict):
    timezone: str
    gate_start: time
    gate_end: time
    gate_days: list[Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]] = Field(
        min_length=1, max_length=7
    )
    skip_holidays: bool
    min_stage_hours: float = Field(ge=0, le=24 * 30)
    round_to_days: bool
    bake_hours: float = Field(ge=0, le=24 * 90)
    lead_business_days: int = Field(default=3, ge=0, le=30)
    """Business days before the start that sign-off, briefings and alert test-fire need."""
    gate_days_by_risk: dict[Level, Annotated[list[Weekday], Field(min_length=1)]] = Field(
        default_factory=dict
    )
    """Gate days for a risk level, replacing `gate_days` (HIGH: Mon-Thu)."""
    no_gate_on_eve: list[Level] = Field(default_factory=list)
    """Risk levels that never pass a gate on the last business day before a holiday or freeze."""
    fit_before_freeze: list[Level] = Field(default_factory=list)
    """Risk levels whose ramp must bake before a seasonal freeze, else start after it."""
    seasonal_freezes: dict[str, SeasonalFreeze | None] = Field(default_factory=dict, max_length=50)
    """Yearly freezes by key; `null` or `enabled: false` in rollout.yaml removes one."""

    @field_validator("gate_days")
    @classmethod
    def _distinct_days(cls, days: list[str]) -> list[str]:
        if len(set(days)) != len(days):
            raise ValueError(f"names a day twice: {days}")
        return days

    @field_validator("gate_start", "gate_end", mode="before")
    @classmethod
    def _hhmm(cls, value: object) -> object:
        # YAML reads 09:00 as a string; 540 (sexagesimal) only from unquoted 9:00.
        if isinstance(value, int) and 0 <= value < 24 * 60:
            return time(value // 60, value % 60)
        return value

    @model_validator(mode="after")
    def _gates_open_before_they_close(self) -> CalendarPolicy:
        if self.gate_start >= self.gate_end:
            raise ValueError(
                f"gate_start {self.gate_start:%H:%M} must be before gate_end {self.gate_end:%H:%M}"
            )
        return self


class AlertPolicy(_Strict):
    warning_for_minutes: int = Field(ge=0, le=24 * 60)
    critical_for_minutes: int = Field(ge=0, le=24 * 60)
    warning_window_minutes: int = Field(default=60, ge=1, le=24 * 60)
    """Window a WARNING counts over."""
    warning_min_transactions: int = Field(default=300, ge=1, le=10**9)
    """A WARNING needs at least this many transactions in its window."""
    warning_min_events: int = Field(default=5, ge=1, le=10**6)
    """A WARNING needs at least this many counted events in its window."""
    max_false_pages_per_week: float = Field(default=1.0, gt=0, le=1000)
    """Most pages a WARNING may send per week on healthy traffic."""


class OnCallPolicy(_Strict):
    rotation: PlainLine
    through_stage: int = Field(ge=0, le=20)
    through_bake_for: list[Level] = Field(default_factory=list)
    """Risk levels covered through every stage to the end of the bake."""
    legacy_removal_owner: PlainLine = "Owning team's tech lead"
    response_minutes: int = Field(ge=1, le=24 * 60)
    escalation: list[PlainLine] = Field(max_length=20)


class RollbackPolicy(_Strict):
    drain_minutes: float = Field(ge=0, le=_WEEK_MINUTES)
    decide_minutes: float = Field(ge=0, le=_WEEK_MINUTES)
    default_redeploy_minutes: float = Field(ge=0, le=_WEEK_MINUTES)
    review_business_days: int = Field(ge=0, le=60)


class StakeholderRule(_Strict):
    role: PlainLine
    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    needs: PlainLine
    when: PlainLine
    offset_business_days: int = Field(0, ge=-60, le=60)
    at_gates: bool = False
    weekly: bool = False
    applies_when: AppliesWhen = "always"


class MessageWording(_Strict):
    subject: str = Field(max_length=200, pattern=r"^[^\x00-\x1f]*$")
    body: str = Field(max_length=4000)

    @field_validator("subject", "body")
    @classmethod
    def _plain_placeholders(cls, text: str) -> str:
        return check_placeholders(text)


class CommunicationPolicy(_Strict):
    channels: dict[str, PlainLine]
    stakeholders: list[StakeholderRule] = Field(max_length=30)
    templates: dict[
        Literal["pre_rollout", "stage_advancement", "rollback", "completion"], MessageWording
    ]


class PlaybookStep(_Strict):
    """A rollback step a playbook adds."""

    action: str
    owner: str = "Owning team"


class Playbook(_Strict):
    """What a domain (payments, login, ...) adds to a plan when the documents describe one."""

    title: str
    cues: dict[str, int]
    """Case-insensitive regular expressions and their weight; each counts once."""
    min_score: int = Field(default=3, ge=1)
    """Chosen when the weights of the distinct cues found reach this (one mention does not)."""
    risks: list[str] = Field(default_factory=list)
    watch: list[str] = Field(default_factory=list)
    checklist: list[str] = Field(default_factory=list)
    rollback: list[PlaybookStep] = Field(default_factory=list)
    undo_note: str = ""
    """Appended to the flag-off step: what turning the flag off does not undo."""
    support_note: str = ""
    """Replaces the rollback message's advice to support."""
    keep_legacy_days: int = Field(default=0, ge=0)
    """The previous path stays this many days after 100% before it is removed."""
    keep_legacy_reason: str = ""
    ladder: list[LadderStep] | None = None
    """Traffic steps this domain imposes (a store's phased release), replacing the strategy's."""
    ladder_reason: str = ""

    @field_validator("cues")
    @classmethod
    def _patterns_compile(cls, cues: dict[str, int]) -> dict[str, int]:
        for pattern, weight in cues.items():
            try:
                re.compile(pattern)
            except re.error as error:
                raise ValueError(f"cue {pattern!r} is not a regular expression: {error}") from None
            if weight < 1:
                raise ValueError(f"cue {pattern!r} needs a weight of at least 1")
        return cues


class CohortPolicy(_Strict):
    """What the team knows about its cohorts (stage audiences)."""

    staff_count: int | None = Field(default=None, ge=1)
    """Staff accounts that use the changed path (sizes the internal stage)."""
    staff_daily_per_person: float = Field(default=1.0, gt=0)
    """Transactions one staff account makes a day on the changed path."""


class FreezeWindow(_Strict):
    """A freeze declared by the team: no stage starts or advances inside it."""

    name: PlainLine
    start: PlanningMoment
    end: PlanningMoment
    """Inclusive when a date (the whole day is frozen), exclusive when a date-time."""


class StageAdjustment(_Strict):
    """A user's change to one stage."""

    stage: int = Field(ge=1, le=20)
    duration_hours: float | None = Field(default=None, gt=0, le=24 * 90)
    traffic_percent: float | None = Field(default=None, gt=0, le=100)


class Policy(_Strict):
    """Every rule the planner applies, plus the team's adjustments."""

    risk: RiskPolicy
    ladders: dict[Strategy, Annotated[list[LadderStep], Field(max_length=20)]]
    tolerances: Tolerances
    statistics: StatisticsPolicy
    calendar: CalendarPolicy
    alerts: AlertPolicy
    on_call: OnCallPolicy
    rollback: RollbackPolicy
    communication: CommunicationPolicy
    # Adjustments: usually written by `adjust_plan` or by hand in rollout.yaml.
    start: PlanningMoment | None = None
    timezone: str | None = None
    freezes: list[FreezeWindow] = Field(default_factory=list, max_length=200)
    stages: list[StageAdjustment] = Field(default_factory=list, max_length=20)
    strategy: Strategy | None = None
    metrics_source: MetricsSource = Field(default_factory=MetricsSource)
    # Facts: recorded with a verified quote (`record_fact`) or declared by a person.
    facts: list[RecordedFact] = Field(default_factory=list, max_length=200)
    traffic: DeclaredTraffic | None = None
    baseline: dict[
        Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9_]{0,60}$")],
        Annotated[float, Field(ge=0, lt=1e13, allow_inf_nan=False)],
    ] = Field(default_factory=dict)
    playbooks: dict[str, Playbook | None] = Field(default_factory=dict)
    cohorts: CohortPolicy = Field(default_factory=CohortPolicy)

    @field_validator("ladders")
    @classmethod
    def _ladders_climb_to_100(
        cls, ladders: dict[Strategy, list[LadderStep]]
    ) -> dict[Strategy, list[LadderStep]]:
        for name, steps in ladders.items():
            traffic = [step.traffic_percent for step in steps]
            if not traffic or traffic[-1] != 100:
                raise ValueError(f"ladder '{name}' must end at 100%")
            if any(b <= a for a, b in pairwise(traffic)):
                raise ValueError(f"ladder '{name}' must strictly increase: {traffic}")
        return ladders

    def gate_weekdays(self, risk: Level | None = None) -> frozenset[int]:
        """Gate days as `datetime.weekday()` numbers (for `risk`, when the policy narrows them)."""
        days = self.calendar.gate_days
        if risk is not None and risk in self.calendar.gate_days_by_risk:
            days = self.calendar.gate_days_by_risk[risk]
        return frozenset(WEEKDAYS.index(day) for day in days)

    def active_playbooks(self) -> dict[str, Playbook]:
        """Playbooks not removed in rollout.yaml."""
        return {key: book for key, book in self.playbooks.items() if book is not None}

    def active_seasonal_freezes(self) -> dict[str, SeasonalFreeze]:
        """Seasonal freezes not removed in rollout.yaml."""
        return {
            key: rule
            for key, rule in self.calendar.seasonal_freezes.items()
            if rule is not None and rule.enabled
        }


@cache
def _default_policy_data() -> dict[str, Any]:
    text = (resources.files("rollout_manager") / "data" / "policy.yaml").read_text("utf-8")
    # libyaml's loader when PyYAML has it: the pure-Python one costs about 9 ms a start.
    data: dict[str, Any] = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    return data


def _deep_merge(base: dict[str, Any], override: dict[str, Any]) -> dict[str, Any]:
    merged = copy.deepcopy(base)
    for key, value in override.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = _deep_merge(merged[key], value)
        else:
            merged[key] = copy.deepcopy(value)
    return merged


_MISSING = object()


def _key_path(loc: tuple[int | str, ...], data: object) -> str:
    """The part of a pydantic error location that names keys the user wrote.

    Union members add type names (`start.date`) to the location; walking the
    input keeps only the keys and list indexes that exist in the file.
    """
    parts: list[str] = []
    node = data
    for part in loc:
        child: object = _MISSING
        if isinstance(node, dict):
            child = node.get(part, _MISSING)
        elif isinstance(node, list) and isinstance(part, int) and part < len(node):
            child = node[part]
        if child is _MISSING:
            if isinstance(node, dict):  # a key the file has but the policy does not
                parts.append(str(part))
            break
        node = child
        parts.append(str(part))
    return ".".join(parts) or "(top level)"


def _validation_error(source: str, error: ValidationError, data: object) -> InputError:
    first = error.errors()[0]
    key = _key_path(first["loc"], data)
    if first["type"] == "extra_forbidden":
        return InputError(source, f"unknown key '{key}'")
    return InputError(source, f"key '{key}': {first['msg']}")


def policy_from_overrides(overrides: dict[str, Any], *, source: str = CONFIG_NAME) -> Policy:
    """The default policy with `overrides` deep-merged over it.

    Raises:
        InputError: an unknown key or a value of the wrong type, named.
    """
    merged = _deep_merge(_default_policy_data(), overrides)
    try:
        return Policy.model_validate(merged)
    except ValidationError as error:
        raise _validation_error(source, error, merged) from None


def default_policy() -> Policy:
    """The built-in policy with no team settings."""
    return policy_from_overrides({}, source="built-in policy")


def load_policy(context_dir: Path, config: Path | None = None) -> Policy:
    """The policy for a context folder: built-in rules plus its `rollout.yaml`.

    Args:
        context_dir: the folder holding the context documents.
        config: an explicit settings file; default `context_dir/rollout.yaml` when present.
    """
    path = config if config is not None else Path(context_dir) / CONFIG_NAME
    try:
        absent = config is None and not path.is_file()
    except OSError as error:  # a name too long for the file system
        raise InputError(str(path), f"cannot be read ({error.strerror})") from None
    if absent:
        return default_policy()
    return policy_from_overrides(read_config(path), source=str(path))
