"""The `rollout` commands that talk: `ask`, `chat`, `mcp`, `scenario run`.

Kept apart from `cli.py` so the planning commands never import the agent,
`anthropic` or `mcp`; each handler imports what it needs when it runs.
"""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path
from typing import Any


def _cmd_ask(args: argparse.Namespace) -> int:
    from rollout_manager.agent.loop import run_ask_command

    return run_ask_command(args)


def _cmd_chat(args: argparse.Namespace) -> int:
    from rollout_manager.agent.loop import run_chat_command

    return run_chat_command(args)


def _cmd_mcp(args: argparse.Namespace) -> int:
    from rollout_manager.frontdoors.mcp_server import run_stdio_server

    return run_stdio_server(root=args.root)


def _cmd_scenario_run(args: argparse.Namespace) -> int:
    from rollout_manager.scenario.runner import run_scenario_command

    return run_scenario_command(args)


def _agent_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--offline",
        action="store_true",
        help="use the built-in offline planner even when ANTHROPIC_API_KEY is set",
    )
    parser.add_argument(
        "--model",
        default=None,
        metavar="ID",
        help="Claude model id (default: $ROLLOUT_MODEL or a current Sonnet)",
    )
    parser.add_argument(
        "--trace",
        type=Path,
        default=None,
        metavar="FILE",
        help="save every tool call, result, error and token count as JSON",
    )


def add_agent_commands(sub: Any, common: Callable[[argparse.ArgumentParser], None]) -> None:
    """Register `ask`, `chat`, `mcp` and `scenario` on the `rollout` parser."""
    ask = sub.add_parser("ask", help="ask in plain language (Claude with a key, else offline)")
    common(ask)
    _agent_options(ask)
    ask.add_argument("prompt", help="the request, e.g. 'Assess the risk of this rollout'")
    ask.set_defaults(handler=_cmd_ask)

    chat = sub.add_parser("chat", help="a conversation; each turn re-plans from the files")
    common(chat)
    _agent_options(chat)
    chat.set_defaults(handler=_cmd_chat)

    mcp = sub.add_parser("mcp", help="serve the planning tools over MCP on stdio")
    mcp.add_argument(
        "--root",
        type=Path,
        default=Path(),
        metavar="DIR",
        help="folder the server serves; tools cannot leave it (default: .)",
    )
    mcp.set_defaults(handler=_cmd_mcp)

    scenario = sub.add_parser("scenario", help="run scenario files and check their criteria")
    scenario_sub = scenario.add_subparsers(dest="scenario_command", required=True, metavar="ACTION")
    run = scenario_sub.add_parser("run", help="replay a scenario and check each success criterion")
    run.add_argument("path", type=Path, help="scenario file in the seed's format")
    run.add_argument("--offline", action="store_true", help="use the offline planner")
    run.add_argument("--model", default=None, metavar="ID", help="Claude model id")
    run.add_argument(
        "--today",
        default=None,
        metavar="DATE",
        help="plan as of this date (default: $ROLLOUT_TODAY, else the scenario's, else today)",
    )
    run.add_argument("--json", action="store_true", help="print results as JSON")
    run.add_argument("--junit", type=Path, default=None, metavar="FILE", help="write JUnit XML")
    run.add_argument("--keep", type=Path, default=None, metavar="DIR", help="keep the run folder")
    run.set_defaults(handler=_cmd_scenario_run)
