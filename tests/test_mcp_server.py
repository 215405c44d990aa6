"""`rollout mcp`: the tool registry as an MCP client sees it, in process and over stdio."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any, TypeVar

import anyio
import pytest
from mcp import Client, MCPError, StdioServerParameters, types
from mcp.client.stdio import stdio_client
from pydantic import BaseModel

from rollout_manager.frontdoors.mcp_server import build_server
from rollout_manager.tools.catalog import default_registry, dispatch
from rollout_manager.tools.registry import Tool, ToolEnv, ToolResult
from tests.conftest import ALL_TOOLS, PLANNING_TOOLS, ROLLOUT, SEED_PROMPTS
from tests.support.plugin import plugin_snapshot

REPO = Path(__file__).resolve().parent.parent
# Arguments beyond `context` that a tool needs to do something useful.
EXTRA_ARGUMENTS: dict[str, dict[str, Any]] = {
    "stage_duration": {"stage": 2},
    "adjust_plan": {"stage": 2, "duration_hours": 120},
    "record_fact": {
        "metric": "timeout_rate",
        "value": 0.1,
        "unit": "%",
        "file": "baseline-metrics.md",
        "quote": "Timeout rate: 0.1%",
    },
}
# Tools that leave the context folder as they found it, so two calls give one answer.
# The tools that write: each only files of its own (the plan document, rollout.yaml, exports/,
# the gate journal); every other tool only reads.
WRITERS = {"adjust_plan", "render_plan", "record_fact", "export_plan", "evaluate_gate"}
READ_ONLY = tuple(name for name in PLANNING_TOOLS if name not in WRITERS)
# mode="legacy" is the initialize handshake most clients use; "auto" takes the newer era.
CLIENT_MODES = ("legacy", "auto")

T = TypeVar("T")
RunCli = Callable[..., subprocess.CompletedProcess[str]]


def _run(scenario: Callable[[], Awaitable[T]]) -> T:
    return anyio.run(scenario)


def _arguments(tool: str, context: str) -> dict[str, Any]:
    return {"context": context, **EXTRA_ARGUMENTS.get(tool, {})}


def _text(result: types.CallToolResult) -> str:
    texts = [block.text for block in result.content if isinstance(block, types.TextContent)]
    assert len(texts) == 1, result.content
    return texts[0]


async def _call_all(client: Client, context: str) -> dict[str, types.CallToolResult]:
    return {
        name: await client.call_tool(name, _arguments(name, context)) for name in PLANNING_TOOLS
    }


# --------------------------------------------------------------------------- in process


@pytest.mark.parametrize("mode", CLIENT_MODES)
def test_lists_every_registry_tool_with_its_exact_schema(seed_dir: Path, mode: str) -> None:
    async def scenario() -> list[types.Tool]:
        async with Client(build_server(seed_dir.parent), mode=mode) as client:
            return (await client.list_tools()).tools

    listed = _run(scenario)

    assert [tool.name for tool in listed] == [spec["name"] for spec in default_registry().specs()]
    assert set(PLANNING_TOOLS) <= {tool.name for tool in listed}
    by_name = {spec["name"]: spec for spec in default_registry().specs()}
    for tool in listed:
        assert tool.input_schema == by_name[tool.name]["input_schema"]
        assert tool.description == by_name[tool.name]["description"]
        assert "context" in tool.input_schema["properties"]
        assert tool.title, tool.name
        assert tool.output_schema is not None
        assert tool.output_schema["required"] == ["ok"]
        assert tool.annotations is not None
        assert tool.annotations.open_world_hint is False
    # The readers only read; the writers touch only files of their own.
    hints = {tool.name: tool.annotations for tool in listed if tool.annotations}
    assert {name for name, hint in hints.items() if hint.read_only_hint} == set(READ_ONLY)
    for name in WRITERS:
        assert hints[name].read_only_hint is False
        assert hints[name].destructive_hint is False
    # A verdict is appended to the journal each time: the same call is not idempotent.
    assert hints["evaluate_gate"].idempotent_hint is False
    assert hints["render_plan"].idempotent_hint is True


@pytest.mark.parametrize("mode", CLIENT_MODES)
def test_every_tool_answers_the_seed_context(seed_dir: Path, mode: str) -> None:
    async def scenario() -> dict[str, types.CallToolResult]:
        async with Client(build_server(seed_dir.parent), mode=mode) as client:
            return await _call_all(client, seed_dir.name)

    results = _run(scenario)

    for name, result in results.items():
        assert not result.is_error, f"{name}: {_text(result)}"
        structured = result.structured_content
        assert structured is not None
        assert structured["ok"] is True
        assert structured["data"], f"{name} returned no data"
        text = _text(result)
        # Markdown for a person: headings or a bold lead, and tables or lists.
        assert re.search(r"^(#{1,3} |\*\*)", text, re.MULTILINE), f"{name}: {text[:80]}"
        # The JSON travels once, as structured content, not again inside the text.
        assert "```json" not in _text(result)
    # The seed's expected outcome (shared/seed/progressive-rollout.md, steps 1 and 2).
    risk = results["assess_risk"].structured_content["data"]["risk"]
    assert risk["overall"] == "HIGH"
    assert risk["strategy"] == "canary"
    stages = results["design_stages"].structured_content["data"]["stages"]
    assert len(stages) >= 5
    assert stages[0]["traffic_percent"] <= 1
    assert stages[-1]["traffic_percent"] == 100
    assert "Saved `" in _text(results["render_plan"])
    assert "## Rollback procedure" in (seed_dir / "rollout-plan.md").read_text()
    # The two writing tools write where the user looks: the context folder.
    assert (seed_dir / "rollout-plan.md").read_text().startswith("#")
    assert "duration_hours: 120" in (seed_dir / "rollout.yaml").read_text()


def test_answers_match_what_every_other_front_door_gets(seed_dir: Path) -> None:
    async def scenario() -> dict[str, types.CallToolResult]:
        async with Client(build_server(seed_dir.parent)) as client:
            return {
                name: await client.call_tool(name, _arguments(name, seed_dir.name))
                for name in READ_ONLY
            }

    results = _run(scenario)

    for name, result in results.items():
        direct = dispatch(name, _arguments(name, seed_dir.name), root=seed_dir.parent)
        assert _text(result) == direct.as_text(), name
        assert result.structured_content == direct.structured(), name


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({"context": 5}, "context"),
        ({"context": "payment-rollout", "start": "next Tuesday"}, "start"),
        ({"context": "payment-rollout", "surprise": True}, "surprise"),
    ],
)
def test_invalid_arguments_come_back_as_an_error_naming_the_field(
    seed_dir: Path, arguments: dict[str, Any], field: str
) -> None:
    async def scenario() -> types.CallToolResult:
        async with Client(build_server(seed_dir.parent)) as client:
            return await client.call_tool("assess_risk", arguments)

    result = _run(scenario)

    assert result.is_error
    assert field in _text(result)
    assert field in result.structured_content["error"]
    assert result.structured_content["ok"] is False


@pytest.mark.parametrize(
    ("argument", "value"),
    [("stage", True), ("stage", "2"), ("stage", None), ("traffic_percent", True),
     ("traffic_percent", "2")],
)  # fmt: skip
def test_a_number_argument_is_never_coerced(seed_dir: Path, argument: str, value: object) -> None:
    # The schema says integer or number: a boolean, a numeric string or null is a mistake
    # the model should hear about, not a 1% stage.
    async def scenario() -> types.CallToolResult:
        async with Client(build_server(seed_dir.parent)) as client:
            return await client.call_tool(
                "stage_duration", {"context": seed_dir.name, argument: value}
            )

    result = _run(scenario)

    assert result.is_error
    assert _text(result).startswith(f"ERROR: invalid arguments: {argument}: ")
    assert result.structured_content == {
        "ok": False,
        "error": _text(result).removeprefix("ERROR: "),
    }


def test_the_same_arguments_as_numbers_are_accepted(seed_dir: Path) -> None:
    async def scenario() -> types.CallToolResult:
        async with Client(build_server(seed_dir.parent)) as client:
            return await client.call_tool(
                "stage_duration", {"context": seed_dir.name, "traffic_percent": 2}
            )

    result = _run(scenario)

    assert not result.is_error, _text(result)
    assert result.structured_content is not None
    assert result.structured_content["data"]["traffic_percent"] == 2


@pytest.mark.parametrize(
    "escape", ["../..", "payment-rollout/../../..", "/etc", "ABSOLUTE_OUTSIDE"]
)
def test_a_path_outside_the_served_folder_is_refused(
    seed_dir: Path, tmp_path_factory: pytest.TempPathFactory, escape: str
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    for name in ("feature-description.md", "baseline-metrics.md"):
        (outside / name).write_text((seed_dir / name).read_text())
    context = str(outside) if escape == "ABSOLUTE_OUTSIDE" else escape

    async def scenario() -> list[types.CallToolResult]:
        async with Client(build_server(seed_dir)) as client:
            return [await client.call_tool(name, _arguments(name, context)) for name in READ_ONLY]

    for result in _run(scenario):
        assert result.is_error
        assert "outside the folder this tool serves" in _text(result)


class _NoArguments(BaseModel):
    context: str = "."


def _explode(_args: _NoArguments, _env: ToolEnv) -> ToolResult:
    raise RuntimeError("boom")


def test_a_tool_that_crashes_is_reported_and_the_server_keeps_serving(seed_dir: Path) -> None:
    failing_tool = "explode"
    registry = default_registry().with_tools(
        Tool(failing_tool, "Always fails.", _NoArguments, _explode)
    )

    async def scenario() -> tuple[types.CallToolResult, types.CallToolResult]:
        async with Client(build_server(seed_dir.parent, registry), mode="legacy") as client:
            failed = await client.call_tool(failing_tool, {})
            after = await client.call_tool("assess_risk", {"context": seed_dir.name})
            return failed, after

    failed, after = _run(scenario)

    assert failed.is_error
    assert "internal error in tool 'explode': RuntimeError: boom" in _text(failed)
    assert not after.is_error


@pytest.mark.parametrize("mode", CLIENT_MODES)
def test_an_unknown_tool_is_a_protocol_error_listing_the_real_ones(
    seed_dir: Path, mode: str
) -> None:
    async def scenario() -> str:
        async with Client(build_server(seed_dir.parent), mode=mode) as client:
            with pytest.raises(MCPError) as raised:
                await client.call_tool("deploy_to_production", {"context": seed_dir.name})
            return str(raised.value)

    message = _run(scenario)

    assert "unknown tool 'deploy_to_production'" in message
    assert "assess_risk" in message


def test_repeated_calls_give_the_same_answer(seed_dir: Path) -> None:
    # Speed is measured by `make bench` (warm MCP calls), never asserted here.
    arguments = {"context": seed_dir.name}

    async def scenario() -> list[types.CallToolResult]:
        async with Client(build_server(seed_dir.parent), mode="legacy") as client:
            return [await client.call_tool("design_stages", arguments) for _ in range(3)]

    first, *later = _run(scenario)

    assert not first.is_error
    for result in later:
        assert _text(result) == _text(first)
        assert result.structured_content == first.structured_content


# --------------------------------------------------------------------------- prompts, resources


def test_the_six_scenario_requests_are_prompts(seed_dir: Path) -> None:
    async def scenario() -> tuple[list[types.Prompt], types.GetPromptResult]:
        async with Client(build_server(seed_dir.parent)) as client:
            prompts = (await client.list_prompts()).prompts
            got = await client.get_prompt("define-stages", {"context": seed_dir.name})
            return prompts, got

    prompts, got = _run(scenario)

    # One prompt per request of the seed scenario (shared/seed/progressive-rollout.md Steps).
    assert len(prompts) == len(SEED_PROMPTS) == 6
    assert all(prompt.title and prompt.description for prompt in prompts)
    [message] = got.messages
    assert message.role == "user"
    assert isinstance(message.content, types.TextContent)
    assert "rollout stages" in message.content.text
    assert f"`{seed_dir.name}`" in message.content.text


def test_the_plan_document_and_its_schema_are_resources(seed_dir: Path) -> None:
    async def scenario() -> tuple[list[types.Resource], str, str, str]:
        async with Client(build_server(seed_dir.parent)) as client:
            listed = (await client.list_resources()).resources
            texts = []
            for uri in ("rollout://schema/rollout-plan.json", f"rollout://plan/{seed_dir.name}"):
                contents = (await client.read_resource(uri)).contents
                assert isinstance(contents[0], types.TextResourceContents)
                texts.append(contents[0].text)
            with pytest.raises(MCPError) as raised:
                await client.read_resource("rollout://plan/../..")
            return listed, texts[0], texts[1], str(raised.value)

    listed, schema, document, refused = _run(scenario)

    assert {str(r.uri) for r in listed} == {"rollout://plan", "rollout://schema/rollout-plan.json"}
    assert json.loads(schema) == json.loads(
        (REPO / "src/rollout_manager/rollout-plan.schema.json").read_text()
    )
    assert document.startswith("# Rollout plan: ")
    assert "## Rollback procedure" in document
    assert not (seed_dir / "rollout-plan.md").exists()  # reading a resource writes nothing
    assert "outside the folder this tool serves" in refused


@pytest.mark.parametrize(("sig", "status"), [(signal.SIGINT, 130), (signal.SIGTERM, 143)])
def test_the_server_stops_on_a_signal(seed_dir: Path, sig: signal.Signals, status: int) -> None:
    server = subprocess.Popen(
        [str(ROLLOUT), "mcp", "--root", str(seed_dir)], stdin=subprocess.PIPE,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE,
    )  # fmt: skip
    assert server.stdin is not None
    # A first request answered: the server is up and reading stdin when the signal comes.
    hello = {"jsonrpc": "2.0", "id": 1, "method": "ping"}
    server.stdin.write((json.dumps(hello) + "\n").encode())
    server.stdin.flush()
    assert server.stdout is not None
    server.stdout.readline()
    server.send_signal(sig)

    try:
        server.wait(timeout=20)  # a bound for a stuck server, not a speed claim
    finally:
        server.kill()
        server.communicate()

    assert server.returncode == status


# --------------------------------------------------------------------------- over stdio


def test_serving_a_folder_that_does_not_exist_fails_in_one_line(
    run_cli: RunCli, tmp_path: Path
) -> None:
    missing = tmp_path / "no-such-folder"

    completed = run_cli("mcp", "--root", missing)

    assert completed.returncode == 2
    assert completed.stdout == ""
    assert completed.stderr.strip().count("\n") == 0
    assert str(missing) in completed.stderr


def _server_as_plugin_declares(
    plugin_root: Path, data_dir: Path, cwd: Path
) -> StdioServerParameters:
    """The `rollout` server exactly as `.mcp.json` declares it, started the way Claude Code does."""

    def expand(text: str) -> str:
        return text.replace("${CLAUDE_PLUGIN_ROOT}", str(plugin_root)).replace(
            "${CLAUDE_PLUGIN_DATA}", str(data_dir)
        )

    declared = json.loads((plugin_root / ".mcp.json").read_text())["mcpServers"]["rollout"]
    # Claude Code passes its own environment plus these two to every plugin server.
    env = {
        **os.environ,
        "CLAUDE_PLUGIN_ROOT": str(plugin_root),
        "CLAUDE_PLUGIN_DATA": str(data_dir),
        **{key: expand(value) for key, value in declared.get("env", {}).items()},
    }
    return StdioServerParameters(
        command=expand(declared["command"]),
        args=[expand(arg) for arg in declared.get("args", [])],
        env=env,
        cwd=cwd,
    )


async def _start_and_call(
    params: StdioServerParameters, context: str, errlog: Path, mode: str
) -> tuple[float, list[str], types.CallToolResult]:
    started = time.perf_counter()
    with errlog.open("a") as stderr:
        async with Client(stdio_client(params, errlog=stderr), mode=mode) as client:
            names = [tool.name for tool in (await client.list_tools()).tools]
            result = await client.call_tool("assess_risk", {"context": context})
            return time.perf_counter() - started, names, result


@pytest.mark.slow
def test_the_plugin_server_installs_itself_then_starts_fast(seed_dir: Path, tmp_path: Path) -> None:
    plugin_root = plugin_snapshot(tmp_path / "installed-plugin")
    data_dir = tmp_path / "plugin-data"
    errlog = tmp_path / "server-stderr.log"
    params = _server_as_plugin_declares(plugin_root, data_dir, cwd=seed_dir.parent)

    async def first_start() -> tuple[float, list[str], types.CallToolResult]:
        with anyio.fail_after(300):  # a fresh install fetches the dependencies
            return await _start_and_call(params, seed_dir.name, errlog, "legacy")

    install_seconds, names, result = _run(first_start)
    stamp = next(data_dir.rglob("*.stamp"))
    install_log = data_dir / "install.log"
    installed = (stamp.read_text(), install_log.stat().st_mtime_ns)

    assert set(PLANNING_TOOLS) <= set(names), errlog.read_text()
    assert not result.is_error, _text(result)
    assert result.structured_content["data"]["risk"]["overall"] == "HIGH"

    async def second_start() -> tuple[float, list[str], types.CallToolResult]:
        with anyio.fail_after(60):
            return await _start_and_call(params, seed_dir.name, errlog, "auto")

    restart_seconds, names, result = _run(second_start)

    print(
        f"\nstdio: first start (install + list + call) {install_seconds:.1f} s, "
        f"second start to first result {restart_seconds * 1000:.0f} ms"
    )
    assert not result.is_error, _text(result)
    assert set(PLANNING_TOOLS) <= set(names)
    # No pip on the second start: the install stamp and log are untouched.
    assert (stamp.read_text(), install_log.stat().st_mtime_ns) == installed


# --------------------------------------------------------------------------- a third-party client

INSPECTOR = "@modelcontextprotocol/inspector@0.15.0"


def _inspector(root: Path, *method: str) -> dict[str, Any]:
    npx = shutil.which("npx")
    if npx is None:
        pytest.skip("npx is not installed (the MCP Inspector runs through it)")
    completed = subprocess.run(
        [npx, "-y", INSPECTOR, "--cli", str(ROLLOUT), "mcp", "--root", str(root), *method],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip
    if completed.returncode != 0 and re.search(
        r"npm (ERR|error)|ENOTFOUND|EAI_AGAIN", completed.stderr
    ):
        pytest.skip(f"npx could not fetch {INSPECTOR} (network): {completed.stderr[-200:]}")
    assert completed.returncode == 0, completed.stderr
    result: dict[str, Any] = json.loads(completed.stdout)
    return result


@pytest.mark.slow
def test_the_mcp_inspector_sees_titles_annotations_schemas_prompts_and_resources(
    seed_dir: Path,
) -> None:
    tools = _inspector(seed_dir, "--method", "tools/list")["tools"]
    prompts = _inspector(seed_dir, "--method", "prompts/list")["prompts"]
    resources = _inspector(seed_dir, "--method", "resources/list")["resources"]
    called = _inspector(
        seed_dir, "--method", "tools/call", "--tool-name", "stage_duration",
        "--tool-arg", "traffic_percent=true",
    )  # fmt: skip

    assert {tool["name"] for tool in tools} == set(ALL_TOOLS)
    for tool in tools:
        assert tool["title"], tool["name"]
        assert "readOnlyHint" in tool["annotations"], tool["name"]
        assert tool["outputSchema"]["type"] == "object", tool["name"]
    assert len(prompts) == 6
    assert {r["uri"] for r in resources} == {"rollout://plan", "rollout://schema/rollout-plan.json"}
    # The Inspector turns `true` for a number into null; either way it is refused, by name.
    assert called["isError"] is True
    assert "traffic_percent" in called["content"][0]["text"]
