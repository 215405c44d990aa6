"""The input models of the tools: one type per argument, validated the same at every door.

Every front door (CLI, MCP, agent loop) turns its input into one of these, so
a start date is checked once: an ISO date or date-time, years 2000-2099, the
time kept when one is given.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    TypeAdapter,
    ValidationError,
    field_validator,
    model_validator,
)

from rollout_manager.errors import InputError
from rollout_manager.model import Strategy
from rollout_manager.planning.plain_text import PlainLine
from rollout_manager.planning.settings_file import in_planning_years
from rollout_manager.reading.context import BASELINE_FILE, FEATURE_FILE

Role = Literal["engineering", "support", "product", "leadership", "finance", "compliance"]
"""Stakeholder roles whose channel `adjust_plan` can set (the policy's channel keys)."""


# JSON Schema keywords that only guard a value: checked in code, not published.
_GUARDS = (
    "pattern",
    "maxLength",
    "minLength",
    "maximum",
    "minimum",
    "exclusiveMaximum",
    "exclusiveMinimum",
    "maxItems",
)
_START_FORMATS = [{"format": "date-time", "type": "string"}, {"format": "date", "type": "string"}]


def _compact_schema(schema: dict[str, Any]) -> None:
    """Drop titles, guards and `null` alternatives: fewer characters for a model, same contract.

    An optional field then reads as its plain type; leaving it out is how a
    caller says "not given", and the model still accepts an explicit null.
    Called for each input model, nested ones (a freeze) included.
    """
    schema.pop("title", None)
    schema.pop("description", None)  # the class docstring: the tool's description says it
    # Unknown keys are refused by name (`extra="forbid"`); a model fills only the properties
    # it is shown, so `"additionalProperties": false` on every tool would tell it nothing.
    if schema.get("additionalProperties") is False:
        del schema["additionalProperties"]
    for prop in schema.get("properties", {}).values():
        prop.pop("title", None)
        options = prop.get("anyOf")
        if options and prop.get("default", "") is None:
            kept = [option for option in options if option != {"type": "null"}]
            del prop["anyOf"], prop["default"]
            if len(kept) == 1:
                prop.update(kept[0])
            else:
                prop["anyOf"] = kept
        if prop.get("type") == "boolean" and prop.get("default") is False:
            del prop["default"]  # a flag left out is off: nothing to say
        if prop.get("anyOf") == _START_FORMATS:  # a start: one string, the description says how
            del prop["anyOf"]
            prop["type"] = "string"
        # Ranges, lengths and characters stay checked here (the field named on failure); a
        # model never needs those guards spelled out, and every tool definition is read on
        # every turn (budget: tests/test_budgets.py). Dropped once the `null` alternative is
        # folded in: an optional field's guards sat inside its `anyOf` and were published.
        for part in (prop, prop.get("additionalProperties"), prop.get("items")):
            if isinstance(part, dict):
                for guard in _GUARDS:
                    part.pop(guard, None)


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_compact_schema)


def _iso_moment(value: object) -> object:
    """`2026-12-01` is a date; `2026-12-01T15:00` (or with a space) a date-time, time kept."""
    if isinstance(value, str):
        text = value.strip()
        try:
            if "T" in text or " " in text:
                return datetime.fromisoformat(text)
            return date.fromisoformat(text)
        except ValueError:
            raise ValueError(
                f"'{value}' is not an ISO date (2026-12-01) or date-time (2026-12-01T09:00)"
            ) from None
    return value


PlanningDate = Annotated[date, AfterValidator(in_planning_years)]
"""A calendar day in the planning years (freezes)."""
StartMoment = Annotated[
    datetime | date, BeforeValidator(_iso_moment), AfterValidator(in_planning_years)
]
"""A first-stage start: a day (the calendar's gate hour) or a local date-time."""

_START: TypeAdapter[datetime | date] = TypeAdapter(StartMoment)


def parse_start(text: str, *, source: str = "--start") -> datetime | date:
    """Parse a start as every door reads it.

    Raises:
        InputError: not an ISO date or date-time, or outside the planning years.
    """
    try:
        return _START.validate_python(text)
    except ValidationError as error:
        problem = error.errors()[0]["msg"].removeprefix("Value error, ")
        raise InputError(source, problem) from None


class ContextInput(_Input):
    """Arguments of a tool that reads one context folder."""

    context: str = Field(
        ".",
        max_length=400,
        pattern=r"^[^\x00-\x1f]*$",
        description="Subfolder",
    )


class SectionInput(ContextInput):
    """Arguments of a tool that plans one section."""

    start: StartMoment | None = Field(
        None,
        description="Stage 1 start: ISO date or date-time",
    )


class RenderInput(SectionInput):
    """Arguments of `render_plan`."""

    output: str = Field(
        "rollout-plan.md",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\.md$",
        description="File (.md) in the context folder",
    )
    force: bool = Field(
        default=False,
        description="Overwrite a file not ours; only if the user asks",
    )

    @field_validator("output")
    @classmethod
    def _not_a_context_document(cls, value: str) -> str:
        if value.lower() in (FEATURE_FILE, BASELINE_FILE):
            raise ValueError(f"'{value}' is a context document; choose another file name")
        return value


class SimulateInput(SectionInput):
    """Arguments of `simulate_rollout`."""

    runs: int = Field(10_000, ge=100, le=200_000, description="Rollouts per scenario")
    seed: int = Field(0, ge=0, description="Random seed (repeatable)")


class DurationInput(ContextInput):
    """Arguments of `stage_duration`."""

    stage: int | None = Field(None, ge=1, le=20, description="Use this stage's traffic share")
    traffic_percent: float | None = Field(
        None, ge=0.01, le=100, description="Percent, e.g. 2; overrides stage"
    )
    multiplier: float | None = Field(
        None,
        ge=1.05,
        le=100,
        description="Error rate to catch, x baseline (default: rollback trigger)",
    )
    target_error_rate: float | None = Field(
        None, gt=0, lt=1, description="Or the error rate to catch, a fraction"
    )
    baseline_error_rate: float | None = Field(
        None, ge=1e-5, le=0.5, description="Fraction (default: the documents')"
    )
    daily_transactions: float | None = Field(
        None, ge=1, le=1e10, description="Traffic per day (default: the documents')"
    )


class FreezeInput(_Input):
    """A freeze window: no stage starts or advances inside it."""

    name: Annotated[PlainLine, Field(max_length=80)] = Field(description="e.g. Holiday freeze")
    start: PlanningDate = Field(description="First frozen day")
    end: PlanningDate = Field(description="Last frozen day, inclusive")

    @model_validator(mode="after")
    def _ordered(self) -> FreezeInput:
        if self.end < self.start:
            raise ValueError(f"freeze '{self.name}' ends before it starts")
        return self


class AdjustInput(ContextInput):
    """Arguments of `adjust_plan`: only the fields given change."""

    start: StartMoment | None = Field(None, description="New stage 1 start: ISO date or date-time")
    stage: int | None = Field(None, ge=1, le=20, description="Stage to change")
    duration_hours: float | None = Field(None, gt=0, le=2160, description="New stage duration")
    duration_days: float | None = Field(None, gt=0, le=90, description="Or in days")
    traffic_percent: float | None = Field(None, ge=0.01, le=100, description="New stage traffic %")
    channels: dict[Role, Annotated[PlainLine, Field(max_length=100)]] | None = Field(
        None, description="Channel per role, e.g. #payments-eng"
    )
    freezes: list[FreezeInput] | None = Field(
        None,
        max_length=20,
        description="No stage starts or advances inside; same name replaces",
    )
    strategy: Strategy | None = Field(None, description="Override the risk-based strategy")
    on_call_rotation: Annotated[PlainLine, Field(max_length=120)] | None = Field(
        None, description="Who is on call, e.g. payments-oncall"
    )


class RecordFactInput(ContextInput):
    """Arguments of `record_fact` (checked again, in full, by `reading.declared`)."""

    metric: str = Field(max_length=61, description="Key, e.g. consumer_lag, or `traffic`")
    traffic_unit: str | None = Field(None, max_length=60, description="For traffic: logins...")
    value: float = Field(ge=0, allow_inf_nan=False, description="As written")
    unit: str = Field(max_length=30, description="%, ms, per day...")
    file: str = Field(max_length=200, description="The document")
    quote: str = Field(max_length=500, description="Its exact words")
