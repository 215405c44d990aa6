"""The `rollout` command: translates arguments, calls the core, prints.

Exit status: 0 ok, 2 bad input (one line naming the file), 1 internal error;
`rollout gate` exits with its verdict: 0 advance, 3 continue, 4 hold, 5 rollback.
Nothing here plans; `anthropic` and `mcp` are imported only by the commands
that use them.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import sys
from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rollout_manager.errors import InputError
from rollout_manager.sections import SECTIONS

if TYPE_CHECKING:
    from rollout_manager.model import RolloutPlan
    from rollout_manager.tools.registry import ToolEnv

Handler = Callable[[argparse.Namespace], int]


def planning_date(text: str | None) -> date | None:
    """Return the planning date from `--today`, else `$ROLLOUT_TODAY`, else None (the real date).

    Raises:
        InputError: the value is not an ISO date, naming where it came from.
    """
    source = "--today"
    if text is None:
        text, source = os.environ.get("ROLLOUT_TODAY") or None, "ROLLOUT_TODAY"
    if text is None:
        return None
    try:
        return date.fromisoformat(text.strip())
    except ValueError:
        raise InputError(source, f"'{text}' is not an ISO date (2026-12-01)") from None


def _common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--context",
        type=Path,
        default=Path(),
        metavar="DIR",
        help="folder with feature-description.md and baseline-metrics.md (default: .)",
    )
    parser.add_argument(
        "--config",
        type=Path,
        default=None,
        metavar="FILE",
        help="team settings and adjustments (default: DIR/rollout.yaml when present)",
    )
    parser.add_argument(
        "--start",
        type=str,
        default=None,
        metavar="DATE",
        help="first stage start, ISO date or date-time (default: the first start that leaves the "
        "lead time, outside every freeze)",
    )
    parser.add_argument(
        "--today",
        type=str,
        default=None,
        metavar="DATE",
        help="plan as of this date (default: $ROLLOUT_TODAY, else the real date)",
    )


def _section_arguments(args: argparse.Namespace) -> dict[str, str]:
    """Return the tool arguments of a planning command; `--start` is read as every door reads it."""
    if args.start is None:
        return {}
    from rollout_manager.tools.inputs import parse_start

    parse_start(args.start)  # refuse here, naming the option, before anything is read
    return {"start": args.start.strip()}


def _env(args: argparse.Namespace) -> ToolEnv:
    from rollout_manager.tools.registry import ToolEnv

    folder = Path(args.context)
    try:
        is_folder = folder.is_dir()
    except OSError as error:  # a name too long for the file system
        raise InputError(str(folder), f"cannot be read ({error.strerror})") from None
    if not is_folder:
        raise InputError(str(folder), "context folder not found")
    return ToolEnv(root=folder, config=args.config, today=args.planning_date)


def _plan(args: argparse.Namespace) -> RolloutPlan:
    from rollout_manager.tools.inputs import SectionInput
    from rollout_manager.tools.served import plan_for

    return plan_for(_env(args), SectionInput.model_validate(_section_arguments(args)))


def _print_json(data: object) -> None:
    print(json.dumps(data, indent=2, ensure_ascii=False))


def _cmd_context(args: argparse.Namespace) -> int:
    from rollout_manager.planning.plan import context_folder
    from rollout_manager.render.sections import render_context

    context = context_folder(args.context, config=args.config)
    if args.json:
        _print_json(context.model_dump(mode="json"))
    else:
        print(render_context(context), end="")
    return 0


def _cmd_section(args: argparse.Namespace) -> int:
    from rollout_manager.planning.plan import section_json
    from rollout_manager.sections import section_named
    from rollout_manager.tools.catalog import default_registry

    section = section_named(args.command)
    env = _env(args)
    arguments = _section_arguments(args)  # a bad --start is refused by every section command
    result = default_registry().dispatch(
        section.tool,
        arguments if section.dated else {},
        root=env.root,
        config=env.config,
        today=env.today,
    )
    if not result.ok or result.plan is None:
        raise InputError(str(env.root), result.error or "no plan")
    if args.json:
        _print_json(section_json(result.plan, section.name))
    else:
        print(result.markdown, end="")
    return 0


def _cmd_plan(args: argparse.Namespace) -> int:
    from rollout_manager.planning.policy import CONFIG_NAME
    from rollout_manager.reading.context import BASELINE_FILE, FEATURE_FILE
    from rollout_manager.render.sections import render_document, status_line
    from rollout_manager.storage import mark_generated, write_generated

    plan = _plan(args)
    if args.json:
        text = json.dumps(plan.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    else:
        document = render_document(plan)
        text = mark_generated(document) if args.output is not None else document
    if args.output is None:
        print(text, end="")
        return 0
    inputs = [args.context / FEATURE_FILE, args.context / BASELINE_FILE]
    inputs.append(args.config if args.config is not None else args.context / CONFIG_NAME)
    try:
        write_generated(args.output, text, protected=tuple(inputs), force=args.force)
    except InputError as error:
        if "not written by" in error.problem:
            problem = error.problem.replace("force it", "pass --force")
            raise InputError(str(args.output), problem) from None
        raise
    print(f"wrote {args.output}")
    print(status_line(plan))
    return 0


def _cmd_export(args: argparse.Namespace) -> int:
    from rollout_manager.exports.bundle import export_context, export_notes, write_exports

    files = export_context(
        _plan(args),
        Path(args.context),
        args.to,
        config=args.config,
        stage=args.stage,
        placeholder=args.placeholder,
        workload=args.rollout_from,
    )
    written = write_exports(files, args.output)
    print(f"wrote {len(written)} files to {args.output}")
    for path in written:
        print(f"  {path}")
    for note in export_notes(files):
        print(f"note: {note}")
    return 0


def _cmd_simulate(args: argparse.Namespace) -> int:
    from rollout_manager.tools.catalog import default_registry

    env = _env(args)
    arguments = {**_section_arguments(args), "runs": args.runs, "seed": args.seed}
    result = default_registry().dispatch(
        "simulate_rollout", arguments, root=env.root, config=env.config
    )
    if not result.ok:
        raise InputError(str(env.root), result.error or "simulation failed")
    if args.json:
        _print_json(result.data)
    else:
        print(result.markdown, end="")
    return 0


def _cmd_schema(_args: argparse.Namespace) -> int:
    from rollout_manager.schema import plan_json_schema

    _print_json(plan_json_schema())
    return 0


def _build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="rollout",
        description="Plan safe, progressive feature rollouts from two short documents.",
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    ctx = sub.add_parser("context", help="show what was read from the documents, with evidence")
    _common(ctx)
    ctx.add_argument("--json", action="store_true", help="print the RolloutContext as JSON")
    ctx.set_defaults(handler=_cmd_context)

    for entry in SECTIONS:
        section = sub.add_parser(entry.name, help=entry.help, description=entry.help)
        _common(section)
        section.add_argument("--json", action="store_true", help="print the section as JSON")
        section.set_defaults(handler=_cmd_section)

    plan = sub.add_parser("plan", help="the whole plan document (or RolloutPlan JSON)")
    _common(plan)
    plan.add_argument("--json", action="store_true", help="print the RolloutPlan as JSON")
    plan.add_argument("-o", "--output", type=Path, default=None, metavar="FILE")
    plan.add_argument(
        "--force",
        action="store_true",
        help="replace FILE even when rollout-manager did not write it (never an input document)",
    )
    plan.set_defaults(handler=_cmd_plan)

    export = sub.add_parser(
        "export",
        help="the plan as Prometheus rules, an Argo Rollout, a Flagger Canary, flagd flags",
        description="Write the plan's stages and decisions as the engines' own files.",
    )
    _common(export)
    export.add_argument(
        "--to",
        required=True,
        choices=("prometheus", "argo", "flagger", "flagd", "all"),
        help="engine to export to, or all",
    )
    export.add_argument(
        "-o",
        "--output",
        type=Path,
        default=Path("exports"),
        metavar="DIR",
        help="folder to write into, one subfolder per engine (default: exports)",
    )
    export.add_argument(
        "--stage",
        type=int,
        default=None,
        metavar="N",
        help="only stage N's Prometheus rules and one flagd flags.json for it",
    )
    export.add_argument(
        "--placeholder",
        action="store_true",
        help="write marked placeholder series for gated metrics rollout.yaml does not map",
    )
    export.add_argument(
        "--rollout-from",
        type=Path,
        default=None,
        metavar="FILE",
        help="an existing Rollout or Deployment manifest to merge the Argo strategy into",
    )
    export.set_defaults(handler=_cmd_export)

    simulate = sub.add_parser(
        "simulate",
        help="run the plan's decision rules against simulated healthy and regressed rollouts",
    )
    _common(simulate)
    simulate.add_argument("--json", action="store_true", help="print the report as JSON")
    simulate.add_argument("--runs", type=int, default=10_000, help="rollouts (default 10,000)")
    simulate.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    simulate.set_defaults(handler=_cmd_simulate)

    schema = sub.add_parser("schema", help="print the JSON Schema of RolloutPlan")
    schema.set_defaults(handler=_cmd_schema)

    from rollout_manager.frontdoors.cli_agent import add_agent_commands

    add_agent_commands(sub, _common)
    from rollout_manager.frontdoors.cli_gate import add_gate_commands

    add_gate_commands(sub, _common)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the `rollout` command line; returns the exit status."""
    parser = _build_parser()
    args = parser.parse_args(argv)
    handler: Handler = args.handler
    try:
        args.planning_date = planning_date(getattr(args, "today", None))
        return handler(args)
    except InputError as error:
        print(f"rollout: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("rollout: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except Exception as error:  # the last line of defence: never a traceback
        if os.environ.get("ROLLOUT_DEBUG"):
            raise
        print(
            f"rollout: internal error: {type(error).__name__}: {error} "
            "(set ROLLOUT_DEBUG=1 to see the traceback)",
            file=sys.stderr,
        )
        return 1


def run() -> None:
    """Run the `rollout` console script: `main`, then leave without the interpreter's teardown.

    Tearing down a few hundred modules costs about 50 ms a start and does nothing
    for a finished command: its output is flushed here and its files are written
    atomically and closed. The cyclic garbage collector is off for a command's
    short life (reference counting still frees everything that is not a cycle):
    starting up allocates tens of thousands of objects that live to the end, and
    scanning them a hundred times cost about a tenth of `rollout plan`. The
    commands that stay up (`chat`, `mcp`) turn it back on.
    """
    gc.disable()
    status = main()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(OSError, ValueError):  # a closed pipe: nothing left to say
            stream.flush()
    os._exit(status)


if __name__ == "__main__":
    run()
