"""A share that should stay high, counted from the team's counter of good outcomes.

A checkout conversion is judged on its failures (1 - value). A team with a counter
of conversions maps it as `successes:`; every place that counts (the Prometheus
rules and their promtool tests, Argo and Flagger queries, `rollout gate`) then
counts requests minus successes. The expected numbers are worked out by hand
from the plan's own boundary rows: n transactions with k failures are n - k
successes.
"""

from __future__ import annotations

import json
import shutil
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from rollout_manager.errors import InputError
from rollout_manager.exports.bundle import export_plan, write_exports
from rollout_manager.exports.queries import metric_queries
from rollout_manager.gates import prometheus as gate_prometheus
from rollout_manager.gates.events import read_events
from rollout_manager.gates.prometheus import read_prometheus
from rollout_manager.gates.stage import judge_stage
from rollout_manager.planning.metrics_source import MetricSeries, MetricsSource
from rollout_manager.planning.plan import plan_folder
from rollout_manager.render.sections import render_document
from tests.exports_support import run_promtool
from tests.test_exports_engines import _check_argo, _check_flagger, _check_prometheus

if TYPE_CHECKING:
    from rollout_manager.model import RolloutPlan
    from tests.conftest import RunCli

CASE = Path(__file__).parent / "corpus" / "cases" / "checkout-button"
START = "2026-12-08"
FLAG = "buy_now_button"
CONVERSIONS = "checkout_conversions_total"
FAILED = "checkout_failed_total"
ON = f'flag="{FLAG}", variant="on"'
SUCCESSES = f"metrics_source:\n  metrics:\n    conversion_rate: {{successes: {CONVERSIONS}}}\n"
FAILURES = f"metrics_source:\n  metrics:\n    conversion_rate: {{events: {FAILED}}}\n"


def _folder(tmp_path: Path, settings: str) -> Path:
    folder = tmp_path / "checkout"
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("feature-description.md", "baseline-metrics.md"):
        shutil.copy(CASE / name, folder / name)
    (folder / "rollout.yaml").write_text(settings, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def plan() -> RolloutPlan:
    return plan_folder(CASE, start=date.fromisoformat(START))


def _by_successes() -> MetricsSource:
    return MetricsSource(metrics={"conversion_rate": MetricSeries(successes=CONVERSIONS)})


def _by_failures() -> MetricsSource:
    return MetricsSource(metrics={"conversion_rate": MetricSeries(events=FAILED)})


def _boundary(plan: RolloutPlan, stage: int) -> list[tuple[int, int]]:
    decision = next(d for d in plan.stages[stage - 1].decisions if d.metric == "conversion_rate")
    assert decision.event == "failures", "a conversion is judged on its failures"
    return [(b.n, b.k) for b in decision.rollback_boundary]


# --------------------------------------------------------------------------- queries


def test_a_conversion_mapped_with_successes_subtracts_them_from_requests(
    plan: RolloutPlan,
) -> None:
    files = {
        f.path: f.text
        for f in export_plan(plan, _by_successes(), ("prometheus", "argo", "flagger"))
    }
    rules = yaml.safe_load(files["prometheus/stage-1.rules.yml"])["groups"][0]["rules"]
    critical = next(r for r in rules if r["alert"] == "RolloutConversionRateCritical")
    argo = files["argo/analysis-templates.yaml"]
    subtracted = f" - (sum by (flag, variant) (increase({CONVERSIONS}{{{ON}"
    for where, text in (("prometheus", critical["expr"]), ("argo", argo)):
        assert subtracted in text, where
        assert f"rollout_requests_total{{{ON}" in text, where
        assert "rollout_errors_total" not in text, where
    # Flagger's metric reads the CRITICAL alert above, so it counts the same way.
    flagger = files["flagger/metric-templates.yaml"]
    assert 'alertname="RolloutConversionRateCritical"' in flagger
    assert "rollout_errors_total" not in flagger
    recording = files["prometheus/rollout-recording.rules.yml"]
    assert "rollout_errors_total" not in recording
    # A successes counter is not a failures one: no note asks for a counter of failures.
    assert "must count failures" not in files["prometheus/stage-1.rules.yml"]


def test_a_failures_counter_for_a_conversion_says_it_must_count_failures(
    plan: RolloutPlan,
) -> None:
    files = {
        f.path: f.text for f in export_plan(plan, _by_failures(), ("prometheus", "argo", "flagger"))
    }
    for path in ("prometheus/stage-1.rules.yml", "argo/rollout.yaml", "flagger/canary.yaml"):
        header = "".join(line for line in files[path].splitlines() if line.startswith("#"))
        assert f"{FAILED} must count failures" in header, path
        assert "metrics_source.metrics.conversion_rate.successes" in header, path
    execution = render_document(plan).split("## Execution", 1)[1].split("\n## ", 1)[0]
    assert "`conversion_rate` is judged on its failures" in execution
    assert "`successes:`" in execution


def test_a_lower_is_better_rate_may_be_mapped_with_successes_too() -> None:
    """The seed's change-caused errors counted from a counter of the requests without one."""
    seed = plan_folder(Path(__file__).parent.parent / "scenarios" / "progressive-rollout")
    source = MetricsSource(metrics={"change_error_rate": MetricSeries(successes="ok_total")})
    q = metric_queries(seed, source, "change_error_rate", placeholder=False, config="rollout.yaml")
    assert q.event_count("1h", "on").startswith(
        "(sum by (flag, variant) (increase(rollout_requests"
    )
    assert " - (sum by (flag, variant) (increase(ok_total{" in q.event_count("1h", "on")
    # 1,000 transactions with 12 counted events: the test series hold 988 successes.
    assert (
        dict(q.test_series("on", 1000, 12))['ok_total{flag="payment_pipeline_v2", variant="on"}']
        == 988
    )
    assert q.note == ""


def test_the_seed_execution_section_has_no_failures_note() -> None:
    seed = plan_folder(Path(__file__).parent.parent / "scenarios" / "progressive-rollout")
    assert "judged on its failures" not in render_document(seed)


def _alert_case(
    series: list[dict[str, str]], words: dict[str, str], *, fires: bool
) -> dict[str, Any]:
    labels = {"severity": "critical", "rollout_stage": "1", "flag": FLAG, "variant": "on"}
    return {
        "interval": "1m",
        "input_series": series,
        "alert_rule_test": [
            {
                "eval_time": "2m",
                "alertname": "RolloutConversionRateCritical",
                "exp_alerts": [{"exp_labels": labels, "exp_annotations": words}] if fires else [],
            }
        ],
    }


@pytest.mark.slow
def test_promtool_fires_at_k_failures_of_n_counted_as_successes(
    plan: RolloutPlan, tmp_path: Path
) -> None:
    """Fire at k failures of n and stay silent at k - 1, the series counting successes.

    Our own promtool cases from the plan's boundary rows: n requests and n - k
    conversions (k failures) roll back; n - k + 1 conversions (k - 1 failures) do not.
    """
    write_exports(export_plan(plan, _by_successes(), ("prometheus",)), tmp_path)
    folder = tmp_path / "prometheus"
    rules = yaml.safe_load((folder / "stage-1.rules.yml").read_text("utf-8"))["groups"][0]
    words = next(r for r in rules["rules"] if r.get("alert") == "RolloutConversionRateCritical")[
        "annotations"
    ]
    cases = []
    for n, k in _boundary(plan, 1):
        for failures, fires in ((k, True), (k - 1, False)):
            series = [
                {"series": f"rollout_requests_total{{{ON}}}", "values": f"0 {n}+0x3"},
                {"series": f"{CONVERSIONS}{{{ON}}}", "values": f"0 {n - failures}+0x3"},
            ]
            cases.append(_alert_case(series, words, fires=fires))
    n, k = _boundary(plan, 1)[0]
    # No conversion at all yet: no successes series, n failures >= k, still a rollback.
    only_requests = [{"series": f"rollout_requests_total{{{ON}}}", "values": f"0 {n}+0x3"}]
    cases.append(_alert_case(only_requests, words, fires=True))
    test = {"rule_files": ["stage-1.rules.yml"], "tests": cases}
    (folder / "own.test.yml").write_text(yaml.safe_dump(test), encoding="utf-8")
    result = run_promtool("test", "rules", "own.test.yml", cwd=folder)
    assert result.returncode == 0, result.stdout.replace("\n\n", "")[-3000:]


@pytest.mark.slow
def test_export_with_successes_passes_every_validator(run_cli: RunCli, tmp_path: Path) -> None:
    """Pass promtool check and test (the generated series count successes), the CRD schemas.

    flagd is left out: its files do not depend on the series.
    """
    folder = _folder(tmp_path, SUCCESSES)
    out = tmp_path / "out"
    result = run_cli("export", "--context", folder, "--to", "all", "-o", out, "--start", START)
    assert result.returncode == 0, result.stderr
    generated = (out / "prometheus" / "stage-1.test.yml").read_text(encoding="utf-8")
    assert CONVERSIONS in generated and "rollout_errors_total" not in generated
    _check_prometheus(out / "prometheus")
    _check_argo(out / "argo")
    _check_flagger(out / "flagger")


# --------------------------------------------------------------------------- rollout gate


def _gate(run_cli: RunCli, folder: Path, plan: RolloutPlan, canary: dict[str, int]) -> Any:
    counts = folder / "counts.json"
    counts.write_text(json.dumps({"canary": canary}), encoding="utf-8")
    since = plan.stages[0].start
    at = since + timedelta(hours=1)
    return run_cli(
        "gate", "1", "--context", folder, "--start", START, "--observed", counts,
        "--since", since.isoformat(), "--at", at.isoformat(),
    )  # fmt: skip


def test_the_gate_judges_a_successes_count_as_its_failures(
    run_cli: RunCli, plan: RolloutPlan, tmp_path: Path
) -> None:
    """Stage 1's first boundary row, by hand: n = 1,875 with k failures is n - k successes."""
    folder = _folder(tmp_path, "")
    n, k = _boundary(plan, 1)[0]
    exits = {}
    for failures in (k, k - 1):
        by_failures = _gate(run_cli, folder, plan, {"transactions": n, "conversion_rate": failures})
        by_successes = _gate(
            run_cli,
            folder,
            plan,
            {"transactions": n, "conversion_rate_successes": n - failures},
        )
        assert by_successes.returncode == by_failures.returncode, by_successes.stdout
        assert "rollback" in by_successes.stdout.lower() or failures < k
        exits[failures] = by_successes.returncode
    assert exits[k] == 5  # k failures within the first n: roll back
    assert exits[k - 1] != 5


def _events(path: Path, column: str, n: int, marked: int) -> Path:
    """Raw events: n canary rows, no errors, the first `marked` with 1 in `column`."""
    rows = [f"2026-12-08T10:00:00Z,on,0,,,,{int(i < marked)}" for i in range(n)]
    header = f"timestamp,variant,error,error_category,latency_ms,amount,{column}"
    path.write_text("\n".join([header, *rows]) + "\n", encoding="utf-8")
    return path


def test_raw_events_count_a_successes_column_as_its_failures(
    plan: RolloutPlan, tmp_path: Path
) -> None:
    """Judge k failure rows of n as n - k success rows.

    n rows with k marked `conversion_rate` (failures) judge as n rows with n - k marked
    `conversion_rate_successes`: both roll back at stage 1's first row, neither at k - 1.
    """
    n, k = _boundary(plan, 1)[0]
    since = plan.stages[0].start
    at = since + timedelta(hours=1)
    for failures in (k, k - 1):
        verdicts = []
        for column, marked in (
            ("conversion_rate", failures),
            ("conversion_rate_successes", n - failures),
        ):
            seen = read_events(_events(tmp_path / f"{column}.csv", column, n, marked), plan)
            assert seen.canary.transactions == n and seen.canary.counts[column] == marked
            result = judge_stage(
                plan, 1, seen, at=at, since=since, calendar=None, min_dwell_hours=0
            )
            verdicts.append(next(m.verdict for m in result.metrics))
        assert verdicts[0] == verdicts[1]
        assert (verdicts[0] == "rollback") == (failures == k)


def test_raw_events_with_both_columns_of_one_metric_are_refused(
    plan: RolloutPlan, tmp_path: Path
) -> None:
    path = tmp_path / "both.csv"
    path.write_text(
        "variant,error,conversion_rate,conversion_rate_successes\non,0,1,0\n", encoding="utf-8"
    )
    with pytest.raises(InputError, match="give one"):
        read_events(path, plan)


def test_the_gate_reads_a_successes_counter_from_prometheus(
    plan: RolloutPlan, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Give the same verdict from a Prometheus counter of conversions as from failures.

    The counted failures are requests minus conversions.
    """
    n, k = _boundary(plan, 1)[0]
    since = plan.stages[0].start
    at = since + timedelta(hours=1)

    def answer(failures: int) -> Any:
        now = {"rollout_requests_total": n, CONVERSIONS: n - failures, FAILED: failures}

        def query(_base: str, expression: str, moment: Any, _label: str) -> dict[str, float]:
            series = expression.split("(", 1)[1].split(") (", 1)[1].split("{", 1)[0]
            return {"on": float(now[series])} if moment == at else {}

        return query

    for failures, verdict in ((k, "rollback"), (k - 1, None)):
        monkeypatch.setattr(gate_prometheus, "query", answer(failures))
        verdicts = []
        for source in (_by_successes(), _by_failures()):
            seen = read_prometheus("http://p", plan, plan.stages[0], source, since=since, at=at)
            assert seen.canary.transactions == n
            result = judge_stage(
                plan, 1, seen, at=at, since=since, calendar=None, min_dwell_hours=0
            )
            verdicts.append(next(m.verdict for m in result.metrics))
        assert verdicts[0] == verdicts[1]
        assert (verdicts[0] == "rollback") == (verdict == "rollback")


# --------------------------------------------------------------------------- refused


def test_events_and_successes_at_once_are_refused_in_one_line(
    run_cli: RunCli, tmp_path: Path
) -> None:
    both = (
        "metrics_source:\n  metrics:\n    conversion_rate:\n"
        f"      events: {FAILED}\n      successes: {CONVERSIONS}\n"
    )
    folder = _folder(tmp_path, both)
    result = run_cli("export", "--context", folder, "--to", "prometheus", "-o", tmp_path / "o")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "rollout.yaml" in lines[0]
    assert "metrics_source.metrics.conversion_rate" in lines[0]
    assert "successes" in lines[0] and "events" in lines[0] and "not both" in lines[0]


def test_a_counts_file_with_failures_and_successes_is_refused(
    run_cli: RunCli, plan: RolloutPlan, tmp_path: Path
) -> None:
    folder = _folder(tmp_path, "")
    canary = {"transactions": 100, "conversion_rate": 90, "conversion_rate_successes": 10}
    result = _gate(run_cli, folder, plan, canary)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "conversion_rate_successes" in lines[0], result.stderr
    assert "both" in lines[0]
