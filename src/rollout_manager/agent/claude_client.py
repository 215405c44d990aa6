"""Claude through the Anthropic Messages API, behind the agent's `ModelClient` protocol.

The only module that imports `anthropic` (about two seconds): the agent
imports this module only when Claude answers. Prompt caching marks the system
block and the last tool, so later turns of a conversation read the prompt
and the tool definitions from the cache. API failures become one-line
`ModelError`s: 2 for credentials and bad requests, 1 for rate limits,
overload and network trouble.
"""

from __future__ import annotations

from http import HTTPStatus
from typing import TYPE_CHECKING, Any, cast

import anthropic

from rollout_manager.agent.protocol import Block, Message, ModelError, ModelTurn

if TYPE_CHECKING:
    from collections.abc import Sequence

    import httpx2
    from anthropic.types import ContentBlock, MessageParam, TextBlockParam, ToolParam, Usage

MAX_TOKENS = 4096
"""Output tokens one model turn may use."""
TIMEOUT_SECONDS = 120.0
"""How long one API call may take."""
_CACHE = {"type": "ephemeral"}
_SPEND_LIMIT = "enforced_spend_limit_reached"


def _block(block: ContentBlock) -> Block | None:
    """Return a response block as a request block: only what the API accepts back."""
    if block.type == "text":
        return {"type": "text", "text": block.text}
    if block.type == "tool_use":
        return {"type": "tool_use", "id": block.id, "name": block.name, "input": block.input}
    return None


def _usage(usage: Usage) -> dict[str, int]:
    return {
        "input_tokens": usage.input_tokens,
        "output_tokens": usage.output_tokens,
        "cache_creation_input_tokens": usage.cache_creation_input_tokens or 0,
        "cache_read_input_tokens": usage.cache_read_input_tokens or 0,
    }


def _detail(error: anthropic.APIStatusError) -> str:
    return " ".join(str(error.api_message or error.message).split())


def _status_error(error: anthropic.APIStatusError, model: str) -> ModelError:
    code, detail = error.status_code, _detail(error)
    if isinstance(error, anthropic.RateLimitError) and error.error_code == _SPEND_LIMIT:
        return ModelError(
            f"the organisation's spend limit is reached (429 {detail}): retrying will not help "
            "until the limit is raised; answer with --offline meanwhile"
        )
    if isinstance(error, anthropic.RateLimitError):
        after = error.response.headers.get("retry-after")
        wait = f"retry after {after} s" if after else "wait a minute and retry"
        return ModelError(f"rate limited by the Anthropic API (429 {detail}): {wait}")
    messages: tuple[tuple[type[anthropic.APIStatusError], str, int], ...] = (
        (
            anthropic.AuthenticationError,
            f"the Anthropic API rejected the key (401 {detail}): check ANTHROPIC_API_KEY",
            2,
        ),
        (anthropic.PermissionDeniedError, f"the key may not do this (403 {detail})", 2),
        (
            anthropic.NotFoundError,
            f"model '{model}' not found (404 {detail}): check --model or ROLLOUT_MODEL",
            2,
        ),
        (
            anthropic.OverloadedError,
            (
                f"the Anthropic API is overloaded (529 {detail}): try again in a few minutes, "
                "or answer with --offline"
            ),
            1,
        ),
    )
    for kind, message, status in messages:
        if isinstance(error, kind):
            return ModelError(message, exit_status=status)
    if HTTPStatus.BAD_REQUEST <= code < HTTPStatus.INTERNAL_SERVER_ERROR:
        return ModelError(f"the Anthropic API refused the request ({code} {detail})", exit_status=2)
    return ModelError(f"the Anthropic API failed ({code} {detail}): try again")


def _cached_tools(tools: Sequence[dict[str, Any]]) -> list[ToolParam]:
    specs = [dict(spec) for spec in tools]
    if specs:
        specs[-1]["cache_control"] = _CACHE
    return cast("list[ToolParam]", specs)


class ClaudeClient:
    """Claude as a `ModelClient`.

    Args:
        model: model id, e.g. `claude-sonnet-4-6`.
        api_key: the Anthropic API key.
        max_retries: retries of rate-limited, overloaded or failed calls (0 in tests).
        max_tokens: output tokens per turn.
        timeout: seconds per API call.
        http_client: an `httpx2.Client` to send requests through (tests pass a mock).
    """

    def __init__(
        self,
        *,
        model: str,
        api_key: str,
        max_retries: int = 2,
        max_tokens: int = MAX_TOKENS,
        timeout: float = TIMEOUT_SECONDS,
        http_client: httpx2.Client | None = None,
    ) -> None:
        self._model = model
        self._max_tokens = max_tokens
        self._client = anthropic.Anthropic(
            api_key=api_key, max_retries=max_retries, timeout=timeout, http_client=http_client
        )

    @property
    def name(self) -> str:
        """The model id."""
        return self._model

    def create(
        self, *, system: str, messages: Sequence[Message], tools: Sequence[dict[str, Any]]
    ) -> ModelTurn:
        """One Messages API call; the system block and the last tool are marked for caching.

        Raises:
            ModelError: credentials, rate limit, overload, network or any other API failure.
        """
        system_blocks: list[TextBlockParam] = [
            {"type": "text", "text": system, "cache_control": {"type": "ephemeral"}}
        ]
        try:
            response = self._client.messages.create(
                model=self._model,
                max_tokens=self._max_tokens,
                system=system_blocks,
                tools=_cached_tools(tools),
                messages=cast("list[MessageParam]", _without_data(messages)),
            )
        except anthropic.APIStatusError as error:
            raise _status_error(error, self._model) from None
        except anthropic.APITimeoutError:
            raise ModelError("the Anthropic API did not answer in time: try again") from None
        except anthropic.APIConnectionError as error:
            cause = error.__cause__ or error
            raise ModelError(
                f"cannot reach the Anthropic API ({type(cause).__name__}): check the network, "
                "or answer with --offline"
            ) from None
        except anthropic.AnthropicError as error:
            raise ModelError(f"Anthropic client error: {error}", exit_status=2) from None
        content = [block for block in map(_block, response.content) if block is not None]
        return ModelTurn(
            content=content,
            stop_reason=response.stop_reason or "end_turn",
            usage=_usage(response.usage),
        )


def _without_data(messages: Sequence[Message]) -> list[Message]:
    """Return the conversation as the API takes it: tool results without the loop's `data` key."""

    def block(item: Any) -> Any:
        if isinstance(item, dict) and item.get("type") == "tool_result" and "data" in item:
            return {key: value for key, value in item.items() if key != "data"}
        return item

    return [
        {**m, "content": [block(b) for b in m["content"]]}
        if isinstance(m.get("content"), list)
        else m
        for m in messages
    ]
