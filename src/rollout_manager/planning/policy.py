"""The rollout policy: built-in rules plus a team's `rollout.yaml`.

The packaged `data/policy.yaml` holds every rule the planner applies. A team's
`rollout.yaml` next to the context documents is deep-merged over it and also
holds the user's adjustments (start date, time zone, freezes, channels,
per-stage changes). Unknown keys and wrong types are an `InputError` naming
the key.
"""

from __future__ import annotations

import copy
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
MessageName = Literal["pre_rollout", "stage_advancement", "rollback", "completion"]
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


class CalendarPolicy(_Strict):
    timezone: str
    gate_start: time
    gate_end: time
    gate_days: list[Literal["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]]
    skip_holidays: bool
    min_stage_hours: float = Field(ge=0)
    round_to_days: bool
    bake_hours: float = Field(ge=0)

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


class OnCallPolicy(_Strict):
    rotation: str
    through_stage: int = Field(ge=0)
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

    def gate_weekdays(self) -> frozenset[int]:
        """Gate days as `datetime.weekday()` numbers."""
        return frozenset(WEEKDAYS.index(day) for day in self.calendar.gate_days)


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
