"""`stage_duration`: the what-if calculator (how long must a stage run to see a regression)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rollout_manager.errors import InputError
from rollout_manager.formatting import pct
from rollout_manager.planning import normal_stats, stats
from rollout_manager.planning.bounded_stats import exact_is_affordable
from rollout_manager.planning.policy import Policy, load_policy
from rollout_manager.reading.context import read_context
from rollout_manager.render.sections import render_duration
from rollout_manager.tools.inputs import DurationInput, SectionInput
from rollout_manager.tools.registry import ToolEnv, ToolResult
from rollout_manager.tools.served import plan_for

if TYPE_CHECKING:
    from rollout_manager.model import Fact, RolloutContext

_DURATION_FORMULA = (
    "n = the smallest count from which the exact one-sided binomial test keeps its power "
    "(the plan sizes stages the same way); normal approximation for comparison: "
    "(z(1-alpha) sqrt(p0(1-p0)) + z(power) sqrt(p1(1-p1)))^2 / (p1-p0)^2; "
    "hours = 24 n / (daily transactions x traffic share)"
)


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
    """Find the traffic share to size, and the planned stage it belongs to (when one was named)."""
    if args.stage is None:
        if args.traffic_percent is None:
            raise InputError("traffic_percent", "give traffic_percent (e.g. 2) or stage")
        return args.traffic_percent, None
    plan = plan_for(env, SectionInput(context=args.context))
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
    if not exact_is_affordable(n, p0):
        return {}
    exact_n, _ = stats.exact_sample_size(p0, p1, alpha=alpha, power=power)
    detectable = stats.detectable_rate(n, p0, alpha=alpha, power=power)
    return {
        "exact_transactions_needed": exact_n,
        "rollback_at_errors": stats.critical_errors(n, p0, alpha=alpha),
        "detectable_error_rate": None if detectable is None else round(detectable, 5),
        "power_at_target": round(stats.exact_power(n, p0, p1, alpha=alpha), 3),
    }


def stage_duration(args: DurationInput, env: ToolEnv) -> ToolResult:
    """Size how long a stage must run to detect the target error rate at its traffic."""
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
        "normal_approximation": normal_stats.sample_size(p0, p1, alpha=alpha, power=power),
        "hours": round(run_hours, 2),
        "days": round(run_hours / 24, 2),
        **_exact(n, p0, p1, policy),
        "formula": _DURATION_FORMULA,
    }
    if planned is not None:
        data["planned"] = planned
    markdown = render_duration(
        data, sources=(rate_source, daily_source), min_hours=policy.calendar.min_stage_hours
    )
    return ToolResult(ok=True, data=data, markdown=markdown)
