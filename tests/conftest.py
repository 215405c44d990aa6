"""Shared fixtures: the seed scenario in a scratch folder, and the CLI as a user runs it."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
SEED_DIR = REPO / "scenarios" / "progressive-rollout"
ROLLOUT = Path(sys.executable).with_name("rollout")

RunCli = Callable[..., subprocess.CompletedProcess[str]]

# The six prompts of the seed scenario's Steps (shared/seed/progressive-rollout.md).
SEED_PROMPTS = {
    "risk": "Assess the risk of rolling out our new payment processing pipeline. Context is in "
    "feature-description.md and baseline-metrics.md",
    "stages": "Define rollout stages for this payment migration. We need to be very careful - "
    "this is revenue-critical.",
    "criteria": "What are the success and rollback criteria for each stage? When should we "
    "automatically roll back?",
    "monitoring": "What monitoring should be in place during the rollout? What dashboards and "
    "alerts do we need?",
    "comms": "Create a communication plan for this rollout. Who needs to know what, and when?",
    "document": "Generate a complete rollout plan document I can share with the team and get "
    "sign-off.",
}

# The planning tools by the names the plugin's agent lists, written out so a renamed or
# lost tool fails the tests instead of passing through `registry()`.
PLANNING_TOOLS = (
    "read_context",
    "assess_risk",
    "design_stages",
    "define_criteria",
    "plan_monitoring",
    "plan_communication",
    "plan_rollback",
    "render_plan",
    "stage_duration",
    "simulate_rollout",
    "adjust_plan",
    "record_fact",
)
# Every tool of the registry: the planning tools, then the ones that run a plan.
ALL_TOOLS = (*PLANNING_TOOLS, "export_plan", "evaluate_gate")


@pytest.fixture
def seed_dir(tmp_path: Path) -> Path:
    """A private copy of the seed scenario's two context documents."""
    folder = tmp_path / "payment-rollout"
    folder.mkdir()
    for name in ("feature-description.md", "baseline-metrics.md"):
        shutil.copy(SEED_DIR / name, folder / name)
    return folder


@pytest.fixture
def run_cli() -> RunCli:
    """Run the installed `rollout` command in a subprocess, without an API key."""

    def run(*args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k != "ANTHROPIC_API_KEY"}
        return subprocess.run(
            [str(ROLLOUT), *map(str, args)],
            cwd=cwd,
            env=env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )

    return run


WriteContext = Callable[[str, str], Path]


@pytest.fixture
def write_context(tmp_path: Path) -> WriteContext:
    """Write a context folder from the text of its two documents; returns the folder."""

    def write(feature: str, baseline: str) -> Path:
        folder = tmp_path / "context"
        folder.mkdir(exist_ok=True)
        (folder / "feature-description.md").write_text(feature, encoding="utf-8")
        (folder / "baseline-metrics.md").write_text(baseline, encoding="utf-8")
        return folder

    return write
