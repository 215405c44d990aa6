"""`rollout gate` and `rollout status`: judge a stage from observed data; show the journal."""

from __future__ import annotations

import argparse
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from rollout_manager.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Callable

GATE_EPILOG = """\
exit status (for CI/CD and behind a Flagger webhook):
  0  advance   gate test passed, minimum transactions and dwell met, the calendar allows it now
  3  continue  no boundary crossed; not enough data or time yet (says how much more)
  4  hold      a failed gate test or a sample-ratio mismatch: do not advance, page
  5  rollback  a rollback boundary was crossed (says which, with the counts)
  2  bad input (one line naming the file and the problem); 1 internal error

A share judged on its failures (1 - value), e.g. a conversion, can be counted from its
good outcomes: `<key>_successes` per arm of a counts file or as a 0/1 events column (instead
of `<key>`), `successes:` under rollout.yaml metrics_source.metrics.<key> for Prometheus
(instead of `events:`); the counted failures are transactions minus successes.

Every verdict is appended to DIR/rollout-log.jsonl; `rollout status` shows them.
"""


def _time(text: str, option: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError:
        raise InputError(
            option, f"'{text}' is not an ISO 8601 time (2026-12-04T09:00:00Z)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _cmd_gate(args: argparse.Namespace) -> int:
    from rollout_manager.gates.report import render_verdict
    from rollout_manager.gates.run import GateRequest, evaluate
    from rollout_manager.tools.inputs import parse_start

    request = GateRequest(
        folder=args.context,
        stage=args.stage,
        observed=args.observed,
        prometheus=args.prometheus,
        at=_time(args.at, "--at") if args.at else None,
        since=_time(args.since, "--since") if args.since else None,
        plan_file=args.plan,
        config=args.config,
        start=parse_start(args.start) if args.start else None,
    )
    verdict, _journal = evaluate(request)
    if args.json:
        print(json.dumps(verdict.model_dump(mode="json"), indent=2, ensure_ascii=False))
    else:
        print(render_verdict(verdict), end="")
    return verdict.exit_code


def _cmd_status(args: argparse.Namespace) -> int:
    from rollout_manager.gates.journal import read_journal
    from rollout_manager.gates.report import render_status
    from rollout_manager.gates.run import GateRequest, load_plan
    from rollout_manager.gates.status import rollout_status
    from rollout_manager.planning.policy import load_policy
    from rollout_manager.tools.inputs import parse_start

    request = GateRequest(
        folder=args.context,
        stage=1,
        plan_file=args.plan,
        config=args.config,
        start=parse_start(args.start) if args.start else None,
    )
    plan, _source = load_plan(request, load_policy(args.context, args.config))
    status = rollout_status(plan, read_journal(args.context))
    if args.json:
        print(json.dumps(status, indent=2, ensure_ascii=False))
    else:
        print(render_status(status), end="")
    return 0


def add_gate_commands(
    sub: argparse._SubParsersAction[argparse.ArgumentParser],
    common: Callable[[argparse.ArgumentParser], None],
) -> None:
    """Add `gate` and `status` to the `rollout` command line."""
    gate = sub.add_parser(
        "gate",
        help="judge a stage from observed data: advance / continue / hold / rollback",
        description="Judge a stage with exactly the plan's decision rules, from a counts "
        "file, raw events (.csv) or Prometheus; against the control when its counts are given.",
        epilog=GATE_EPILOG,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    common(gate)
    gate.add_argument("stage", type=int, metavar="STAGE", help="stage number to judge")
    source = gate.add_mutually_exclusive_group(required=True)
    source.add_argument(
        "--observed", type=Path, metavar="FILE", help="counts JSON, or raw events CSV (.csv)"
    )
    source.add_argument(
        "--prometheus", metavar="URL", help="Prometheus base URL, e.g. http://prometheus:9090"
    )
    gate.add_argument("--at", metavar="TIME", help="moment to judge, ISO 8601 (default: now)")
    gate.add_argument(
        "--since", metavar="TIME", help="when the stage started (default: the plan's start)"
    )
    gate.add_argument(
        "--plan", type=Path, metavar="FILE", help="saved `rollout plan --json` (default: plan DIR)"
    )
    gate.add_argument("--json", action="store_true", help="print the verdict as JSON")
    gate.set_defaults(handler=_cmd_gate)

    status = sub.add_parser(
        "status", help="current stage, progress to its gate, and the last verdicts"
    )
    common(status)
    status.add_argument("--plan", type=Path, metavar="FILE", help="saved `rollout plan --json`")
    status.add_argument("--json", action="store_true", help="print the status as JSON")
    status.set_defaults(handler=_cmd_status)
