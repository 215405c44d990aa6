"""`rollout export --to all` writes files the engines' own validators accept.

Cases: the seed, the two other scenarios, the seed with a fractional first stage
and its own series names, and the seed plan with hand-written decisions. Every
file passes `promtool check rules` and `promtool test rules`, the Argo and
Flagger CRD schemas with unknown fields refused plus the controllers' extra
rules, and the flagd schema; every flagd file, evaluated by the OpenFeature
flagd provider over 20,000 keys, serves `on` within 0.5 points of its stage.
"""

from __future__ import annotations

import json
import shutil
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from rollout_manager.exports.bundle import export_plan, write_exports
from rollout_manager.model import RolloutPlan
from rollout_manager.planning.metrics_source import MetricSeries, MetricsSource
from tests.conftest import REPO, RunCli
from tests.exports_support import (
    CHANGE_ERRORS,
    argo_rule_errors,
    flagd_validator,
    flagger_rule_errors,
    run_promtool,
    schema_errors,
    served_on,
    with_decisions,
)

if TYPE_CHECKING:
    from pathlib import Path

START = "2026-12-08"
KEYS = 20_000
SCENARIOS = ("progressive-rollout", "destructive-migration", "low-risk-ui-change")
SERIES = f"""\
metrics_source:
  metrics:
    change_error_rate: {{events: {CHANGE_ERRORS}}}
"""
CUSTOM_SERIES = f"""\
stages:
  - {{stage: 1, traffic_percent: 0.5}}
metrics_source:
  metrics:
    change_error_rate: {{events: {CHANGE_ERRORS}, selector: 'kind="provider"'}}
  requests: checkout_requests_total
  errors: checkout_failures_total
  flag_label: feature
  variant_label: arm
  new_variant: treatment
  old_variant: control
"""


def _export_folder(run_cli: RunCli, context: Path, out: Path) -> dict[str, Any]:
    result = run_cli(
        "export", "--context", str(context), "--to", "all", "-o", str(out), "--start", START
    )
    assert result.returncode == 0, result.stderr
    plan = run_cli("plan", "--json", "--context", str(context), "--start", START)
    assert plan.returncode == 0, plan.stderr
    data: dict[str, Any] = json.loads(plan.stdout)
    return data


@pytest.fixture(scope="module")
def decision_case(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, Any]]:
    """The seed plan with hand-written decisions, exported through `export_plan`."""
    from rollout_manager.planning.plan import plan_folder

    seed = REPO / "scenarios" / "progressive-rollout"
    base = plan_folder(seed, start=date.fromisoformat(START))
    data = with_decisions(base.model_dump(mode="json"))
    plan = RolloutPlan.model_validate(data)
    source = MetricsSource(metrics={"change_error_rate": MetricSeries(events=CHANGE_ERRORS)})
    out = tmp_path_factory.mktemp("decisions")
    write_exports(export_plan(plan, source, ("prometheus", "argo", "flagger", "flagd")), out)
    return out, data


def _cases(run_cli: RunCli, tmp_path: Path, case: str) -> tuple[Path, dict[str, Any]]:
    context = tmp_path / case
    scenario = case if case in SCENARIOS else "progressive-rollout"
    shutil.copytree(
        REPO / "scenarios" / scenario,
        context,
        ignore=shutil.ignore_patterns("expected", "scenario.md"),
    )
    # The team's series: the seed's errors without card declines have a counter of their own;
    # the custom case also has a 0.5% first stage and series names of its own.
    settings = CUSTOM_SERIES if case == "custom-series" else SERIES
    (context / "rollout.yaml").write_text(settings, encoding="utf-8")
    out = tmp_path / "exports"
    return out, _export_folder(run_cli, context, out)


def _check_prometheus(folder: Path) -> None:
    rules = sorted(p.name for p in folder.glob("*.rules.yml"))
    checked = run_promtool("check", "rules", *rules, cwd=folder)
    assert checked.returncode == 0, checked.stdout + checked.stderr
    tests = sorted(p.name for p in folder.glob("*.test.yml"))
    if tests:
        tested = run_promtool("test", "rules", *tests, cwd=folder)
        assert tested.returncode == 0, tested.stdout + tested.stderr


def _manifests(path: Path) -> list[dict[str, Any]]:
    return [doc for doc in yaml.safe_load_all(path.read_text(encoding="utf-8")) if doc]


def _check_argo(folder: Path) -> None:
    rollout = _manifests(folder / "rollout.yaml")[0]
    templates_file = folder / "analysis-templates.yaml"
    templates = _manifests(templates_file) if templates_file.exists() else []
    errors = [e for m in (rollout, *templates) for e in schema_errors(m)]
    assert errors + argo_rule_errors(rollout, templates) == []


def _check_flagger(folder: Path) -> None:
    canary = _manifests(folder / "canary.yaml")[0]
    metric_file = folder / "metric-templates.yaml"
    templates = _manifests(metric_file) if metric_file.exists() else []
    refs = {m["templateRef"]["name"] for m in canary["spec"]["analysis"].get("metrics", [])}
    assert refs <= {t["metadata"]["name"] for t in templates}
    errors = [e for m in (canary, *templates) for e in schema_errors(m)]
    assert errors + flagger_rule_errors(canary) == []


def _check_flagd(folder: Path, plan: dict[str, Any]) -> None:
    flag = plan["feature"]["flag"]
    stages = {s["number"]: s for s in plan["stages"]}
    files = sorted(folder.glob("stage-*.flags.json"))
    assert len(files) == len(stages)
    for path in files:
        document = json.loads(path.read_text(encoding="utf-8"))
        assert [e.message for e in flagd_validator().iter_errors(document)] == []
        stage = stages[int(path.name.split("-")[1].split(".")[0])]
        share = served_on(path, flag, KEYS)
        staff_only = "internal" in stage["audience"].lower() and stage["traffic_percent"] < 100
        if staff_only:  # only staff get the new path, exactly
            assert share == 0.0
            assert served_on(path, flag, 200, {"internal": True}) == 1.0
        else:
            assert abs(share * 100 - stage["traffic_percent"]) <= 0.5, (path.name, share)


def _check_all(out: Path, plan: dict[str, Any]) -> None:
    _check_prometheus(out / "prometheus")
    _check_argo(out / "argo")
    _check_flagger(out / "flagger")
    _check_flagd(out / "flagd", plan)


@pytest.mark.slow
@pytest.mark.parametrize("case", [*SCENARIOS, "custom-series"])
def test_export_all_passes_every_validator(run_cli: RunCli, tmp_path: Path, case: str) -> None:
    out, plan = _cases(run_cli, tmp_path, case)
    _check_all(out, plan)


@pytest.mark.slow
def test_export_of_a_plan_with_decisions_passes_every_validator(
    decision_case: tuple[Path, dict[str, Any]],
) -> None:
    out, plan = decision_case
    _check_all(out, plan)
