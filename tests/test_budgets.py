"""What a model pays to read us: every tool result on the seed, and the tool definitions.

A model reads the text of a tool result (the Markdown a person reads and a
one-line summary); the JSON travels once, as structured data. These budgets
keep a whole seed conversation small.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import pytest

from rollout_manager.agent.loop import system_prompt
from rollout_manager.tools.catalog import default_registry, dispatch
from tests.conftest import PLANNING_TOOLS

if TYPE_CHECKING:
    from pathlib import Path

RESULT_BUDGET = 8_000
DEFINITIONS_BUDGET = 8_000
# Arguments beyond `context` that make a tool do its full work on the seed.
EXTRA_ARGUMENTS: dict[str, dict[str, Any]] = {
    "stage_duration": {"stage": 2},
    "adjust_plan": {"stage": 2, "duration_hours": 120},
    # The seed's own P95 line (baseline-metrics.md:5), recorded as a team would.
    "record_fact": {
        "metric": "p95_latency_ms",
        "value": 890,
        "unit": "ms",
        "file": "baseline-metrics.md",
        "quote": "P95 latency: 890ms",
    },
}


@pytest.mark.parametrize("tool", PLANNING_TOOLS)
def test_every_tool_result_on_the_seed_fits_the_budget(seed_dir: Path, tool: str) -> None:
    arguments = {"context": seed_dir.name, **EXTRA_ARGUMENTS.get(tool, {})}

    result = dispatch(tool, arguments, root=seed_dir.parent)

    assert result.ok, result.error
    text = result.as_text()
    assert len(text) <= RESULT_BUDGET, f"{tool}: {len(text):,} characters"
    # The numbers are in the structured data, not repeated in the text.
    assert result.data
    assert json.dumps(result.data, ensure_ascii=False, separators=(",", ":")) not in text


def test_the_stage_criteria_are_referenced_not_copied_per_stage(seed_dir: Path) -> None:
    result = dispatch("design_stages", {"context": seed_dir.name}, root=seed_dir.parent)
    criteria = {c["metric"] for s in result.data["stages"] for c in s["success_criteria"]}

    # Each criterion is written once in the text (one row of the per-gate table), however
    # many stages check it.
    assert len(result.data["stages"]) == 6
    for metric in ("error_rate", "p95_latency_ms"):
        assert metric in criteria
    assert result.as_text().count("Error rate <= ") == 1


def test_tool_definitions_and_system_prompt_fit_the_budget() -> None:
    # Compact JSON: the form the Anthropic client sends the definitions in (httpx `json=`).
    definitions = json.dumps(default_registry().specs(), ensure_ascii=False, separators=(",", ":"))

    assert len(definitions) + len(system_prompt()) <= DEFINITIONS_BUDGET, (
        f"definitions {len(definitions):,} + system prompt {len(system_prompt()):,}"
    )
