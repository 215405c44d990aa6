"""`build_plan(context, policy)`: the whole RolloutPlan, a pure function of its inputs.

The only input that is not a file is `today`, the planning date: nothing
before the start is dated earlier than the next business day, and when
neither `--start` nor `rollout.yaml` fixes the start, stage 1 starts at the
first start that fits the lead time and the freezes (`planning.timeline`).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from rollout_manager.errors import InputError
from rollout_manager.formatting import day, when
from rollout_manager.model import (
    Baseline,
    Communication,
    FeatureSummary,
    Monitoring,
    PeakWindow,
    RolloutContext,
    RolloutPlan,
    Schedule,
    Stage,
    Traffic,
)
from rollout_manager.planning.cohorts import review_cohorts, size_internal_stage
from rollout_manager.planning.communication import plan_communication
from rollout_manager.planning.exposure import exposure_note, worst_case_exposure
from rollout_manager.planning.monitoring import plan_monitoring, plan_on_call
from rollout_manager.planning.playbooks import (
    LegacyRemoval,
    choose_playbooks,
    legacy_removal,
    playbook_ladder,
)
from rollout_manager.planning.policy import CONFIG_NAME, WEEKDAYS, Policy, load_policy
from rollout_manager.planning.procedure import (
    gate_checklists,
    irreversible_steps,
    rollback_procedure,
)
from rollout_manager.planning.risk import event_name
from rollout_manager.planning.timeline import Timeline, plan_timeline, plan_timezone
from rollout_manager.reading.context import read_context
from rollout_manager.reading.declared import apply_declared
from rollout_manager.sections import section_named

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


def _day_ranges(weekdays: frozenset[int]) -> str:
    """Gate days as runs: `Mon-Thu`, `Mon-Fri`, `Mon, Wed-Fri`."""
    runs: list[list[int]] = []
    for weekday in sorted(weekdays):
        if runs and runs[-1][-1] == weekday - 1:
            runs[-1].append(weekday)
        else:
            runs.append([weekday])
    return ", ".join(
        WEEKDAYS[run[0]] if len(run) == 1 else f"{WEEKDAYS[run[0]]}-{WEEKDAYS[run[-1]]}"
        for run in runs
    )


def _schedule(
    line: Timeline,
    policy: Policy,
    context: RolloutContext,
    stages: list[Stage],
    removal: LegacyRemoval,
) -> Schedule:
    days = _day_ranges(line.gates.weekdays)
    eves = ", their eves or a freeze's eve" if line.gates.avoid_eves else ""
    return Schedule(
        timezone=line.tz.key,
        start=stages[0].start,
        end=stages[-1].end,
        freezes=[
            f.describe() + (f" ({f.reason})" if f.seasonal else "")
            for f in line.freezes
            if f.end > stages[0].start - _NEAR and f.start < stages[-1].end + _NEAR
        ],
        peak_windows=[_peak_text(p.value) for p in context.feature.peak_windows],
        gate_hours=f"{policy.calendar.gate_start:%H:%M}-{policy.calendar.gate_end:%H:%M} "
        f"{line.tz.key}, {days}"
        + (", not on US federal holidays" if policy.calendar.skip_holidays else "")
        + eves,
        legacy_removal=removal.moment,
        legacy_removal_reason=removal.reason,
        legacy_removal_owner=removal.owner,
    )


def _context_warnings(context: RolloutContext, cal: Timeline) -> list[str]:
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


def _prep_day(moment: datetime, line: Timeline) -> str:
    if moment.date() >= line.earliest_prep:
        return day(moment)
    first = datetime.combine(line.earliest_prep, time(0), tzinfo=line.tz)
    return f"{day(first)} (short lead time: see warnings)"


def _next_steps(
    line: Timeline,
    *,
    stages: list[Stage],
    policy: Policy,
    communication: Communication,
    monitoring: Monitoring,
    removal: LegacyRemoval,
) -> list[str]:
    start = stages[0].start
    lead = policy.calendar.lead_business_days
    sign_by = line.gates.business_days_before(start, lead)
    notify = line.gates.business_days_before(start, max(lead - 1, 0))
    cover = monitoring.on_call
    roles = [s.role for s in communication.stakeholders]
    briefings = ", ".join(
        f"{s.role} on {day(s.dates[0])}" for s in communication.stakeholders if s.dates
    )
    covered = (
        f"Book on-call cover for stages {cover.stages[0]}-{cover.stages[-1]}: "
        f"{when(cover.start)} to {when(cover.end)}."
        if cover.stages and cover.start and cover.end
        else "Share the escalation path with the owning team."
    )
    by = _prep_day(notify, line)
    return [
        f"Sign-off by {', '.join(roles)} by {_prep_day(sign_by, line)}.",
        f"Build the dashboards and alerts of the monitoring plan; test-fire each alert by {by}.",
        covered,
        f"First messages: {briefings}.",
        f"Start stage 1 at {when(start)}.",
        (
            f"Remove the flag and the previous path no earlier than {when(removal.moment)} "
            f"({removal.reason}); owner: {removal.owner}."
        ),
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
        f"Gates and rollback boundaries are one-sided exact binomial tests against the baseline; "
        f"alpha is split by Bonferroni over every stage and metric (totals "
        f"{stats.false_rollback_total:.0%} false rollback, {stats.false_hold_total:.0%} false "
        f"hold), each stage sized for {stats.power:.0%} power at its purpose; the rest of the "
        "traffic is the control."
    )
    return lines


def build_plan(
    context: RolloutContext, policy: Policy, *, today: date | None = None
) -> RolloutPlan:
    """Compose every section of the plan from the context and the policy.

    Args:
        context: facts read from the documents.
        policy: built-in rules plus the team's settings and adjustments.
        today: the planning date (default: the real date in the plan's time zone).
    """
    context = apply_declared(context, policy.facts, policy.traffic, policy.baseline)
    if today is None:  # the real date where the plan's gates are
        today = datetime.now(plan_timezone(context, policy)).date()
    chosen = choose_playbooks(context, policy)
    ladder, ladder_reason = playbook_ladder(chosen)
    line = plan_timeline(context, policy, today, ladder=ladder)
    steps = ladder or list(policy.ladders[line.risk.strategy])
    staffed = size_internal_stage(context, policy, steps)
    if staffed is not None:  # the internal stage at the staff's share: plan again with it
        policy = staffed
        line = plan_timeline(context, policy, today, ladder=ladder)
        steps = ladder or list(policy.ladders[line.risk.strategy])
    risk, criteria, design = line.risk, line.criteria, line.design
    cohorts = review_cohorts(design.stages, steps, context, policy)
    stages = cohorts.stages
    removal = legacy_removal(stages, chosen, line.gates, policy.on_call.legacy_removal_owner)
    holdback = risk.overall in policy.statistics.holdback_levels
    monitoring = plan_monitoring(context, policy, criteria, stages, holdback=holdback)
    monitoring = monitoring.model_copy(
        update={"on_call": plan_on_call(policy, stages, risk.overall)}
    )
    procedure, recovery, irreversible_recovery = rollback_procedure(
        context, policy, playbooks=[c.book for c in chosen]
    )
    for stage in stages:
        note = exposure_note(context, stage, recovery, policy)
        if note is not None:
            stage.notes.append(note)
    communication = plan_communication(
        context,
        policy,
        risk=risk,
        criteria=criteria,
        monitoring=monitoring,
        stages=stages,
        calendar=line.gates,
        recovery_minutes=recovery,
        today=today,
        earliest=line.earliest_prep,
        playbooks=[c.book for c in chosen],
        removal=removal,
    )
    return RolloutPlan(
        feature=_feature(context),
        baseline=_baseline(context),
        traffic=_traffic(context),
        risk=risk,
        schedule=_schedule(line, policy, context, stages, removal),
        stages=stages,
        statistics=design.statistics,
        decision_summary=design.summary,
        criteria=criteria,
        monitoring=monitoring,
        communication=communication,
        gate_checklist=gate_checklists(
            context,
            criteria,
            stages,
            on_call=monitoring.on_call.stages,
            playbooks=[c.book for c in chosen],
            removal=removal,
        ),
        rollback_procedure=procedure,
        expected_recovery_minutes=recovery,
        irreversible_recovery_minutes=irreversible_recovery,
        worst_case_exposure=worst_case_exposure(context, stages, recovery, policy),
        warnings=_context_warnings(context, line)
        + line.warnings
        + cohorts.up_front
        + ([f"Traffic steps set by the {ladder_reason}."] if ladder_reason else [])
        + design.warnings,
        assumptions=_assumptions(context, policy) + design.assumptions,
        next_steps=_next_steps(
            line,
            stages=stages,
            policy=policy,
            communication=communication,
            monitoring=monitoring,
            removal=removal,
        ),
        playbooks=[c.use() for c in chosen],
        before_signing=line.brief + cohorts.brief,
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
    """Return what a folder states, with the facts recorded or declared in its settings applied."""
    context = read_context(Path(folder))
    policy = load_policy(Path(folder), config)
    return apply_declared(context, policy.facts, policy.traffic, policy.baseline)


def section_json(plan: RolloutPlan, section: str) -> dict[str, Any]:
    """Return the contract fields one section command prints with `--json`."""
    return plan.model_dump(mode="json", include=set(section_named(section).fields))
