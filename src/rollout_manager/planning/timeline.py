"""When the rollout runs: time zone, freezes, gate days by risk, and the first start that fits.

A start *fits* when every pre-rollout step (sign-off, briefings, the alert
test-fire) can fall on or after the first work day after the planning date
with the policy's lead time, and, at a risk level listed in
`calendar.fit_before_freeze`, the whole ramp bakes before the next seasonal
freeze. The default start is the first start that fits; a `--start` that does
not fit keeps working and is warned with the first start that does, found by
the same search, so passing it back gives no warning.

Risk and dates depend on each other (the timing factor looks at the rollout
window; the level picks the ladder, the gate days and the freezes), so the
two are computed in turn until the level and strategy stop changing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import TYPE_CHECKING

from rollout_manager.errors import InputError
from rollout_manager.formatting import day, when
from rollout_manager.planning.criteria import define_criteria
from rollout_manager.planning.gated import GatedMetrics, plan_gated_metrics
from rollout_manager.planning.risk import assess_risk
from rollout_manager.planning.schedule import Freeze, GateCalendar, event_freezes, resolve_timezone
from rollout_manager.planning.seasons import seasonal_freezes
from rollout_manager.planning.stage_sizing import Sizing, size_stages, stage_windows
from rollout_manager.planning.stages import StageDesign, design_stages

if TYPE_CHECKING:
    from zoneinfo import ZoneInfo

    from rollout_manager.model import Criteria, Level, RiskAssessment, RolloutContext
    from rollout_manager.planning.policy import FreezeWindow, LadderStep, Policy

_SEARCH_DAYS = 400
_ROUNDS = 4


@dataclass(frozen=True)
class Timeline:
    """The dates of a plan and the risk assessment they were made with."""

    tz: ZoneInfo
    gates: GateCalendar
    freezes: tuple[Freeze, ...]
    start: datetime
    requested: datetime | None
    risk: RiskAssessment
    criteria: Criteria
    design: StageDesign
    earliest_prep: date
    """First work day after the planning date: nothing before the start is dated earlier."""
    warnings: list[str] = field(default_factory=list)
    brief: list[str] = field(default_factory=list)
    """The warnings above in a line each, for the executive summary."""


def plan_timezone(context: RolloutContext, policy: Policy) -> ZoneInfo:
    """Pick the plan's zone: rollout.yaml, else the documents' peak window, else the policy's."""
    name = policy.timezone
    if name is None and context.feature.peak_windows:
        name = context.feature.peak_windows[0].value.timezone
    try:
        return resolve_timezone(name or policy.calendar.timezone)
    except ValueError as error:
        raise InputError("rollout.yaml", f"timezone: {error}") from None


def _team_freeze(window: FreezeWindow, tz: ZoneInfo) -> Freeze:
    def moment(value: date | datetime, *, end: bool) -> datetime:
        if isinstance(value, datetime):
            return value if value.tzinfo else value.replace(tzinfo=tz)
        day_ = value + timedelta(days=1) if end else value
        return datetime.combine(day_, time(0), tzinfo=tz)

    start, finish = moment(window.start, end=False), moment(window.end, end=True)
    if finish <= start:
        raise InputError("rollout.yaml", f"freezes: '{window.name}' ends before it starts")
    return Freeze(name=window.name, start=start, end=finish, reason="declared in rollout.yaml")


def named_freezes(context: RolloutContext, years: range, tz: ZoneInfo) -> list[Freeze]:
    """Freezes the feature description names with dates, in each year around the plan."""
    found: list[Freeze] = []
    for fact in context.feature.freezes:
        named, where = fact.value, fact.evidence[0] if fact.evidence else None
        reason = f"named in {where.file}:{where.line}" if where else "named in the documents"
        for year in [named.year] if named.year else years:
            try:
                start = date(year, named.start_month, named.start_day)
                end = date(year, named.end_month, named.end_day)
                if end < start:  # "20 December - 5 January" runs into the next year
                    end = date(year + 1, named.end_month, named.end_day)
            except ValueError:
                continue  # 29 February in a common year, or beyond the calendar
            found.append(
                Freeze(
                    name=named.name,
                    start=datetime.combine(start, time(0), tzinfo=tz),
                    end=datetime.combine(end + timedelta(days=1), time(0), tzinfo=tz),
                    reason=reason,
                )
            )
    return found


def _requested_start(policy: Policy, tz: ZoneInfo) -> datetime | None:
    value = policy.start
    if value is None:
        return None
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=tz)
    return datetime.combine(value, policy.calendar.gate_start, tzinfo=tz)


@dataclass(frozen=True)
class _Setting:
    """Everything the start search needs, fixed for one risk assessment."""

    context: RolloutContext
    policy: Policy
    risk: RiskAssessment
    criteria: Criteria
    gated: GatedMetrics
    gates: GateCalendar
    earliest_prep: date
    ladder: list[LadderStep] | None

    @property
    def lead(self) -> int:
        return self.policy.calendar.lead_business_days

    @cached_property
    def sizing(self) -> Sizing:
        """The stages' sizes: the same for every candidate start."""
        return size_stages(self.context, self.effective_policy, self.risk, self.gated)

    @cached_property
    def effective_policy(self) -> Policy:
        if self.ladder is None:
            return self.policy
        ladders = dict(self.policy.ladders)
        ladders[self.risk.strategy] = self.ladder
        return self.policy.model_copy(update={"ladders": ladders})

    def windows(self, start: datetime) -> list[tuple[datetime, datetime]]:
        """When each stage would run from ``start`` (the start search needs no more)."""
        return stage_windows(self.sizing, self.effective_policy, self.gates, start)

    def design(self, start: datetime) -> StageDesign:
        return design_stages(
            self.context,
            self.effective_policy,
            self.risk,
            self.criteria,
            calendar=self.gates,
            start=start,
            sizing=self.sizing,
        )

    def lead_ok(self, start: datetime) -> bool:
        return self.gates.business_days_before(start, self.lead).date() >= self.earliest_prep

    def blocking_freeze(
        self, start: datetime, windows: list[tuple[datetime, datetime]]
    ) -> Freeze | None:
        """Return the first seasonal freeze the ramp meets before its bake ends, if it must not."""
        if self.risk.overall not in self.policy.calendar.fit_before_freeze:
            return None
        end = windows[-1][1]
        return next(
            (f for f in self.gates.freezes if f.seasonal and f.end > start and f.start < end),
            None,
        )


def _first_fit(setting: _Setting, candidate: datetime) -> datetime:
    """Return the first start at or after `candidate` that fits."""
    gates = setting.gates
    limit = candidate + timedelta(days=_SEARCH_DAYS)
    candidate = gates.next_allowed(candidate)
    while candidate < limit:
        if not setting.lead_ok(candidate):
            candidate = gates.next_allowed(
                datetime.combine(candidate.date() + timedelta(days=1), time(0), tzinfo=gates.tz)
            )
            continue
        freeze = setting.blocking_freeze(candidate, setting.windows(candidate))
        if freeze is None:
            return candidate
        candidate = gates.next_allowed(freeze.end)
    raise InputError(
        "rollout.yaml", f"no start within {_SEARCH_DAYS} days leaves the lead time and the freezes"
    )


def _held_through(
    freeze: Freeze, setting: _Setting, windows: list[tuple[datetime, datetime]]
) -> str:
    """Say what a ramp that runs into `freeze` does there: the stage it holds, until when."""
    held = next(
        (
            (number, step, end)
            for number, (step, (begin, end)) in enumerate(
                zip(setting.sizing.ladder, windows, strict=True), 1
            )
            if begin < freeze.start < end
        ),
        None,
    )
    if held is None:
        return "its stages would start inside the freeze"
    number, step, end = held
    return (
        f"a partial rollout: stage {number} ({step.traffic_percent:g}%) would be held "
        f"through the freeze until its gate {when(end)}, and the bake would end "
        f"{when(windows[-1][1])}"
    )


def _freeze_text(freeze: Freeze) -> str:
    return f"the {freeze.name} freeze ({day(freeze.start)} - {day(freeze.end - timedelta(days=1))})"


def _lead_text(setting: _Setting, start: datetime) -> str:
    return (
        f"starting {when(start)} leaves fewer than {setting.lead} business days from "
        f"{setting.earliest_prep.isoformat()} (the first business day after today) for "
        "sign-off, briefings and the alert test-fire"
    )


def _requested_problems(setting: _Setting, start: datetime) -> list[str]:
    problems = []
    if not setting.lead_ok(start):
        problems.append(_lead_text(setting, start))
    windows = setting.windows(start)
    freeze = setting.blocking_freeze(start, windows)
    if freeze is not None:
        problems.append(
            f"a {setting.risk.overall.value}-risk ramp starting {when(start)} cannot finish its "
            f"bake before {_freeze_text(freeze)}: {_held_through(freeze, setting, windows)}"
        )
    return problems


def _choose_start(
    setting: _Setting, requested: datetime | None, today: date
) -> tuple[datetime, StageDesign, list[str], list[str]]:
    gates = setting.gates
    if requested is not None:
        start = gates.next_allowed(requested)
        design = setting.design(start)
        problems = _requested_problems(setting, start)
        if not problems:
            return start, design, [], []
        fit = _first_fit(setting, start)
        text = "; ".join(problems)
        return (
            start,
            design,
            [
                (
                    f"{text[:1].upper()}{text[1:]}. The first start that fits is {when(fit)} "
                    f"(--start {fit.date().isoformat()})."
                )
            ],
            [
                (
                    f"Start {day(start)} is too early or hits a freeze: first fit "
                    f"--start {fit.date().isoformat()}."
                )
            ],
        )
    earliest = gates.next_business_day_start(today)
    first_lead = earliest
    while not setting.lead_ok(first_lead):
        first_lead = gates.next_business_day_start(first_lead.date())
    start = _first_fit(setting, earliest)
    design = setting.design(start)
    if start.date() == first_lead.date():
        return start, design, [], []
    early = setting.windows(first_lead)
    freeze = setting.blocking_freeze(first_lead, early)
    if freeze is None:
        return start, design, [], []
    return (
        start,
        design,
        [
            (
                f"Default start {when(start)}, the first business day after "
                f"{_freeze_text(freeze)}: a {setting.risk.overall.value}-risk ramp started at the "
                f"first date the lead time allows ({when(first_lead)}) cannot finish its bake "
                f"before the freeze. Starting then would mean "
                f"{_held_through(freeze, setting, early)}."
            )
        ],
        [
            (
                f"Start moved to {day(start)}, after {_freeze_text(freeze)}: starting "
                f"{day(first_lead)} would hold a partial rollout through it."
            )
        ],
    )


def _gates(
    context: RolloutContext, policy: Policy, level: Level, base: tuple[Freeze, ...], anchor: date
) -> GateCalendar:
    tz = plan_timezone(context, policy)
    years = range(anchor.year - 1, anchor.year + 3)
    seasonal = seasonal_freezes(context, policy, risk=level, years=years, tz=tz)
    freezes = tuple(sorted((*base, *seasonal), key=lambda f: (f.start, f.end, f.name)))
    peaks = tuple(
        (
            time.fromisoformat(p.value.start),
            time.fromisoformat(p.value.end),
            resolve_timezone(p.value.timezone),
        )
        for p in context.feature.peak_windows
    )
    return GateCalendar(
        tz=tz,
        gate_start=policy.calendar.gate_start,
        gate_end=policy.calendar.gate_end,
        weekdays=policy.gate_weekdays(level),
        peak_windows=peaks,
        freezes=freezes,
        skip_holidays=policy.calendar.skip_holidays,
        work_weekdays=policy.gate_weekdays() | frozenset(range(5)),
        avoid_eves=level in policy.calendar.no_gate_on_eve,
    )


def plan_timeline(
    context: RolloutContext,
    policy: Policy,
    today: date,
    *,
    ladder: list[LadderStep] | None = None,
) -> Timeline:
    """Risk, criteria, stages and dates that agree with each other.

    Args:
        context: facts read from the documents.
        policy: the rules and the team's settings (`start` fixes the start).
        today: the planning date; nothing before the start is dated before the next work day.
        ladder: traffic steps a playbook imposes instead of the strategy's.
    """
    tz = plan_timezone(context, policy)
    requested = _requested_start(policy, tz)
    anchor = requested.date() if requested else today
    years = range(anchor.year - 1, anchor.year + 3)
    base = tuple(
        event_freezes([e.value for e in context.feature.events], years=years, tz=tz)
    ) + tuple(_team_freeze(w, tz) for w in policy.freezes)
    base += tuple(named_freezes(context, years, tz))
    window_start = requested or datetime.combine(today, policy.calendar.gate_start, tzinfo=tz)
    window: tuple[datetime, datetime] = (window_start, window_start)
    risk = assess_risk(context, policy, start=window[0], end=window[1], freezes=base)
    gated = plan_gated_metrics(context, policy)
    for _ in range(_ROUNDS):
        gates = _gates(context, policy, risk.overall, base, anchor)
        setting = _Setting(
            context=context,
            policy=policy,
            risk=risk,
            criteria=define_criteria(context, policy, risk, gated),
            gated=gated,
            gates=gates,
            earliest_prep=gates.next_work_day(today),
            ladder=ladder,
        )
        start, design, warnings, brief = _choose_start(setting, requested, today)
        window = (design.stages[0].start, design.stages[-1].end)
        again = assess_risk(context, policy, start=window[0], end=window[1], freezes=gates.freezes)
        settled = (again.overall, again.strategy) == (risk.overall, risk.strategy)
        risk = again
        if settled:
            break
    return Timeline(
        tz=tz,
        gates=setting.gates,
        freezes=setting.gates.freezes,
        start=start,
        requested=requested,
        risk=risk,
        criteria=define_criteria(context, policy, risk, gated),
        design=design,
        earliest_prep=setting.earliest_prep,
        warnings=warnings,
        brief=brief,
    )
