"""One stage's verdict: exactly the plan's decisions applied to observed counts.

Each decision is a gate test (`hold_at_errors` or more counted events in the
first `min_transactions` holds) and a rollback boundary (`k` or more within
the first `n` rolls back). Every such rule is a one-sided exact test at the
level it attains under the decision's baseline rate `p0`: `P(X >= k | n, p0)`.

- Against the baseline (no control counts): at `n` transactions the
  boundary row that covers `n` (the first with `n_i >= n`) applies as the
  plan writes it, `k >= k_i`. Past the table's last row, and for the gate
  test past `min_transactions`, the observed count's exact p-value is held
  against the level of the plan's rule; at the plan's own `n` both readings
  are the same.
- Against the concurrent control (its counts given): the exact conditional
  test replaces the baseline tail, held against the level of the plan's rule
  (the row covering `n`, or the gate test); no baseline rate is assumed, so
  a month with a different mix judges the change, not the month.

A decision whose count the observed data lacks (a counts file with errors
but no `slow`) is `not_judged` and says so; the stage is judged on the rest,
and with none judged it is `continue`.

The split is checked too: a canary share far from the stage's traffic share
(two-sided exact test, p < 0.001) holds the stage, because a broken split
makes every count above meaningless.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from rollout_manager.gates.observed import Arm, Observation, events_for
from rollout_manager.gates.tests import (
    baseline_p_value,
    conditional_p_value,
    sample_ratio_p_value,
    upper_tail,
)
from rollout_manager.gates.verdict import MetricOutcome, MetricVerdict, SampleRatio, Verdict
from rollout_manager.planning.stats import hours_for_transactions

if TYPE_CHECKING:
    from rollout_manager.model import BoundaryPoint, Decision

SAMPLE_RATIO_ALPHA = 0.001
"""A split this unlikely under the planned share holds the stage (the usual SRM threshold)."""

Against = Literal["control", "baseline"]
_ORDER: tuple[Verdict, ...] = ("rollback", "hold", "continue", "advance")
_WHOLE_HOURS_FROM = 10  # `9.5 h`, but `38 h`


def worst(verdicts: list[MetricOutcome]) -> Verdict:
    """Return the verdict that wins: rollback, then hold, then continue, then advance."""
    judged = [v for v in verdicts if v != "not_judged"]
    return min(judged, key=_ORDER.index) if judged else "continue"


def _n(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


def _p(value: float) -> str:
    return f"{value:.2g}"


@dataclass(frozen=True)
class _Counts:
    """One decision's counts: the canary's and, when given, the control's."""

    n: int
    k: float
    control_n: int | None
    control_k: float | None

    @property
    def against(self) -> Against:
        return "control" if self.control_n else "baseline"

    def p_value(self, p0: float) -> float:
        if self.control_n and self.control_k is not None:
            return conditional_p_value(self.k, self.n, self.control_k, self.control_n)
        return baseline_p_value(self.k, self.n, p0)

    def words(self, event: str) -> str:
        text = f"{_n(self.n)} transactions on the new path, {_n(self.k)} {event}"
        if self.control_n and self.control_k is not None:
            text += (
                f"; control {_n(self.control_n)} with {_n(self.control_k)} "
                f"({100 * self.control_k / self.control_n:.2g}%)"
            )
        return text


def _applicable(boundary: list[BoundaryPoint], n: int) -> tuple[BoundaryPoint | None, bool]:
    """Return the boundary row covering `n`, and whether `n` lies past the table's last row."""
    for point in sorted(boundary, key=lambda p: p.n):
        if point.n >= n:
            return point, False
    return (max(boundary, key=lambda p: p.n), True) if boundary else (None, False)


def _rollback(d: Decision, c: _Counts, event: str) -> tuple[MetricVerdict | None, str]:
    """Return the rollback verdict if the boundary is crossed, and the boundary check in words."""
    point, past = _applicable(d.rollback_boundary, c.n)
    if point is None:
        return None, "the plan states no rollback boundary"
    rule = f"the rollback boundary of {point.k} {event} within the first {_n(point.n)}"
    level = upper_tail(point.k, point.n, d.baseline_rate)
    p_value = c.p_value(d.baseline_rate)
    if c.against == "baseline" and not past:
        crossed = c.k >= point.k
        why = f"at or above {rule}" if crossed else f"below {rule}"
    else:
        crossed = p_value <= level
        test = (
            "exact conditional test against the control"
            if c.against == "control"
            else f"exact test against the {100 * d.baseline_rate:.2g}% baseline"
        )
        why = (
            f"{test}: p = {_p(p_value)} {'at or below' if crossed else 'above'} {_p(level)}, "
            f"the level of {rule}"
        )
    if not crossed:
        return None, why
    reason = f"{c.words(event)}: {why}: roll back."
    return _verdict(d, c, "rollback", reason, p_value, level, point), why


def _gate(d: Decision, c: _Counts, event: str, no_rollback: str) -> MetricVerdict:
    gate = d.gate
    rule = (
        f"the gate needs {_n(gate.min_transactions)} transactions and fewer than "
        f"{gate.hold_at_errors} {event}"
    )
    level = upper_tail(gate.hold_at_errors, gate.min_transactions, d.baseline_rate)
    p_value = c.p_value(d.baseline_rate)
    if c.n == gate.min_transactions and c.against == "baseline":
        failed = c.k >= gate.hold_at_errors
    else:
        failed = p_value <= level
    how = (
        ""
        if c.n == gate.min_transactions and c.against == "baseline"
        else (
            f" (exact {'conditional ' if c.against == 'control' else ''}test p = {_p(p_value)}, "
            f"level {_p(level)})"
        )
    )
    if failed:
        return _verdict(
            d,
            c,
            "hold",
            f"{c.words(event)}: {no_rollback}; {rule}: failed{how}: hold.",
            p_value,
            level,
            None,
        )
    return _verdict(
        d,
        c,
        "advance",
        f"{c.words(event)}: {no_rollback}; {rule}: passed{how}.",
        p_value,
        level,
        None,
    )


def _verdict(  # noqa: PLR0917  (the verdict's fields, named at every call by position)
    d: Decision,
    c: _Counts,
    verdict: MetricOutcome,
    reason: str,
    p_value: float | None,
    level: float | None,
    point: BoundaryPoint | None,
    needed: int | None = None,
) -> MetricVerdict:
    return MetricVerdict(
        metric=d.metric,
        label=d.label,
        verdict=verdict,
        reason=reason,
        against=c.against,
        transactions=c.n,
        events=c.k,
        control_transactions=c.control_n,
        control_events=c.control_k,
        p_value=p_value,
        level=level,
        boundary=point,
        gate=d.gate,
        transactions_needed=needed,
    )


def judge_decision(
    d: Decision, canary: Arm, control: Arm | None, *, per_hour: float | None
) -> MetricVerdict:
    """Return the verdict of one decision on one stage's counts."""
    event = d.event or "events"
    k = events_for(d, canary)
    control_k = events_for(d, control) if control is not None else None
    control_n = control.transactions if control is not None and control_k is not None else None
    counts = _Counts(n=canary.transactions, k=k or 0, control_n=control_n, control_k=control_k)
    if k is None:
        reason = f"{d.metric}: not judged, the observed data has no count for it"
        return _verdict(d, counts, "not_judged", reason + ".", None, None, None)
    if counts.n == 0:
        need = d.gate.min_transactions
        return _verdict(
            d,
            counts,
            "continue",
            f"no transactions on the new path yet; the gate needs {_n(need)}: continue.",
            None,
            None,
            None,
            need,
        )
    rollback, no_rollback = _rollback(d, counts, event)
    if rollback is not None:
        return rollback
    if counts.n >= d.gate.min_transactions:
        return _gate(d, counts, event, no_rollback)
    need = d.gate.min_transactions - counts.n
    wait = f" (about {hours_text(need, per_hour)})" if per_hour else ""
    reason = (
        f"{counts.words(event)}: {no_rollback}; the gate needs {_n(d.gate.min_transactions)} "
        f"transactions and fewer than {d.gate.hold_at_errors} {event}: "
        f"{_n(need)} more{wait}: continue."
    )
    return _verdict(d, counts, "continue", reason, None, None, None, need)


def hours_text(transactions: int, per_hour: float | None) -> str:
    """`38 h` for so many transactions at the planned hourly rate."""
    if not per_hour:
        return "unknown time"
    hours = hours_for_transactions(transactions, per_hour * 24, 1.0)
    return f"{hours:.1f} h" if hours < _WHOLE_HOURS_FROM else f"{hours:,.0f} h"


def sample_ratio(observation: Observation, traffic_percent: float) -> SampleRatio | None:
    """Return the split against the stage's planned share; None without control counts."""
    control = observation.control
    if control is None or control.transactions + observation.canary.transactions == 0:
        return None
    n_c, n_k = observation.canary.transactions, control.transactions
    planned = traffic_percent / 100
    observed = n_c / (n_c + n_k)
    p_value = sample_ratio_p_value(n_c, n_k, planned)
    ok = p_value >= SAMPLE_RATIO_ALPHA or planned >= 1.0
    reason = (
        f"the new path has {100 * observed:.3g}% of {_n(n_c + n_k)} transactions where "
        f"{traffic_percent:g}% was planned (exact two-sided test p = {_p(p_value)}"
        + (f", below {SAMPLE_RATIO_ALPHA:g}): sample ratio mismatch: hold." if not ok else ")")
    )
    return SampleRatio(
        planned_share=planned, observed_share=observed, p_value=p_value, ok=ok, reason=reason
    )
