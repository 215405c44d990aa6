"""Communication plan: who needs to know what, when (real dates) and how."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import TYPE_CHECKING

from rollout_manager.formatting import day, ms, pct, when, who_rolls_back
from rollout_manager.model import (
    Communication,
    Criteria,
    MessageTemplate,
    Monitoring,
    RiskAssessment,
    RolloutContext,
    Stage,
    Stakeholder,
)

if TYPE_CHECKING:
    from rollout_manager.planning.playbooks import LegacyRemoval
    from rollout_manager.planning.policy import Playbook, Policy, StakeholderRule
    from rollout_manager.planning.schedule import GateCalendar


class _Fill(dict[str, str]):
    """Leaves unknown placeholders as they are (filled when the event happens)."""

    def __missing__(self, key: str) -> str:
        return "{" + key + "}"


def _applies(rule: StakeholderRule, context: RolloutContext) -> bool:
    money = context.feature.moves_money is not None and context.feature.moves_money.value
    regulated = context.feature.regulated is not None and context.feature.regulated.value
    return {
        "always": True,
        "money": money,
        "regulated": regulated,
        "money_or_regulated": money or regulated,
    }[rule.applies_when]


def business_days_before(start: datetime, days: int, calendar: GateCalendar) -> datetime:
    """Find the gate-start time `days` work days before `start` (weekends and holidays skipped)."""
    return calendar.business_days_before(start, days)


def _dates(
    rule: StakeholderRule, stages: list[Stage], calendar: GateCalendar, earliest: date | None
) -> list[datetime]:
    start = stages[0].start
    first = business_days_before(start, -rule.offset_business_days, calendar)
    if earliest is not None and first.date() < earliest:  # never dated in the past
        first = datetime.combine(earliest, time(first.hour, first.minute), tzinfo=first.tzinfo)
    dates = [first]
    if rule.at_gates:
        dates += [stage.end for stage in stages]
    if rule.weekly:
        moment = start + timedelta(days=7)
        while moment <= stages[-1].end:
            dates.append(moment)
            moment += timedelta(days=7)
    return sorted(set(dates))


def _first(
    dates: list[datetime], rule: StakeholderRule, stages: list[Stage], cal: GateCalendar
) -> str:
    first = day(dates[0])
    wanted = business_days_before(stages[0].start, -rule.offset_business_days, cal)
    if wanted.date() < dates[0].date():
        return f"first: {first}, the first business day after today: the lead time is short"
    return f"first: {first}"


def _stakeholders(
    context: RolloutContext,
    policy: Policy,
    stages: list[Stage],
    calendar: GateCalendar,
    earliest: date | None,
) -> list[Stakeholder]:
    channels = policy.communication.channels
    result = []
    for rule in policy.communication.stakeholders:
        if not _applies(rule, context):
            continue
        dates = _dates(rule, stages, calendar, earliest)
        result.append(
            Stakeholder(
                role=rule.role,
                needs=rule.needs,
                when=f"{rule.when} ({_first(dates, rule, stages, calendar)})",
                dates=dates,
                channel=channels.get(rule.key, "Email"),
            )
        )
    return result


def _summary(thresholds: list[str]) -> str:
    if not thresholds:
        return "the gate checklist holds"
    return "; ".join(text[:1].lower() + text[1:] for text in thresholds)


def _paged_summary(criteria: Criteria) -> str:
    """Who rolls back on the page, and for what: the triggers no engine executes."""
    people: dict[str, list[str]] = {}
    for rule in criteria.auto_rollback:
        if rule.acted_by != "engine":
            person = who_rolls_back(rule.acted_by).split(",")[0]
            people.setdefault(person, []).append(rule.description)
    return " ".join(
        f"{person[:1].upper()}{person[1:]} rolls back on the page for: {_summary(texts)}."
        for person, texts in people.items()
    )


def _fill_values(
    context: RolloutContext,
    *,
    risk: RiskAssessment,
    criteria: Criteria,
    monitoring: Monitoring,
    stages: list[Stage],
    recovery_minutes: float | None,
    policy: Policy,
    playbooks: list[Playbook],
    removal: LegacyRemoval | None,
) -> _Fill:
    feature = context.feature
    base = context.baseline
    success = {c.metric: c for c in criteria.success}
    # Only what the engine judges on counts is "judged as a count test at the stage's gate".
    counted = {c.metric for c in criteria.auto_rollback if c.acted_by == "engine"}
    first, last = stages[0], stages[-1]
    flag = feature.flag.value if feature.flag else "(flag not named)"
    ladder = " -> ".join(f"{s.traffic_percent:g}%" for s in stages)
    error_line, p95_line = success.get("error_rate"), success.get("p95_latency_ms")
    error_limit = error_line.value if error_line is not None else None
    p95_limit = p95_line.value if p95_line is not None else None
    return _Fill(
        feature=feature.name.value if feature.name else "The change",
        flag=flag,
        risk=risk.overall.value,
        start=when(first.start),
        end=when(last.end),
        stage_count=str(len(stages)),
        ladder=ladder,
        stage1_traffic=f"{first.traffic_percent:g}%",
        stage1_audience=first.audience.lower(),
        stage1_end=when(first.end),
        final_start=when(last.start),
        success_summary=_summary(
            [c.description for c in criteria.success if c.metric in counted][:2]
        ),
        rollback_summary=_summary(
            [c.description for c in criteria.auto_rollback if c.acted_by == "engine"]
        ),
        paged_rollback_summary=_paged_summary(criteria),
        rollback_action=f"turn `{flag}` off" if feature.flag else "undo the change",
        recovery=f"{recovery_minutes:g}" if recovery_minutes is not None else "(not known)",
        dashboards=", ".join(d.name for d in monitoring.dashboards),
        on_call=f"{monitoring.on_call.rotation}, stages "
        + ", ".join(map(str, monitoring.on_call.stages)),
        error_limit=pct(error_limit) if error_limit is not None else "none: no baseline stated",
        p95_limit=ms(p95_limit) if p95_limit is not None else "none: no baseline stated",
        engineering_channel=policy.communication.channels.get("engineering", "the team channel"),
        support_note=_support_note(context, playbooks),
        legacy_removal=when(removal.moment if removal else last.end),
        legacy_reason=f" ({removal.reason})" if removal else "",
        legacy_owner=removal.owner if removal else "the owning team",
        baseline_error=pct(base.error_rate.value) if base.error_rate else "not stated",
        baseline_p95=ms(base.p95_latency_ms.value) if base.p95_latency_ms else "not stated",
        unit=context.traffic.unit if context.traffic is not None else "transactions",
    )


def _support_note(context: RolloutContext, playbooks: list[Playbook]) -> str:
    notes = [book.support_note for book in playbooks if book.support_note]
    if notes:
        return " ".join(notes)
    if context.feature.moves_money is not None and context.feature.moves_money.value:
        return "customers retrying a failed payment should succeed on the previous path."
    return "customers see the previous behaviour again."


def plan_communication(
    context: RolloutContext,
    policy: Policy,
    *,
    risk: RiskAssessment,
    criteria: Criteria,
    monitoring: Monitoring,
    stages: list[Stage],
    calendar: GateCalendar,
    recovery_minutes: float | None,
    today: date | None = None,
    earliest: date | None = None,
    playbooks: list[Playbook] | None = None,
    removal: LegacyRemoval | None = None,
) -> Communication:
    """Stakeholders by role with real dates, and the four messages filled in.

    No first message is dated before `earliest` (default: the work day after `today`):
    when the lead time is short it moves there and says so.
    """
    if earliest is None and today is not None:
        earliest = calendar.next_work_day(today)
    values = _fill_values(
        context,
        risk=risk,
        criteria=criteria,
        monitoring=monitoring,
        stages=stages,
        recovery_minutes=recovery_minutes,
        policy=policy,
        playbooks=playbooks or [],
        removal=removal,
    )
    templates = [
        MessageTemplate(
            name=name,
            subject=wording.subject.format_map(values),
            body=wording.body.format_map(values).strip(),
        )
        for name, wording in policy.communication.templates.items()
    ]
    return Communication(
        stakeholders=_stakeholders(context, policy, stages, calendar, earliest),
        templates=templates,
    )
