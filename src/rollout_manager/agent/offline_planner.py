"""The offline planner: a model stand-in that answers without a network or a key.

It speaks the same protocol as Claude (`agent.ModelClient`): given the
conversation, it returns one turn of content blocks. On a new request it
reads the intent (`intents.route`) and asks for the tools that answer it, all
in one turn; once their results are back it composes the final answer from
the tools' Markdown, so every number it shows was computed by a tool.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from datetime import date
from typing import Any

from rollout_manager.agent.intents import CAPABILITIES, Routing, route
from rollout_manager.agent.protocol import Block, Message, ModelTurn

_JSON_FENCE = "\n\n```json\n"
_NO_USAGE = {"input_tokens": 0, "output_tokens": 0}


def _blocks(content: str | list[Block]) -> list[Block]:
    return [{"type": "text", "text": content}] if isinstance(content, str) else content


def _is_tool_results(message: Message) -> bool:
    blocks = _blocks(message["content"])
    return message["role"] == "user" and any(b.get("type") == "tool_result" for b in blocks)


def split_result(text: str) -> tuple[str, dict[str, Any]]:
    """A tool result's text (`ToolResult.as_text`) as its Markdown and its JSON data."""
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
        """The next turn: tool calls for a new request, or the answer from tool results."""
        del system  # the rules it states are built into this planner
        if messages and _is_tool_results(messages[-1]):
            return self._answer(messages)
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
        routing = route(request, today=self._today or date.today())
        offered = {spec["name"] for spec in tools}
        routing.calls = [call for call in routing.calls if call.tool in offered]
        return routing

    def _answer(self, messages: Sequence[Message]) -> ModelTurn:
        names = {
            block["id"]: block["name"]
            for block in _blocks(messages[-2]["content"])
            if block.get("type") == "tool_use"
        }
        parts = [
            _compose(names.get(block.get("tool_use_id"), "tool"), block)
            for block in _blocks(messages[-1]["content"])
            if block.get("type") == "tool_result"
        ]
        request = next(
            (m["content"] for m in reversed(messages) if isinstance(m["content"], str)), ""
        )
        parts += route(request, today=self._today or date.today()).notes
        return ModelTurn(
            content=[{"type": "text", "text": "\n\n".join(parts)}],
            stop_reason="end_turn",
            usage=dict(_NO_USAGE),
        )
