"""Risk assessment: six factors, one documented scale, a strategy.

Scale (from the policy): each factor adds points by level (LOW 0, MEDIUM 1,
HIGH 2; reversibility inverted, HIGH 0, MEDIUM 1, LOW 3). The sum, 0 to 13,
maps to LOW (0-3), MEDIUM (4-7) or HIGH (8+). Two overrides, both recorded in
the assessment: poor reversibility raises the level by one, and a
revenue-critical path that is also mission-critical is never below HIGH.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import TYPE_CHECKING, Any

from rollout_manager.formatting import day, pct, plural
from rollout_manager.model import (
    ChangeType,
    Evidence,
    Fact,
    Level,
    RiskAssessment,
    RiskFactor,
    RollbackMechanism,
    RolloutContext,
    Strategy,
)
from rollout_manager.planning.schedule import UNDATED_EVENTS, Freeze

if TYPE_CHECKING:
    from collections.abc import Sequence

    from rollout_manager.planning.policy import Policy

_LEVELS = (Level.LOW, Level.MEDIUM, Level.HIGH)
_EVENT_NAMES = {
    "black_friday_weekend": "Black Friday weekend",
    "cyber_monday": "Cyber Monday",
    "christmas": "Christmas",
    "new_year": "New Year",
    "month_end_close": "month-end close",
    "quarter_end_close": "quarter-end close",
    "year_end_close": "year-end close",
    "tax_day": "tax day",
    "product_launch": "a product launch",
}


def event_name(slug: str) -> str:
    """Put a named business event (its slug) in words."""
    return _EVENT_NAMES.get(slug, slug.replace("_", " "))


def _ev(*facts: Fact[Any] | None) -> list[Evidence]:
    evidence: list[Evidence] = []
    for fact in facts:
        if fact is not None:
            evidence.extend(item for item in fact.evidence if item not in evidence)
    return evidence


def _user_impact(context: RolloutContext, policy: Policy) -> RiskFactor:
    feature = context.feature
    share = feature.scope_share
    rule = policy.risk.user_impact
    if share is None:
        return RiskFactor(
            name="user_impact",
            level=Level.MEDIUM,
            rationale="The documents do not say how many users are affected; assumed MEDIUM.",
            evidence=_ev(feature.scope),
        )
    scope = feature.scope.value if feature.scope else f"{pct(share.value)} of traffic"
    if share.value >= rule.high_share:
        level = Level.HIGH
    elif share.value >= rule.medium_share:
        level = Level.MEDIUM
    else:
        level = Level.LOW
    return RiskFactor(
        name="user_impact",
        level=level,
        rationale=f"Affects {scope} ({pct(share.value)} of users or transactions).",
        evidence=_ev(feature.scope, share),
    )


def _revenue_impact(context: RolloutContext) -> RiskFactor:
    feature, baseline = context.feature, context.baseline
    critical = feature.revenue_critical is not None and feature.revenue_critical.value
    money = feature.moves_money is not None and feature.moves_money.value
    if critical or money:
        reason = "revenue-critical path" if critical else "the change moves money"
        if critical and money:
            reason = "direct payment path on the revenue-critical flow"
        return RiskFactor(
            name="revenue_impact",
            level=Level.HIGH,
            rationale=f"A failure loses revenue at once: {reason}.",
            evidence=_ev(feature.revenue_critical, feature.moves_money, baseline.daily_revenue),
        )
    if baseline.daily_revenue is not None or baseline.avg_transaction_value is not None:
        return RiskFactor(
            name="revenue_impact",
            level=Level.MEDIUM,
            rationale="Revenue flows through the measured path, but it is not called critical.",
            evidence=_ev(baseline.daily_revenue, baseline.avg_transaction_value),
        )
    return RiskFactor(
        name="revenue_impact",
        level=Level.LOW,
        rationale="No revenue, payment or checkout path is named in the documents.",
    )


def _system_criticality(context: RolloutContext, policy: Policy) -> RiskFactor:
    feature = context.feature
    stated = feature.mission_critical is not None and feature.mission_critical.value
    critical = feature.revenue_critical is not None and feature.revenue_critical.value
    broad = feature.scope_share is not None and (
        feature.scope_share.value >= policy.risk.user_impact.high_share
    )
    if stated:
        return RiskFactor(
            name="system_criticality",
            level=Level.HIGH,
            rationale="The documents call the system mission-critical.",
            evidence=_ev(feature.mission_critical),
        )
    if critical and broad:
        return RiskFactor(
            name="system_criticality",
            level=Level.HIGH,
            rationale="Mission-critical: the revenue-critical path carries all affected traffic.",
            evidence=_ev(feature.revenue_critical, feature.scope),
        )
    not_ready = [dep for dep in feature.dependencies if not dep.value.ready]
    if critical or (feature.moves_money is not None and feature.moves_money.value) or not_ready:
        reason = (
            f"dependency not ready: {not_ready[0].value.name} {not_ready[0].value.status}"
            if not_ready
            else "it sits on a revenue path used by part of the traffic"
        )
        return RiskFactor(
            name="system_criticality",
            level=Level.MEDIUM,
            rationale=f"Business-relevant system: {reason}.",
            evidence=_ev(feature.revenue_critical, *not_ready),
        )
    return RiskFactor(
        name="system_criticality",
        level=Level.LOW,
        rationale="Nothing marks the system as critical to revenue or operations.",
    )


def _is_destructive(context: RolloutContext) -> list[Fact[ChangeType]]:
    return [
        fact
        for fact in context.feature.change_types
        if fact.value is ChangeType.DESTRUCTIVE_MIGRATION
    ]


def _reversibility(context: RolloutContext, policy: Policy) -> RiskFactor:
    feature = context.feature
    mechanism = feature.rollback_mechanism
    minutes = feature.rollback_minutes
    destructive = _is_destructive(context)
    dual_write = feature.dual_write is not None and feature.dual_write.value
    data_rollback = feature.data_rollback_needed is not None and feature.data_rollback_needed.value
    evidence = _ev(
        mechanism, minutes, feature.dual_write, feature.data_rollback_needed, *destructive
    )
    if destructive and not dual_write:
        return RiskFactor(
            name="reversibility",
            level=Level.LOW,
            rationale="A destructive data change cannot be undone by the flag; "
            "only a restore brings the data back.",
            evidence=evidence,
        )
    if mechanism is None:
        return RiskFactor(
            name="reversibility",
            level=Level.MEDIUM,
            rationale="The documents do not say how the change is undone; assumed MEDIUM.",
            evidence=evidence,
        )
    kind = mechanism.value
    if kind in (RollbackMechanism.RESTORE_FROM_BACKUP, RollbackMechanism.NONE):
        return RiskFactor(
            name="reversibility",
            level=Level.LOW,
            rationale="Undoing it needs a restore from backup, not a switch.",
            evidence=evidence,
        )
    fast = minutes is None or minutes.value <= policy.risk.fast_rollback_minutes
    if kind is RollbackMechanism.FLAG_TOGGLE and fast and not data_rollback and not destructive:
        extra = " with no data rollback (dual-write)" if dual_write else ""
        return RiskFactor(
            name="reversibility",
            level=Level.HIGH,
            rationale=f"Easy to reverse: a feature flag toggle undoes it at once{extra}.",
            evidence=evidence,
        )
    reason = (
        "data must be rolled back too"
        if data_rollback or destructive
        else "rollback is a redeploy or takes longer than a flag toggle"
    )
    return RiskFactor(
        name="reversibility",
        level=Level.MEDIUM,
        rationale=f"Reversible with effort: {reason}.",
        evidence=evidence,
    )


def _change_complexity(context: RolloutContext, policy: Policy) -> RiskFactor:
    weights = policy.risk.change_weights
    changes = context.feature.change_types
    score = sum(weights.get(fact.value.value, 1) for fact in changes)
    rule = policy.risk.complexity
    if score >= rule.high_at:
        level = Level.HIGH
    elif score >= rule.medium_at:
        level = Level.MEDIUM
    else:
        level = Level.LOW
    kinds = ", ".join(dict.fromkeys(fact.value.value.replace("_", " ") for fact in changes))
    rationale = (
        f"{plural(len(changes), 'kind')} of change (weight {score}): {kinds}."
        if changes
        else "No technical change types are named; assumed a simple change."
    )
    return RiskFactor(
        name="change_complexity", level=level, rationale=rationale, evidence=_ev(*changes)
    )


def _span(start: datetime, end: datetime) -> str:
    return f"{day(start)} - {day(end)}"


def _timing(
    context: RolloutContext,
    policy: Policy,
    window: tuple[datetime, datetime],
    freezes: Sequence[Freeze],
) -> RiskFactor:
    """Only events that overlap the rollout window, or begin soon after its end, count."""
    first, last = window
    near = timedelta(days=policy.risk.event_near_days)
    close = [f for f in freezes if f.end > first and f.start < last + near]
    peaks = context.feature.peak_windows
    events = context.feature.events
    rollout = f"the rollout window ({_span(first, last)})"
    if close:
        freeze = close[0]
        where = (
            f"overlaps {rollout}"
            if freeze.start < last
            else f"begins within {policy.risk.event_near_days} days after {rollout}"
        )
        return RiskFactor(
            name="timing",
            level=Level.HIGH,
            rationale=f"{freeze.name} ({_span(freeze.start, freeze.end - timedelta(days=1))}) "
            f"{where}; gates avoid it, but traffic and attention peak then.",
            evidence=[] if freeze.seasonal else _ev(*events),
        )
    undated = [e for e in events if e.value in UNDATED_EVENTS]
    if undated:
        return RiskFactor(
            name="timing",
            level=Level.MEDIUM,
            rationale=f"{event_name(undated[0].value).capitalize()} is named without a date: "
            "it cannot be placed against the rollout window.",
            evidence=_ev(*undated),
        )
    if peaks:
        shown = ", ".join(f"{p.value.start}-{p.value.end} {p.value.timezone}" for p in peaks)
        return RiskFactor(
            name="timing",
            level=Level.MEDIUM,
            rationale=f"Daily peak window {shown}: gates are placed outside it. No named event "
            f"or freeze overlaps {rollout} or the {policy.risk.event_near_days} days after it.",
            evidence=_ev(*peaks),
        )
    return RiskFactor(
        name="timing",
        level=Level.LOW,
        rationale=f"No peak window is named, and no event or freeze overlaps {rollout} "
        f"or the {policy.risk.event_near_days} days after it.",
    )


def _points(factor: RiskFactor, policy: Policy) -> int:
    table = (
        policy.risk.points.reversibility
        if factor.name == "reversibility"
        else policy.risk.points.default
    )
    return table[factor.level]


def _level_for(score: int, policy: Policy) -> Level:
    if score <= policy.risk.scale.low_max:
        return Level.LOW
    if score <= policy.risk.scale.medium_max:
        return Level.MEDIUM
    return Level.HIGH


def _apply_overrides(level: Level, factors: dict[str, RiskFactor]) -> tuple[Level, list[str]]:
    overrides: list[str] = []
    if factors["reversibility"].level is Level.LOW and level is not Level.HIGH:
        level = _LEVELS[_LEVELS.index(level) + 1]
        overrides.append(f"Poor reversibility raises the overall risk to {level.value}.")
    revenue_high = factors["revenue_impact"].level is Level.HIGH
    if (
        revenue_high
        and factors["system_criticality"].level is Level.HIGH
        and level is not Level.HIGH
    ):
        level = Level.HIGH
        overrides.append("A revenue-critical, mission-critical path is never below HIGH.")
    return level, overrides


def _strategy(level: Level, score: int, factors: dict[str, RiskFactor], policy: Policy) -> Strategy:
    strategy = policy.risk.strategies[level]
    instant = factors["reversibility"].level is Level.HIGH
    if level is Level.LOW and instant and score <= policy.risk.direct_max_score:
        return "direct"
    return strategy


_STRATEGY_TEXT: dict[Strategy, str] = {
    "canary": "Canary deployment, the slowest and safest: a small internal stage first, "
    "then a ramp sized by statistics, each gate checked against thresholds.",
    "progressive": "Progressive ramp: a short smoke stage, then larger steps with gates.",
    "short_ramp": "Short ramp: a few quick steps; the risk does not justify a long canary.",
    "direct": "Direct rollout behind the flag with monitoring: low risk and instantly reversible.",
}


def assess_risk(
    context: RolloutContext,
    policy: Policy,
    *,
    start: datetime,
    freezes: Sequence[Freeze],
    end: datetime | None = None,
) -> RiskAssessment:
    """Rate each risk factor, score them on the policy's scale, choose a strategy.

    Args:
        context: facts read from the documents.
        policy: the rules (points, scale, strategies).
        start: planned start of stage 1, for the timing factor.
        freezes: freezes in force around the rollout (named events, the team's, seasonal).
        end: end of the bake (default: the start), closing the rollout window.
    """
    factor_list = [
        _user_impact(context, policy),
        _revenue_impact(context),
        _system_criticality(context, policy),
        _reversibility(context, policy),
        _change_complexity(context, policy),
        _timing(context, policy, (start, end or start), freezes),
    ]
    factors = {factor.name: factor for factor in factor_list}
    for factor in factor_list:
        factor.risk_points = _points(factor, policy)
    score = sum(factor.risk_points for factor in factor_list)
    level, overrides = _apply_overrides(_level_for(score, policy), factors)
    strategy = policy.strategy or _strategy(level, score, factors, policy)
    scale = policy.risk.scale
    rationale = _STRATEGY_TEXT[strategy]
    if policy.strategy is not None:
        rationale = f"Set by the team in rollout.yaml. {rationale}"
    return RiskAssessment(
        overall=level,
        strategy=strategy,
        strategy_rationale=rationale,
        score=score,
        scale=f"0-{scale.low_max} LOW, {scale.low_max + 1}-{scale.medium_max} MEDIUM, "
        f"{scale.medium_max + 1}+ HIGH",
        factors=factor_list,
        overrides=overrides,
    )
