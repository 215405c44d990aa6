"""`rollout simulate` agrees with the probabilities the plan states, within 3 Monte Carlo SE.

The standard error is computed from the plan's stated probability p and the
number of simulated runs, sqrt(p (1 - p) / runs), so a lucky simulation cannot
widen its own tolerance. Where the plan states a bound (a stage too large for
the exact sum), the simulation may only fall on the bound's safe side.
"""

from __future__ import annotations

import json
import math
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from rollout_manager.planning.plan import plan_folder
from rollout_manager.planning.simulate import SimulationReport, simulate_rollout

if TYPE_CHECKING:
    from rollout_manager.model import RolloutPlan
    from tests.conftest import RunCli

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
TODAY = date(2026, 11, 27)
RUNS = 10_000


def _close(stated: float, simulated: float, runs: int) -> bool:
    se = math.sqrt(max(stated * (1 - stated), 1e-6) / runs)
    return abs(simulated - stated) <= 3 * se


@pytest.fixture(scope="module", params=["progressive-rollout", "destructive-migration",
                                        "low-risk-ui-change"])  # fmt: skip
def case(request: pytest.FixtureRequest) -> tuple[RolloutPlan, SimulationReport]:
    plan = plan_folder(SCENARIOS / request.param, today=TODAY)
    return plan, simulate_rollout(plan, runs=RUNS, seed=12)


def test_healthy_false_rollback_and_hold_agree(case: tuple[RolloutPlan, SimulationReport]) -> None:
    plan, report = case
    summary = plan.decision_summary
    assert summary is not None
    # Gates are always exact; boundaries of very large stages are stated as upper bounds.
    assert _close(summary.false_hold, report.healthy.false_hold, RUNS)
    if all(d.exact for s in plan.stages for d in s.decisions):
        assert _close(summary.false_rollback, report.healthy.false_rollback, RUNS)
    else:
        se = math.sqrt(summary.false_rollback * (1 - summary.false_rollback) / RUNS)
        assert report.healthy.false_rollback <= summary.false_rollback + 3 * se
    if plan.feature.flag == "payment_pipeline_v2":  # the seed: its bounds are tight
        assert _close(summary.false_rollback, report.healthy.false_rollback, RUNS)


def test_each_boundarys_power_agrees_with_its_regression(
    case: tuple[RolloutPlan, SimulationReport],
) -> None:
    plan, report = case
    # Each regression the simulation draws, as the rate each decision's p1 stands for.
    checked = 0
    for regression in report.regressions:
        stage = plan.stages[regression.start_stage - 1]
        for decision in stage.decisions:
            sim = next(r for r in regression.decisions if r.metric == decision.metric)
            base_error = next(d for d in stage.decisions if d.metric == "error_rate")
            matches = (
                (
                    regression.name == "error_2x"
                    and decision.metric == "error_rate"
                    and decision.alternative_rate == pytest.approx(2 * base_error.baseline_rate)
                )
                or (
                    regression.name == "error_5x"
                    and decision.metric == "error_rate"
                    and decision.alternative_rate == pytest.approx(5 * base_error.baseline_rate)
                )
                or (
                    regression.name == "change_error_2x"
                    and decision.metric == "change_error_rate"
                    and decision.alternative_rate == pytest.approx(2 * decision.baseline_rate)
                )
            )
            if not matches:
                continue
            checked += 1
            where = (regression.name, stage.number, decision.metric)
            if decision.exact:
                assert _close(decision.power, sim.rate, RUNS), where
            else:  # a lower bound
                assert sim.rate >= decision.power - 3 * math.sqrt(0.25 / RUNS), where
    assert checked >= 1


def test_every_decisions_exact_false_rollback_agrees(
    case: tuple[RolloutPlan, SimulationReport],
) -> None:
    plan, report = case
    stated = {(s.number, d.metric): d for s in plan.stages for d in s.decisions}
    outside = 0
    for sim in report.healthy.boundaries:
        decision = stated[(sim.stage, sim.metric)]
        if decision.exact:
            outside += not _close(decision.false_rollback, sim.rate, RUNS)
        else:
            assert sim.rate <= decision.false_rollback + 3 * math.sqrt(
                decision.false_rollback / RUNS
            )
    # Dozens of comparisons at 3 SE: allow the one a fair simulation can land outside.
    assert outside <= 1


def test_simulate_cli_prints_json_and_a_compact_table(run_cli: RunCli, seed_dir: Path) -> None:
    done = run_cli("simulate", "--context", str(seed_dir), "--json", "--runs", "2000")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    assert data["runs"] == 2000
    assert {r["name"] for r in data["regressions"]} >= {"error_2x", "error_5x", "p95_plus_20pct"}
    table = run_cli("simulate", "--context", str(seed_dir), "--runs", "2000")
    assert table.returncode == 0, table.stderr
    assert "| False rollback (any boundary, any stage) |" in table.stdout
    assert "| `error_2x` |" in table.stdout
    bad = run_cli("simulate", "--context", str(seed_dir), "--runs", "0")
    assert bad.returncode == 2 and bad.stderr.count("\n") == 1
