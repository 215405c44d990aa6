"""`rollout scenario run`: the command around `scenario.runner`.

The runner is core: it takes a model client and returns the run. This front
door reads the options, chooses the client as `ask` does (Claude with a key,
the offline planner otherwise), prints the report (text or `--json`), writes
`--junit` XML and turns the verdicts into the exit status. Each import of the
agent and the runner happens when the command runs, so `rollout` starts fast.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rollout_manager.errors import InputError

if TYPE_CHECKING:
    import argparse


def add_scenario_commands(sub: Any) -> None:
    """Register `scenario run` on the `rollout` parser."""
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
    run.add_argument(
        "--allow-unchecked",
        action="store_true",
        help="exit 0 even when a criterion no check covers stays UNCHECKED",
    )
    run.set_defaults(handler=run_scenario_command)


def run_scenario_command(args: argparse.Namespace) -> int:
    """`rollout scenario run PATH [--offline] [--today DATE] [--json] [--junit FILE] [--keep DIR]`.

    Returns:
        0 when every criterion passes, 1 on any FAIL or UNCHECKED (0 for UNCHECKED with
        `--allow-unchecked`). A malformed scenario raises `InputError`, which the CLI
        prints as one line and exits 2.
    """
    import json

    from rollout_manager.scenario.format import read_scenario
    from rollout_manager.scenario.judge import model_judge
    from rollout_manager.scenario.runner import (
        conversation_session,
        format_text,
        junit_xml,
        run_json,
        run_scenario,
    )
    from rollout_manager.storage import atomic_write_text

    scenario = read_scenario(args.path)
    if args.junit is not None and not args.junit.parent.is_dir():
        raise InputError(str(args.junit), f"folder '{args.junit.parent}' does not exist")
    from rollout_manager.agent.offline_planner import OfflinePlanner
    from rollout_manager.agent.protocol import ModelError
    from rollout_manager.frontdoors.cli_agent import make_client

    client = make_client(args)
    offline = isinstance(client, OfflinePlanner)
    today = getattr(args, "planning_date", None) or scenario.today
    if offline and today is not None:  # year-less dates in prompts read against it
        client = OfflinePlanner(today=today)
    mode = "offline planner" if offline else f"Claude {client.name}"
    try:
        session = conversation_session(client, today=today)
        judge = None if offline else model_judge(client)  # never judged offline
        run = run_scenario(scenario, session, mode=mode, today=today, keep=args.keep, judge=judge)
    except ModelError as error:
        sys.stderr.write(f"rollout: {error}\n")
        return error.exit_status
    if args.json:
        sys.stdout.write(json.dumps(run_json(run), indent=2, ensure_ascii=False) + "\n")
    else:
        sys.stdout.write(format_text(run))
    if args.junit is not None:
        atomic_write_text(args.junit, junit_xml(run))
    allowed = getattr(args, "allow_unchecked", False)
    return 0 if run.failed == 0 and (run.unchecked == 0 or allowed) else 1
