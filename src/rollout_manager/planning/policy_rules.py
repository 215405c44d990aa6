"""The rule sections of the rollout policy.

Risk, ladders, tolerances, statistics, alerts, on-call, rollback, communication and domain
playbooks.

Each is a strict model of one part of `data/policy.yaml` (and of the overrides a team's
`rollout.yaml` merges over it); `planning.policy.Policy` holds them all.
"""

from __future__ import annotations

import re
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from rollout_manager.model import Level, Purpose, Strategy
from rollout_manager.planning.plain_text import PlainLine, check_placeholders

_WEEK_MINUTES = 7 * 24 * 60
Audience = Literal["internal", "low_value", "sampled", "everyone"]
AppliesWhen = Literal["always", "money", "regulated", "money_or_regulated"]


class _Strict(BaseModel):
    # No infinity or NaN anywhere: every number a rule holds is a real, bounded figure.
    model_config = ConfigDict(extra="forbid", frozen=True, allow_inf_nan=False)


class RiskPoints(_Strict):
    """Risk points per level: the default scale, and the one for reversibility."""

    default: dict[Level, int]
    reversibility: dict[Level, int]


class RiskScale(_Strict):
    """The highest scores rated LOW and MEDIUM; above them a change is HIGH risk."""

    low_max: int = Field(ge=0, le=100)
    medium_max: int = Field(ge=0, le=100)


class UserImpactRule(_Strict):
    """The shares of users affected from which user impact is HIGH or MEDIUM."""

    high_share: float = Field(gt=0, le=1)
    medium_share: float = Field(gt=0, le=1)


class ComplexityRule(_Strict):
    """The change-complexity points from which complexity is HIGH or MEDIUM."""

    high_at: int = Field(ge=0, le=100)
    medium_at: int = Field(ge=0, le=100)


class RiskPolicy(_Strict):
    """How a change is scored and which strategy each overall risk level gets."""

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
    """One step of a strategy's traffic ladder: its share, audience and purpose."""

    traffic_percent: float = Field(gt=0, le=100)
    audience: Audience
    purpose: Purpose


class Tolerances(_Strict):
    """The regressions the stages are sized to see, and the rollback multipliers."""

    # Bounded so every stage size stays a real count: a 1.0000001x regression or a
    # 7e-286 revenue drop would need more transactions than any rollout sees.
    error_rate_points: float = Field(ge=0.0001, le=0.5)
    p95_relative: float = Field(ge=0, le=10)
    rollback_error_multiplier: float = Field(ge=1.05, le=100)
    rollback_p95_multiplier: float = Field(ge=1.05, le=100)
    revenue_drop: float = Field(ge=0.001, lt=1)
    smoke_multiplier: float = Field(ge=1.05, le=100)


class StatisticsPolicy(_Strict):
    """The error rates, power and budgets of the stage decisions."""

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


class AlertPolicy(_Strict):
    """How long WARNING and CRITICAL alerts wait, and what a WARNING needs to fire."""

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
    """Who is on call, through which stages, how fast they answer and who is next."""

    rotation: PlainLine
    through_stage: int = Field(ge=0, le=20)
    through_bake_for: list[Level] = Field(default_factory=list)
    """Risk levels covered through every stage to the end of the bake."""
    legacy_removal_owner: PlainLine = "Owning team's tech lead"
    response_minutes: int = Field(ge=1, le=24 * 60)
    escalation: list[PlainLine] = Field(max_length=20)


class RollbackPolicy(_Strict):
    """The minutes a rollback takes (drain, decide, redeploy) and when it is reviewed."""

    drain_minutes: float = Field(ge=0, le=_WEEK_MINUTES)
    decide_minutes: float = Field(ge=0, le=_WEEK_MINUTES)
    default_redeploy_minutes: float = Field(ge=0, le=_WEEK_MINUTES)
    review_business_days: int = Field(ge=0, le=60)


class StakeholderRule(_Strict):
    """One stakeholder the plan informs: role, need, when and under which condition."""

    role: PlainLine
    key: str = Field(pattern=r"^[a-z][a-z0-9_]{0,39}$")
    needs: PlainLine
    when: PlainLine
    offset_business_days: int = Field(0, ge=-60, le=60)
    at_gates: bool = False
    weekly: bool = False
    applies_when: AppliesWhen = "always"


class MessageWording(_Strict):
    """The subject and body of one message template, with placeholders."""

    subject: str = Field(max_length=200, pattern=r"^[^\x00-\x1f]*$")
    body: str = Field(max_length=4000)

    @field_validator("subject", "body")
    @classmethod
    def _plain_placeholders(cls, text: str) -> str:
        return check_placeholders(text)


class CommunicationPolicy(_Strict):
    """The channels, the stakeholders and the message templates."""

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
