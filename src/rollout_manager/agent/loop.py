"""`rollout ask` and `rollout chat`: a model chooses tools, the registry computes, the loop records.

One loop serves every model. A `ModelClient` (Claude through the Anthropic
API in `claude_client`, or the built-in `offline_planner`) takes the system
prompt, the conversation and the tool specs, and returns one turn in the
Messages API's shape: content blocks (`text`, `tool_use`), a stop reason and
token usage. The loop runs each `tool_use` through `tools.dispatch`, sends
the results back as `tool_result` blocks (bad arguments come back with
`is_error` and the pydantic details, so the model can correct itself) and
stops on the model's final answer or on a turn or token bound. Every turn and
tool call goes into a trace that `--trace FILE` saves as JSON.

`anthropic` is imported only by `claude_client`, and that only when Claude
answers.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, TextIO

from rollout_manager.errors import InputError
from rollout_manager.planning.policy import CONFIG_NAME
from rollout_manager.storage import atomic_write_text
from rollout_manager.tools.registry import ToolResult, dispatch, tool_specs

DEFAULT_MODEL = "claude-sonnet-4-6"
"""Model used when neither `--model` nor `$ROLLOUT_MODEL` names one."""
MAX_TURNS = 12
"""Model turns one request may take before the loop stops it."""
MAX_TOTAL_TOKENS = 400_000
"""Tokens (input, cached input and output) one request may spend across its turns."""

Block = dict[str, Any]
"""A content block in the Messages API's shape (`text`, `tool_use`, `tool_result`)."""
Message = dict[str, Any]
"""A message: `{"role": "user" | "assistant", "content": str | list[Block]}`."""

# Tools whose `start` argument means "plan from this date"; `--start` fills it in when the
# model leaves it out. (adjust_plan's `start` is a change to save, never filled in.)
_PLANNING_TOOLS_WITH_START = (
    "assess_risk",
    "design_stages",
    "define_criteria",
    "plan_monitoring",
    "plan_communication",
    "render_plan",
)
_EXIT_WORDS = frozenset({"exit", "quit", ":q"})


@dataclass(frozen=True)
class ModelTurn:
    """One model response: content blocks, why it stopped, tokens used."""

    content: list[Block]
    stop_reason: str
    usage: dict[str, int] = field(default_factory=dict)


class ModelClient(Protocol):
    """A model the loop can talk to: Claude, or the offline planner."""

    @property
    def name(self) -> str:
        """Model id for messages and the trace."""
        ...

    def create(
        self, *, system: str, messages: Sequence[Message], tools: Sequence[dict[str, Any]]
    ) -> ModelTurn:
        """The model's next turn for this conversation.

        Raises:
            ModelError: the model could not be reached or refused the request.
        """
        ...


class ModelError(Exception):
    """The model could not answer; the message is one line for the user.

    Args:
        message: what went wrong and what to do, in one line.
        exit_status: 2 for bad input or credentials, 1 otherwise.
    """

    def __init__(self, message: str, *, exit_status: int = 1) -> None:
        self.exit_status = exit_status
        super().__init__(" ".join(message.split()))


@dataclass
class Outcome:
    """How one request ended."""

    answer: str
    stop_reason: str
    tool_calls: int = 0
    tool_errors: list[str] = field(default_factory=list)

    @property
    def complete(self) -> bool:
        """The model finished its answer (not cut by a bound, a refusal or a token limit)."""
        return self.stop_reason in ("end_turn", "stop_sequence")


@dataclass
class Trace:
    """Every request, model turn and tool call of a session, for `--trace FILE`."""

    model: str
    exchanges: list[dict[str, Any]] = field(default_factory=list)

    def begin(self, prompt: str) -> dict[str, Any]:
        """Start recording one request."""
        exchange: dict[str, Any] = {
            "prompt": prompt,
            "started": datetime.now(UTC).isoformat(timespec="seconds"),
            "turns": [],
            "tool_calls": [],
            "answer": None,
            "stop_reason": None,
            "error": None,
        }
        self.exchanges.append(exchange)
        return exchange

    def as_json(self) -> dict[str, Any]:
        """The trace as JSON-ready data, with token totals."""
        totals: dict[str, int] = {}
        for exchange in self.exchanges:
            for turn in exchange["turns"]:
                for key, value in turn["usage"].items():
                    totals[key] = totals.get(key, 0) + value
        return {"model": self.model, "usage_total": totals, "exchanges": self.exchanges}

    def save(self, path: Path) -> None:
        """Write the trace as JSON, atomically."""
        atomic_write_text(path, json.dumps(self.as_json(), indent=2, ensure_ascii=False) + "\n")


@cache
def system_prompt() -> str:
    """The system prompt, rendered from the packaged `prompts/system.md.j2`."""
    from jinja2 import Environment, StrictUndefined

    from rollout_manager.reading.context import BASELINE_FILE, FEATURE_FILE

    text = (resources.files("rollout_manager.agent") / "prompts" / "system.md.j2").read_text(
        "utf-8"
    )
    # Plain text for a model, not HTML: escaping would corrupt it.
    environment = Environment(autoescape=False, undefined=StrictUndefined)  # noqa: S701
    return (
        environment.from_string(text)
        .render(
            feature_file=FEATURE_FILE,
            baseline_file=BASELINE_FILE,
            config_file=CONFIG_NAME,
        )
        .strip()
    )


def _text_of(content: Iterable[Block]) -> str:
    return "\n\n".join(
        block["text"].strip() for block in content if block.get("type") == "text" and block["text"]
    ).strip()


class Conversation:
    """A conversation with one model over one served folder; `ask` once per request.

    Args:
        client: the model.
        root: the folder the tools serve (the context folder).
        defaults: arguments filled into a tool call when the model leaves them out.
        max_turns: model turns one request may take.
        max_total_tokens: tokens one request may spend.
        today: planning date the tools use for default starts (None: the system date).
    """

    def __init__(
        self,
        client: ModelClient,
        *,
        root: Path,
        defaults: dict[str, dict[str, Any]] | None = None,
        max_turns: int = MAX_TURNS,
        max_total_tokens: int = MAX_TOTAL_TOKENS,
        today: date | None = None,
    ) -> None:
        self.client = client
        self.root = root
        self.today = today
        self.defaults = defaults or {}
        self.max_turns = max_turns
        self.max_total_tokens = max_total_tokens
        self.system = system_prompt()
        self.tools = tool_specs()
        self.messages: list[Message] = []
        self.trace = Trace(model=client.name)

    def ask(self, prompt: str) -> Outcome:
        """Answer one request: model turns and tool calls until the model's final answer.

        On a `ModelError` the conversation is rolled back to before `prompt`, so the
        next request starts from a consistent history; files the tools wrote stay.

        Raises:
            ModelError: the model could not be reached or refused the request.
        """
        mark = len(self.messages)
        exchange = self.trace.begin(prompt)
        self.messages.append({"role": "user", "content": prompt})
        try:
            outcome = self._run(exchange)
        except ModelError as error:
            del self.messages[mark:]
            exchange["error"] = str(error)
            raise
        exchange["answer"], exchange["stop_reason"] = outcome.answer, outcome.stop_reason
        return outcome

    def _run(self, exchange: dict[str, Any]) -> Outcome:
        outcome = Outcome(answer="", stop_reason="turn_limit")
        parts: list[str] = []
        spent = 0
        for number in range(1, self.max_turns + 1):
            turn = self.client.create(system=self.system, messages=self.messages, tools=self.tools)
            spent += sum(turn.usage.values())  # cached prompt tokens count too
            uses = [block for block in turn.content if block.get("type") == "tool_use"]
            exchange["turns"].append(
                {
                    "turn": number,
                    "stop_reason": turn.stop_reason,
                    "usage": dict(turn.usage),
                    "tool_uses": [block["name"] for block in uses],
                }
            )
            self.messages.append({"role": "assistant", "content": turn.content})
            if turn.stop_reason == "tool_use" and uses:
                parts = []
                results = [self._call(block, number, exchange, outcome) for block in uses]
                self.messages.append({"role": "user", "content": results})
            elif turn.stop_reason == "pause_turn":
                parts.append(_text_of(turn.content))
            else:
                parts.append(_text_of(turn.content))
                outcome.stop_reason = turn.stop_reason
                break
            if spent > self.max_total_tokens:
                outcome.stop_reason = "token_limit"
                break
        outcome.answer = "\n\n".join(part for part in parts if part)
        return outcome

    def _call(self, block: Block, turn: int, exchange: dict[str, Any], outcome: Outcome) -> Block:
        name = str(block.get("name", ""))
        given = block.get("input")
        started = time.perf_counter()
        if isinstance(given, dict):
            arguments = {**self.defaults.get(name, {}), **given}
            try:
                result = dispatch(name, arguments, root=self.root, today=self.today)
            except Exception as error:  # a bug in a tool: tell the model, keep the session
                result = ToolResult(
                    ok=False, error=f"internal error in tool {name!r}: {type(error).__name__}"
                )
        else:
            result = ToolResult(ok=False, error="(arguments): tool input must be a JSON object")
        elapsed = (time.perf_counter() - started) * 1000
        outcome.tool_calls += 1
        if not result.ok:
            outcome.tool_errors.append(f"{name}: {result.error}")
        exchange["tool_calls"].append(
            {
                "turn": turn,
                "id": block.get("id"),
                "name": name,
                "input": given,
                "ok": result.ok,
                "error": result.error,
                "duration_ms": round(elapsed, 1),
                "data": result.data,
            }
        )
        return {
            "type": "tool_result",
            "tool_use_id": block.get("id"),
            "content": result.as_text(),
            "is_error": not result.ok,
        }


# --------------------------------------------------------------------------- the commands


def _say(message: str) -> None:
    print(f"rollout: {message}", file=sys.stderr)  # noqa: T201  (a front door prints)


def _check_arguments(args: argparse.Namespace) -> Path:
    """The served folder; bad options fail here, before any model call."""
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
    if not args.start:
        return {}
    try:
        start = date.fromisoformat(args.start.strip()[:10])
    except ValueError:
        raise InputError("--start", f"'{args.start}' is not an ISO date (2026-12-01)") from None
    return {name: {"start": start.isoformat()} for name in _PLANNING_TOOLS_WITH_START}


def make_client(args: argparse.Namespace) -> ModelClient:
    """Claude when `ANTHROPIC_API_KEY` is set and `--offline` is not; the offline planner else."""
    key = os.environ.get("ANTHROPIC_API_KEY", "").strip()
    if args.offline or not key:
        from rollout_manager.agent.offline_planner import OfflinePlanner

        if not args.offline:
            _say("ANTHROPIC_API_KEY is not set: answering with the offline planner (--offline).")
        return OfflinePlanner()
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
    folder = _check_arguments(args)
    if not args.prompt.strip():
        raise InputError("PROMPT", "is empty: ask a question, e.g. 'Assess the rollout risk'")
    conversation = Conversation(client or make_client(args), root=folder, defaults=_defaults(args))
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


def _stdin_lines(interactive: bool) -> Iterator[str]:
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
    folder = _check_arguments(args)
    conversation = Conversation(client or make_client(args), root=folder, defaults=_defaults(args))
    requests = _stdin_lines(sys.stdin.isatty()) if lines is None else lines
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
                if error.exit_status == 2:
                    break
                continue
            _print_answer(outcome.answer, sys.stdout)
            sys.stdout.write("\n")
            status = max(status, _report(outcome))
    finally:
        if args.trace is not None:
            conversation.trace.save(Path(args.trace))
    return status
