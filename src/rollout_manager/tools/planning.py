"""The planning tools, declared once and registered on import.

Each tool is a pydantic input model (unknown keys refused, every field
described for a model) and a function that reads the context folder, calls
the pure planning core and returns the section's contract JSON together with
its rendered Markdown, so a model can show a result without retyping a number.
Two tools write, each exactly one file inside the context folder:
`render_plan` (the sign-off document) and `adjust_plan` (`rollout.yaml`).
"""

from __future__ import annotations

import copy
import functools
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from rollout_manager.errors import InputError
from rollout_manager.formatting import count, hours, pct
from rollout_manager.model import Fact, RolloutContext, RolloutPlan, Strategy
from rollout_manager.planning import stats
from rollout_manager.planning.plan import build_plan, context_folder, plan_folder, section_json
from rollout_manager.planning.policy import (
    CONFIG_NAME,
    Policy,
    load_policy,
    policy_from_overrides,
    read_config,
)
from rollout_manager.reading.context import BASELINE_FILE, FEATURE_FILE, read_context
from rollout_manager.render.sections import (
    render_context,
    render_document,
    render_saved,
    render_section,
    status_line,
)
from rollout_manager.storage import atomic_write_text
from rollout_manager.tools.facts import record_fact
from rollout_manager.tools.registry import (
    Tool,
    ToolEnv,
    ToolFunction,
    ToolResult,
    register,
)

Role = Literal["engineering", "support", "product", "leadership", "finance", "compliance"]
"""Stakeholder roles whose channel `adjust_plan` can set (the policy's channel keys)."""

_FIRST_YEAR, _LAST_YEAR = 2000, 2100
# Above this many transactions the exact binomial sums get slow and no stage sees that many.
_EXACT_LIMIT = 2_000_000
_DURATION_FORMULA = (
    "n = the smallest count from which the exact one-sided binomial test keeps its power "
    "(the plan sizes stages the same way); normal approximation for comparison: "
    "(z(1-alpha) sqrt(p0(1-p0)) + z(power) sqrt(p1(1-p1)))^2 / (p1-p0)^2; "
    "hours = 24 n / (daily transactions x traffic share)"
)


def _compact_schema(schema: dict[str, Any]) -> None:
    """Drop titles and `null` alternatives: fewer characters for a model to read, same contract.

    An optional field then reads as its plain type; leaving it out is how a
    caller says "not given", and the model still accepts an explicit null.
    """
    schema.pop("title", None)
    schema.pop("description", None)  # the class docstring: the tool's description says it
    for prop in schema.get("properties", {}).values():
        prop.pop("title", None)
        options = prop.get("anyOf")
        if options and prop.get("default", "") is None:
            kept = [option for option in options if option != {"type": "null"}]
            if len(kept) == 1:
                del prop["anyOf"], prop["default"]
                prop.update(kept[0])


class _Input(BaseModel):
    model_config = ConfigDict(extra="forbid", json_schema_extra=_compact_schema)


def _planning_date(value: date) -> date:
    if not _FIRST_YEAR <= value.year < _LAST_YEAR:
        raise ValueError(f"must be a date between {_FIRST_YEAR} and {_LAST_YEAR - 1}")
    return value


PlanningDate = Annotated[date, AfterValidator(_planning_date)]


class ContextInput(_Input):
    """Arguments of a tool that reads one context folder."""

    context: str = Field(
        ".",
        max_length=400,
        pattern=r"^[^\x00-\x1f]*$",
        description="Folder holding the context documents, relative to the served folder",
    )


class SectionInput(ContextInput):
    """Arguments of a tool that plans one section."""

    start: PlanningDate | None = Field(
        None, description="First stage start, ISO date (default: rollout.yaml, else next gate day)"
    )


class RenderInput(SectionInput):
    """Arguments of `render_plan`."""

    output: str = Field(
        "rollout-plan.md",
        pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\.md$",
        description="Markdown file name to write inside the context folder",
    )

    @field_validator("output")
    @classmethod
    def _not_a_context_document(cls, value: str) -> str:
        if value.lower() in (FEATURE_FILE, BASELINE_FILE):
            raise ValueError(f"'{value}' is a context document; choose another file name")
        return value


class RecordFactInput(ContextInput):
    """Arguments of `record_fact`: one metric or the traffic, with the quote stating it."""

    metric: str = Field(
        pattern=r"^[a-z0-9][a-z0-9_]{0,60}$",
        description="Metric key (error_rate, p95_latency_ms, or a slug like consumer_lag), "
        "or `traffic` for the stream the flag splits",
    )
    traffic_unit: str | None = Field(
        None,
        max_length=60,
        pattern=r"^[a-z][a-z -]*$",
        description="With metric `traffic`: what it counts, plural (logins, messages)",
    )
    value: float = Field(ge=0, allow_inf_nan=False, description="The number as the quote has it")
    unit: str = Field(
        min_length=1, max_length=30, description="Its unit as written: %, ms, s, per day, per hour"
    )
    file: str = Field(
        max_length=200,
        pattern=r"^[^\x00-\x1f]+$",
        description="The document, relative to the context folder",
    )
    quote: str = Field(min_length=3, max_length=500, description="The document's exact words")


class DurationInput(ContextInput):
    """Arguments of `stage_duration`."""

    stage: int | None = Field(None, ge=1, le=20, description="Use this stage's traffic share")
    traffic_percent: float | None = Field(
        None, ge=0.01, le=100, description="Traffic share in percent, e.g. 2 (overrides stage)"
    )
    multiplier: float | None = Field(
        None,
        ge=1.05,
        le=100,
        description="Regression to catch, x baseline error rate (default: the rollback trigger)",
    )
    target_error_rate: float | None = Field(
        None, gt=0, lt=1, description="Error rate to catch, a fraction; instead of multiplier"
    )
    baseline_error_rate: float | None = Field(
        None, ge=1e-5, le=0.5, description="Fraction (default: from the documents)"
    )
    daily_transactions: float | None = Field(
        None, ge=1, le=1e10, description="Default: from the documents"
    )


class FreezeInput(_Input):
    """A freeze window: no stage starts or advances inside it."""

    name: str = Field(min_length=1, max_length=80, description="e.g. Holiday freeze")
    start: PlanningDate = Field(description="First frozen day, ISO date")
    end: PlanningDate = Field(description="Last frozen day, inclusive")

    @model_validator(mode="after")
    def _ordered(self) -> FreezeInput:
        if self.end < self.start:
            raise ValueError(f"freeze '{self.name}' ends before it starts")
        return self


class AdjustInput(ContextInput):
    """Arguments of `adjust_plan`: only the fields given change."""

    start: PlanningDate | None = Field(None, description="New first stage start, ISO date")
    stage: int | None = Field(None, ge=1, le=20, description="Stage to change")
    duration_hours: float | None = Field(None, gt=0, le=2160, description="New stage duration")
    duration_days: float | None = Field(None, gt=0, le=90, description="Or in days")
    traffic_percent: float | None = Field(None, ge=0.01, le=100, description="New stage traffic %")
    channels: dict[Role, Annotated[str, Field(min_length=1, max_length=100)]] | None = Field(
        None, description='Channel per role, e.g. {"engineering": "Slack #payments-eng"}'
    )
    freezes: list[FreezeInput] | None = Field(
        None,
        max_length=20,
        description="Windows in which no stage starts or advances; same name replaces",
    )
    strategy: Strategy | None = Field(None, description="Override the risk-based strategy")
    on_call_rotation: str | None = Field(
        None, min_length=1, max_length=120, description="Who is on call, e.g. payments-oncall"
    )

    @field_validator("channels")
    @classmethod
    def _channel_names(cls, value: dict[Role, str] | None) -> dict[Role, str] | None:
        for role, channel in (value or {}).items():
            if not channel.strip() or "\n" in channel:
                raise ValueError(f"channel for {role} must be a name on one line")
        return value


# --------------------------------------------------------------------------- helpers


def _drop_evidence(value: Any) -> Any:
    """Contract JSON without evidence lists: the Markdown quotes the evidence already."""
    if isinstance(value, dict):
        return {k: _drop_evidence(v) for k, v in value.items() if k != "evidence"}
    if isinstance(value, list):
        return [_drop_evidence(item) for item in value]
    return value


def _plan(env: ToolEnv, args: SectionInput) -> RolloutPlan:
    folder = env.resolve(args.context)
    try:
        return plan_folder(folder, start=args.start, today=env.today)
    except ValueError as error:  # the calendar found no gate: the settings leave no room
        raise InputError(CONFIG_NAME, str(error)) from None


def _section(plan: RolloutPlan, section: str) -> ToolResult:
    return ToolResult(
        ok=True,
        data=_drop_evidence(section_json(plan, section)),
        markdown=render_section(plan, section),
    )


def _relative(env: ToolEnv, path: Path) -> str:
    return path.relative_to(env.root.resolve()).as_posix()


# --------------------------------------------------------------------------- read-only tools


def _fact_values(value: Any) -> Any:
    """Facts reduced to their values: `{"value": 0.008, "evidence": [...]}` -> 0.008."""
    if isinstance(value, dict):
        if set(value) == {"value", "evidence"}:
            return _fact_values(value["value"])
        return {k: _fact_values(v) for k, v in value.items() if v not in (None, [])}
    if isinstance(value, list):
        return [_fact_values(item) for item in value]
    return value


def _read_context(args: ContextInput, env: ToolEnv) -> ToolResult:
    context = context_folder(env.resolve(args.context))
    data = _fact_values(context.model_dump(mode="json", exclude={"folder"}))
    data["missing"], data["warnings"] = context.missing, context.warnings
    return ToolResult(ok=True, data=data, markdown=render_context(context))


def _assess_risk(args: SectionInput, env: ToolEnv) -> ToolResult:
    return _section(_plan(env, args), "assess")


def _design_stages(args: SectionInput, env: ToolEnv) -> ToolResult:
    return _section(_plan(env, args), "stages")


def _define_criteria(args: SectionInput, env: ToolEnv) -> ToolResult:
    return _section(_plan(env, args), "criteria")


def _plan_monitoring(args: SectionInput, env: ToolEnv) -> ToolResult:
    return _section(_plan(env, args), "monitoring")


def _plan_communication(args: SectionInput, env: ToolEnv) -> ToolResult:
    return _section(_plan(env, args), "comms")


def _render_plan(args: RenderInput, env: ToolEnv) -> ToolResult:
    plan = _plan(env, args)
    target = env.resolve(str(Path(args.context) / args.output), field="output")
    if target.is_symlink() or target.is_dir():
        raise InputError("output", f"'{args.output}' exists and is not a plain file")
    document = render_document(plan)
    atomic_write_text(target, document)
    path = _relative(env, target)
    lines = document.count("\n")
    data = {
        "path": path,
        "lines": lines,
        "status": status_line(plan),
        "overall": plan.risk.overall.value,
        "strategy": plan.risk.strategy,
        "stages": len(plan.stages),
        "gate_checklists": len(plan.gate_checklist),
        "rollback_steps": len(plan.rollback_procedure),
        "expected_recovery_minutes": plan.expected_recovery_minutes,
        "warnings": len(plan.warnings),
    }
    markdown = render_saved(plan, path=path, lines=lines)
    return ToolResult(ok=True, data=data, markdown=markdown)


# --------------------------------------------------------------------------- what-if


def _fact_source(fact: Fact[float] | None) -> str:
    if fact is None or not fact.evidence:
        return "the documents"
    first = fact.evidence[0]
    return f"{first.file} line {first.line}"


def _daily(args: DurationInput, context: RolloutContext | None) -> tuple[float, str]:
    if args.daily_transactions is not None:
        return args.daily_transactions, "given"
    fact = None
    if context is not None:
        fact = context.baseline.daily_transactions or context.feature.daily_volume
    if fact is None or fact.value <= 0:
        raise InputError(
            "daily_transactions", "the documents state no daily transaction volume; pass it"
        )
    return fact.value, _fact_source(fact)


def _baseline_rate(args: DurationInput, context: RolloutContext | None) -> tuple[float, str]:
    if args.baseline_error_rate is not None:
        return args.baseline_error_rate, "given"
    fact = context.baseline.error_rate if context is not None else None
    if fact is None or not 0 < fact.value < 1:
        raise InputError(
            "baseline_error_rate", "the documents state no baseline error rate; pass it"
        )
    return fact.value, _fact_source(fact)


def _target_rate(args: DurationInput, p0: float, policy: Policy) -> float:
    if args.target_error_rate is not None and args.multiplier is not None:
        raise InputError("target_error_rate", "give multiplier or target_error_rate, not both")
    if args.target_error_rate is not None:
        if args.target_error_rate <= p0:
            raise InputError(
                "target_error_rate", f"must be above the baseline error rate {pct(p0)}"
            )
        return args.target_error_rate
    multiplier = args.multiplier or policy.tolerances.rollback_error_multiplier
    if p0 * multiplier >= 1:
        raise InputError("multiplier", f"{multiplier:g}x the baseline {pct(p0)} is 100% or more")
    return p0 * multiplier


def _traffic(args: DurationInput, env: ToolEnv) -> tuple[float, dict[str, Any] | None]:
    """The traffic share to size, and the planned stage it belongs to (when one was named)."""
    if args.stage is None:
        if args.traffic_percent is None:
            raise InputError("traffic_percent", "give traffic_percent (e.g. 2) or stage")
        return args.traffic_percent, None
    plan = _plan(env, SectionInput(context=args.context))
    if args.stage > len(plan.stages):
        raise InputError(
            "stage", f"stage {args.stage} does not exist (the plan has {len(plan.stages)})"
        )
    stage = plan.stages[args.stage - 1]
    planned = {
        "number": stage.number,
        "traffic_percent": stage.traffic_percent,
        "duration_hours": stage.duration_hours,
        "expected_transactions": stage.expected_transactions,
        "detectable_error_rate": stage.detectable_error_rate,
    }
    return args.traffic_percent or stage.traffic_percent, planned


def _exact(n: int, p0: float, p1: float, policy: Policy) -> dict[str, Any]:
    alpha, power = policy.statistics.alpha, policy.statistics.power
    if n > _EXACT_LIMIT:
        return {}
    exact_n, _ = stats.exact_sample_size(p0, p1, alpha=alpha, power=power)
    detectable = stats.detectable_rate(n, p0, alpha=alpha, power=power)
    return {
        "exact_transactions_needed": exact_n,
        "rollback_at_errors": stats.critical_errors(n, p0, alpha=alpha),
        "detectable_error_rate": None if detectable is None else round(detectable, 5),
        "power_at_target": round(stats.exact_power(n, p0, p1, alpha=alpha), 3),
    }


def _duration_markdown(data: dict[str, Any], sources: tuple[str, str], min_hours: float) -> str:
    p0, p1, n = data["baseline_error_rate"], data["target_error_rate"], data["transactions_needed"]
    share = f"{data['traffic_percent']:g}%"
    label = f"stage {data['stage']} at {share}" if data.get("stage") else f"a {share} stage"
    rows = [
        (
            "Transactions needed",
            f"{count(n)} (exact one-sided binomial test, alpha {data['alpha']:g}: power stays "
            f"at or above {pct(data['power'], 0)} from here on)",
        ),
        (
            "Run time",
            f"{hours(data['hours'])} ({data['hours']:.1f} h) at {share} of "
            f"{count(data['daily_transactions'])} a day",
        ),
    ]
    if "exact_transactions_needed" in data:
        rows.append(
            (
                "For comparison",
                f"normal approximation {count(data['normal_approximation'])}; the exact test "
                f"first reaches {pct(data['power'], 0)} at "
                f"{count(data['exact_transactions_needed'])} but dips below it again later",
            )
        )
        detectable = data["detectable_error_rate"]
        rows.append(
            (
                f"After {count(n)} transactions",
                (
                    f"roll back at {data['rollback_at_errors']} or more errors; detects "
                    f"{pct(detectable)} or worse with {pct(data['power'], 0)} power"
                    if detectable is not None
                    else "too few to test the error rate"
                )
                + f"; chance to catch {pct(p1)}: {pct(data['power_at_target'], 0)}",
            )
        )
    if "planned" in data:
        planned = data["planned"]
        rows.append(
            (
                f"Planned stage {planned['number']}",
                (
                    f"{hours(planned['duration_hours'])} at {planned['traffic_percent']:g}%, about "
                    f"{count(planned['expected_transactions'])} transactions"
                ),
            )
        )
    lines = [
        f"### How long {label} must run to catch {pct(p0)} -> {pct(p1)} "
        f"({data['multiplier']:.3g}x)",
        "",
        "| | |",
        "|---|---|",
        *(f"| {name} | {value} |" for name, value in rows),
        "",
        f"Formula: {data['formula']}.",
        f"Inputs: baseline error rate {pct(p0)} ({sources[0]}), daily transactions "
        f"{count(data['daily_transactions'])} ({sources[1]}).",
    ]
    if data["hours"] < min_hours:
        lines.append(f"The plan keeps every stage at least {hours(min_hours)} (one daily cycle).")
    lines.append("This is a what-if: nothing was changed.")
    return "\n".join(lines) + "\n"


def _stage_duration(args: DurationInput, env: ToolEnv) -> ToolResult:
    folder = env.resolve(args.context)
    policy = load_policy(folder)
    needs_documents = args.baseline_error_rate is None or args.daily_transactions is None
    context = read_context(folder) if needs_documents else None
    traffic, planned = _traffic(args, env)
    p0, rate_source = _baseline_rate(args, context)
    daily, daily_source = _daily(args, context)
    p1 = _target_rate(args, p0, policy)
    alpha, power = policy.statistics.alpha, policy.statistics.power
    n = stats.stage_sample_size(p0, p1, alpha=alpha, power=power)
    run_hours = stats.hours_for_transactions(n, daily, traffic / 100)
    data: dict[str, Any] = {
        "stage": args.stage,
        "traffic_percent": traffic,
        "baseline_error_rate": p0,
        "target_error_rate": round(p1, 6),
        "multiplier": round(p1 / p0, 4),
        "daily_transactions": daily,
        "alpha": alpha,
        "power": power,
        "transactions_needed": n,
        "normal_approximation": stats.sample_size(p0, p1, alpha=alpha, power=power),
        "hours": round(run_hours, 2),
        "days": round(run_hours / 24, 2),
        **_exact(n, p0, p1, policy),
        "formula": _DURATION_FORMULA,
    }
    if planned is not None:
        data["planned"] = planned
    markdown = _duration_markdown(
        data, (rate_source, daily_source), policy.calendar.min_stage_hours
    )
    return ToolResult(ok=True, data=data, markdown=markdown)


# --------------------------------------------------------------------------- adjustments


def _mapping(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.setdefault(key, {})
    if not isinstance(value, dict):
        raise InputError(CONFIG_NAME, f"'{key}' must be a mapping to record this change")
    return value


def _listing(data: dict[str, Any], key: str) -> list[Any]:
    value = data.setdefault(key, [])
    if not isinstance(value, list):
        raise InputError(CONFIG_NAME, f"'{key}' must be a list to record this change")
    return value


def _stage_change(args: AdjustInput) -> dict[str, float] | None:
    change: dict[str, float] = {}
    if args.duration_hours is not None and args.duration_days is not None:
        raise InputError("duration_days", "give duration_hours or duration_days, not both")
    if args.duration_hours is not None:
        change["duration_hours"] = args.duration_hours
    if args.duration_days is not None:
        change["duration_hours"] = args.duration_days * 24
    if args.traffic_percent is not None:
        change["traffic_percent"] = args.traffic_percent
    if change and args.stage is None:
        raise InputError("stage", "say which stage to change")
    if args.stage is not None and not change:
        raise InputError("stage", "give duration_hours, duration_days or traffic_percent for it")
    return change or None


def _merge_stage(data: dict[str, Any], number: int, change: dict[str, float]) -> str:
    entries = _listing(data, "stages")
    entry = next((e for e in entries if isinstance(e, dict) and e.get("stage") == number), None)
    if entry is None:
        entry = {"stage": number}
        entries.append(entry)
    entry.update({k: int(v) if float(v).is_integer() else v for k, v in change.items()})
    entries.sort(key=lambda e: e.get("stage", 0) if isinstance(e, dict) else 0)
    return f"stage {number}: " + ", ".join(f"{k} {entry[k]:g}" for k in change)


def _merge_freezes(data: dict[str, Any], freezes: list[FreezeInput]) -> list[str]:
    entries = _listing(data, "freezes")
    changes = []
    for freeze in freezes:
        entries[:] = [
            e for e in entries if not (isinstance(e, dict) and e.get("name") == freeze.name)
        ]
        entries.append({"name": freeze.name, "start": freeze.start, "end": freeze.end})
        changes.append(
            f"freeze '{freeze.name}' {freeze.start.isoformat()} to {freeze.end.isoformat()}"
        )
    return changes


def _merge(
    current: dict[str, Any], args: AdjustInput
) -> tuple[dict[str, Any], list[str], list[str]]:
    """The settings with the change applied, what changed, and the sections it moves."""
    data = copy.deepcopy(current)
    changes: list[str] = []
    sections: list[str] = []
    stage_change = _stage_change(args)
    if args.start is not None:
        data["start"] = args.start
        changes.append(f"start {args.start.isoformat()}")
    if stage_change is not None and args.stage is not None:
        changes.append(_merge_stage(data, args.stage, stage_change))
    if args.freezes:
        changes += _merge_freezes(data, args.freezes)
    if args.strategy is not None:
        data["strategy"] = args.strategy
        changes.append(f"strategy {args.strategy}")
    if changes:
        sections.append("stages")
    if args.channels:
        _mapping(_mapping(data, "communication"), "channels").update(dict(args.channels.items()))
        changes += [f"{role} channel '{channel}'" for role, channel in args.channels.items()]
        sections.append("comms")
    if args.on_call_rotation is not None:
        _mapping(data, "on_call")["rotation"] = args.on_call_rotation
        changes.append(f"on-call rotation '{args.on_call_rotation}'")
        sections.append("monitoring")
    if not changes:
        raise InputError(
            "(arguments)",
            "nothing to change: give start, stage with duration or traffic, channels, freezes, "
            "strategy or on_call_rotation",
        )
    return data, changes, sections


def _settings_file(folder: Path) -> tuple[Path, dict[str, Any], bool]:
    if not folder.is_dir():
        raise InputError("context", f"'{folder.name}' is not a folder")
    path = folder / CONFIG_NAME
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise InputError(CONFIG_NAME, "is not a plain file; adjust_plan writes only a plain file")
    if not path.exists():
        return path, {}, False
    had_comments = any(
        line.lstrip().startswith("#") for line in path.read_text(encoding="utf-8").splitlines()
    )
    return path, read_config(path), had_comments


def _adjust_plan(args: AdjustInput, env: ToolEnv) -> ToolResult:
    folder = env.resolve(args.context)
    path, current, had_comments = _settings_file(folder)
    merged, changes, sections = _merge(current, args)
    # Validate the whole result before anything is written: the settings, then a full plan.
    policy = policy_from_overrides(merged, source=CONFIG_NAME)
    try:
        plan = build_plan(read_context(folder), policy, today=env.today)
    except ValueError as error:
        raise InputError(CONFIG_NAME, f"the change leaves no valid schedule: {error}") from None
    text = yaml.safe_dump(merged, sort_keys=False, allow_unicode=True, default_flow_style=False)
    atomic_write_text(path, text)
    saved = _relative(env, path)
    note = f"Saved to `{saved}`: " + "; ".join(changes) + "."
    if had_comments:
        note += " Comments in the old file were not kept."
    data: dict[str, Any] = {"saved": saved, "changes": changes}
    parts = [note]
    for section in sections:
        data.update(_drop_evidence(section_json(plan, section)))
        parts.append(render_section(plan, section))
    return ToolResult(ok=True, data=data, markdown="\n\n".join(parts))


# --------------------------------------------------------------------------- registry


def _served(function: Callable[[Any, ToolEnv], ToolResult]) -> ToolFunction:
    """The tool, with errors naming paths relative to the served folder, as a caller wrote them."""

    @functools.wraps(function)
    def run(args: Any, env: ToolEnv) -> ToolResult:
        try:
            return function(args, env)
        except InputError as error:
            root = str(env.root.resolve())
            if not error.source.startswith(root):
                raise
            source = error.source[len(root) :].lstrip("/") or "."
            raise InputError(source, error.problem) from None

    return run


_TOOLS = (
    Tool(
        "read_context",
        "What the two documents state: each fact with file:line evidence, missing facts, "
        "inconsistencies. Call when a number seems missing or the user asks what was read.",
        ContextInput,
        _served(_read_context),
    ),
    Tool(
        "assess_risk",
        "Risk assessment: user impact, revenue impact, system criticality, reversibility "
        "(HIGH = easy to undo), complexity, timing; overall LOW/MEDIUM/HIGH and the strategy, "
        "each with rationale.",
        SectionInput,
        _served(_assess_risk),
    ),
    Tool(
        "design_stages",
        "Rollout stages: traffic %, audience, dates, duration, transactions seen, smallest "
        "detectable error rate, success criteria, warnings. For stages, ramp, schedule.",
        SectionInput,
        _served(_design_stages),
    ),
    Tool(
        "define_criteria",
        "Success criteria (all must hold to advance) and automatic and manual rollback "
        "triggers, with exact thresholds and how each was derived.",
        SectionInput,
        _served(_define_criteria),
    ),
    Tool(
        "plan_monitoring",
        "Technical and business metrics, dashboards, WARNING and CRITICAL alerts with "
        "thresholds, on-call cover and escalation.",
        SectionInput,
        _served(_plan_monitoring),
    ),
    Tool(
        "plan_communication",
        "Stakeholders by role: what they need, when (with dates), channel; filled message "
        "templates.",
        SectionInput,
        _served(_plan_communication),
    ),
    Tool(
        "render_plan",
        "Writes the complete sign-off document (summary, risk, stages, criteria, monitoring, "
        "communication, gate checklists, rollback procedure, next steps) to a .md file in the "
        "context folder. Returns its path, a status line and the document.",
        RenderInput,
        _served(_render_plan),
    ),
    Tool(
        "stage_duration",
        "What-if calculator, changes nothing: how long a stage at a traffic share must run to "
        "catch an error-rate regression (default: the rollback trigger). Returns transactions "
        "needed, hours, detectable rate, power, the formula.",
        DurationInput,
        _served(_stage_duration),
    ),
    Tool(
        "adjust_plan",
        "Saves the user's change to rollout.yaml (validated first; no other file touched): "
        "start date, a stage's duration or traffic, channels, freezes, strategy, on-call "
        "rotation. Returns the re-planned section. Not for questions.",
        AdjustInput,
        _served(_adjust_plan),
    ),
    Tool(
        "record_fact",
        "Records a metric or the traffic the reader missed (see 'Not understood' in "
        "read_context), with the file and the document's exact words; code checks the quote is "
        "in the file and states the value and unit, then saves it to rollout.yaml. Never for a "
        "number the documents do not state.",
        RecordFactInput,
        _served(record_fact),
    ),
)

for _tool in _TOOLS:
    register(_tool)
