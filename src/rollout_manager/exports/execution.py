"""The plan document's "Execution" section: which engine file implements which rule.

It also says what each engine cannot express, so nothing is silently lost.

Read from the plan only (the series names do not change which file holds a rule).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from rollout_manager.exports.argo import set_weight, template_name
from rollout_manager.exports.common import hours_text
from rollout_manager.exports.flagd import STAFF_ATTRIBUTE, weights
from rollout_manager.exports.flagger import INTERVAL_MINUTES
from rollout_manager.exports.prometheus import RECORDING_FILE, alert_name
from rollout_manager.exports.rules import ALL_TRAFFIC_PERCENT, export_rules
from rollout_manager.formatting import who_rolls_back
from rollout_manager.planning.decisions import COMPLEMENT_EVENT

if TYPE_CHECKING:
    from rollout_manager.model import RolloutPlan

_NONE = "–"
_EXPORTABLE_KINDS = ("_rate", "_latency_ms")


@dataclass(frozen=True)
class ExecutionRow:
    """One rule of the plan and the engine files that carry it."""

    rule: str
    prometheus: str
    argo: str
    flagger: str
    flagd: str


@dataclass(frozen=True)
class ExecutionView:
    """The rows of the section and what the engines cannot express."""

    rows: list[ExecutionRow]
    limits: list[str]
    recording_file: str


def _stage_rows(plan: RolloutPlan) -> list[ExecutionRow]:
    rules = export_rules(plan)
    rows = []
    for stage in rules.stages:
        if stage.staff_only:
            flagd = f"`stage-{stage.number}.flags.json`: `{STAFF_ATTRIBUTE}` = true only"
        elif stage.traffic_percent >= ALL_TRAFFIC_PERCENT:
            flagd = f"`stage-{stage.number}.flags.json`: default `on`"
        else:
            on, off = weights(stage.traffic_percent)
            flagd = f"`stage-{stage.number}.flags.json`: fractional {on}:{off}"
        rows.append(
            ExecutionRow(
                rule=f"Stage {stage.number}: {stage.traffic_percent:g}% for "
                f"{hours_text(stage.duration_hours)}",
                prometheus=f"`stage-{stage.number}.rules.yml`" if stage.rules else _NONE,
                argo=f"`setWeight: {set_weight(stage.traffic_percent)}`"
                + (", then `pause: {}`" if stage.manual_gate else ""),
                flagger=f"`stepWeights` entry {stage.number}",
                flagd=flagd,
            )
        )
        for rule in stage.rules:
            template = f"`{template_name(rules, rule)}`"
            rows.append(
                ExecutionRow(
                    rule=f"Stage {stage.number}: {rule.label}, rollback boundary and gate test",
                    prometheus=f"`{alert_name(rule.metric, 'Critical')}`"
                    + (f", `{alert_name(rule.metric, 'Warning')}`" if rule.warning else ""),
                    argo=f"{template} (boundary: Failed; gate: Inconclusive holds)",
                    flagger="metric reads the CRITICAL alert; gate at the webhooks",
                    flagd=_NONE,
                )
            )
    return rows


def _not_exported(plan: RolloutPlan, exported: set[str]) -> list[str]:
    """List what no engine file encodes: advance lines, then each rollback trigger, who acts."""
    triggers = {t.metric: t for t in plan.criteria.auto_rollback if t.metric not in exported}
    metrics: dict[str, str] = {}
    for threshold in plan.criteria.success:
        if threshold.metric not in exported and threshold.metric not in triggers:
            metrics.setdefault(threshold.metric, f"`{threshold.metric}`")
    for metric, trigger in triggers.items():
        metrics.setdefault(
            metric, f"`{metric}` (rolled back by {who_rolls_back(trigger.acted_by)})"
        )
    return list(metrics.values())


def execution_view(plan: RolloutPlan) -> ExecutionView:
    """Return what the Execution section shows for this plan."""
    rules = export_rules(plan)
    limits = list(rules.notes)
    manual = ", ".join(str(s.number) for s in rules.stages if s.manual_gate)
    argo = (
        f"Argo stages {manual} end in a manual pause: promote at the plan's gate time"
        if manual
        else "Argo advances each stage after its planned whole days, at the clock time it "
        "started: if a stage started late, check the gate hours before it advances"
    )
    limits.append(
        f"Business hours, peak windows and freezes: no engine has a calendar. {argo}; "
        "Flagger waits at its webhooks; the dates stay in this document."
    )
    limits.append(
        f"Multi-day dwell in Flagger: it holds each step one interval ({INTERVAL_MINUTES} min), so "
        "every traffic increase and the promotion wait at `confirm-traffic-increase` / "
        "`confirm-promotion` webhooks, opened when the stage's gate test passes."
    )
    limits += [
        f"Stage {s.number} audience ({s.audience}): flagd splits every targeting key "
        f"at {s.traffic_percent:g}%; choosing this cohort needs a context attribute of its own."
        for s in rules.stages
        if not s.staff_only
        and s.traffic_percent < ALL_TRAFFIC_PERCENT
        and "random" not in s.audience.lower()
        and s.audience.lower() != "everyone"
    ]
    limits += [
        f"Stage {s.number} at {s.traffic_percent:g}%: Argo weights are whole percents "
        f"(it runs at {set_weight(s.traffic_percent)}%)."
        for s in rules.stages
        if not float(s.traffic_percent).is_integer()
    ]
    on_failures = dict.fromkeys(
        r.metric for s in rules.stages for r in s.rules if r.event == COMPLEMENT_EVENT
    )
    limits += [
        f"`{metric}` is judged on its failures (1 - value): a counter mapped as "
        f"`metrics_source.metrics.{metric}.events` must count failures (every event it counts "
        f"is one), not good outcomes; for a counter of good outcomes (e.g. conversions) set "
        f"`successes:` instead, and transactions minus successes are counted."
        for metric in on_failures
    ]
    skipped = _not_exported(plan, set(rules.metrics))
    if skipped:
        limits.append(
            "Not exported (no counter-based decision to encode): "
            + ", ".join(skipped)
            + "; these stay with the gate checklist and the person named."
        )
    limits.append(
        "Prometheus has no stage start: boundary counts look back the stage's planned duration."
    )
    return ExecutionView(rows=_stage_rows(plan), limits=limits, recording_file=RECORDING_FILE)
