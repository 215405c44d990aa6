"""Argo Rollouts: a canary `Rollout` whose steps are the plan's stages.

Each decision has an `AnalysisTemplate` of its own.

Each stage is `setWeight`, then an inline `analysis` that lasts the stage: its
`boundary` metric checks the cumulative rollback boundary every few minutes
(crossed: Failed, the rollout aborts) and its `gate` metric runs the fixed gate
test when the stage's time is up (passed: Successful; too few transactions or
too many events: Inconclusive, the rollout pauses and holds). A stage whose gate
needs a person (Argo has no calendar) ends in `pause: {}`.
"""

from __future__ import annotations

import copy
import math
from typing import TYPE_CHECKING, Any

from rollout_manager.errors import InputError
from rollout_manager.exports.common import ExportFile, dump_yaml, header, hours_text
from rollout_manager.exports.rules import ExportRules, GatedRule, StageRules, resource_name

if TYPE_CHECKING:
    from rollout_manager.exports.queries import MetricQueries

API = "argoproj.io/v1alpha1"
CHECK_MINUTES = 5
"""How often the boundary is checked during a stage."""
_ENGINE = "argo"


def template_name(rules: ExportRules, rule: GatedRule) -> str:
    """`payment-pipeline-v2-stage-2-error-rate`."""
    return f"{rules.name}-stage-{rule.stage}-{resource_name(rule.metric)}"


def set_weight(percent: float) -> int:
    """Argo weights are whole percents: a fractional stage is rounded up (and the file says so)."""
    return max(1, math.ceil(percent - 1e-9))


def _boundary_query(q: MetricQueries, rule: GatedRule, stage: StageRules) -> str:
    window, new = hours_text(stage.duration_hours), q.source.new_variant
    events, transactions = q.event_count(window, new), q.requests(window, new)
    terms = " or ".join(f"({events} >= {b.k} and {transactions} <= {b.n})" for b in rule.boundary)
    return f"count({terms}) or vector(0)"


def _gate_query(q: MetricQueries, rule: GatedRule, stage: StageRules) -> str:
    window, new = hours_text(stage.duration_hours), q.source.new_variant
    return (
        f"sum({q.event_count(window, new)}) and on() "
        f"(sum({q.requests(window, new)}) >= {rule.gate_min_transactions})"
    )


def _analysis_template(
    rules: ExportRules, rule: GatedRule, stage: StageRules, q: MetricQueries
) -> dict[str, Any]:
    key = resource_name(rule.metric)
    provider = {"prometheus": {"address": q.source.address}}
    metrics: list[dict[str, Any]] = []
    if rule.boundary:
        checks = max(1, math.ceil(stage.duration_hours * 60 / CHECK_MINUTES))
        metrics.append(
            {
                "name": f"{key}-boundary",
                "interval": f"{CHECK_MINUTES}m",
                "count": checks,
                "successCondition": "result[0] == 0",
                "failureCondition": "result[0] >= 1",
                "failureLimit": 0,
                "provider": {
                    "prometheus": {
                        **provider["prometheus"],
                        "query": _boundary_query(q, rule, stage),
                    }
                },
            }
        )
    metrics.append(
        {
            "name": f"{key}-gate",
            "initialDelay": hours_text(stage.duration_hours),
            "count": 1,
            # Too few transactions (no result) or too many events: Inconclusive, so the
            # rollout pauses and holds; only the boundary rolls back.
            "successCondition": f"len(result) > 0 && result[0] < {rule.gate_hold_at}",
            "failureCondition": "false",
            "inconclusiveLimit": 0,
            "provider": {
                "prometheus": {**provider["prometheus"], "query": _gate_query(q, rule, stage)}
            },
        }
    )
    gate_words = (
        f"advance after {rule.gate_min_transactions:,} transactions with fewer than "
        f"{rule.gate_hold_at} {rule.event}"
    )
    return {
        "apiVersion": API,
        "kind": "AnalysisTemplate",
        "metadata": {
            "name": template_name(rules, rule),
            "labels": {"rollout-stage": str(stage.number)},
            "annotations": {
                "rollout-manager/decision": rule.words or gate_words,
                "rollout-manager/gate": gate_words,
            },
        },
        "spec": {"metrics": metrics},
    }


def _steps(rules: ExportRules) -> list[dict[str, Any]]:
    steps: list[dict[str, Any]] = []
    for stage in rules.stages:
        steps.append({"setWeight": set_weight(stage.traffic_percent)})
        if stage.rules:
            steps.append(
                {
                    "analysis": {
                        "templates": [
                            {"templateName": template_name(rules, rule)} for rule in stage.rules
                        ]
                    }
                }
            )
            if stage.manual_gate:
                steps.append({"pause": {}})
        else:
            pause = {} if stage.manual_gate else {"duration": hours_text(stage.duration_hours)}
            steps.append({"pause": pause})
    return steps


def _rollout(rules: ExportRules, base: dict[str, Any] | None) -> dict[str, Any]:
    strategy = {"canary": {"steps": _steps(rules)}}
    if base is None:
        return {
            "apiVersion": API,
            "kind": "Rollout",
            "metadata": {"name": rules.name},
            "spec": {
                # The workload stays yours: this Rollout runs your Deployment's pod template.
                "workloadRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": rules.name},
                "strategy": strategy,
            },
        }
    merged = copy.deepcopy(base)
    spec = merged.setdefault("spec", {})
    if merged.get("kind") == "Deployment":
        merged["apiVersion"], merged["kind"] = API, "Rollout"
        spec.pop("strategy", None)
    spec["strategy"] = strategy
    return merged


def read_workload(data: object, source: str) -> dict[str, Any]:
    """Check a `--rollout-from` manifest: a Rollout or a Deployment mapping.

    Raises:
        InputError: anything else, naming the file.
    """
    if not isinstance(data, dict) or data.get("kind") not in ("Rollout", "Deployment"):
        raise InputError(source, "must be one Kubernetes manifest of kind Rollout or Deployment")
    if not isinstance(data.get("spec", {}), dict):
        raise InputError(source, "spec must be a mapping")
    return data


def argo_files(
    rules: ExportRules, queries: dict[str, MetricQueries], base: dict[str, Any] | None = None
) -> list[ExportFile]:
    """`rollout.yaml` (the Rollout) and `analysis-templates.yaml`."""
    weights = ", ".join(str(set_weight(s.traffic_percent)) for s in rules.stages)
    notes = [
        f"setWeight per stage: {weights} (the plan's stage percentages).",
        "Argo has no calendar: "
        + (
            "stages "
            + ", ".join(str(s.number) for s in rules.stages if s.manual_gate)
            + " end in a manual pause (promote at the plan's gate time)"
            if any(s.manual_gate for s in rules.stages)
            else "each stage advances after its planned whole days, at the clock time it started"
        )
        + "; business hours and freezes stay in the plan document.",
    ]
    fractional = [s for s in rules.stages if not float(s.traffic_percent).is_integer()]
    notes += [
        f"Stage {s.number} is {s.traffic_percent:g}%: Argo weights are whole percents, so it "
        f"runs at {set_weight(s.traffic_percent)}%."
        for s in fractional
    ]
    notes += [q.note for q in queries.values() if q.note]
    templates = [
        _analysis_template(rules, rule, stage, queries[rule.metric])
        for stage in rules.stages
        for rule in stage.rules
    ]
    files = [
        ExportFile(
            "rollout.yaml",
            header(rules, _ENGINE, notes) + dump_yaml([_rollout(rules, base)]),
            _ENGINE,
        )
    ]
    if templates:
        files.append(
            ExportFile(
                "analysis-templates.yaml",
                header(rules, _ENGINE, ["One AnalysisTemplate per stage and metric."])
                + dump_yaml(templates),
                _ENGINE,
            )
        )
    return files
