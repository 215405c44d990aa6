"""The rollout policy: built-in rules plus a team's `rollout.yaml`.

The packaged `data/policy.yaml` holds every rule the planner applies (its parts are
modelled in `policy_rules` and `policy_calendar`, re-exported here). A team's
`rollout.yaml` next to the context documents is deep-merged over it and also
holds the user's adjustments (start date, time zone, freezes, channels,
per-stage changes). Unknown keys and wrong types are an `InputError` naming
the key.
"""

from __future__ import annotations

import copy
from functools import cache
from importlib import resources
from itertools import pairwise
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import Field, ValidationError, field_validator

from rollout_manager.errors import InputError
from rollout_manager.model import ALL_TRAFFIC_PERCENT, Level, Strategy
from rollout_manager.planning.metrics_source import MetricsSource
from rollout_manager.planning.plain_text import PlainLine
from rollout_manager.planning.policy_calendar import CalendarPolicy, SeasonalFreeze
from rollout_manager.planning.policy_rules import (
    AlertPolicy,
    CommunicationPolicy,
    LadderStep,
    OnCallPolicy,
    Playbook,
    PlaybookStep,
    RiskPolicy,
    RollbackPolicy,
    StakeholderRule,
    StatisticsPolicy,
    Tolerances,
    _Strict,
)
from rollout_manager.planning.settings_file import PlanningMoment, read_config
from rollout_manager.reading.declared import DeclaredTraffic, RecordedFact

__all__ = [
    "CONFIG_NAME",
    "WEEKDAYS",
    "AlertPolicy",
    "CalendarPolicy",
    "CohortPolicy",
    "CommunicationPolicy",
    "FreezeWindow",
    "LadderStep",
    "OnCallPolicy",
    "Playbook",
    "PlaybookStep",
    "Policy",
    "RiskPolicy",
    "RollbackPolicy",
    "SeasonalFreeze",
    "StageAdjustment",
    "StakeholderRule",
    "StatisticsPolicy",
    "Tolerances",
    "default_policy",
    "load_policy",
    "policy_from_overrides",
]

CONFIG_NAME = "rollout.yaml"
WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


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
            if not traffic or traffic[-1] != ALL_TRAFFIC_PERCENT:
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
    """Return the part of a pydantic error location that names keys the user wrote.

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
    """Return the default policy with `overrides` deep-merged over it.

    Raises:
        InputError: an unknown key or a value of the wrong type, named.
    """
    merged = _deep_merge(_default_policy_data(), overrides)
    try:
        return Policy.model_validate(merged)
    except ValidationError as error:
        raise _validation_error(source, error, merged) from None


def default_policy() -> Policy:
    """Return the built-in policy with no team settings."""
    return policy_from_overrides({}, source="built-in policy")


def load_policy(context_dir: Path, config: Path | None = None) -> Policy:
    """Return the policy for a context folder: built-in rules plus its `rollout.yaml`.

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
