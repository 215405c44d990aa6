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
from datetime import date, datetime, time
from functools import cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from rollout_manager.errors import InputError
from rollout_manager.model import Level, Purpose, Strategy
from rollout_manager.planning.metrics_source import MetricsSource
from rollout_manager.reading.declared import DeclaredTraffic, RecordedFact
from rollout_manager.storage import read_user_text

CONFIG_NAME = "rollout.yaml"
MAX_CONFIG_BYTES = 256 * 1024
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")

Audience = Literal["internal", "low_value", "sampled", "everyone"]
AppliesWhen = Literal["always", "money", "regulated", "money_or_regulated"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class RiskPoints(_Strict):
    default: dict[Level, int]
    reversibility: dict[Level, int]


class RiskScale(_Strict):
    low_max: int
    medium_max: int


class UserImpactRule(_Strict):
    high_share: float = Field(gt=0, le=1)
    medium_share: float = Field(gt=0, le=1)


class ComplexityRule(_Strict):
    high_at: int
    medium_at: int


class RiskPolicy(_Strict):
    points: RiskPoints
    scale: RiskScale
    user_impact: UserImpactRule
    change_weights: dict[str, int]
    complexity: ComplexityRule
    fast_rollback_minutes: float
    event_near_days: int
    strategies: dict[Level, Strategy]
    direct_max_score: int


class LadderStep(_Strict):
    traffic_percent: float = Field(gt=0, le=100)
    audience: Audience
    purpose: Purpose


class Tolerances(_Strict):
    error_rate_points: float = Field(ge=0, lt=1)
    p95_relative: float = Field(ge=0)
    rollback_error_multiplier: float = Field(gt=1)
    rollback_p95_multiplier: float = Field(gt=1)
    revenue_drop: float = Field(gt=0, lt=1)
    smoke_multiplier: float = Field(gt=1)


class StatisticsPolicy(_Strict):
    alpha: float = Field(gt=0, lt=0.5)
    power: float = Field(gt=0.5, lt=1)
    revenue_cv: float = Field(gt=0)
    sprt_checkpoints: list[int]
    false_rollback_total: float = Field(default=0.05, gt=0, lt=0.5)
    """Most chance a healthy rollout is rolled back by any boundary (all stages and metrics)."""
    false_hold_total: float = Field(default=0.10, gt=0, lt=0.5)
    """Most chance a healthy rollout is held by any gate (all stages and metrics)."""
    boundary_checkpoints: int = Field(default=6, ge=1, le=12)
    """Checkpoints of each stage's rollback boundary (doubling up to the stage's traffic)."""
    boundary_final_share: float = Field(default=0.5, gt=0, le=1)
    """Share of a boundary's alpha spent at its last checkpoint (the stage's sized power)."""
    holdback_levels: list[Level] = Field(default_factory=lambda: [Level.HIGH])
    """Risk levels whose 100% bake keeps a holdback on the old path as the revenue control."""
    holdback_percent: float = Field(default=5, gt=0, lt=50)
    """Share of traffic kept on the old path during the bake, when a holdback is kept."""
    peak_factor: float = Field(default=2.0, ge=1)
    """Peak-hour traffic as a multiple of the daily average, when no document states it."""


Weekday = Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]
FreezeCondition = Literal["always", "money", "revenue_critical", "money_or_revenue_critical"]
_DATE_RULE = r"^(\d{2}-\d{2}|thanksgiving([+-]\d{1,2})?)$"


class SeasonalFreeze(_Strict):
    """A freeze that comes back every year, for the risk levels it names."""

    name: str
    start: str = Field(pattern=_DATE_RULE)
    """First frozen day: `MM-DD`, or `thanksgiving+N` (days after US Thanksgiving)."""
    end: str = Field(pattern=_DATE_RULE)
    """Last frozen day, inclusive, in the same form (before `start`: the next year)."""
    risk_levels: list[Level]
    applies_when: FreezeCondition = "always"
    reason: str
    enabled: bool = True


class CalendarPolicy(_Strict):
    timezone: str
    gate_start: time
    gate_end: time
    gate_days: list[Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]]
    skip_holidays: bool
    min_stage_hours: float = Field(ge=0)
    round_to_days: bool
    bake_hours: float = Field(ge=0)
    lead_business_days: int = Field(default=3, ge=0, le=30)
    """Business days before the start that sign-off, briefings and alert test-fire need."""
    gate_days_by_risk: dict[Level, list[Weekday]] = Field(default_factory=dict)
    """Gate days for a risk level, replacing `gate_days` (HIGH: Mon-Thu)."""
    no_gate_on_eve: list[Level] = Field(default_factory=list)
    """Risk levels that never pass a gate on the last business day before a holiday or freeze."""
    fit_before_freeze: list[Level] = Field(default_factory=list)
    """Risk levels whose ramp must bake before a seasonal freeze, else start after it."""
    seasonal_freezes: dict[str, SeasonalFreeze | None] = Field(default_factory=dict)
    """Yearly freezes by key; `null` or `enabled: false` in rollout.yaml removes one."""

    @field_validator("gate_start", "gate_end", mode="before")
    @classmethod
    def _hhmm(cls, value: object) -> object:
        # YAML reads 09:00 as a string; 540 (sexagesimal) only from unquoted 9:00.
        if isinstance(value, int):
            return time(value // 60, value % 60)
        return value


class AlertPolicy(_Strict):
    warning_for_minutes: int = Field(ge=0)
    critical_for_minutes: int = Field(ge=0)
    warning_window_minutes: int = Field(default=60, ge=1)
    """Window a WARNING counts over."""
    warning_min_transactions: int = Field(default=300, ge=1)
    """A WARNING needs at least this many transactions in its window."""
    warning_min_events: int = Field(default=5, ge=1)
    """A WARNING needs at least this many counted events in its window."""
    max_false_pages_per_week: float = Field(default=1.0, gt=0)
    """Most pages a WARNING may send per week on healthy traffic."""


class OnCallPolicy(_Strict):
    rotation: str
    through_stage: int = Field(ge=0)
    through_bake_for: list[Level] = Field(default_factory=list)
    """Risk levels covered through every stage to the end of the bake."""
    legacy_removal_owner: str = "Owning team's tech lead"
    response_minutes: int = Field(ge=1)
    escalation: list[str]


class RollbackPolicy(_Strict):
    drain_minutes: float = Field(ge=0)
    decide_minutes: float = Field(ge=0)
    default_redeploy_minutes: float = Field(ge=0)
    review_business_days: int = Field(ge=0)


class StakeholderRule(_Strict):
    role: str
    key: str
    needs: str
    when: str
    offset_business_days: int = 0
    at_gates: bool = False
    weekly: bool = False
    applies_when: AppliesWhen = "always"


class MessageWording(_Strict):
    subject: str
    body: str


class CommunicationPolicy(_Strict):
    channels: dict[str, str]
    stakeholders: list[StakeholderRule]
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

    name: str
    start: date | datetime
    end: date | datetime
    """Inclusive when a date (the whole day is frozen), exclusive when a date-time."""


class StageAdjustment(_Strict):
    """A user's change to one stage."""

    stage: int = Field(ge=1)
    duration_hours: float | None = Field(default=None, gt=0, le=24 * 90)
    traffic_percent: float | None = Field(default=None, gt=0, le=100)


class Policy(_Strict):
    """Every rule the planner applies, plus the team's adjustments."""

    risk: RiskPolicy
    ladders: dict[Strategy, list[LadderStep]]
    tolerances: Tolerances
    statistics: StatisticsPolicy
    calendar: CalendarPolicy
    alerts: AlertPolicy
    on_call: OnCallPolicy
    rollback: RollbackPolicy
    communication: CommunicationPolicy
    # Adjustments: usually written by `adjust_plan` or by hand in rollout.yaml.
    start: date | datetime | None = None
    timezone: str | None = None
    freezes: list[FreezeWindow] = Field(default_factory=list)
    stages: list[StageAdjustment] = Field(default_factory=list)
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
    data: dict[str, Any] = yaml.safe_load(text)
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


def read_config(path: Path) -> dict[str, Any]:
    """Read a `rollout.yaml` into a mapping (empty file: no overrides).

    Raises:
        InputError: unreadable, too large, not YAML, or not a mapping.
    """
    source = str(path)
    text = read_user_text(path, max_bytes=MAX_CONFIG_BYTES)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise InputError(source, f"not valid YAML{where}") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(source, "must be a mapping of settings (key: value)")
    return data


def load_policy(context_dir: Path, config: Path | None = None) -> Policy:
    """The policy for a context folder: built-in rules plus its `rollout.yaml`.

    Args:
        context_dir: the folder holding the context documents.
        config: an explicit settings file; default `context_dir/rollout.yaml` when present.
    """
    path = config if config is not None else Path(context_dir) / CONFIG_NAME
    if config is None and not path.is_file():
        return default_policy()
    return policy_from_overrides(read_config(path), source=str(path))
