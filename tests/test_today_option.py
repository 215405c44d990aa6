"""`--today DATE` and `$ROLLOUT_TODAY`: a plan made as of a given date."""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING

import pytest

from rollout_manager.frontdoors.cli import main

if TYPE_CHECKING:
    from pathlib import Path


def _plan_json(capsys: pytest.CaptureFixture[str], folder: Path, *extra: str) -> dict[str, object]:
    assert main(["plan", "--context", str(folder), "--json", *extra]) == 0
    data: dict[str, object] = json.loads(capsys.readouterr().out)
    return data


def _first_start(plan: dict[str, object]) -> date:
    stages = plan["stages"]
    assert isinstance(stages, list)
    return datetime.fromisoformat(stages[0]["start"]).date()


@pytest.mark.parametrize("today", ["2026-12-01", "2027-03-01"])
def test_the_default_start_follows_the_planning_date(
    capsys: pytest.CaptureFixture[str], seed_dir: Path, today: str
) -> None:
    plan = _plan_json(capsys, seed_dir, "--today", today)
    assert _first_start(plan) > date.fromisoformat(today)


def test_the_environment_variable_plans_as_the_flag_does(
    capsys: pytest.CaptureFixture[str], seed_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    by_flag = _plan_json(capsys, seed_dir, "--today", "2027-03-01")
    monkeypatch.setenv("ROLLOUT_TODAY", "2027-03-01")
    by_env = _plan_json(capsys, seed_dir)
    assert by_env == by_flag
    # The flag wins over the environment.
    assert _first_start(_plan_json(capsys, seed_dir, "--today", "2026-12-01")) < _first_start(
        by_env
    )


@pytest.mark.parametrize("command", ["assess", "stages", "criteria", "monitoring", "comms"])
def test_every_section_command_takes_the_date(
    capsys: pytest.CaptureFixture[str], seed_dir: Path, command: str
) -> None:
    assert main([command, "--context", str(seed_dir), "--today", "2027-03-01"]) == 0
    assert capsys.readouterr().out


def test_a_bad_date_is_one_line_naming_its_source(
    capsys: pytest.CaptureFixture[str], seed_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert main(["plan", "--context", str(seed_dir), "--today", "1 Dec"]) == 2
    assert capsys.readouterr().err.strip() == (
        "rollout: --today: '1 Dec' is not an ISO date (2026-12-01)"
    )
    monkeypatch.setenv("ROLLOUT_TODAY", "tomorrow")
    assert main(["stages", "--context", str(seed_dir)]) == 2
    assert "ROLLOUT_TODAY: 'tomorrow'" in capsys.readouterr().err
