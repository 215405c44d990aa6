"""The risk assessment: each factor rated, the overall level and the strategy it calls for."""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field

from rollout_manager.model.evidence import Evidence, _Model


class Level(StrEnum):
    """A three-step rating used for risk and its factors."""

    LOW = "LOW"
    MEDIUM = "MEDIUM"
    HIGH = "HIGH"


Strategy = Literal["canary", "progressive", "short_ramp", "direct"]


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
