"""The section commands and `rollout plan` as a user runs them, in a subprocess.

Numbers are worked out by hand from the seed: error rate 0.8% -> success limit
1% and rollback 1.6%; P95 890 ms -> 979 ms and 1.78 s; 15,000 transactions a
day, so stage 1 (1%, internal staff, 24 h) sees 150. The JSON field names are
those of the contract in DESIGN.md.
"""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import datetime
from typing import TYPE_CHECKING, Any

import pytest

if TYPE_CHECKING:
    from pathlib import Path

    from tests.conftest import RunCli

pytestmark = pytest.mark.slow

START = ("--start", "2026-12-01")


def _json(run_cli: RunCli, command: str, folder: Path) -> dict[str, Any]:
    result = run_cli(command, "--context", folder, *START, "--json")
    assert result.returncode == 0, result.stderr
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def _markdown(run_cli: RunCli, command: str, folder: Path) -> str:
    result = run_cli(command, "--context", folder, *START)
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    return result.stdout


def _by(items: list[dict[str, Any]], key: str, value: str) -> dict[str, Any]:
    return next(item for item in items if item[key] == value)


def test_assess(run_cli: RunCli, seed_dir: Path) -> None:
    text = _markdown(run_cli, "assess", seed_dir)
    for factor in ("User impact", "Revenue impact", "System criticality", "Reversibility"):
        assert f"| {factor} | HIGH |" in text
    assert "**Overall: HIGH**" in text and "**Strategy: canary.**" in text
    assert "| `error_rate` | 0.8% | baseline-metrics.md:10 |" in text

    data = _json(run_cli, "assess", seed_dir)
    assert set(data) == {"feature", "baseline", "traffic", "risk"}
    assert data["feature"]["flag"] == "payment_pipeline_v2"
    assert data["baseline"]["error_rate"] == pytest.approx(0.008)
    assert data["baseline"]["p95_latency_ms"] == pytest.approx(890)
    assert data["baseline"]["daily_transactions"] == pytest.approx(15_000)
    assert data["risk"]["overall"] == "HIGH" and data["risk"]["strategy"] == "canary"
    factors = {f["name"]: f for f in data["risk"]["factors"]}
    for name in ("user_impact", "revenue_impact", "system_criticality", "reversibility"):
        assert factors[name]["level"] == "HIGH" and factors[name]["rationale"], name
        assert factors[name]["evidence"], name


def test_stages(run_cli: RunCli, seed_dir: Path) -> None:
    text = _markdown(run_cli, "stages", seed_dir)
    assert "| 1 | 1% | Tue 2026-12-01 09:00 EST | 2 days | Internal employees" in text
    assert "| 300 |" in text
    assert "```mermaid\ngantt\n" in text
    assert "### Stage notes" in text
    # The decision rules answer "when do we roll back": the criteria section carries them.
    assert "## What each stage can and cannot detect" not in text
    assert "## What each stage can and cannot detect" in _markdown(run_cli, "criteria", seed_dir)

    data = _json(run_cli, "stages", seed_dir)
    first = data["stages"][0]
    assert first["number"] == 1 and first["traffic_percent"] == 1
    # The smoke test needs more than one day at 1% (150 a day): two whole days, 300.
    assert first["duration_hours"] == 48 and first["expected_transactions"] == 300
    assert "internal" in first["audience"].lower()
    assert datetime.fromisoformat(first["start"]) == datetime.fromisoformat(
        "2026-12-01T09:00:00-05:00"
    )
    error = _by(first["success_criteria"], "metric", "error_rate")
    assert error["op"] == "<=" and error["value"] == pytest.approx(0.010)
    assert [s["traffic_percent"] for s in data["stages"]] == [1, 5, 10, 25, 50, 100]
    contract = {
        "number",
        "traffic_percent",
        "duration_hours",
        "audience",
        "start",
        "end",
        "success_criteria",
        "expected_transactions",
        "detectable_error_rate",
        "notes",
    }
    assert all(contract <= set(stage) for stage in data["stages"])
    assert all(
        {"metric", "op", "value"} <= set(t) for s in data["stages"] for t in s["success_criteria"]
    )


def test_criteria(run_cli: RunCli, seed_dir: Path) -> None:
    text = _markdown(run_cli, "criteria", seed_dir)
    assert "Error rate <= 1% (baseline 0.8% + 0.2 points)" in text
    assert "P95 latency <= 979 ms (baseline 890 ms + 10%)" in text
    assert "Error rate > 1.6% (2x baseline 0.8%)" in text
    assert "P95 latency > 1.78 s (2x baseline 890 ms)" in text

    criteria = _json(run_cli, "criteria", seed_dir)["criteria"]
    assert _by(criteria["success"], "metric", "error_rate")["value"] == pytest.approx(0.010)
    assert _by(criteria["success"], "metric", "p95_latency_ms")["value"] == pytest.approx(979)
    rollback = criteria["auto_rollback"]
    assert _by(rollback, "metric", "error_rate")["value"] == pytest.approx(0.016)
    assert _by(rollback, "metric", "p95_latency_ms")["value"] == pytest.approx(1780)
    assert _by(rollback, "metric", "revenue_vs_control")["value"] == pytest.approx(-0.05)
    assert criteria["manual_rollback"]
    assert all(set(t) >= {"metric", "op", "value", "description"} for t in rollback)


def test_monitoring(run_cli: RunCli, seed_dir: Path) -> None:
    text = _markdown(run_cli, "monitoring", seed_dir)
    assert "| WARNING | `ErrorRateWarning` | error rate > 1% |" in text
    assert "| CRITICAL | `ErrorRateCritical` | error rate > 1.6% |" in text
    assert "| WARNING | `P95LatencyWarning` | P95 latency > 979 ms |" in text
    assert "### Technical metrics" in text and "### Business metrics" in text

    monitoring = _json(run_cli, "monitoring", seed_dir)["monitoring"]
    kinds = {m["kind"] for m in monitoring["metrics"]}
    assert kinds == {"technical", "business"}
    alerts = {a["name"]: a for a in monitoring["alerts"]}
    assert alerts["ErrorRateWarning"]["severity"] == "WARNING"
    assert alerts["ErrorRateWarning"]["value"] == pytest.approx(0.010)
    assert alerts["ErrorRateCritical"]["severity"] == "CRITICAL"
    assert alerts["ErrorRateCritical"]["value"] == pytest.approx(0.016)
    assert {1, 2, 3} <= set(monitoring["on_call"]["stages"])
    assert set(monitoring) >= {"metrics", "dashboards", "alerts", "on_call"}
    assert all({"name", "severity", "metric", "op", "value"} <= set(a) for a in alerts.values())


def test_comms(run_cli: RunCli, seed_dir: Path) -> None:
    text = _markdown(run_cli, "comms", seed_dir)
    assert "| Engineering |" in text and "Slack #platform" in text
    assert "#### Pre-rollout announcement" in text and "#### Rollback notification" in text

    communication = _json(run_cli, "comms", seed_dir)["communication"]
    roles = {s["role"] for s in communication["stakeholders"]}
    assert {"Engineering", "Support", "Product", "Leadership"} <= roles
    assert all(
        set(s) >= {"role", "needs", "when", "channel"} for s in communication["stakeholders"]
    )
    names = [t["name"] for t in communication["templates"]]
    assert names == ["pre_rollout", "stage_advancement", "rollback", "completion"]
    assert all({"name", "subject", "body"} <= set(t) for t in communication["templates"])


def test_rollback(run_cli: RunCli, seed_dir: Path) -> None:
    # The seed: "Feature flag toggle returns to legacy processor immediately", dual-write on.
    # Recovery by hand: declare 2 min + flag OFF 1 min + drain check 5 min = 8 min; the drain
    # check waits for the error rate to fall under the 2x rollback line, 1.6%.
    text = _markdown(run_cli, "rollback", seed_dir)
    assert text.startswith("## Rollback procedure\n")
    assert "Expected time to recover: about 8 min" in text
    assert "Turn the flag `payment_pipeline_v2` OFF" in text
    assert "error rate back under 1.6%" in text
    assert "dual-write" in text
    # The same section the sign-off document shows, not a second rendering of it.
    document = _markdown(run_cli, "plan", seed_dir)
    assert text.strip() in document

    data = _json(run_cli, "rollback", seed_dir)
    assert set(data) == {
        "rollback_procedure", "expected_recovery_minutes", "irreversible_recovery_minutes"
    }  # fmt: skip
    assert data["expected_recovery_minutes"] == pytest.approx(8)
    assert data["irreversible_recovery_minutes"] is None  # no irreversible step in the seed
    steps = data["rollback_procedure"]
    assert [s["step"] for s in steps] == list(range(1, len(steps) + 1))
    assert [s["expected_minutes"] for s in steps[:3]] == [2, 1, 5]
    assert all(s["owner"] for s in steps)


def _percent(fraction: float) -> str:
    return f"{fraction * 100:g}%"


def _latency(milliseconds: float) -> str:
    return f"{milliseconds:g} ms" if milliseconds < 1000 else f"{milliseconds / 1000:g} s"


def test_plan_json_carries_the_numbers_of_the_document(run_cli: RunCli, seed_dir: Path) -> None:
    plan = _json(run_cli, "plan", seed_dir)
    document = _markdown(run_cli, "plan", seed_dir)
    for stage in plan["stages"]:
        start = datetime.fromisoformat(stage["start"])
        row = (
            f"| {stage['number']} | {stage['traffic_percent']:g}% | "
            f"{start:%a %Y-%m-%d %H:%M} EST |"  # December in New York: EST
        )
        assert row in document, row
        assert f"| {stage['expected_transactions']:,} |" in document, stage["number"]
    for alert in plan["monitoring"]["alerts"]:
        value = alert["value"]
        if alert["metric"].endswith("_ms"):
            shown = _latency(value)
        elif alert["unit"] in ("fraction", "ratio"):
            shown = _percent(value)
        else:
            shown = f"{value:g}"
        assert f"| `{alert['name']}` | " in document
        assert f"{alert['op']} {shown} |" in document, (alert["name"], shown)


def test_plan_to_file_prints_where_and_the_status_line(
    run_cli: RunCli, seed_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "rollout-plan.md"
    result = run_cli("plan", "--context", seed_dir, *START, "-o", target)
    assert result.returncode == 0, result.stderr
    wrote, status = result.stdout.splitlines()
    assert wrote == f"wrote {target}"
    assert "payment_pipeline_v2" in status and "risk HIGH" in status
    assert "decision: sign-off" in status
    assert target.read_text(encoding="utf-8").startswith("# Rollout plan: ")


@pytest.mark.parametrize(
    "command", ["assess", "stages", "criteria", "monitoring", "comms", "rollback", "plan"]
)
def test_bad_input_is_one_line_naming_the_file(
    run_cli: RunCli, seed_dir: Path, command: str
) -> None:
    (seed_dir / "baseline-metrics.md").unlink()
    result = run_cli(command, "--context", seed_dir, *START)
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("rollout: ")
    assert "baseline-metrics.md" in lines[0]


def test_missing_p95_gets_no_threshold_and_a_recommendation(
    run_cli: RunCli, seed_dir: Path
) -> None:
    baseline = seed_dir / "baseline-metrics.md"
    baseline.write_text(
        baseline.read_text(encoding="utf-8").replace("- P95 latency: 890ms\n", ""),
        encoding="utf-8",
    )
    criteria = _markdown(run_cli, "criteria", seed_dir)
    assert "P95 latency" not in criteria and "not set" not in criteria
    assert "979 ms" not in criteria
    document = _markdown(run_cli, "plan", seed_dir)
    notes = document.split("## Warnings and assumptions", 1)[1].split("## Sign-off", 1)[0]
    assert "baseline.p95_latency_ms" in notes
    assert "add a P95 baseline before stage 2" in notes
    data = _json(run_cli, "criteria", seed_dir)["criteria"]
    assert all(t["metric"] != "p95_latency_ms" for t in data["success"] + data["auto_rollback"])
    assert all(t["value"] is not None for t in data["success"] + data["auto_rollback"])


# --------------------------------------------------------------------------- start-up


def test_plan_imports_neither_anthropic_nor_mcp(seed_dir: Path, tmp_path: Path) -> None:
    script = (
        "import sys\n"
        "from rollout_manager.frontdoors.cli import main\n"
        f"status = main(['plan', '--context', {str(seed_dir)!r}, '--start', '2026-12-01',"
        f" '-o', {str(tmp_path / 'plan.md')!r}])\n"
        "heavy = sorted(m for m in ('anthropic', 'mcp') if m in sys.modules)\n"
        "print(status, heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True, timeout=60
    )
    assert result.stdout.splitlines()[-1] == "0 []"
