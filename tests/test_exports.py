"""Exports say what the plan says: weights, thresholds and stage changes.

Checked against the plan JSON, and through the front doors (CLI, `export_plan`
tool) that write them.
"""

from __future__ import annotations

import json
import re
import shutil
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from rollout_manager.errors import InputError
from rollout_manager.exports.bundle import export_plan, write_exports
from rollout_manager.exports.flagd import weights
from rollout_manager.model import RolloutPlan
from rollout_manager.planning.metrics_source import MetricSeries, MetricsSource
from rollout_manager.planning.plan import plan_folder
from rollout_manager.tools.catalog import dispatch
from tests.conftest import REPO, RunCli
from tests.exports_support import (
    CHANGE_ERRORS,
    SCHEMAS,
    run_promtool,
    schema_errors,
    with_decisions,
)

if TYPE_CHECKING:
    from pathlib import Path

SEED = REPO / "scenarios" / "progressive-rollout"
START = "2026-12-08"
ALL = ("prometheus", "argo", "flagger", "flagd")


SERIES = f"metrics_source:\n  metrics:\n    change_error_rate: {{events: {CHANGE_ERRORS}}}\n"
"""The seed team's counter of errors without card declines (a gated metric once decided)."""


def _copy_seed(tmp_path: Path, settings: str = "") -> Path:
    folder = tmp_path / "seed"
    folder.mkdir(parents=True)
    for name in ("feature-description.md", "baseline-metrics.md"):
        shutil.copy(SEED / name, folder / name)
    (folder / "rollout.yaml").write_text(settings + SERIES, encoding="utf-8")
    return folder


def _export(run_cli: RunCli, context: Path, out: Path, *extra: str) -> dict[str, Any]:
    """Export every engine and return the plan JSON the same command line plans."""
    result = run_cli(
        "export", "--context", context, "--to", "all", "-o", out, "--start", START, *extra
    )
    assert result.returncode == 0, result.stderr
    plan = run_cli("plan", "--json", "--context", context, "--start", START)
    data: dict[str, Any] = json.loads(plan.stdout)
    return data


def _yaml(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def _engine_weights(out: Path) -> dict[str, list[float]]:
    """The traffic share per stage, read back from each engine's own files."""
    steps = _yaml(out / "argo" / "rollout.yaml")[0]["spec"]["strategy"]["canary"]["steps"]
    flagd = []
    for path in sorted(
        out.glob("flagd/stage-*.flags.json"), key=lambda p: int(p.name.split("-")[1].split(".")[0])
    ):
        flag = next(iter(json.loads(path.read_text(encoding="utf-8"))["flags"].values()))
        split = re.search(
            r'"fractional": \[\["on", (\d+)\], \["off", (\d+)\]\]',
            json.dumps(flag.get("targeting", {})),
        )
        on, off = (int(split[1]), int(split[2])) if split else (None, None)
        flagd.append(
            100.0
            if "targeting" not in flag
            else 100 * on / (on + off)
            if on is not None and off is not None
            else 0.0
        )
    return {
        "argo": [float(s["setWeight"]) for s in steps if "setWeight" in s],
        "flagger": [
            float(w)
            for w in _yaml(out / "flagger" / "canary.yaml")[0]["spec"]["analysis"]["stepWeights"]
        ],
        "flagd": flagd,
    }


# --------------------------------------------------------------------------- weights


@pytest.mark.slow
def test_argo_and_flagger_weights_are_the_plans_stage_percentages(
    run_cli: RunCli, tmp_path: Path
) -> None:
    plan = _export(run_cli, _copy_seed(tmp_path), tmp_path / "out")
    percentages = [float(s["traffic_percent"]) for s in plan["stages"]]
    assert percentages == [1, 5, 10, 25, 50, 100]  # the seed's ladder, as its scenario states
    found = _engine_weights(tmp_path / "out")
    assert found["argo"] == percentages
    assert found["flagger"] == percentages
    # flagd: stage 1 is staff only (0% of other keys); the rest split at the stage's share.
    assert found["flagd"] == [0.0, *percentages[1:]]


@pytest.mark.slow
def test_changing_a_stage_in_rollout_yaml_changes_every_export(
    run_cli: RunCli, tmp_path: Path
) -> None:
    before_dir, after_dir = tmp_path / "before", tmp_path / "after"
    before = _export(run_cli, _copy_seed(tmp_path / "a"), before_dir)
    assert before["stages"][2]["traffic_percent"] == 10
    changed = "stages:\n  - {stage: 3, traffic_percent: 12.5, duration_hours: 120}\n"
    after = _export(run_cli, _copy_seed(tmp_path / "b", changed), after_dir)
    assert [s["traffic_percent"] for s in after["stages"]][2] == 12.5
    # The planner may lengthen the asked 120 h (statistics, gate hours); the exports follow it.
    hours_before = before["stages"][2]["duration_hours"]
    hours_after = after["stages"][2]["duration_hours"]
    assert hours_after >= 120 and hours_after != hours_before
    old_window, new_window = f"{hours_before:.0f}h", f"{hours_after:.0f}h"
    old, new = _engine_weights(before_dir), _engine_weights(after_dir)
    for engine in ("argo", "flagger", "flagd"):
        assert old[engine][:2] == new[engine][:2] and old[engine][3:] == new[engine][3:]
    assert new["flagger"][2] == 12.5 and new["flagd"][2] == 12.5
    assert new["argo"][2] == 13  # Argo weights are whole percents: rounded up, and it says so
    assert "Stage 3 is 12.5%" in (after_dir / "argo" / "rollout.yaml").read_text("utf-8")
    # The stage's rule files now count over its new duration, and no other stage changed.
    rules = (after_dir / "prometheus" / "stage-3.rules.yml").read_text("utf-8")
    assert f"[{new_window}]" in rules and f"[{old_window}]" not in rules
    assert "Stage 3 (12.5%)" in rules
    templates = _yaml(after_dir / "argo" / "analysis-templates.yaml")
    stage_3 = [t for t in templates if "-stage-3-" in t["metadata"]["name"]]
    assert stage_3 and all(
        m["initialDelay"] == new_window
        for t in stage_3
        for m in t["spec"]["metrics"]
        if m["name"].endswith("-gate")
    )
    assert (before_dir / "prometheus" / "stage-2.rules.yml").read_text("utf-8") == (
        after_dir / "prometheus" / "stage-2.rules.yml"
    ).read_text("utf-8")
    flagd = json.loads((after_dir / "flagd" / "stage-3.flags.json").read_text("utf-8"))
    assert '["on", 1], ["off", 7]' in json.dumps(flagd)  # 12.5% = 1/8


def test_flagd_weights_are_exact_integers() -> None:
    # Worked by hand: 0.5% = 1/200, 5% = 1/20, 12.5% = 1/8, 33.3% = 333/1000.
    assert weights(0.5) == (1, 199)
    assert weights(5) == (1, 19)
    assert weights(12.5) == (1, 7)
    assert weights(33.3) == (333, 667)


# --------------------------------------------------------------------------- decisions


@pytest.fixture(scope="module")
def decision_plan() -> dict[str, Any]:
    base = plan_folder(SEED, start=date.fromisoformat(START))
    return with_decisions(base.model_dump(mode="json"))


def _source() -> MetricsSource:
    return MetricsSource(metrics={"change_error_rate": MetricSeries(events=CHANGE_ERRORS)})


def _counts(q_requests: str, q_events: str, n: int, k: int, steps: int) -> list[dict[str, str]]:
    return [
        {"series": q_requests, "values": f"0 {n}+0x{steps}"},
        {"series": q_events, "values": f"0 {k}+0x{steps}"},
    ]


def _annotations(folder: Path, stage: int, alert: str) -> dict[str, str]:
    """The alert's words (promtool compares them too); the numbers are what this test checks."""
    groups = yaml.safe_load((folder / f"stage-{stage}.rules.yml").read_text("utf-8"))["groups"]
    rule = next(r for r in groups[0]["rules"] if r.get("alert") == alert)
    annotations: dict[str, str] = rule["annotations"]
    return annotations


def _own_test(
    stage: int, alert: str, series: list[dict[str, str]], at: str, *, fires: bool, words: Any
) -> Any:
    labels = {
        "severity": "critical" if alert.endswith("Critical") else "warning",
        "rollout_stage": str(stage),
        "flag": "payment_pipeline_v2",
        "variant": "on",
    }
    return {
        "interval": "1m",
        "input_series": series,
        "alert_rule_test": [
            {
                "eval_time": at,
                "alertname": alert,
                "exp_alerts": [{"exp_labels": labels, "exp_annotations": words}] if fires else [],
            }
        ],
    }


@pytest.mark.slow
def test_alert_thresholds_are_the_plans_decisions(
    decision_plan: dict[str, Any], tmp_path: Path
) -> None:
    """Each boundary row fires at k of n and not at k - 1 in the exported rules.

    Checked by our own promtool tests, written from the plan JSON (not from the
    exporter's tests).
    """
    plan = RolloutPlan.model_validate(decision_plan)
    write_exports(export_plan(plan, _source(), ("prometheus",)), tmp_path)
    folder = tmp_path / "prometheus"
    errors = (
        'rollout_requests_total{flag="payment_pipeline_v2", variant="on"}',
        'rollout_errors_total{flag="payment_pipeline_v2", variant="on"}',
    )
    for stage in decision_plan["stages"]:
        cases = []
        for decision in stage["decisions"]:
            if decision["metric"] != "error_rate":
                continue
            for point in decision["rollback_boundary"]:
                n, k = point["n"], point["k"]
                for count, fires in ((k, True), (k - 1, False)):
                    cases.append(
                        _own_test(
                            stage["number"],
                            "RolloutErrorRateCritical",
                            _counts(*errors, n, count, 3),
                            "2m",
                            fires=fires,
                            words=_annotations(folder, stage["number"], "RolloutErrorRateCritical"),
                        )
                    )
        warning = next(
            a for a in decision_plan["monitoring"]["alerts"] if a["name"] == "ErrorRateWarning"
        )
        if cases:
            # WARNING: its window, minimum counts and threshold, from the plan's alert. At its
            # minimum of 300 transactions 1% is 3 errors, under the 5-event minimum; at 1,000
            # transactions 10 errors are exactly 1% (silent) and 11 are above it.
            least, rate = warning["min_transactions"], warning["value"]
            at = f"{warning['for_minutes'] + 2}m"
            words = _annotations(folder, stage["number"], "RolloutErrorRateWarning")
            for n, count, fires in (
                (least, warning["min_events"], True),
                (least, warning["min_events"] - 1, False),
                (least - 1, least - 1, False),
                (1000, round(rate * 1000) + 1, True),
                (1000, round(rate * 1000), False),
            ):
                cases.append(
                    _own_test(
                        stage["number"],
                        "RolloutErrorRateWarning",
                        _counts(*errors, n, count, 20),
                        at,
                        fires=fires,
                        words=words,
                    )
                )
            test = {"rule_files": [f"stage-{stage['number']}.rules.yml"], "tests": cases}
            (folder / "own.test.yml").write_text(yaml.safe_dump(test), encoding="utf-8")
            result = run_promtool("test", "rules", "own.test.yml", cwd=folder)
            assert result.returncode == 0, result.stdout.replace("\n\n", "")[-3000:]


_CRITICAL = {
    "error_rate": "RolloutErrorRateCritical",
    "change_error_rate": "RolloutChangeErrorRateCritical",
    "p95_latency_ms": "RolloutP95LatencyCritical",
}


def _seed_series(plan: dict[str, Any], metric: str, n: int, k: int) -> list[dict[str, str]]:
    """Counters holding n transactions and k counted events of one of the seed's metrics."""
    on = 'flag="payment_pipeline_v2", variant="on"'
    if metric == "p95_latency_ms":  # slow = all requests minus those within the baseline P95
        le = f"{plan['baseline']['p95_latency_ms'] / 1000:g}"
        bucket = "rollout_request_duration_seconds_bucket"
        return _counts(f'{bucket}{{{on}, le="+Inf"}}', f'{bucket}{{{on}, le="{le}"}}', n, n - k, 3)
    events = CHANGE_ERRORS if metric == "change_error_rate" else "rollout_errors_total"
    return _counts(f"rollout_requests_total{{{on}}}", f"{events}{{{on}}}", n, k, 3)


@pytest.mark.slow
def test_the_seeds_critical_alerts_are_its_decision_boundaries(
    run_cli: RunCli, tmp_path: Path
) -> None:
    """Every row of every decision's rollback boundary in the seed's plan JSON fires exactly.

    Checked with our own promtool tests: k events within n transactions fire,
    k - 1 stay silent.
    """
    plan = _export(run_cli, _copy_seed(tmp_path), tmp_path / "out")
    folder = tmp_path / "out" / "prometheus"
    decided = [s for s in plan["stages"] if s["decisions"]]
    assert decided, "the seed plan states decisions"
    for stage in decided:
        cases = []
        for decision in stage["decisions"]:
            alert = _CRITICAL[decision["metric"]]
            words = _annotations(folder, stage["number"], alert)
            for point in decision["rollback_boundary"]:
                n, k = point["n"], point["k"]
                for count, fires in ((k, True), (k - 1, False)):
                    series = _seed_series(plan, decision["metric"], n, count)
                    cases.append(
                        _own_test(stage["number"], alert, series, "2m", fires=fires, words=words)
                    )
        test = {"rule_files": [f"stage-{stage['number']}.rules.yml"], "tests": cases}
        (folder / "own.test.yml").write_text(yaml.safe_dump(test), encoding="utf-8")
        result = run_promtool("test", "rules", "own.test.yml", cwd=folder)
        assert result.returncode == 0, result.stdout.replace("\n\n", "")[-3000:]


def test_argo_gate_and_boundary_are_the_plans_decisions(decision_plan: dict[str, Any]) -> None:
    plan = RolloutPlan.model_validate(decision_plan)
    files = {f.path: f.text for f in export_plan(plan, _source(), ("argo",))}
    templates = {
        t["metadata"]["name"]: t
        for t in yaml.safe_load_all(files["argo/analysis-templates.yaml"])
        if t
    }
    for stage in decision_plan["stages"]:
        for decision in stage["decisions"]:
            metric = decision["metric"].replace("_", "-")
            spec = templates[f"payment-pipeline-v2-stage-{stage['number']}-{metric}"]["spec"]
            gate = next(m for m in spec["metrics"] if m["name"].endswith("-gate"))
            hold = decision["gate"]["hold_at_errors"]
            assert gate["successCondition"] == f"len(result) > 0 && result[0] < {hold}"
            assert (
                f">= {decision['gate']['min_transactions']})"
                in (gate["provider"]["prometheus"]["query"])
            )
            boundary = next(m for m in spec["metrics"] if m["name"].endswith("-boundary"))
            query = boundary["provider"]["prometheus"]["query"]
            rows = re.findall(r">= (\d+) and .*?<= (\d+)\)", query)
            last_n_per_k: dict[int, int] = {}
            for point in decision["rollback_boundary"]:
                last_n_per_k[point["k"]] = max(point["n"], last_n_per_k.get(point["k"], 0))
            assert sorted((int(k), int(n)) for k, n in rows) == sorted(last_n_per_k.items())


def test_a_gated_metric_without_series_is_a_clear_error(decision_plan: dict[str, Any]) -> None:
    plan = RolloutPlan.model_validate(decision_plan)
    with pytest.raises(
        InputError,
        match=r"rollout\.yaml: metrics_source\.metrics\."
        r"change_error_rate: no Prometheus series",
    ):
        export_plan(plan, MetricsSource(), ALL)
    marked = export_plan(plan, MetricsSource(), ALL, placeholder=True)
    rules = next(f.text for f in marked if f.path == "prometheus/stage-3.rules.yml")
    assert "PLACEHOLDER_change_error_rate_events_total" in rules
    assert "is a PLACEHOLDER" in rules.split("groups:")[0]  # said in the header comment
    mapped = export_plan(plan, _source(), ALL)
    assert CHANGE_ERRORS in next(f.text for f in mapped if f.path == "prometheus/stage-3.rules.yml")


def test_a_plan_without_decisions_says_where_its_thresholds_come_from() -> None:
    planned = plan_folder(SEED, start=date.fromisoformat(START)).model_dump(mode="json")
    for stage in planned["stages"]:
        stage["decisions"] = []
    plan = RolloutPlan.model_validate(planned)
    for export in export_plan(plan, MetricsSource(), ("prometheus", "argo", "flagger")):
        assert "no per-stage decisions" in export.text.split("\n\n")[0], export.path


# --------------------------------------------------------------------------- front doors


@pytest.mark.slow
def test_stage_option_writes_one_flagd_file_and_one_rule_file(
    run_cli: RunCli, tmp_path: Path
) -> None:
    seed = _copy_seed(tmp_path / "in")
    result = run_cli("export", "--context", seed, "--to", "all", "-o", tmp_path, "--stage", "2")
    assert result.returncode == 0, result.stderr
    assert [p.name for p in (tmp_path / "flagd").iterdir()] == ["flags.json"]
    flag = json.loads((tmp_path / "flagd" / "flags.json").read_text("utf-8"))
    assert flag["flags"]["payment_pipeline_v2"]["metadata"]["rollout_stage"] == 2
    assert sorted(p.name for p in (tmp_path / "prometheus").iterdir()) == [
        "rollout-recording.rules.yml",
        "stage-2.rules.yml",
        "stage-2.test.yml",
    ]


@pytest.mark.slow
def test_bad_export_arguments_are_one_line_errors(run_cli: RunCli, tmp_path: Path) -> None:
    missing = run_cli("export", "--context", SEED, "--to", "flagd", "--stage", "9", "-o", tmp_path)
    assert missing.returncode == 2
    assert missing.stderr.strip() == "rollout: --stage: stage 9 does not exist (the plan has 6)"
    config_map = tmp_path / "cm.yaml"
    config_map.write_text("kind: ConfigMap\nmetadata: {name: x}\n", encoding="utf-8")
    wrong = run_cli(
        "export", "--context", SEED, "--to", "argo", "-o", tmp_path, "--rollout-from", config_map
    )
    assert wrong.returncode == 2
    assert wrong.stderr.strip() == (
        f"rollout: {config_map}: must be one Kubernetes manifest of kind Rollout or Deployment"
    )


@pytest.mark.slow
def test_rollout_from_a_deployment_keeps_its_workload(run_cli: RunCli, tmp_path: Path) -> None:
    deployment: dict[str, Any] = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "checkout"},
        "spec": {
            "replicas": 4,
            "selector": {"matchLabels": {"app": "checkout"}},
            "strategy": {"type": "RollingUpdate"},
            "template": {
                "metadata": {"labels": {"app": "checkout"}},
                "spec": {"containers": [{"name": "app", "image": "checkout:2"}]},
            },
        },
    }
    source = tmp_path / "deployment.yaml"
    source.write_text(yaml.safe_dump(deployment), encoding="utf-8")
    result = run_cli(
        "export",
        "--context",
        _copy_seed(tmp_path / "in"),
        "--to",
        "argo",
        "-o",
        tmp_path / "out",
        "--rollout-from",
        source,
    )
    assert result.returncode == 0, result.stderr
    rollout = _yaml(tmp_path / "out" / "argo" / "rollout.yaml")[0]
    assert (rollout["apiVersion"], rollout["kind"]) == ("argoproj.io/v1alpha1", "Rollout")
    assert rollout["spec"]["template"] == deployment["spec"]["template"]
    assert rollout["spec"]["replicas"] == 4
    assert list(rollout["spec"]["strategy"]) == ["canary"]
    if SCHEMAS.is_dir():
        assert schema_errors(rollout) == []


def test_export_plan_tool_writes_inside_the_served_folder(tmp_path: Path) -> None:
    _copy_seed(tmp_path)
    result = dispatch(
        "export_plan", {"context": "seed", "to": "flagd"}, root=tmp_path, today=date(2026, 12, 1)
    )
    assert result.ok, result.error
    assert result.data["files"][0] == "seed/exports/flagd/stage-1.flags.json"
    assert len(result.data["files"]) == 6
    assert (tmp_path / "seed" / "exports" / "flagd" / "stage-6.flags.json").is_file()
    outside = dispatch("export_plan", {"context": "../elsewhere"}, root=tmp_path)
    assert not outside.ok and "outside the folder" in (outside.error or "")
    unknown = dispatch("export_plan", {"context": "seed", "to": "nowhere"}, root=tmp_path)
    assert not unknown.ok and "to:" in (unknown.error or "")
    unmapped = dispatch("export_plan", {"context": "seed", "to": "argo"}, root=tmp_path)
    if any(s.decisions for s in plan_folder(tmp_path / "seed").stages):  # the seed team's map
        assert unmapped.ok, unmapped.error


def test_the_document_says_which_engine_file_implements_which_rule() -> None:
    from rollout_manager.render.sections import render_document

    plan = plan_folder(SEED, start=date.fromisoformat(START))
    document = render_document(plan)
    section = document.split("## Execution", 1)[1].split("\n## ", 1)[0]
    for stage in plan.stages:
        assert f"`stage-{stage.number}.flags.json`" in section
        assert f"`setWeight: {int(stage.traffic_percent)}`" in section
    for limit in ("no engine has a calendar", "Multi-day dwell in Flagger", "flagd splits"):
        assert limit in section
