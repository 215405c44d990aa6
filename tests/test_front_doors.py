"""Every front door reads an option the same way: the CLI, MCP, the agent loop and `dispatch`.

A start date is one type (an ISO date or date-time, years 2000-2099, the time
kept): a refusal reads the same at each door, and a start at 15:00 starts
stage 1 at 15:00 through each of them.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import anyio
from mcp import Client

from rollout_manager.frontdoors.mcp_server import build_server
from rollout_manager.tools.catalog import dispatch

if TYPE_CHECKING:
    from pathlib import Path

    from tests.conftest import RunCli

REFUSAL = "must be a date between 2000 and 2099"
EARLY = "1999-01-04"
# Tuesday 8 December 2026, 15:00 local: a gate hour (after the 11:00-14:00 peak window).
WITH_TIME = "2026-12-08T15:00"
STAGE_ONE_AT = "Tue 2026-12-08 15:00 EST"


def _mcp_call(root: Path, name: str, arguments: dict[str, Any]) -> tuple[bool, str]:
    async def call() -> tuple[bool, str]:
        async with Client(build_server(root)) as client:
            result = await client.call_tool(name, arguments)
            text = "".join(getattr(block, "text", "") for block in result.content)
            return bool(result.is_error), text

    return anyio.run(call)


def test_a_start_before_2000_is_refused_alike_at_every_door(
    run_cli: RunCli, seed_dir: Path
) -> None:
    cli = run_cli("stages", "--context", seed_dir, "--start", EARLY)
    ask = run_cli("ask", "--offline", "--context", seed_dir, "--start", EARLY, "stages?")
    direct = dispatch("design_stages", {"start": EARLY}, root=seed_dir)
    is_error, mcp_text = _mcp_call(seed_dir, "design_stages", {"start": EARLY})

    for result in (cli, ask):
        assert result.returncode == 2, result.stderr
        assert result.stderr == f"rollout: --start: {REFUSAL}\n"
        assert result.stdout == ""
    assert not direct.ok and direct.error == f"invalid arguments: start: {REFUSAL}"
    assert is_error and mcp_text == f"ERROR: invalid arguments: start: {REFUSAL}"


def test_a_start_with_a_time_keeps_it_at_every_door(run_cli: RunCli, seed_dir: Path) -> None:
    cli = run_cli("stages", "--context", seed_dir, "--start", WITH_TIME)
    cli_json = run_cli("stages", "--context", seed_dir, "--start", WITH_TIME, "--json")
    ask = run_cli(
        "ask", "--offline", "--context", seed_dir, "--start", WITH_TIME, "Define rollout stages"
    )
    direct = dispatch("design_stages", {"start": WITH_TIME}, root=seed_dir)
    is_error, mcp_text = _mcp_call(seed_dir, "design_stages", {"start": WITH_TIME})

    assert cli.returncode == 0 and f"| 1 | 1% | {STAGE_ONE_AT} |" in cli.stdout
    assert json.loads(cli_json.stdout)["stages"][0]["start"] == "2026-12-08T15:00:00-05:00"
    assert ask.returncode == 0 and f"| 1 | 1% | {STAGE_ONE_AT} |" in ask.stdout
    assert direct.ok and direct.data["stages"][0]["start"] == "2026-12-08T15:00:00-05:00"
    assert not is_error and f"| 1 | 1% | {STAGE_ONE_AT} |" in mcp_text


def test_a_day_without_a_time_starts_at_the_first_gate_hour(seed_dir: Path) -> None:
    result = dispatch("design_stages", {"start": "2026-12-08"}, root=seed_dir)

    assert result.ok and result.data["stages"][0]["start"] == "2026-12-08T09:00:00-05:00"


def test_a_start_that_is_not_a_date_is_named_with_the_value(
    run_cli: RunCli, seed_dir: Path
) -> None:
    result = run_cli("plan", "--context", seed_dir, "--start", "next tuesday")

    assert result.returncode == 2
    assert result.stderr == (
        "rollout: --start: 'next tuesday' is not an ISO date (2026-12-01) or date-time "
        "(2026-12-01T09:00)\n"
    )


def test_the_cli_section_json_is_the_tool_result_with_its_evidence(
    run_cli: RunCli, seed_dir: Path
) -> None:
    """`rollout criteria --json` shows what the `define_criteria` tool computed, in full."""
    cli = json.loads(run_cli("criteria", "--context", seed_dir, "--json").stdout)
    tool = dispatch("define_criteria", {}, root=seed_dir)

    assert tool.ok and tool.plan is not None
    assert cli == tool.plan.model_dump(mode="json", include={"criteria"})
