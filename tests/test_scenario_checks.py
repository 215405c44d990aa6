"""Success criteria as checks: matched by meaning, judged on the trace and the produced plan."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest

from rollout_manager.agent.offline_planner import OfflinePlanner
from rollout_manager.agent.protocol import ToolCall
from rollout_manager.planning.monitoring import plan_monitoring
from rollout_manager.planning.plan import plan_folder
from rollout_manager.scenario.checks import (
    RunRecord,
    evaluate,
    evaluate_all,
    match_check,
)
from rollout_manager.scenario.format import Scenario, read_scenario
from rollout_manager.scenario.runner import ScenarioRun, conversation_session, run_scenario
from rollout_manager.tools.catalog import dispatch

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rollout_manager.model import Criteria, Monitoring, RolloutContext, Stage
    from rollout_manager.planning.policy import Policy

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "scenarios" / "progressive-rollout" / "scenario.md"
TODAY = date(2026, 11, 27)
SECTION_TOOLS = (
    "assess_risk",
    "design_stages",
    "define_criteria",
    "plan_monitoring",
    "plan_communication",
    "render_plan",
)


def _offline(scenario: Scenario) -> ScenarioRun:
    session = conversation_session(OfflinePlanner(today=TODAY))
    return run_scenario(scenario, session, mode="offline", today=TODAY)


def _failed(run: ScenarioRun) -> set[str]:
    return {r.criterion for r in run.results if not r.passed}


def _record(folder: Path, tools: Sequence[str]) -> RunRecord:
    """The record of a run whose steps called `tools` in order, straight through dispatch."""
    calls = []
    for name in tools:
        result = dispatch(name, {"context": "."}, root=folder)
        calls.append(
            ToolCall(name=name, ok=result.ok, error=result.error, data=result.data, step=1)
        )
    return RunRecord(plan=plan_folder(folder, today=TODAY), calls=tuple(calls))


def _criteria(path: Path = SEED) -> list[str]:
    return [c.text for c in read_scenario(path).criteria]


# --------------------------------------------------------------------------- matching


MATCHES = {
    # The seed's twelve lines.
    "Risk assessment covers user impact, revenue impact, criticality, and reversibility": (
        "risk_factors"
    ),
    "Overall risk rating provided (LOW/MEDIUM/HIGH)": "overall_risk",
    "Rollout strategy matches risk level (canary for HIGH risk)": "strategy_matches_risk",
    "At least 5 rollout stages defined for high-risk feature": "stage_count",
    "First stage is internal/employee-only or very low percentage": "first_stage_small",
    "Success criteria are measurable (specific thresholds)": "success_measurable",
    "Automatic rollback triggers defined with specific thresholds": "auto_rollback",
    "Monitoring includes both technical and business metrics": "monitoring_kinds",
    "Alerts have WARNING and CRITICAL levels": "alert_levels",
    "Communication plan identifies stakeholders by role": "stakeholders_by_role",
    "Rollback procedure is documented step-by-step": "rollback_procedure",
    "Stage gate checklist provided for each advancement": "gate_checklist",
    # Our scenarios' lines.
    "Overall risk rating is LOW": "overall_risk",
    "Reversibility is rated LOW": "factor_level",
    "No canary: at most 3 stages": "stage_count",
    "The plan says the flag alone cannot undo the migration": "flag_cannot_undo",
    "The irreversible step has its own gate": "irreversible_gate",
    "A tested restore is required before stage 1": "tested_restore",
    "Expected recovery time is at most 15 minutes": "recovery_time",
    # Rewordings.
    "Risk factors: user impact, revenue impact, system criticality, reversibility": (
        "risk_factors"
    ),
    "The overall risk is rated HIGH": "overall_risk",
    "System criticality is rated HIGH": "factor_level",
    "Deployment approach fits the risk (canary when risk is HIGH)": "strategy_matches_risk",
    "Five or more stages": "stage_count",
    "The initial stage is limited to staff": "first_stage_small",
    "Advancement needs measurable thresholds": "success_measurable",
    "Auto roll-back triggers have exact numbers": "auto_rollback",
    "Revert is triggered automatically on a threshold breach": "auto_rollback",
    "Dashboards show system and business metrics": "monitoring_kinds",
    "Alerting has warn and critical severities": "alert_levels",
    "Stakeholders are named by role": "stakeholders_by_role",
    "A roll back runbook lists the steps": "rollback_procedure",
    "Every stage gate has a checklist": "gate_checklist",
    "The feature flag alone can't reverse the schema change": "flag_cannot_undo",
    "The destructive step needs its own sign-off": "irreversible_gate",
    "The backup restore is rehearsed prior to the rollout": "tested_restore",
    "Recovery within 10 minutes": "recovery_time",
}


@pytest.mark.parametrize(("line", "key"), MATCHES.items())
def test_each_criterion_line_finds_its_check(line: str, key: str) -> None:
    check = match_check(line)

    assert check is not None, line
    assert check.key == key


@pytest.mark.parametrize(
    "line",
    ["Document is actionable and ready for sign-off", "The team feels confident"],
)
def test_a_line_without_a_check_is_unchecked_and_says_so(line: str, seed_dir: Path) -> None:
    result = evaluate(line, _record(seed_dir, SECTION_TOOLS))

    assert match_check(line) is None
    assert not result.passed and result.status == "UNCHECKED"
    assert result.evidence.startswith("no check covers this criterion (closest: ")


def test_a_vague_line_that_names_factors_is_judged_on_them(seed_dir: Path) -> None:
    # Matched by meaning: it names reversibility, which the risk check verifies is rated.
    result = evaluate(
        "Risk properly assessed based on impact and reversibility",
        _record(seed_dir, SECTION_TOOLS),
    )

    assert result.check == "risk_factors" and result.passed
    assert result.evidence == "reversibility HIGH"


def test_every_criterion_of_every_scenario_has_a_check() -> None:
    for path in sorted((REPO / "scenarios").glob("*/scenario.md")):
        for line in _criteria(path):
            assert match_check(line) is not None, f"{path.parent.name}: {line}"


# --------------------------------------------------------------------------- the seed


def test_the_seed_passes_every_criterion_with_the_numbers_it_saw() -> None:
    run = _offline(read_scenario(SEED))
    evidence = {r.check: r.evidence for r in run.results}

    assert [r.passed for r in run.results] == [True] * 12, _failed(run)
    # The seed's expected numbers (shared/seed/progressive-rollout.md), checked by hand:
    # warning at baseline 0.8% + 0.2 points, critical at 2x baseline; the 1% internal stage.
    assert evidence["alert_levels"] == (
        "WARNING error_rate > 1.0%, CRITICAL error_rate > 1.6% (+6 more)"
    )
    assert evidence["risk_factors"] == (
        "user_impact HIGH, revenue_impact HIGH, system_criticality HIGH, reversibility HIGH"
    )
    assert evidence["strategy_matches_risk"] == "overall HIGH → strategy canary"
    assert evidence["stage_count"].startswith("6 stages: 1% → 5% → 10% → 25% → 50% → 100%")
    assert evidence["first_stage_small"].startswith("stage 1: 1% of traffic, Internal employees")
    assert "error_rate > 1.6%" in evidence["auto_rollback"]
    assert "revenue_vs_control < -5.0%" in evidence["auto_rollback"]
    assert "error_rate <= 1.0%, p95_latency_ms <= 979 ms" in evidence["success_measurable"]
    assert evidence["stakeholders_by_role"].startswith("Engineering (Slack #platform)")
    # Seven generic steps plus the payments playbook's two (processor of record, retries).
    assert evidence["rollback_procedure"].startswith("9 numbered steps: 1. Declare")
    # Each verdict rests on the tool that computes the section.
    tools = {r.check: r.tool for r in run.results}
    assert tools["risk_factors"] == "assess_risk"
    assert tools["alert_levels"] == "plan_monitoring"
    assert tools["gate_checklist"] == "render_plan"


def test_a_level_the_plan_does_not_have_fails_with_the_level_it_has(seed_dir: Path) -> None:
    record = _record(seed_dir, SECTION_TOOLS)

    low = evaluate("Overall risk rating is LOW", record)
    easy = evaluate("Reversibility is rated HIGH", record)
    hard = evaluate("Reversibility is rated LOW", record)

    assert not low.passed and low.evidence.startswith("overall HIGH")
    assert easy.passed and easy.evidence.startswith("reversibility HIGH")
    assert not hard.passed


@pytest.mark.parametrize(
    ("line", "passes"),
    [
        ("At least 5 rollout stages defined for high-risk feature", True),
        ("At least six stages", True),
        ("At least seven stages", False),
        ("7 or more stages", False),
        ("No canary: at most 3 stages", False),
        ("At least 5 stages for a low-risk feature", False),
        ("Exactly 6 stages", True),
    ],
)
def test_the_stage_count_is_read_from_the_line(seed_dir: Path, line: str, passes: bool) -> None:
    result = evaluate(line, _record(seed_dir, SECTION_TOOLS))

    assert result.check == "stage_count"
    assert result.passed is passes, result.evidence


def test_a_stage_count_line_without_a_number_fails(seed_dir: Path) -> None:
    result = evaluate("Stages: at least a few", _record(seed_dir, SECTION_TOOLS))

    assert not result.passed
    assert "no stage count" in result.evidence


# --------------------------------------------------------------------------- trace evidence


def test_a_run_that_never_asked_about_monitoring_fails_the_monitoring_criteria(
    seed_dir: Path,
) -> None:
    tools = [t for t in SECTION_TOOLS if t not in ("plan_monitoring", "render_plan")]
    results = evaluate_all(_criteria(), _record(seed_dir, tools))
    failed = {r.check: r.evidence for r in results if not r.passed}

    assert failed == {
        "monitoring_kinds": "the run never called plan_monitoring or render_plan",
        "alert_levels": "the run never called plan_monitoring or render_plan",
        "rollback_procedure": "the run never called plan_rollback or render_plan",
        "gate_checklist": "the run never called render_plan",
    }


def test_a_failed_tool_call_is_no_evidence(seed_dir: Path) -> None:
    record = _record(seed_dir, SECTION_TOOLS)
    broken = ToolCall(name="assess_risk", ok=False, error="context: folder not found")
    calls = tuple(c for c in record.calls if c.name not in ("assess_risk", "render_plan"))

    result = evaluate(_criteria()[0], replace(record, calls=(broken, *calls)))

    assert not result.passed
    assert result.evidence == "assess_risk failed: context: folder not found"


def test_a_risk_result_missing_a_factor_level_fails(seed_dir: Path) -> None:
    record = _record(seed_dir, ["assess_risk"])
    data: dict[str, Any] = record.calls[0].data
    data["risk"]["factors"] = [f for f in data["risk"]["factors"] if f["name"] != "reversibility"]

    result = evaluate(_criteria()[0], record)

    assert not result.passed
    assert result.evidence == "the tool result has no level for reversibility"


# --------------------------------------------------------------------------- broken plans


def test_without_critical_alerts_only_the_alert_criterion_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    def warnings_only(
        context: RolloutContext,
        policy: Policy,
        criteria: Criteria,
        stages: list[Stage],
        *,
        holdback: bool = False,
    ) -> Monitoring:
        monitoring = plan_monitoring(context, policy, criteria, stages, holdback=holdback)
        alerts = [a for a in monitoring.alerts if a.severity != "CRITICAL"]
        return monitoring.model_copy(update={"alerts": alerts})

    # The engine itself loses its CRITICAL alerts: every tool and the final plan see it.
    monkeypatch.setattr("rollout_manager.planning.plan.plan_monitoring", warnings_only)

    run = _offline(read_scenario(SEED))
    failed = [r for r in run.results if not r.passed]

    assert [r.criterion for r in failed] == ["Alerts have WARNING and CRITICAL levels"]
    assert failed[0].evidence == (
        "WARNING error_rate > 1.0%, WARNING change_error_rate > 0.5% (+1 more)"
    )
    assert run.passed == 11


def test_one_stage_fails_exactly_the_stage_criteria() -> None:
    seed = read_scenario(SEED)
    one_stage = (
        "ladders:\n  canary:\n"
        "    - {traffic_percent: 100, audience: everyone, purpose: full_rollout}\n"
    )
    scenario = replace(seed, files={**seed.files, "rollout.yaml": one_stage})

    run = _offline(scenario)
    failed = {r.check: r.evidence for r in run.results if not r.passed}

    assert set(failed) == {"stage_count", "first_stage_small"}
    assert failed["stage_count"].startswith("1 stages: 100% (risk HIGH, canary)")
    assert failed["first_stage_small"] == "stage 1: 100% of traffic, Everyone"


def test_an_adjustment_made_during_the_run_is_judged() -> None:
    """The plan judged is the folder's final state: rollout.yaml written by adjust_plan counts."""
    seed = read_scenario(SEED)
    switch = replace(seed.steps[1], number=7, prompt="Change the strategy to direct")
    scenario = replace(seed, steps=(*seed.steps, switch))

    run = _offline(scenario)
    failed = {r.check for r in run.results if not r.passed}

    assert [c.name for c in run.steps[-1].outcome.calls] == ["adjust_plan"]
    assert failed == {"strategy_matches_risk", "stage_count", "first_stage_small"}
