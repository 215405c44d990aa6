"""JSON Schemas of the tools' result data, for clients that check structured results (MCP).

The section tools return fields of the `RolloutPlan` contract, so their schema
is cut from the published plan schema (with only the definitions it uses);
the other tools describe their own few fields here. Built on first use: the
planning commands never pay for it.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable, Iterator
from typing import Any

from rollout_manager.schema import published_schema_text
from rollout_manager.sections import SECTIONS

OutputSchema = Callable[[], dict[str, Any]]

_NUMBER = {"type": "number"}
_TEXT = {"type": "string"}
_TEXTS = {"type": "array", "items": _TEXT}


@functools.cache
def _plan_schema() -> dict[str, Any]:
    schema: dict[str, Any] = json.loads(published_schema_text())
    return schema


def _refs(node: Any) -> Iterator[str]:
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/$defs/"):
            yield ref.removeprefix("#/$defs/")
        for value in node.values():
            yield from _refs(value)
    elif isinstance(node, list):
        for item in node:
            yield from _refs(item)


def _with_definitions(schema: dict[str, Any]) -> dict[str, Any]:
    """Return `schema` plus the plan definitions it refers to, directly or through each other."""
    definitions = _plan_schema()["$defs"]
    used: dict[str, Any] = {}
    pending = list(_refs(schema))
    while pending:
        name = pending.pop()
        if name not in used:
            used[name] = definitions[name]
            pending += _refs(definitions[name])
    return {**schema, "$defs": dict(sorted(used.items()))} if used else schema


def contract_fields(*fields: str, required: bool = True, **extra: dict[str, Any]) -> OutputSchema:
    """Build the schema of data made of `RolloutPlan` fields, plus `extra` properties of its own."""

    def build() -> dict[str, Any]:
        plan = _plan_schema()["properties"]
        properties = {name: plan[name] for name in fields} | extra
        schema: dict[str, Any] = {"type": "object", "properties": properties}
        if required:
            schema["required"] = list(properties)
        return _with_definitions(schema)

    return build


def own_fields(required: tuple[str, ...], **properties: dict[str, Any]) -> OutputSchema:
    """Return the schema of data with fields of its own."""

    def build() -> dict[str, Any]:
        return {"type": "object", "properties": properties, "required": list(required)}

    return build


CONTEXT = own_fields(
    ("missing", "warnings"),
    feature={"type": "object", "description": "What the feature document states, values only"},
    baseline={"type": "object", "description": "What the baseline document states, values only"},
    missing=_TEXTS,
    warnings=_TEXTS,
)
RENDERED = own_fields(
    ("path", "lines", "status", "overall", "strategy", "stages"),
    path=_TEXT,
    lines={"type": "integer"},
    status=_TEXT,
    overall={"enum": ["LOW", "MEDIUM", "HIGH"]},
    strategy=_TEXT,
    stages={"type": "integer"},
    gate_checklists={"type": "integer"},
    rollback_steps={"type": "integer"},
    expected_recovery_minutes=_NUMBER,
    warnings={"type": "integer"},
)
DURATION = own_fields(
    ("traffic_percent", "baseline_error_rate", "target_error_rate", "transactions_needed", "hours"),
    stage={"type": ["integer", "null"]},
    traffic_percent=_NUMBER,
    baseline_error_rate=_NUMBER,
    target_error_rate=_NUMBER,
    multiplier=_NUMBER,
    daily_transactions=_NUMBER,
    alpha=_NUMBER,
    power=_NUMBER,
    transactions_needed={"type": "integer"},
    normal_approximation={"type": "integer"},
    hours=_NUMBER,
    days=_NUMBER,
    exact_transactions_needed={"type": "integer"},
    rollback_at_errors={"type": ["integer", "null"]},
    detectable_error_rate={"type": ["number", "null"]},
    power_at_target=_NUMBER,
    formula=_TEXT,
    planned={"type": "object"},
)


def _adjusted() -> dict[str, Any]:
    # A change re-plans the sections it moves; any of them may come back.
    moved = dict.fromkeys(f for s in SECTIONS if s.name != "assess" for f in s.fields)
    return contract_fields(*moved, required=False, saved=_TEXT, changes=_TEXTS)()


ADJUSTED: OutputSchema = _adjusted
