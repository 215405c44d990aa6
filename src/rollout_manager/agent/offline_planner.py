"""The offline planner: a model stand-in that answers without a network or a key.

It speaks the same protocol as Claude (`agent.ModelClient`): given the
conversation, it returns one turn of content blocks. On a new request it
reads the intent (`intents.route`, among the tools it is offered) and asks for
the tools that answer it, all in one turn; once their results are back it
composes the final answer from the tools' Markdown (or, for a request it could
not pin down, the one-screen overview from their JSON), so every number it
shows was computed by a tool.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date
from typing import TYPE_CHECKING, Any

from rollout_manager.agent.intents import CAPABILITIES, Routing, route
from rollout_manager.agent.overview import overview_lines
from rollout_manager.agent.protocol import Block, Message, ModelTurn
from rollout_manager.tools.registry import DATA_NOTICE

if TYPE_CHECKING:
    from collections.abc import Sequence

_JSON_FENCE = "\n\n```json\n"
_NO_USAGE = {"input_tokens": 0, "output_tokens": 0}


def _blocks(content: str | list[Block]) -> list[Block]:
    return [{"type": "text", "text": content}] if isinstance(content, str) else content


def _is_tool_results(message: Message) -> bool:
    blocks = _blocks(message["content"])
    return message["role"] == "user" and any(b.get("type") == "tool_result" for b in blocks)


def split_result(text: str) -> tuple[str, dict[str, Any]]:
    """Return a tool result's text (`ToolResult.as_text`) as its Markdown and its JSON data."""
    text = text.removeprefix(DATA_NOTICE).lstrip("\n")
    markdown, fence, rest = text.rpartition(_JSON_FENCE)
    if not fence:
        try:
            data = json.loads(text)
        except ValueError:
            return text, {}
        return "", data if isinstance(data, dict) else {}
    try:
        data = json.loads(rest.removesuffix("```").strip())
    except ValueError:
        return text, {}
    return markdown, data if isinstance(data, dict) else {}


def _result_text(block: Block) -> str:
    content = block.get("content", "")
    if isinstance(content, list):
        return "\n".join(str(part.get("text", "")) for part in content)
    return str(content)


def _accepted(arguments: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    """List the arguments the tool's input schema declares (a new tool may name them otherwise)."""
    declared = spec.get("input_schema", {}).get("properties")
    if not isinstance(declared, dict):
        return arguments
    return {key: value for key, value in arguments.items() if key in declared}


def _overview(results: list[tuple[str, Block]]) -> list[str]:
    data: dict[str, dict[str, Any]] = {}
    errors: dict[str, str] = {}
    for name, block in results:
        text = _result_text(block)
        if block.get("is_error"):
            errors[name] = text.removeprefix("ERROR: ")
        else:
            given = block.get("data")
            data[name] = given if isinstance(given, dict) else split_result(text)[1]
    return overview_lines(data, errors)


def _compose(name: str, block: Block) -> str:
    text = _result_text(block)
    if block.get("is_error"):
        return f"**{name}** could not answer: {text.removeprefix('ERROR: ')}"
    markdown, data = split_result(text)
    return markdown.strip() or json.dumps(data, indent=2)


class OfflinePlanner:
    """Maps requests to tool calls by intent and answers from the tools' Markdown.

    Args:
        today: the date year-less dates in requests are read against (default: today).
    """

    def __init__(self, *, today: date | None = None) -> None:
        self._today = today

    @property
    def name(self) -> str:
        """`offline`: the trace's model id."""
        return "offline"

    def create(
        self, *, system: str, messages: Sequence[Message], tools: Sequence[dict[str, Any]]
    ) -> ModelTurn:
        """Return the next turn: tool calls for a new request, or the answer from tool results."""
        del system  # the rules it states are built into this planner
        if messages and _is_tool_results(messages[-1]):
            return self._answer(messages, tools)
        request = messages[-1]["content"] if messages else ""
        routing = self._route(request if isinstance(request, str) else "", tools)
        uses: list[Block] = [
            {
                "type": "tool_use",
                "id": f"toolu_offline_{number:02d}",
                "name": call.tool,
                "input": call.arguments,
            }
            for number, call in enumerate(routing.calls, 1)
        ]
        if uses:
            return ModelTurn(content=uses, stop_reason="tool_use", usage=dict(_NO_USAGE))
        answer = "\n\n".join([*routing.notes, CAPABILITIES]) if routing.notes else CAPABILITIES
        return ModelTurn(
            content=[{"type": "text", "text": answer}],
            stop_reason="end_turn",
            usage=dict(_NO_USAGE),
        )

    def _route(self, request: str, tools: Sequence[dict[str, Any]]) -> Routing:
        offered = {spec["name"]: spec for spec in tools}
        today = self._today or date.today()  # noqa: DTZ011 - the user's own day reads their dates
        routing = route(request, today=today, available=set(offered))
        routing.calls = [
            replace(call, arguments=_accepted(call.arguments, offered[call.tool]))
            for call in routing.calls
            if call.tool in offered
        ]
        return routing

    def _answer(self, messages: Sequence[Message], tools: Sequence[dict[str, Any]]) -> ModelTurn:
        names = {
            block["id"]: block["name"]
            for block in _blocks(messages[-2]["content"])
            if block.get("type") == "tool_use"
        }
        results = [
            (names.get(block.get("tool_use_id"), "tool"), block)
            for block in _blocks(messages[-1]["content"])
            if block.get("type") == "tool_result"
        ]
        request = next(
            (m["content"] for m in reversed(messages) if isinstance(m["content"], str)), ""
        )
        routing = self._route(request, tools)
        if routing.overview:
            parts = [*routing.notes, "\n".join(_overview(results))]
        else:
            parts = [_compose(name, block) for name, block in results] + routing.notes
        return ModelTurn(
            content=[{"type": "text", "text": "\n\n".join(parts)}],
            stop_reason="end_turn",
            usage=dict(_NO_USAGE),
        )
