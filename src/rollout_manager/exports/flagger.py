"""Flagger: a `Canary` whose `stepWeights` are the plan's stages, and `MetricTemplate`s.

Flagger checks its metrics every `interval` and rolls back after `threshold`
failed checks. Each metric here asks Prometheus whether the plan's CRITICAL
alert (the current stage's cumulative rollback boundary, from the exported
rule files) is firing, so Flagger rolls back on exactly the plan's boundary.
Flagger dwells one interval per step; stages that last days wait at
`confirm-traffic-increase` and `confirm-promotion` webhooks, and the files say so.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rollout_manager.exports.common import ExportFile, dump_yaml, header, hours_text
from rollout_manager.exports.prometheus import alert_name
from rollout_manager.exports.rules import ExportRules, resource_name

if TYPE_CHECKING:
    from rollout_manager.exports.queries import MetricQueries

API = "flagger.app/v1beta1"
INTERVAL_MINUTES = 5
GATE_URL = "http://flagger-loadtester.test/gate/check"
"""Placeholder gate: the loadtester's manual gate, or a service that runs the plan's gate test."""
_ENGINE = "flagger"


def step_weights(rules: ExportRules) -> list[int | float]:
    """Return the plan's stage percentages, in order (the last, 100%, is the promotion)."""
    return [
        int(s.traffic_percent) if float(s.traffic_percent).is_integer() else s.traffic_percent
        for s in rules.stages
    ]


def _metric_template(rules: ExportRules, metric: str, q: MetricQueries) -> dict[str, Any]:
    selector = (
        f'alertname="{alert_name(metric, "Critical")}", alertstate="firing", '
        f'{q.source.flag_label}="{q.flag}"'
    )
    return {
        "apiVersion": API,
        "kind": "MetricTemplate",
        "metadata": {"name": f"{rules.name}-{resource_name(metric)}-boundary"},
        "spec": {
            "provider": {"type": "prometheus", "address": q.source.address},
            "query": f"count(ALERTS{{{selector}}}) or vector(0)",
        },
    }


def _canary(rules: ExportRules) -> dict[str, Any]:
    interval = f"{INTERVAL_MINUTES}m"
    metrics = [
        {
            "name": f"{resource_name(metric)}-boundary",
            "templateRef": {"name": f"{rules.name}-{resource_name(metric)}-boundary"},
            "thresholdRange": {"max": 0},
            "interval": interval,
        }
        for metric in rules.metrics
    ]
    webhooks = [
        {"name": "stage-gate", "type": "confirm-traffic-increase", "url": GATE_URL},
        {"name": "promotion-gate", "type": "confirm-promotion", "url": GATE_URL},
    ]
    return {
        "apiVersion": API,
        "kind": "Canary",
        "metadata": {"name": rules.name},
        "spec": {
            "targetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": rules.name},
            "service": {"port": 80},
            "analysis": {
                "interval": interval,
                # The boundary acts at once: one failed check rolls back.
                "threshold": 1,
                "stepWeights": step_weights(rules),
                "metrics": metrics,
                "webhooks": webhooks,
            },
        },
    }


def flagger_warnings(rules: ExportRules) -> list[str]:
    """Return what Flagger cannot do by itself for this plan."""
    long = [s for s in rules.stages if s.duration_hours * 60 > INTERVAL_MINUTES]
    if not long:
        return []
    stages = ", ".join(f"{s.number} ({hours_text(s.duration_hours)})" for s in long)
    return [
        (
            f"Flagger holds each step one interval ({INTERVAL_MINUTES}m); "
            f"stages {stages} last longer, "
            "so every traffic increase and the promotion wait for the confirm-traffic-increase and "
            f"confirm-promotion webhooks at {GATE_URL}: open them at each planned gate time after "
            "the stage's gate test passes (the plan's gate checklist)."
        )
    ]


def flagger_files(rules: ExportRules, queries: dict[str, MetricQueries]) -> list[ExportFile]:
    """`canary.yaml` and `metric-templates.yaml`."""
    notes = [
        "stepWeights are the plan's stage percentages.",
        (
            "The metrics read the CRITICAL alerts of the exported Prometheus stage rules: load "
            "the current stage's prometheus/stage-N.rules.yml."
        ),
        "targetRef and service are placeholders for your Deployment and port.",
        *flagger_warnings(rules),
        *(q.note for q in queries.values() if q.note),
    ]
    templates = [_metric_template(rules, m, queries[m]) for m in rules.metrics]
    files = [
        ExportFile(
            "canary.yaml", header(rules, _ENGINE, notes) + dump_yaml([_canary(rules)]), _ENGINE
        )
    ]
    if templates:
        files.append(
            ExportFile(
                "metric-templates.yaml", header(rules, _ENGINE, []) + dump_yaml(templates), _ENGINE
            )
        )
    return files
