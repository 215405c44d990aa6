"""`rollout ask` and `rollout chat`: a model chooses tools, the registry computes, the loop records.

One loop serves every model. A `ModelClient` (Claude through the Anthropic
API in `claude_client`, or the built-in `offline_planner`) takes the system
prompt, the conversation and the tool specs, and returns one turn in the
Messages API's shape: content blocks (`text`, `tool_use`), a stop reason and
token usage. The loop runs each `tool_use` through the registry's `dispatch`, sends
the results back as `tool_result` blocks (bad arguments come back with
`is_error` and the pydantic details, so the model can correct itself) and
stops on the model's final answer or on a turn or token bound. Every turn and
tool call goes into a trace that `--trace FILE` saves as JSON.

`anthropic` is imported only by `claude_client`, and that only when Claude
answers. The front doors (`frontdoors/cli_agent.py`) build the registry and the
client and hand both to a `Conversation`.
"""

from __future__ import annotations

import time
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any

from rollout_manager.agent.protocol import (
    MAX_TOTAL_TOKENS,
    MAX_TURNS,
    Block,
    Exchange,
    Message,
    ModelClient,
    ModelError,
    Outcome,
    ToolCall,
    Trace,
    TurnRecord,
)
from rollout_manager.planning.policy import CONFIG_NAME
from rollout_manager.tools.registry import Registry, ToolResult

if TYPE_CHECKING:
    from collections.abc import Iterable
    from datetime import date
    from pathlib import Path


@cache
def system_prompt() -> str:
    """Return the system prompt, rendered from the packaged `prompts/system.md.j2`."""
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
        registry: the tools the model may call.
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
        registry: Registry,
        root: Path,
        defaults: dict[str, dict[str, Any]] | None = None,
        max_turns: int = MAX_TURNS,
        max_total_tokens: int = MAX_TOTAL_TOKENS,
        today: date | None = None,
    ) -> None:
        self.client = client
        self.registry = registry
        self.root = root
        self.today = today
        self.defaults = defaults or {}
        self.max_turns = max_turns
        self.max_total_tokens = max_total_tokens
        self.system = system_prompt()
        self.tools = registry.specs()
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
            exchange.error = str(error)
            raise
        exchange.answer, exchange.stop_reason = outcome.answer, outcome.stop_reason
        return outcome

    def _run(self, exchange: Exchange) -> Outcome:
        outcome = Outcome(answer="", stop_reason="turn_limit")
        parts: list[str] = []
        spent = 0
        for number in range(1, self.max_turns + 1):
            turn = self.client.create(system=self.system, messages=self.messages, tools=self.tools)
            spent += sum(turn.usage.values())  # cached prompt tokens count too
            uses = [block for block in turn.content if block.get("type") == "tool_use"]
            exchange.turns.append(
                TurnRecord(
                    turn=number,
                    stop_reason=turn.stop_reason,
                    usage=dict(turn.usage),
                    tool_uses=[block["name"] for block in uses],
                )
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

    def _call(self, block: Block, turn: int, exchange: Exchange, outcome: Outcome) -> Block:
        name = str(block.get("name", ""))
        given = block.get("input")
        started = time.perf_counter()
        if isinstance(given, dict):
            arguments = {**self.defaults.get(name, {}), **given}
            try:
                result = self.registry.dispatch(name, arguments, root=self.root, today=self.today)
            except Exception as error:  # noqa: BLE001 - a bug in a tool: tell the model, keep the session
                result = ToolResult(
                    ok=False, error=f"internal error in tool {name!r}: {type(error).__name__}"
                )
        else:
            result = ToolResult(ok=False, error="(arguments): tool input must be a JSON object")
        elapsed = (time.perf_counter() - started) * 1000
        outcome.tool_calls += 1
        if not result.ok:
            outcome.tool_errors.append(f"{name}: {result.error}")
        exchange.tool_calls.append(
            ToolCall(
                name=name,
                input=given if isinstance(given, dict) else {},
                ok=result.ok,
                error=result.error,
                data=result.data,
                turn=turn,
                id=block.get("id"),
                duration_ms=round(elapsed, 1),
            )
        )
        return {
            "type": "tool_result",
            "tool_use_id": block.get("id"),
            "content": result.as_text(),
            "is_error": not result.ok,
            # The JSON, once, beside the text (which no longer repeats it): the offline
            # planner reads it; the Claude client leaves it out of the request.
            "data": result.data,
        }
