"""Concurrent writers of `rollout.yaml` (issue 17, item 1): no adjustment is lost."""

from __future__ import annotations

import subprocess
import threading
from contextlib import AsyncExitStack
from datetime import date, timedelta
from typing import TYPE_CHECKING

import anyio
import pytest
import yaml
from mcp import Client, StdioServerParameters
from mcp.client.stdio import stdio_client
from pydantic import BaseModel

from rollout_manager.frontdoors.mcp_server import build_server
from rollout_manager.tools.catalog import default_registry
from rollout_manager.tools.registry import Tool, ToolEnv, ToolResult
from tests.conftest import ROLLOUT

if TYPE_CHECKING:
    from pathlib import Path

# Five stage changes and fifteen freezes: twenty changes to twenty different keys.
STAGE_DAYS = {stage: stage + 1 for stage in range(1, 6)}
FREEZE_DAYS = [date(2027, 3, 1) + timedelta(days=i) for i in range(15)]


def _cli_prompts() -> list[str]:
    stages = [f"make stage {s} last {d} days" for s, d in STAGE_DAYS.items()]
    freezes = [f"freeze {day:%b} {day.day} to {day:%b} {day.day}" for day in FREEZE_DAYS]
    return stages + freezes


def _tool_calls(context: str) -> list[dict[str, object]]:
    stages = [{"context": context, "stage": s, "duration_days": d} for s, d in STAGE_DAYS.items()]
    freezes: list[dict[str, object]] = [
        {
            "context": context,
            "freezes": [{"name": f"Freeze {day}", "start": str(day), "end": str(day)}],
        }
        for day in FREEZE_DAYS
    ]
    return stages + freezes


def _assert_all_twenty_kept(config: Path) -> None:
    saved = yaml.safe_load(config.read_text())
    durations = {entry["stage"]: entry["duration_hours"] for entry in saved["stages"]}
    assert durations == {s: 24 * d for s, d in STAGE_DAYS.items()}
    frozen = sorted(entry["start"] for entry in saved["freezes"])
    assert frozen == FREEZE_DAYS


@pytest.mark.slow
def test_twenty_concurrent_cli_adjustments_are_all_kept(seed_dir: Path) -> None:
    processes = [
        subprocess.Popen(
            [str(ROLLOUT), "ask", "--offline", "--context", str(seed_dir), prompt],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for prompt in _cli_prompts()
    ]
    outputs = [process.communicate(timeout=300) for process in processes]

    assert [p.returncode for p in processes] == [0] * 20, [err for _, err in outputs]
    assert all(out.startswith("Saved to `rollout.yaml`") for out, _ in outputs)
    _assert_all_twenty_kept(seed_dir / "rollout.yaml")


@pytest.mark.slow
def test_twenty_adjust_plan_calls_over_five_mcp_servers_are_all_kept(seed_dir: Path) -> None:
    params = StdioServerParameters(
        command=str(ROLLOUT), args=["mcp", "--root", str(seed_dir.parent)]
    )
    calls = _tool_calls(seed_dir.name)
    failures: list[str] = []

    async def scenario() -> None:
        async with AsyncExitStack() as stack:
            clients = [
                await stack.enter_async_context(Client(stdio_client(params), mode="legacy"))
                for _ in range(5)
            ]

            async def call(index: int, arguments: dict[str, object]) -> None:
                result = await clients[index % 5].call_tool("adjust_plan", arguments)
                if result.is_error:
                    failures.append(str(result.content))

            async with anyio.create_task_group() as group:
                for index, arguments in enumerate(calls):
                    group.start_soon(call, index, arguments)

    anyio.run(scenario)

    assert failures == []
    _assert_all_twenty_kept(seed_dir / "rollout.yaml")


# --------------------------------------------------------------------------- one slow call


class _SlowArguments(BaseModel):
    context: str = "."


_RELEASE = threading.Event()


def _slow(_args: _SlowArguments, _env: ToolEnv) -> ToolResult:
    """A tool as slow as a runaway computation: it returns when released (or after 30 s)."""
    _RELEASE.wait(timeout=30)
    return ToolResult(ok=True, data={"slow": True})


def test_one_slow_call_does_not_starve_the_server(seed_dir: Path) -> None:
    slow_tool = "slow"
    registry = default_registry().with_tools(
        Tool(slow_tool, "Returns when released.", _SlowArguments, _slow)
    )
    _RELEASE.clear()
    finished: list[str] = []

    async def scenario() -> None:
        async with Client(build_server(seed_dir.parent, registry), mode="legacy") as client:

            async def slow() -> None:
                await client.call_tool(slow_tool, {})
                finished.append("slow")

            async def fast() -> None:
                result = await client.call_tool("assess_risk", {"context": seed_dir.name})
                assert not result.is_error
                finished.append("fast")
                _RELEASE.set()  # the slow call may end only once the fast one is answered

            async with anyio.create_task_group() as group:
                group.start_soon(slow)
                await anyio.sleep(0.2)  # the slow call is under way first
                group.start_soon(fast)

    anyio.run(scenario)

    assert finished == ["fast", "slow"]
