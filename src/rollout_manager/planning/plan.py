"""`build_plan(context, policy)`: the whole RolloutPlan, a pure function of its inputs.

The only input that is not a file is `today`, used when neither `--start`
nor `rollout.yaml` fixes the start (then stage 1 starts on the next business
day outside every freeze).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from rollout_manager.errors import InputError
from rollout_manager.formatting import day, money, number, pct, plural, when
from rollout_manager.model import (
    Baseline,
    Communication,
    FeatureSummary,
    PeakWindow,
    RolloutContext,
    RolloutPlan,
    Schedule,
    Stage,
    StatisticsSettings,
    Traffic,
)
from rollout_manager.planning import stats
from rollout_manager.planning.communication import business_days_before, plan_communication
from rollout_manager.planning.criteria import define_criteria
from rollout_manager.planning.monitoring import plan_monitoring
from rollout_manager.planning.policy import CONFIG_NAME, FreezeWindow, Policy, load_policy
from rollout_manager.planning.procedure import (
    gate_checklists,
    irreversible_steps,
    rollback_procedure,
)
from rollout_manager.planning.risk import assess_risk, event_name
from rollout_manager.planning.schedule import Freeze, GateCalendar, event_freezes, resolve_timezone
from rollout_manager.planning.stages import design_stages
from rollout_manager.reading.context import read_context
from rollout_manager.reading.declared import apply_declared

# Freezes this close to the rollout window are listed in the schedule.
_NEAR = timedelta(days=14)

_CONSEQUENCE = {
    "baseline.error_rate": "no error-rate gate or alert is planned (none is invented); "
    "recommended: add an error-rate baseline before stage 2",
    "baseline.p95_latency_ms": "no P95 gate or alert is planned (none is invented); "
    "recommended: add a P95 baseline before stage 2",
    "baseline.daily_transactions": "stages cannot be sized by traffic",
    "baseline.avg_transaction_value": "no low-value cohort; exposure in money unknown",
    "baseline.daily_revenue": "revenue exposure cannot be stated",
    "feature.flag": "no flag to roll back with: name one or a kill switch",
    "feature.rollback_mechanism": "reversibility assumed MEDIUM",
    "feature.scope_share": "user impact assumed MEDIUM",
}


@dataclass(frozen=True)
class _Calendar:
    tz: ZoneInfo
    gates: GateCalendar
    freezes: tuple[Freeze, ...]
    start: datetime
    requested: datetime | None


def _timezone(context: RolloutContext, policy: Policy) -> ZoneInfo:
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


def _named_freezes(context: RolloutContext, years: range, tz: ZoneInfo) -> list[Freeze]:
    """Freezes the feature description names with dates, in each year around the plan."""
    found: list[Freeze] = []
    for fact in context.feature.freezes:
        named, where = fact.value, fact.evidence[0] if fact.evidence else None
        reason = f"named in {where.file}:{where.line}" if where else "named in the documents"
        for year in [named.year] if named.year else years:
            try:
                start = date(year, named.start_month, named.start_day)
                end = date(year, named.end_month, named.end_day)
            except ValueError:
                continue  # 29 February in a common year
            if end < start:  # "20 December - 5 January" runs into the next year
                end = date(year + 1, named.end_month, named.end_day)
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


def _calendar(context: RolloutContext, policy: Policy, today: date) -> _Calendar:
    tz = _timezone(context, policy)
    requested = _requested_start(policy, tz)
    anchor = requested.date() if requested else today
    years = range(anchor.year - 1, anchor.year + 2)
    freezes = tuple(
        event_freezes([e.value for e in context.feature.events], years=years, tz=tz)
    ) + tuple(_team_freeze(w, tz) for w in policy.freezes)
    freezes += tuple(_named_freezes(context, years, tz))
    peaks = tuple(
        (
            time.fromisoformat(p.value.start),
            time.fromisoformat(p.value.end),
            resolve_timezone(p.value.timezone),
        )
        for p in context.feature.peak_windows
    )
    gates = GateCalendar(
        tz=tz,
        gate_start=policy.calendar.gate_start,
        gate_end=policy.calendar.gate_end,
        weekdays=policy.gate_weekdays(),
        peak_windows=peaks,
        freezes=freezes,
        skip_holidays=policy.calendar.skip_holidays,
    )
    start = gates.next_allowed(requested) if requested else gates.next_business_day_start(today)
    return _Calendar(tz=tz, gates=gates, freezes=freezes, start=start, requested=requested)


def _feature(context: RolloutContext) -> FeatureSummary:
    f = context.feature
    return FeatureSummary(
        name=f.name.value if f.name else "Unnamed change",
        flag=f.flag.value if f.flag else None,
        flag_state=f.flag_state.value if f.flag_state else None,
        scope=f.scope.value if f.scope else None,
        summary=f.summary.value if f.summary else None,
    )


_BASELINE_FIELDS = (
    "error_rate",
    "p50_latency_ms",
    "p95_latency_ms",
    "p99_latency_ms",
    "success_rate",
    "timeout_rate",
    "daily_transactions",
    "avg_transaction_value",
    "daily_revenue",
)


def _baseline(context: RolloutContext) -> Baseline:
    base = context.baseline
    values: dict[str, Any] = {}
    evidence = {}
    for name in _BASELINE_FIELDS:
        fact = getattr(base, name)
        values[name] = fact.value if fact is not None else None
        if fact is not None:
            evidence[name] = fact.evidence
    return Baseline(
        **values,
        currency=base.currency,
        error_breakdown=[fact.value for fact in base.error_breakdown],
        evidence=evidence,
        metrics=list(context.metrics),
    )


def _traffic(context: RolloutContext) -> Traffic:
    if context.traffic is not None:
        return context.traffic
    daily = context.baseline.daily_transactions or context.feature.daily_volume
    return Traffic(
        unit="transactions",
        per_day=daily.value if daily is not None else None,
        evidence=daily.evidence if daily is not None else [],
    )


def _peak_text(peak: PeakWindow) -> str:
    return f"{peak.start}-{peak.end} {peak.timezone} daily"


def _schedule(
    cal: _Calendar, policy: Policy, context: RolloutContext, stages: list[Stage]
) -> Schedule:
    days = ", ".join(policy.calendar.gate_days)
    return Schedule(
        timezone=cal.tz.key,
        start=stages[0].start,
        end=stages[-1].end,
        freezes=[
            f.describe()
            for f in cal.freezes
            if f.end > stages[0].start - _NEAR and f.start < stages[-1].end + _NEAR
        ],
        peak_windows=[_peak_text(p.value) for p in context.feature.peak_windows],
        gate_hours=f"{policy.calendar.gate_start:%H:%M}-{policy.calendar.gate_end:%H:%M} "
        f"{cal.tz.key}, {days}"
        + (", not on US federal holidays" if policy.calendar.skip_holidays else ""),
    )


def _context_warnings(context: RolloutContext, cal: _Calendar) -> list[str]:
    feature = context.feature
    warnings = list(context.warnings)
    if cal.requested is not None and cal.start != cal.requested:
        warnings.append(
            f"Requested start {when(cal.requested)} is not a gate time (peak window, freeze, "
            f"weekend or holiday): stage 1 starts {when(cal.start)}."
        )
    warnings += [
        f"Dependency not ready: {dep.value.name}: {dep.value.status}. Resolve it before stage 1."
        for dep in feature.dependencies
        if not dep.value.ready
    ]
    if feature.flag_state is not None and feature.flag_state.value not in ("OFF", "DISABLED"):
        warnings.append(
            f"The flag is {feature.flag_state.value} already: traffic may be on the new path "
            "before stage 1."
        )
    for line in irreversible_steps(context):
        warnings.append(
            f'The flag alone cannot undo this: "{line}". It runs behind its own gate after '
            "the 100% bake, and only with a restore tested in the last 30 days."
        )
    events = [e.value for e in feature.events]
    known = {f.name for f in cal.freezes}
    for slug in events:
        if slug == "product_launch" or not any(
            event_name(slug).lower() in k.lower() for k in known
        ):
            warnings.append(
                f"{event_name(slug).capitalize()} is named but has no date: "
                "add it to `freezes` in rollout.yaml."
            )
    return warnings


_LEAD_BUSINESS_DAYS = 3


def _lead_time_warnings(cal: _Calendar, stages: list[Stage], today: date) -> list[str]:
    """Warn when sign-off and announcements would fall before the planning date."""
    start = stages[0].start
    if business_days_before(start, _LEAD_BUSINESS_DAYS, cal.gates).date() >= today:
        return []
    candidate = cal.gates.next_business_day_start(today)
    for _ in range(60):
        if business_days_before(candidate, _LEAD_BUSINESS_DAYS, cal.gates).date() >= today:
            break
        candidate = cal.gates.next_business_day_start(candidate.date())
    return [
        f"Lead time: starting {when(start)} leaves fewer than {_LEAD_BUSINESS_DAYS} business "
        f"days after today ({day(datetime.combine(today, time(0)))}) for sign-off and "
        f"announcements; the first start that leaves them is {when(candidate)} "
        f"(--start {candidate.date().isoformat()})."
    ]


def _alert_window_warnings(
    context: RolloutContext, stages: list[Stage], settings: StatisticsSettings, policy: Policy
) -> list[str]:
    """Say when a CRITICAL rate alert's window is too small to judge the rate it names."""
    daily_fact = context.baseline.daily_transactions or context.feature.daily_volume
    canary = [s for s in stages if s.traffic_percent < 100]
    if daily_fact is None or settings.rollback_error_rate is None or not canary:
        return []
    p0, p1 = settings.baseline_error_rate, settings.rollback_error_rate
    if p0 is None or not 0 < p0 < p1 < 1:
        return []  # the settings are rounded to 4 places: a 0.001% baseline shows as 0
    needed = stats.stage_sample_size(p0, p1, alpha=settings.alpha, power=settings.power)
    minutes = policy.alerts.critical_for_minutes
    per_window = {
        s.number: daily_fact.value * s.traffic_percent / 100 / 1440 * minutes for s in canary
    }
    blind = [n for n, seen in per_window.items() if seen < needed]
    if not blind:
        return []
    example = next(
        (b for s in canary for b in s.sequential_boundaries if b.transactions >= needed), None
    )
    rule = (
        f" (e.g. roll back at {example.rollback_at_errors} errors within the first "
        f"{example.transactions:,} transactions)"
        if example is not None
        else ""
    )
    first, last = canary[0], canary[-1]
    return [
        f"A {minutes}-min alert window holds about {number(per_window[first.number])} "
        f"{_traffic(context).unit} at stage {first.number} and "
        f"{number(per_window[last.number])} at "
        f"stage {last.number}; telling {pct(p0)} from {pct(p1)} needs about {needed:,}. "
        f"In stages {', '.join(map(str, blind))} the error-rate alerts catch gross failures "
        f"only: judge the rollback threshold on the stage's cumulative count with its "
        f"sequential table{rule}."
    ]


def _assumptions(context: RolloutContext, policy: Policy) -> list[str]:
    stats = policy.statistics
    lines = [
        f"Not stated in the documents: {name}; "
        + _CONSEQUENCE.get(name, "nothing was assumed in its place")
        + "."
        for name in context.missing
    ]
    lines.append(
        f"Gate tests are one-sided at alpha {stats.alpha:g} with {stats.power:.0%} power; "
        "the rest of the traffic is the control."
    )
    return lines


def _exposure(context: RolloutContext, stages: list[Stage], recovery: float, policy: Policy) -> str:
    base = context.baseline
    daily_fact = base.daily_transactions or context.feature.daily_volume
    if daily_fact is None:
        return "Unknown: the documents do not state daily volume."
    minutes = policy.alerts.critical_for_minutes + recovery
    unit = _traffic(context).unit
    one = unit[:-1] if unit.endswith("s") else unit

    def affected(stage: Stage) -> str:
        n = daily_fact.value / 1440 * stage.traffic_percent / 100 * minutes
        value = (
            f" (about {money(n * base.avg_transaction_value.value, base.currency)})"
            if base.avg_transaction_value
            else ""
        )
        return f"about {plural(max(n, 1), one)}{value} at stage {stage.number} " + (
            f"({stage.traffic_percent:g}%)"
        )

    canary = [s for s in stages if s.traffic_percent < 100] or stages
    exposures = [affected(stages[0])]
    if canary[-1] is not stages[0]:
        exposures.append(affected(canary[-1]))
    return (
        f"A total failure is caught by a CRITICAL alert within "
        f"{policy.alerts.critical_for_minutes} min and rolled back in about {recovery:g} min: "
        + ", ".join(exposures)
        + "."
    )


def _next_steps(
    cal: _Calendar,
    stages: list[Stage],
    policy: Policy,
    communication: Communication,
    today: date,
) -> list[str]:
    start = stages[0].start
    sign_by = business_days_before(start, _LEAD_BUSINESS_DAYS, cal.gates)
    deadline = (
        day(sign_by)
        if sign_by.date() >= today
        else f"today, {day(datetime.combine(today, time(0)))} (no lead time left: see warnings)"
    )
    notify = business_days_before(start, 2, cal.gates)
    on_call = min(policy.on_call.through_stage, len(stages))
    roles = [s.role for s in communication.stakeholders]
    briefings = ", ".join(
        f"{s.role} on {day(s.dates[0])}" for s in communication.stakeholders if s.dates
    )
    return [
        f"Sign-off by {', '.join(roles)} by {deadline}.",
        f"Build the dashboards and alerts of the monitoring plan; test-fire each alert by "
        f"{day(notify)}.",
        f"Book on-call cover for stages 1-{on_call}: "
        f"{day(start)} to {day(stages[on_call - 1].end)}.",
        f"First messages: {briefings}.",
        f"Start stage 1 at {when(start)}.",
    ]


def build_plan(
    context: RolloutContext, policy: Policy, *, today: date | None = None
) -> RolloutPlan:
    """Compose every section of the plan from the context and the policy.

    Args:
        context: facts read from the documents.
        policy: built-in rules plus the team's settings and adjustments.
        today: the planning date, used only for the default start.
    """
    today = today or date.today()
    context = apply_declared(context, policy.facts, policy.traffic, policy.baseline)
    cal = _calendar(context, policy, today)
    risk = assess_risk(context, policy, start=cal.start, freezes=cal.freezes)
    criteria = define_criteria(context, policy, risk)
    design = design_stages(context, policy, risk, criteria, calendar=cal.gates, start=cal.start)
    stages = design.stages
    monitoring = plan_monitoring(context, policy, criteria, stages)
    procedure, recovery, irreversible_recovery = rollback_procedure(context, policy)
    communication = plan_communication(
        context,
        policy,
        risk=risk,
        criteria=criteria,
        monitoring=monitoring,
        stages=stages,
        calendar=cal.gates,
        recovery_minutes=recovery,
        today=today,
    )
    return RolloutPlan(
        feature=_feature(context),
        baseline=_baseline(context),
        traffic=_traffic(context),
        risk=risk,
        schedule=_schedule(cal, policy, context, stages),
        stages=stages,
        statistics=design.statistics,
        criteria=criteria,
        monitoring=monitoring,
        communication=communication,
        gate_checklist=gate_checklists(
            context, criteria, stages, on_call=monitoring.on_call.stages
        ),
        rollback_procedure=procedure,
        expected_recovery_minutes=recovery,
        irreversible_recovery_minutes=irreversible_recovery,
        worst_case_exposure=_exposure(context, stages, recovery, policy),
        warnings=_context_warnings(context, cal)
        + _lead_time_warnings(cal, stages, today)
        + design.warnings
        + _alert_window_warnings(context, stages, design.statistics, policy),
        assumptions=_assumptions(context, policy) + design.assumptions,
        next_steps=_next_steps(cal, stages, policy, communication, today),
    )


def plan_folder(
    folder: Path | str,
    *,
    config: Path | None = None,
    start: date | datetime | None = None,
    today: date | None = None,
) -> RolloutPlan:
    """Read a context folder and its settings, and build the plan.

    Args:
        folder: holds `feature-description.md`, `baseline-metrics.md`, maybe `rollout.yaml`.
        config: settings file other than `folder/rollout.yaml`.
        start: overrides the start in the settings.
        today: the planning date (default: the system date).
    """
    context = read_context(Path(folder))
    policy = load_policy(Path(folder), config)
    if start is not None:
        policy = policy.model_copy(update={"start": start})
    try:
        return build_plan(context, policy, today=today)
    except InputError as error:
        # The planner names the settings file by its role; the user needs its path.
        settings = config if config is not None else Path(folder) / CONFIG_NAME
        if error.source == CONFIG_NAME and settings.is_file():
            raise InputError(str(settings), error.problem) from None
        raise


def context_folder(folder: Path | str, *, config: Path | None = None) -> RolloutContext:
    """What a folder states, with the facts recorded or declared in its settings applied."""
    context = read_context(Path(folder))
    policy = load_policy(Path(folder), config)
    return apply_declared(context, policy.facts, policy.traffic, policy.baseline)


SECTIONS: dict[str, tuple[str, ...]] = {
    "assess": ("feature", "baseline", "risk"),
    "stages": ("feature", "schedule", "stages", "warnings"),
    "criteria": ("criteria",),
    "monitoring": ("monitoring",),
    "comms": ("communication",),
}


def section_json(plan: RolloutPlan, section: str) -> dict[str, Any]:
    """The contract fields one section command prints with `--json`."""
    return plan.model_dump(mode="json", include=set(SECTIONS[section]))
