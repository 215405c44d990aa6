"""Bad settings and dates get one line naming the file and key, never a traceback.

Issue 17, items 7-9.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from rollout_manager.tools.catalog import dispatch

if TYPE_CHECKING:
    from pathlib import Path

    from tests.conftest import RunCli

START = ("--start", "2026-12-01")


def _design(folder: Path, **arguments: Any) -> str:
    result = dispatch("design_stages", {"context": ".", **arguments}, root=folder)
    assert not result.ok, "expected a refusal"
    return result.error or ""


def _one_line_refusal(result: Any, *names: str) -> None:
    assert result.returncode == 2, result.stderr
    assert result.stderr.count("\n") == 1, result.stderr
    assert "internal error" not in result.stderr
    for name in names:
        assert name in result.stderr, result.stderr


# --------------------------------------------------------------------------- item 7


def test_an_impossible_date_in_rollout_yaml_is_named(run_cli: RunCli, seed_dir: Path) -> None:
    (seed_dir / "rollout.yaml").write_text("start: 2026-02-30\n")

    _one_line_refusal(run_cli("plan", "--context", seed_dir), "rollout.yaml", "line 1")


def test_a_list_nested_ten_thousand_deep_is_refused(run_cli: RunCli, seed_dir: Path) -> None:
    (seed_dir / "rollout.yaml").write_text("stages: " + "[" * 10_000 + "]" * 10_000 + "\n")

    _one_line_refusal(run_cli("plan", "--context", seed_dir, *START), "rollout.yaml", "nested")


def test_a_settings_file_nested_within_reason_is_still_read(seed_dir: Path) -> None:
    (seed_dir / "rollout.yaml").write_text("metrics_source: " + "{a: " * 30 + "1" + "}" * 30 + "\n")

    # Read (not refused as too deep): the unknown key is what is wrong with it.
    assert "unknown key 'metrics_source.a'" in _design(seed_dir)


def test_adjust_plan_names_a_rollout_yaml_that_is_not_utf8(seed_dir: Path) -> None:
    (seed_dir / "rollout.yaml").write_bytes(b"on_call: {rotation: caf\xe9}\n")

    result = dispatch("adjust_plan", {"stage": 2, "duration_hours": 72}, root=seed_dir)

    assert not result.ok
    assert (result.error or "").startswith("rollout.yaml: not UTF-8 text")


# --------------------------------------------------------------------------- item 8


@pytest.mark.parametrize("start", ["2100-01-04", "0001-01-04", "9999-01-04", "1999-12-31"])
def test_a_start_outside_the_planning_years_is_refused(
    run_cli: RunCli, seed_dir: Path, start: str
) -> None:
    _one_line_refusal(run_cli("plan", "--context", seed_dir, "--start", start), "--start", "2000")


@pytest.mark.parametrize("start", ["2100-01-04", "0001-01-04", "9999-12-31"])
def test_a_start_outside_the_planning_years_in_rollout_yaml_is_refused(
    seed_dir: Path, start: str
) -> None:
    (seed_dir / "rollout.yaml").write_text(f"start: {start}\n")

    error = _design(seed_dir)

    assert error.startswith("rollout.yaml: key 'start'")


def test_a_freeze_ending_in_9999_is_refused(run_cli: RunCli, seed_dir: Path) -> None:
    (seed_dir / "rollout.yaml").write_text(
        "freezes:\n  - {name: Forever, start: 2026-01-01, end: 9999-12-31}\n"
    )

    _one_line_refusal(run_cli("plan", "--context", seed_dir), "rollout.yaml", "freezes.0.end")


def test_a_freeze_that_leaves_no_gate_is_an_input_error_on_the_cli(
    run_cli: RunCli, seed_dir: Path
) -> None:
    (seed_dir / "rollout.yaml").write_text(
        "freezes:\n  - {name: Decades, start: 2026-01-01, end: 2099-12-31}\n"
    )

    _one_line_refusal(run_cli("plan", "--context", seed_dir, *START), "rollout.yaml")


# --------------------------------------------------------------------------- item 9

OVERRIDES = [
    ("calendar: {gate_days: []}", "calendar.gate_days"),
    ("calendar: {gate_days: [Mon, Mon]}", "calendar.gate_days"),
    ("calendar: {bake_hours: .inf}", "calendar.bake_hours"),
    ("calendar: {min_stage_hours: 1e308}", "calendar.min_stage_hours"),
    ('calendar: {gate_start: "17:00", gate_end: "09:00"}', "calendar"),
    ("calendar: {gate_start: 0.0}", "calendar.gate_start"),  # seconds parse with an offset
    ('calendar: {gate_end: "17:00+02:00"}', "calendar.gate_end"),
    ("tolerances: {rollback_error_multiplier: 1.0000001}", "tolerances.rollback_error_multiplier"),
    ("tolerances: {revenue_drop: 7e-286}", "tolerances.revenue_drop"),
    ("tolerances: {error_rate_points: 0}", "tolerances.error_rate_points"),
    ("tolerances: {smoke_multiplier: .nan}", "tolerances.smoke_multiplier"),
    ("statistics: {alpha: 1e-300}", "statistics.alpha"),
    ("statistics: {revenue_cv: 1e300}", "statistics.revenue_cv"),
    ("statistics: {boundary_checkpoints: 0}", "statistics.boundary_checkpoints"),
    ("risk: {event_near_days: 40000000000000000}", "risk.event_near_days"),
    ("risk: {fast_rollback_minutes: .inf}", "risk.fast_rollback_minutes"),
    ("alerts: {warning_for_minutes: 99999999999}", "alerts.warning_for_minutes"),
    ("rollback: {review_business_days: 100000000}", "rollback.review_business_days"),
    ("stages: [{stage: 100000000000, duration_hours: 24}]", "stages.0.stage"),
    ("on_call: {through_stage: 10000000000}", "on_call.through_stage"),
    (
        ("communication: {stakeholders: [{role: R, key: r, needs: n, when: w, "
        "offset_business_days: -100000000}]}"),
        "communication.stakeholders.0.offset_business_days",
    ),
    ("communication: {templates: {rollback: {subject: '{feature:>999999999}', body: b}}}",
     "communication.templates.rollback.subject"),
    ("communication: {templates: {rollback: {subject: s, body: '{feature.__class__}'}}}",
     "communication.templates.rollback.body"),
]  # fmt: skip


@pytest.mark.parametrize(("override", "key"), OVERRIDES)
def test_a_policy_override_out_of_range_is_named(seed_dir: Path, override: str, key: str) -> None:
    (seed_dir / "rollout.yaml").write_text(override + "\n")

    error = _design(seed_dir, start="2026-12-01")

    assert error.startswith(f"rollout.yaml: key '{key}"), error


def test_an_out_of_range_override_is_one_line_on_the_cli(run_cli: RunCli, seed_dir: Path) -> None:
    (seed_dir / "rollout.yaml").write_text("tolerances: {revenue_drop: 7e-286}\n")

    _one_line_refusal(
        run_cli("plan", "--context", seed_dir, *START), "rollout.yaml", "tolerances.revenue_drop"
    )


def test_the_policy_bounds_admit_the_built_in_policy_and_sensible_teams(seed_dir: Path) -> None:
    (seed_dir / "rollout.yaml").write_text(
        "calendar: {gate_days: [Mon, Wed], bake_hours: 48, min_stage_hours: 4}\n"
        "tolerances: {rollback_error_multiplier: 1.5, revenue_drop: 0.02}\n"
        "statistics: {alpha: 0.01, power: 0.9}\n"
    )

    result = dispatch("design_stages", {"context": ".", "start": "2026-12-01"}, root=seed_dir)

    assert result.ok, result.error


# --------------------------------------------------------------------------- item 10

LONG_NAME = "x" * 300  # one path component past the 255 bytes file systems allow


@pytest.mark.parametrize(
    "tool", ["read_context", "assess_risk", "render_plan", "stage_duration", "adjust_plan"]
)
def test_a_300_character_path_component_is_an_input_error(seed_dir: Path, tool: str) -> None:
    arguments: dict[str, Any] = {"context": LONG_NAME}
    if tool == "stage_duration":
        arguments["traffic_percent"] = 2
    if tool == "adjust_plan":
        arguments.update(stage=2, duration_hours=72)

    result = dispatch(tool, arguments, root=seed_dir)

    assert not result.ok
    assert (result.error or "").startswith("context:")
    assert "too long" in (result.error or "")


@pytest.mark.parametrize("option", ["--context", "--config"])
def test_a_300_character_path_component_is_one_line_on_the_cli(
    run_cli: RunCli, seed_dir: Path, option: str
) -> None:
    target = seed_dir / LONG_NAME
    arguments = ["--context", target] if option == "--context" else ["--context", seed_dir]
    if option == "--config":
        arguments += ["--config", target]

    _one_line_refusal(run_cli("plan", *arguments, *START), "too long")
