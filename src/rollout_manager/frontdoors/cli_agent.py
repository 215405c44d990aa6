"""The `rollout` commands that talk: `ask`, `chat`, `mcp`, `scenario run`.

Kept apart from `cli.py` so the planning commands never import the agent,
`anthropic` or `mcp`; each handler imports what it needs when it runs. This
front door builds the registry and the model client and hands them to the
agent loop, and it is what prints the answers.
"""

from __future__ import annotations

import gc
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

from rollout_manager.errors import InputError
from rollout_manager.frontdoors.cli_scenario import add_scenario_commands
from rollout_manager.planning.policy import CONFIG_NAME
from rollout_manager.sections import SECTIONS
from rollout_manager.tools.inputs import parse_start

if TYPE_CHECKING:
    import argparse
    from collections.abc import Callable, Iterable, Iterator

    from rollout_manager.agent.protocol import ModelClient, Outcome

_EXIT_WORDS = frozenset({"exit", "quit", ":q"})


def _cmd_ask(args: argparse.Namespace) -> int:
    return run_ask_command(args)


def _cmd_chat(args: argparse.Namespace) -> int:
    gc.enable()  # a conversation stays up: collect cycles again (see `cli.run`)
    return run_chat_command(args)


def _cmd_mcp(args: argparse.Namespace) -> int:
    gc.enable()  # a server stays up: collect cycles again (see `cli.run`)
    from rollout_manager.frontdoors.mcp_server import run_stdio_server
    from rollout_manager.tools.catalog import default_registry

    return run_stdio_server(root=args.root, registry=default_registry())


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

    add_scenario_commands(sub)


# --------------------------------------------------------------------------- ask and chat


def _say(message: str) -> None:
    print(f"rollout: {message}", file=sys.stderr)


def _check_arguments(args: argparse.Namespace) -> Path:
    """Return the served folder; bad options fail here, before any model call."""
    folder = Path(args.context)
    if not folder.is_dir():
        raise InputError(str(folder), "context folder not found")
    if args.config is not None and Path(args.config).resolve() != (folder / CONFIG_NAME).resolve():
        raise InputError(
            "--config",
            f"ask and chat read and write {CONFIG_NAME} in the context folder; "
            "move the settings there",
        )
    trace = getattr(args, "trace", None)
    if trace is not None and not Path(trace).resolve().parent.is_dir():
        raise InputError(str(trace), "the trace file's folder does not exist")
    return folder


def _defaults(args: argparse.Namespace) -> dict[str, dict[str, Any]]:
    """`--start` filled into every section tool and `render_plan` the model calls without one.

    (`adjust_plan`'s `start` is a change to save, never filled in.)
    """
    if not args.start:
        return {}
    start = parse_start(args.start).isoformat()
    dated = (s.tool for s in SECTIONS if s.dated)
    return {name: {"start": start} for name in (*dated, "render_plan")}


def make_client(args: argparse.Namespace) -> ModelClient:
    """Claude when `ANTHROPIC_API_KEY` is set and `--offline` is not; the offline planner else."""
    from rollout_manager.agent.protocol import DEFAULT_MODEL

    key = os.environ.get("ANTHROPIC_API_KEY", "").strip()
    if args.offline or not key:
        from rollout_manager.agent.offline_planner import OfflinePlanner

        if not args.offline:
            _say("ANTHROPIC_API_KEY is not set: answering with the offline planner (--offline).")
        return OfflinePlanner(today=getattr(args, "planning_date", None))
    try:
        from rollout_manager.agent.claude_client import ClaudeClient
    except ModuleNotFoundError as error:
        if error.name != "anthropic":
            raise
        raise InputError(
            "ANTHROPIC_API_KEY",
            "is set, but the Claude client is not installed: "
            "pip install 'rollout-manager[claude]' (or answer offline with --offline)",
        ) from None

    retries = os.environ.get("ROLLOUT_MAX_RETRIES", "2")
    if not retries.isdigit():
        raise InputError("ROLLOUT_MAX_RETRIES", f"'{retries}' is not a whole number")
    return ClaudeClient(
        model=args.model or os.environ.get("ROLLOUT_MODEL") or DEFAULT_MODEL,
        api_key=key,
        max_retries=int(retries),
    )


def _report(outcome: Outcome) -> int:
    """Exit status of one answered request, with a one-line note when it is not clean."""
    from rollout_manager.agent.protocol import MAX_TOTAL_TOKENS, MAX_TURNS

    if outcome.tool_calls and len(outcome.tool_errors) == outcome.tool_calls:
        _say(outcome.tool_errors[0])
        return 2
    notes = {
        "max_tokens": "the answer reached the model's output limit and is cut short",
        "token_limit": f"stopped: the request used more than {MAX_TOTAL_TOKENS:,} tokens",
        "turn_limit": f"stopped after {MAX_TURNS} model turns without a final answer",
        "refusal": "the model declined to answer this request",
        "model_context_window_exceeded": "the conversation no longer fits the model's context",
    }
    if outcome.stop_reason in notes:
        _say(notes[outcome.stop_reason])
        return 0 if outcome.stop_reason == "max_tokens" else 1
    return 0


def _print_answer(answer: str, out: TextIO) -> None:
    out.write(answer.rstrip() + "\n")
    out.flush()


def run_ask_command(args: argparse.Namespace, *, client: ModelClient | None = None) -> int:
    """`rollout ask "PROMPT"`: one request; the answer (Markdown) is all that goes to stdout.

    Args:
        args: `.context .config .start .offline .model .trace .prompt`.
        client: the model to use instead of the one `args` and the environment select.

    Returns:
        0 answered, 2 bad input or credentials, 1 any other failure.
    """
    from rollout_manager.agent.loop import Conversation
    from rollout_manager.agent.protocol import ModelError
    from rollout_manager.tools.catalog import default_registry

    folder = _check_arguments(args)
    if not args.prompt.strip():
        raise InputError("PROMPT", "is empty: ask a question, e.g. 'Assess the rollout risk'")
    conversation = Conversation(
        client or make_client(args),
        registry=default_registry(),
        root=folder,
        defaults=_defaults(args),
        today=getattr(args, "planning_date", None),
    )
    try:
        outcome = conversation.ask(args.prompt)
    except ModelError as error:
        _say(str(error))
        return error.exit_status
    finally:
        if args.trace is not None:
            conversation.trace.save(Path(args.trace))
    _print_answer(outcome.answer, sys.stdout)
    return _report(outcome)


def _stdin_lines(*, interactive: bool) -> Iterator[str]:
    """Lines from stdin; a `> ` prompt on stderr when a person is typing."""
    while True:
        if interactive:
            sys.stderr.write("> ")
            sys.stderr.flush()
        line = sys.stdin.readline()
        if not line:
            return
        yield line


def run_chat_command(
    args: argparse.Namespace,
    *,
    client: ModelClient | None = None,
    lines: Iterable[str] | None = None,
) -> int:
    """`rollout chat`: requests from stdin, one per line, until EOF or `exit`.

    The conversation is kept; each request re-plans from the files, so a change
    saved in one turn shows in the next. After a failed request the conversation
    goes on (credentials errors end it).

    Args:
        args: `.context .config .start .offline .model .trace`.
        client: the model to use instead of the one `args` and the environment select.
        lines: the requests (default: stdin).

    Returns:
        0 all answered, 2 bad input or credentials, 1 a request failed.
    """
    from rollout_manager.agent.loop import Conversation
    from rollout_manager.agent.protocol import BAD_INPUT_STATUS, ModelError
    from rollout_manager.tools.catalog import default_registry

    folder = _check_arguments(args)
    conversation = Conversation(
        client or make_client(args),
        registry=default_registry(),
        root=folder,
        defaults=_defaults(args),
        today=getattr(args, "planning_date", None),
    )
    requests = _stdin_lines(interactive=sys.stdin.isatty()) if lines is None else lines
    status = 0
    try:
        for line in requests:
            prompt = line.strip()
            if prompt.lower() in _EXIT_WORDS:
                break
            if not prompt:
                continue
            try:
                outcome = conversation.ask(prompt)
            except ModelError as error:
                _say(str(error))
                status = max(status, error.exit_status)
                if error.exit_status == BAD_INPUT_STATUS:
                    break
                continue
            _print_answer(outcome.answer, sys.stdout)
            sys.stdout.write("\n")
            status = max(status, _report(outcome))
    finally:
        if args.trace is not None:
            conversation.trace.save(Path(args.trace))
    return status
