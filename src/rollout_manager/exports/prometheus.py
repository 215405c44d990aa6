"""Prometheus rules for the plan's decisions, with the promtool tests that prove them.

Files: `rollout-recording.rules.yml` (transactions, events and their ratio by
flag and variant over each WARNING window), and per stage
`stage-N.rules.yml` (load the current stage's file): the WARNING that pages,
the CRITICAL that is the stage's cumulative rollback boundary, and a
no-traffic guard. `stage-N.test.yml` is a `promtool test rules` file showing
each alert fires at its planned threshold and stays silent on healthy series.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

from rollout_manager.exports.common import RUNBOOK, ExportFile, camel, dump_yaml, header, hours_text

if TYPE_CHECKING:
    from rollout_manager.exports.queries import MetricQueries
    from rollout_manager.exports.rules import ExportRules, GatedRule, StageRules, WarningRule

RECORDING_FILE = "rollout-recording.rules.yml"
_ENGINE = "prometheus"
# Promtool test timing: counters jump from 0 at t=0 to their value at t=1m.
_JUMP_MINUTES = 1


def alert_name(metric: str, severity: str) -> str:
    """`RolloutErrorRateWarning`: the alert a rule file defines for a metric."""
    return f"Rollout{camel(metric.removesuffix('_ms'))}{severity}"


def no_traffic_alert() -> str:
    """Return the alert that says the new path sees no transactions."""
    return "RolloutNoTraffic"


def _record(metric: str, what: str, window: int) -> str:
    return f"flag_variant:rollout_{metric}_{what}:increase{window}m"


def _recording_rules(rules: ExportRules, queries: dict[str, MetricQueries]) -> dict[str, Any]:
    records: list[dict[str, Any]] = []
    done: set[tuple[str, int]] = set()
    for stage in rules.stages:
        for rule in stage.rules:
            if rule.warning is None or (rule.metric, rule.warning.window_minutes) in done:
                continue
            window = rule.warning.window_minutes
            done.add((rule.metric, window))
            q = queries[rule.metric]
            transactions = _record(rule.metric, "transactions", window)
            events = _record(rule.metric, "events", window)
            records += [
                {"record": transactions, "expr": q.requests(f"{window}m")},
                {"record": events, "expr": q.event_count(f"{window}m")},
                {
                    "record": f"flag_variant:rollout_{rule.metric}:ratio{window}m",
                    "expr": f"{events} / ({transactions} > 0)",
                },
            ]
    return {"groups": [{"name": f"rollout-{rules.name}-recording", "rules": records}]}


def _warning_expr(q: MetricQueries, warning: WarningRule, new: str) -> str:
    window = f"{warning.window_minutes}m"
    events, transactions = q.event_count(window, new), q.requests(window, new)
    return (
        f"({events} / ({transactions} > 0) > {warning.threshold!r})"
        f" and ({transactions} >= {warning.min_transactions})"
        f" and ({events} >= {warning.min_events})"
    )


def _boundary_expr(q: MetricQueries, rule: GatedRule, stage: StageRules, new: str) -> str:
    window = hours_text(stage.duration_hours)
    events, transactions = q.event_count(window, new), q.requests(window, new)
    terms = [f"({events} >= {b.k} and {transactions} <= {b.n})" for b in rule.boundary]
    return " or ".join(terms)


def _labels(stage: StageRules, severity: str) -> dict[str, str]:
    return {"severity": severity, "rollout_stage": str(stage.number)}


def _warning_rule(rule: GatedRule, stage: StageRules, q: MetricQueries) -> dict[str, Any]:
    warning = rule.warning
    if warning is None:
        raise RuntimeError(f"{rule.metric} has no WARNING rule to export")
    new = q.source.new_variant
    return {
        "alert": alert_name(rule.metric, "Warning"),
        "expr": _warning_expr(q, warning, new),
        "for": f"{warning.for_minutes}m",
        "labels": _labels(stage, "warning"),
        "annotations": {
            "summary": f"Stage {stage.number} ({stage.traffic_percent:g}%): {warning.words}. "
            "Page the on-call engineer and hold the gate; this alert never rolls back.",
            "description": f"Plan alert {warning.alert}: {warning.derivation}. Needs at least "
            f"{warning.min_transactions:,} transactions and {warning.min_events} {rule.event} "
            f"in {warning.window_minutes} min on the new path.",
            "runbook_url": RUNBOOK,
        },
    }


def _critical_rule(rule: GatedRule, stage: StageRules, q: MetricQueries) -> dict[str, Any]:
    rows = "; ".join(f"{b.k} within the first {b.n:,}" for b in rule.boundary)
    return {
        "alert": alert_name(rule.metric, "Critical"),
        "expr": _boundary_expr(q, rule, stage, q.source.new_variant),
        "for": "0m",
        "labels": _labels(stage, "critical"),
        "annotations": {
            "summary": f"Stage {stage.number} ({stage.traffic_percent:g}%): {rule.label} crossed "
            f"the rollback boundary. Roll back now.",
            "description": f"{rule.words or 'Cumulative rollback boundary'}. Roll back at "
            f"{rule.event}: {rows} (counted over the stage's "
            f"{hours_text(stage.duration_hours)}).",
            "runbook_url": RUNBOOK,
        },
    }


def _no_traffic_rule(stage: StageRules, q: MetricQueries, window: int) -> dict[str, Any]:
    return {
        "alert": no_traffic_alert(),
        "expr": f"(sum({q.requests(f'{window}m', q.source.new_variant)}) or vector(0)) == 0",
        "for": f"{window}m",
        "labels": _labels(stage, "warning"),
        "annotations": {
            "summary": f"Stage {stage.number}: no transactions on the new path for {window} min; "
            "no decision can be made. Hold the gate and check the flag and the metrics.",
            "runbook_url": RUNBOOK,
        },
    }


def _stage_rules(stage: StageRules, rules: ExportRules, queries: dict[str, MetricQueries]) -> Any:
    entries: list[dict[str, Any]] = []
    for rule in stage.rules:
        q = queries[rule.metric]
        if rule.warning is not None:
            entries.append(_warning_rule(rule, stage, q))
        if rule.boundary:
            entries.append(_critical_rule(rule, stage, q))
    if stage.rules:
        first = queries[stage.rules[0].metric]
        window = next((r.warning.window_minutes for r in stage.rules if r.warning), 30)
        entries.append(_no_traffic_rule(stage, first, window))
    return {"groups": [{"name": f"rollout-{rules.name}-stage-{stage.number}", "rules": entries}]}


# --------------------------------------------------------------------------- promtool tests


def _series(
    q: MetricQueries, counts: dict[str, tuple[int, int]], steps: int, ramp: int | None = None
) -> list[Any]:
    """Write the test series: counters at 0 at t=0 that jump to their count at t=1m and stay.

    With `ramp`, they grow steadily instead, so every `ramp` minutes hold exactly the count.
    """
    out = []
    for variant, (transactions, events) in counts.items():
        for name, value in q.test_series(variant, transactions, events):
            values = f"0+{value // ramp}x{steps}" if ramp else f"0 {value}+0x{steps}"
            out.append({"series": name, "values": values})
    return out


def _expected(rule_labels: dict[str, str], q: MetricQueries) -> dict[str, str]:
    return {
        **rule_labels,
        q.source.flag_label: q.flag,
        q.source.variant_label: q.source.new_variant,
    }


def _case(
    name: str,
    q: MetricQueries,
    counts: dict[str, tuple[int, int]],
    alert: dict[str, Any],
    *,
    eval_minutes: int,
    fires: bool,
    labels: dict[str, str],
    ramp: int | None = None,
) -> dict[str, Any]:
    expected = [{"exp_labels": labels, "exp_annotations": alert["annotations"]}] if fires else []
    return {
        "name": name,
        "interval": "1m",
        "input_series": _series(q, counts, eval_minutes + 1, ramp),
        "alert_rule_test": [
            {"eval_time": f"{eval_minutes}m", "alertname": alert["alert"], "exp_alerts": expected}
        ],
    }


def _warning_cases(rule: GatedRule, alert: dict[str, Any], q: MetricQueries) -> list[Any]:
    warning = rule.warning
    if warning is None:
        raise RuntimeError(f"{rule.metric} has no WARNING rule to export")
    new, old = q.source.new_variant, q.source.old_variant
    window = warning.window_minutes
    n = max(warning.min_transactions, math.ceil(warning.min_events / warning.threshold))
    ramp = None
    if window < warning.for_minutes + _JUMP_MINUTES + 1:
        # A step leaves so short a window before `for` is over: use steady counters whose
        # window holds whole counts per minute instead.
        ramp = window
        n = window * math.ceil(n / window)
        eval_at = window + warning.for_minutes + 1
    else:
        eval_at = _JUMP_MINUTES + warning.for_minutes + 1
    step = ramp or 1
    above = max(warning.min_events, math.floor(warning.threshold * n) + 1)
    above = step * math.ceil(above / step)
    at = step * math.floor(warning.threshold * n / step)
    labels = _expected(alert["labels"], q)
    cases = [
        _case(
            f"{alert['alert']} fires just above {warning.threshold:g}: {above} of {n}",
            q,
            {new: (n, above), old: (n, 0)},
            alert,
            eval_minutes=eval_at,
            fires=True,
            labels=labels,
            ramp=ramp,
        ),
        _case(
            f"{alert['alert']} stays silent at {warning.threshold:g}: {at} of {n}",
            q,
            {new: (n, at), old: (n, at)},
            alert,
            eval_minutes=eval_at,
            fires=False,
            labels=labels,
            ramp=ramp,
        ),
    ]
    few = step * ((warning.min_transactions - 1) // step)
    if few > 0:
        cases.append(
            _case(
                f"{alert['alert']} stays silent below its minimum count: {few} of {few}",
                q,
                {new: (few, few), old: (n, 0)},
                alert,
                eval_minutes=eval_at,
                fires=False,
                labels=labels,
                ramp=ramp,
            )
        )
    return cases


def _critical_cases(rule: GatedRule, alert: dict[str, Any], q: MetricQueries) -> list[Any]:
    new, old = q.source.new_variant, q.source.old_variant
    labels = _expected(alert["labels"], q)
    eval_at = _JUMP_MINUTES + 1
    cases = []
    for step in rule.boundary:
        cases.append(
            _case(
                f"{alert['alert']} fires at {step.k} of {step.n}",
                q,
                {new: (step.n, step.k), old: (step.n, 0)},
                alert,
                eval_minutes=eval_at,
                fires=True,
                labels=labels,
            )
        )
        cases.append(
            _case(
                f"{alert['alert']} stays silent at {step.k - 1} of {step.n}",
                q,
                {new: (step.n, step.k - 1), old: (step.n, step.k)},
                alert,
                eval_minutes=eval_at,
                fires=False,
                labels=labels,
            )
        )
    return cases


def _stage_tests(
    stage: StageRules, rules_doc: dict[str, Any], queries: dict[str, MetricQueries]
) -> dict[str, Any]:
    alerts = {rule["alert"]: rule for rule in rules_doc["groups"][0]["rules"]}
    tests: list[Any] = []
    for rule in stage.rules:
        q = queries[rule.metric]
        warning = alerts.get(alert_name(rule.metric, "Warning"))
        if warning is not None and rule.warning is not None:
            tests += _warning_cases(rule, warning, q)
        critical = alerts.get(alert_name(rule.metric, "Critical"))
        if critical is not None:
            tests += _critical_cases(rule, critical, q)
    guard = alerts.get(no_traffic_alert())
    if guard is not None:
        q = queries[stage.rules[0].metric]
        minutes = int(guard["for"].removesuffix("m"))
        eval_at = minutes + _JUMP_MINUTES + 1
        tests.append(
            _case(
                "RolloutNoTraffic fires with no transactions on the new path",
                q,
                {q.source.old_variant: (1000, 0)},
                guard,
                eval_minutes=eval_at,
                fires=True,
                labels=dict(guard["labels"]),
            )
        )
    return {
        "rule_files": [RECORDING_FILE, f"stage-{stage.number}.rules.yml"],
        "evaluation_interval": "1m",
        "tests": tests,
    }


def _recording_test(rules: ExportRules, queries: dict[str, MetricQueries]) -> dict[str, Any] | None:
    """Test with promtool that the recorded ratio is events / transactions for each variant."""
    rule = next((r for s in rules.stages for r in s.rules if r.warning is not None), None)
    if rule is None or rule.warning is None:
        return None
    q = queries[rule.metric]
    window = rule.warning.window_minutes
    new, old = q.source.new_variant, q.source.old_variant
    counts = {new: (400, 10), old: (1600, 8)}
    record = f"flag_variant:rollout_{rule.metric}:ratio{window}m"
    expected = [
        {
            "labels": f'{record}{{{q.source.flag_label}="{q.flag}", '
            f'{q.source.variant_label}="{variant}"}}',
            "value": events / transactions,
        }
        for variant, (transactions, events) in counts.items()
    ]
    return {
        "name": f"{record} is events over transactions by variant",
        "interval": "1m",
        "input_series": _series(q, counts, window + 2),
        "promql_expr_test": [{"expr": record, "eval_time": "2m", "exp_samples": expected}],
    }


def prometheus_files(rules: ExportRules, queries: dict[str, MetricQueries]) -> list[ExportFile]:
    """Return the recording rules, one alert rule file per stage, and a promtool test for each."""
    notes = [
        "Load the recording rules always and the current stage's stage-N.rules.yml only.",
        (
            "Prometheus has no stage start: boundary counts look back the stage's planned "
            "duration, so early in a stage they also count the new path's last hours before it."
        ),
        *(q.note for q in queries.values() if q.note),
    ]
    recording = _recording_rules(rules, queries)
    files = [
        ExportFile(RECORDING_FILE, header(rules, _ENGINE, notes) + dump_yaml([recording]), _ENGINE)
    ]
    recording_test = _recording_test(rules, queries)
    for stage in rules.stages:
        if not stage.rules:
            continue
        doc = _stage_rules(stage, rules, queries)
        stage_notes = [
            f"Stage {stage.number}: {stage.traffic_percent:g}%, {stage.audience}.",
            *(queries[r.metric].note for r in stage.rules if queries[r.metric].note),
        ]
        files.append(
            ExportFile(
                f"stage-{stage.number}.rules.yml",
                header(rules, _ENGINE, stage_notes) + dump_yaml([doc]),
                _ENGINE,
            )
        )
        tests = _stage_tests(stage, doc, queries)
        if recording_test is not None:
            tests["tests"].insert(0, recording_test)
        files.append(
            ExportFile(
                f"stage-{stage.number}.test.yml",
                header(rules, _ENGINE, [f"Run: promtool test rules stage-{stage.number}.test.yml"])
                + dump_yaml([tests]),
                _ENGINE,
            )
        )
    return files
