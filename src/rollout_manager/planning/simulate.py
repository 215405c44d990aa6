"""`rollout simulate`: run the plan's own decisions against simulated rollouts.

Each stage draws its transactions' counted events in the increments between
its checkpoints (numpy binomial draws, vectorised over the runs), then applies
every decision of the stage exactly as the plan states it: roll back as soon as
``k`` or more events within the first ``n``, hold when the gate's first
``min_transactions`` hold ``hold_at_errors`` or more. Errors are drawn as
change-caused plus expected ones, so the blended and the change-caused error
decisions see the same transactions; slow requests are drawn on their own.

Healthy runs give the false-rollback and false-hold rates of every stage's
boundaries and gates together (every stage runs). Regressed runs (2x and 5x the
error rate, the change-caused rate doubled, P95 +20%) start at each stage in
turn and go on until the first rollback or hold. numpy is imported here only:
the planning path never loads it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from statistics import NormalDist
from typing import TYPE_CHECKING

import numpy as np
from pydantic import BaseModel, Field

if TYPE_CHECKING:
    from rollout_manager.model import Decision, RolloutPlan, Stage

DEFAULT_RUNS = 10_000
_LATENCY_SIGMA = 0.5  # the planner's assumption when no P50 is stated
_CHANGE = "change_error_rate"


class DecisionRate(BaseModel):
    """One decision's simulated rate and its Monte Carlo standard error."""

    stage: int
    metric: str
    rate: float
    se: float


class Healthy(BaseModel):
    """A healthy rollout: every stage runs, every boundary and gate is watched."""

    false_rollback: float
    false_rollback_se: float
    false_hold: float
    false_hold_se: float
    boundaries: list[DecisionRate] = Field(default_factory=list)
    """Per decision: share of runs crossing its rollback boundary."""
    gates: list[DecisionRate] = Field(default_factory=list)
    """Per decision: share of runs held by its gate."""


class Regression(BaseModel):
    """One regression starting at one stage."""

    name: str
    """`error_2x`, `error_5x`, `change_error_2x`, `p95_plus_20pct`."""
    start_stage: int
    reached: int
    """Runs that reach the start stage without a false stop before it; shares below are of
    these."""
    rolled_back: float
    """Share of runs rolled back at any stage from the start stage on."""
    rolled_back_at_start: float
    """Share of runs rolled back in the start stage itself."""
    held: float
    """Share of runs held at a gate instead (from the start stage on)."""
    missed: float
    """Share of runs that finish the rollout with the regression in place."""
    mean_exposure: float
    """Mean transactions on the new path under the regression before it is stopped (the
    crossing checkpoint's n, an upper bound within the stage)."""
    by_stage: list[float]
    """Share rolled back at each stage, stage 1 first."""
    decisions: list[DecisionRate] = Field(default_factory=list)
    """Start stage only: share of runs crossing each decision's boundary."""


class SimulationReport(BaseModel):
    """What the simulation saw, beside what the plan states."""

    runs: int
    seed: int
    stated_false_rollback: float | None
    stated_false_hold: float | None
    healthy: Healthy
    regressions: list[Regression]


@dataclass(frozen=True)
class _Rates:
    change: float  # change-caused errors per transaction
    expected: float  # expected errors (declines) per transaction
    slow: float  # requests slower than the baseline P95


def _healthy_rates(plan: RolloutPlan) -> _Rates | None:
    decisions = {d.metric: d for s in plan.stages for d in s.decisions}
    error = decisions.get("error_rate")
    change = decisions.get(_CHANGE)
    slow = decisions.get("p95_latency_ms")
    blended = error.baseline_rate if error else 0.0
    caused = change.baseline_rate if change else blended
    return _Rates(caused, max(blended - caused, 0.0), slow.baseline_rate if slow else 0.05)


def _latency_sigma(plan: RolloutPlan) -> float:
    p50, p95 = plan.baseline.p50_latency_ms, plan.baseline.p95_latency_ms
    if p50 and p95 and 0 < p50 < p95:
        return math.log(p95 / p50) / NormalDist().inv_cdf(0.95)
    return _LATENCY_SIGMA


def regressions(plan: RolloutPlan) -> dict[str, _Rates]:
    """Return the regressed event rates the simulation tries, by name."""
    base = _healthy_rates(plan)
    if base is None:
        raise RuntimeError("the plan has no error-rate baseline to regress")
    blended = base.change + base.expected
    shifted = 1 - NormalDist().cdf(
        NormalDist().inv_cdf(0.95) - math.log(1.2) / _latency_sigma(plan)
    )
    found: dict[str, _Rates] = {}
    if blended > 0:
        found["error_2x"] = _Rates(min(base.change + blended, 0.99), base.expected, base.slow)
        found["error_5x"] = _Rates(min(base.change + 4 * blended, 0.99), base.expected, base.slow)
    if any(d.metric == _CHANGE for s in plan.stages for d in s.decisions):
        found["change_error_2x"] = _Rates(2 * base.change, base.expected, base.slow)
    if any(d.metric == "p95_latency_ms" for s in plan.stages for d in s.decisions):
        found["p95_plus_20pct"] = _Rates(base.change, base.expected, shifted)
    return found


@dataclass
class _StageDraw:
    rolled_back: np.ndarray  # bool per run
    held: np.ndarray  # bool per run (gate failed, boundary not crossed)
    exposure: np.ndarray  # transactions before the stop (or the whole stage)
    crossed: dict[str, np.ndarray]  # per metric: boundary crossed
    gate_held: dict[str, np.ndarray]  # per metric: gate failed


def _counts(decision: Decision, counts: dict[str, np.ndarray]) -> np.ndarray:
    if decision.metric == "error_rate":
        return counts["errors"]
    if decision.metric == _CHANGE:
        return counts["change"]
    return counts[decision.metric]  # slow requests, or a team's own rate metric


class _Draws:
    """Cumulative event counts per stage, drawn once per rate and shared across scenarios."""

    def __init__(self, runs: int, rng: np.random.Generator) -> None:
        self.runs, self.rng = runs, rng
        self._errors: dict[tuple[int, float, float], tuple[np.ndarray, np.ndarray]] = {}
        self._own: dict[tuple[int, float], np.ndarray] = {}

    def errors(self, stage: int, steps: np.ndarray, rates: _Rates) -> tuple[np.ndarray, np.ndarray]:
        key = (stage, rates.change, rates.expected)
        if key not in self._errors:
            change = self.rng.binomial(steps, rates.change, size=(self.runs, steps.size))
            errors = change
            if rates.expected > 0:
                share = min(rates.expected / (1 - rates.change), 1.0)
                errors = change + self.rng.binomial(steps - change, share)
            self._errors[key] = (np.cumsum(change, axis=1), np.cumsum(errors, axis=1))
        return self._errors[key]

    def own(self, stage: int, steps: np.ndarray, rate: float) -> np.ndarray:
        """Events drawn on their own (slow requests, a team's rate metric)."""
        key = (stage, rate)
        if key not in self._own:
            drawn = self.rng.binomial(steps, rate, size=(self.runs, steps.size))
            self._own[key] = np.cumsum(drawn, axis=1)
        return self._own[key]


def _grid(stage: Stage) -> list[int]:
    return sorted(
        {p.n for d in stage.decisions for p in d.rollback_boundary}
        | {d.gate.min_transactions for d in stage.decisions if d.gate.min_transactions > 0}
        | {max(stage.expected_transactions, 1)}
    )


def _draw_stage(stage: Stage, rates: _Rates, draws: _Draws) -> _StageDraw:
    runs = draws.runs
    grid = _grid(stage)
    steps = np.diff(np.array([0, *grid]))
    change, errors = draws.errors(stage.number, steps, rates)
    counts = {"change": change, "errors": errors}
    for d in stage.decisions:
        if d.metric == "p95_latency_ms":
            counts[d.metric] = draws.own(stage.number, steps, rates.slow)
        elif d.metric not in ("error_rate", _CHANGE):  # a team metric stays at its baseline
            counts[d.metric] = draws.own(stage.number, steps, d.baseline_rate)
    where = {n: i for i, n in enumerate(grid)}
    first_cross = np.full(runs, len(grid))
    crossed: dict[str, np.ndarray] = {}
    gate_held: dict[str, np.ndarray] = {}
    for d in stage.decisions:
        seen = _counts(d, counts)
        hit = np.zeros(runs, dtype=bool)
        for point in d.rollback_boundary:
            now = seen[:, where[point.n]] >= point.k
            first_cross = np.where(now & ~hit, np.minimum(first_cross, where[point.n]), first_cross)
            hit |= now
        crossed[d.metric] = hit
        minimum = d.gate.min_transactions
        gate_held[d.metric] = (
            seen[:, where[minimum]] >= d.gate.hold_at_errors
            if minimum > 0
            else np.zeros(runs, dtype=bool)
        )
    rolled = first_cross < len(grid)
    held_any = np.zeros(runs, dtype=bool)
    for failed in gate_held.values():
        held_any |= failed
    grid_n = np.array(grid)
    exposure = np.where(rolled, grid_n[np.minimum(first_cross, len(grid) - 1)], grid_n[-1])
    return _StageDraw(rolled, held_any & ~rolled, exposure, crossed, gate_held)


def _rate(flags: np.ndarray) -> tuple[float, float]:
    p = float(flags.mean())
    return p, math.sqrt(max(p * (1 - p), 1e-12) / flags.size)


def _healthy(stages: list[Stage], draws: list[_StageDraw]) -> Healthy:
    any_cross = np.zeros_like(draws[0].rolled_back)
    any_hold = np.zeros_like(draws[0].rolled_back)
    boundaries, gates = [], []
    for stage, draw in zip(stages, draws, strict=True):
        for metric, flags in draw.crossed.items():
            any_cross |= flags
            rate, se = _rate(flags)
            boundaries.append(DecisionRate(stage=stage.number, metric=metric, rate=rate, se=se))
        for metric, flags in draw.gate_held.items():
            any_hold |= flags
            rate, se = _rate(flags)
            gates.append(DecisionRate(stage=stage.number, metric=metric, rate=rate, se=se))
    fr, fr_se = _rate(any_cross)
    fh, fh_se = _rate(any_hold)
    return Healthy(
        false_rollback=fr,
        false_rollback_se=fr_se,
        false_hold=fh,
        false_hold_se=fh_se,
        boundaries=boundaries,
        gates=gates,
    )


def _regression(
    name: str, start: int, healthy: list[_StageDraw], bad: list[_StageDraw]
) -> Regression:
    """Follow the runs that reach the start stage (no false stop before it) into the regression."""
    runs = healthy[0].rolled_back.size
    going = np.ones(runs, dtype=bool)
    for draw in healthy[: start - 1]:
        going &= ~(draw.rolled_back | draw.held)
    reached = max(int(going.sum()), 1)
    rolled = np.zeros(runs, dtype=bool)
    held = np.zeros(runs, dtype=bool)
    exposure = np.zeros(runs)
    by_stage = [0.0] * (start - 1)
    for draw in bad[start - 1 :]:
        stop_back = going & draw.rolled_back
        by_stage.append(float(stop_back.sum()) / reached)
        rolled |= stop_back
        held |= going & draw.held
        exposure += np.where(going, draw.exposure, 0)
        going &= ~(draw.rolled_back | draw.held)
    first = bad[start - 1]
    decisions = []
    for metric, flags in first.crossed.items():
        rate, se = _rate(flags)
        decisions.append(DecisionRate(stage=start, metric=metric, rate=rate, se=se))
    return Regression(
        name=name,
        start_stage=start,
        reached=reached,
        rolled_back=float(rolled.sum()) / reached,
        rolled_back_at_start=by_stage[start - 1],
        held=float(held.sum()) / reached,
        missed=float(going.sum()) / reached,
        mean_exposure=float(exposure.sum()) / reached,
        by_stage=by_stage,
        decisions=decisions,
    )


def simulate_rollout(
    plan: RolloutPlan, *, runs: int = DEFAULT_RUNS, seed: int = 0
) -> SimulationReport:
    """Draw ``runs`` rollouts through the plan's decisions, healthy and regressed."""
    if runs < 1:
        raise ValueError(f"runs must be at least 1, got {runs}")
    stages = [s for s in plan.stages if s.decisions]
    rates = _healthy_rates(plan)
    summary = plan.decision_summary
    if not stages or rates is None:
        empty = Healthy(false_rollback=0, false_rollback_se=0, false_hold=0, false_hold_se=0)
        return SimulationReport(
            runs=runs, seed=seed, stated_false_rollback=None, stated_false_hold=None,
            healthy=empty, regressions=[],
        )  # fmt: skip
    draws = _Draws(runs, np.random.default_rng(seed))
    healthy = [_draw_stage(s, rates, draws) for s in stages]
    found = []
    for name, bad_rates in regressions(plan).items():
        bad = [_draw_stage(s, bad_rates, draws) for s in stages]
        found += [_regression(name, k, healthy, bad) for k in range(1, len(stages) + 1)]
    return SimulationReport(
        runs=runs,
        seed=seed,
        stated_false_rollback=summary.false_rollback if summary else None,
        stated_false_hold=summary.false_hold if summary else None,
        healthy=_healthy(stages, healthy),
        regressions=found,
    )
