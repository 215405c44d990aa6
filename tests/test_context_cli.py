"""`rollout context` as a user runs it: Markdown or JSON, fast, and without the agent's imports."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING

import pytest

from rollout_manager.model import RolloutContext

if TYPE_CHECKING:
    from pathlib import Path

RunCli = Callable[..., subprocess.CompletedProcess[str]]

pytestmark = pytest.mark.slow


def test_context_prints_facts_with_evidence(seed_dir: Path, run_cli: RunCli) -> None:
    result = run_cli("context", "--context", seed_dir)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert f"# Rollout context: {seed_dir}\n" in result.stdout
    assert '- baseline-metrics.md:5 "- P95 latency: 890ms"' in result.stdout
    assert "**baseline.p95_latency_ms**: 890 ms" in result.stdout
    assert "**feature.flag**: payment_pipeline_v2" in result.stdout
    assert '- feature-description.md:21 "- Feature flag: payment_pipeline_v2 (currently OFF)"' in (
        result.stdout
    )


def test_context_json_is_the_rollout_context(seed_dir: Path, run_cli: RunCli) -> None:
    result = run_cli("context", "--context", seed_dir, "--json")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    context = RolloutContext.model_validate(data)
    assert context.folder == str(seed_dir)
    assert data["baseline"]["error_rate"]["value"] == 0.008
    assert data["baseline"]["p95_latency_ms"]["value"] == 890.0
    assert data["baseline"]["p95_latency_ms"]["evidence"] == [
        {"file": "baseline-metrics.md", "line": 5, "text": "- P95 latency: 890ms"}
    ]
    assert data["baseline"]["daily_revenue"]["value"] == 1_000_000
    assert data["baseline"]["currency"] == "USD"
    assert data["feature"]["flag"]["value"] == "payment_pipeline_v2"
    assert data["feature"]["peak_windows"][0]["value"] == {
        "start": "11:00",
        "end": "14:00",
        "timezone": "America/New_York",
    }
    assert data["missing"] == []
    assert data["warnings"] == []


def test_context_reads_the_current_folder_by_default(seed_dir: Path, run_cli: RunCli) -> None:
    result = run_cli("context", "--json", cwd=seed_dir)
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["baseline"]["p50_latency_ms"]["value"] == 245.0


def test_context_imports_neither_anthropic_nor_mcp(seed_dir: Path) -> None:
    script = (
        "import sys\n"
        "from rollout_manager.frontdoors.cli import main\n"
        f"status = main(['context', '--context', {str(seed_dir)!r}])\n"
        "assert status == 0, status\n"
        "assert 'anthropic' not in sys.modules, 'anthropic imported'\n"
        "assert 'mcp' not in sys.modules, 'mcp imported'\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stderr
