"""The model protocol: what a model returns, what the loop records, and how a model fails.

Shared by the loop, the model clients (Claude, the offline planner) and the
front doors; it imports nothing of theirs, so none of them import each other
to speak.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from rollout_manager.storage import atomic_write_text

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

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
        """Return the model's next turn for this conversation.

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


@dataclass(frozen=True)
class ToolCall:
    """One tool call: what a model (or the offline router) asked for and, once run, its result."""

    name: str
    """Tool name, e.g. `assess_risk`."""
    input: dict[str, Any] = field(default_factory=dict)
    """Arguments as sent."""
    ok: bool = True
    """Whether the tool answered without an error."""
    error: str | None = None
    """The tool's one-line error when `ok` is false."""
    data: dict[str, Any] = field(default_factory=dict)
    """The result's JSON data (contract field names)."""
    turn: int = 0
    """The model turn that asked for it (1-based; 0 before it ran)."""
    id: str | None = None
    """The `tool_use` block's id."""
    duration_ms: float = 0.0
    """How long the tool took."""
    step: int = 0
    """The scenario step (1-based) whose prompt led to the call; 0 outside scenarios."""


@dataclass(frozen=True)
class TurnRecord:
    """One model turn as the trace keeps it."""

    turn: int
    stop_reason: str
    usage: dict[str, int]
    tool_uses: list[str]


@dataclass
class Exchange:
    """One request of a session: the prompt, every turn and tool call, and how it ended."""

    prompt: str
    started: str
    turns: list[TurnRecord] = field(default_factory=list)
    tool_calls: list[ToolCall] = field(default_factory=list)
    answer: str | None = None
    stop_reason: str | None = None
    error: str | None = None


@dataclass
class Trace:
    """Every request, model turn and tool call of a session, for `--trace FILE`."""

    model: str
    exchanges: list[Exchange] = field(default_factory=list)

    def begin(self, prompt: str) -> Exchange:
        """Start recording one request."""
        exchange = Exchange(prompt=prompt, started=datetime.now(UTC).isoformat(timespec="seconds"))
        self.exchanges.append(exchange)
        return exchange

    def as_json(self) -> dict[str, Any]:
        """Return the trace as JSON-ready data, with token totals."""
        totals: dict[str, int] = {}
        for exchange in self.exchanges:
            for turn in exchange.turns:
                for key, value in turn.usage.items():
                    totals[key] = totals.get(key, 0) + value
        return {
            "model": self.model,
            "usage_total": totals,
            "exchanges": [asdict(exchange) for exchange in self.exchanges],
        }

    def save(self, path: Path) -> None:
        """Write the trace as JSON, atomically."""
        atomic_write_text(path, json.dumps(self.as_json(), indent=2, ensure_ascii=False) + "\n")
