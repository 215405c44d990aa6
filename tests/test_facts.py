"""`record_fact` and rollout.yaml declarations: a fact counts only with a quote code finds.

The seed's P95 line is rewritten the way a team might ("95% of payments complete
within 890ms"), which the reader lists as not understood; recording it with its
quote must bring back the P95 gate the seed plan has (979 ms = 890 ms x 1.1, and
1.78 s = 890 ms x 2, the policy's tolerance and multiplier).
"""

from __future__ import annotations

import shutil
from typing import TYPE_CHECKING, Any

import anyio
import yaml
from mcp import Client

from rollout_manager.frontdoors.mcp_server import build_server
from rollout_manager.planning.plan import plan_folder
from rollout_manager.reading.context import read_context
from rollout_manager.tools.catalog import dispatch
from tests.conftest import SEED_DIR, RunCli

if TYPE_CHECKING:
    from pathlib import Path

UNREAD = "- 95% of payments complete within 890ms"
QUOTE = "95% of payments complete within 890ms"
P95 = {"metric": "p95_latency_ms", "value": 890, "unit": "ms", "file": "baseline-metrics.md"}


def _folder(tmp_path: Path) -> Path:
    folder = tmp_path / "team"
    folder.mkdir()
    shutil.copy(SEED_DIR / "feature-description.md", folder)
    text = (SEED_DIR / "baseline-metrics.md").read_text(encoding="utf-8")
    (folder / "baseline-metrics.md").write_text(
        text.replace("- P95 latency: 890ms", UNREAD), encoding="utf-8"
    )
    return folder


def _record(folder: Path, **changes: Any) -> Any:
    arguments = {**P95, "quote": QUOTE, **changes}
    return dispatch("record_fact", arguments, root=folder)


def test_the_unread_line_is_listed_as_not_understood(tmp_path: Path) -> None:
    context = read_context(_folder(tmp_path))
    assert context.baseline.p95_latency_ms is None
    assert [(e.line, e.text) for e in context.not_understood] == [(5, UNREAD)]


def test_a_quote_not_in_the_file_is_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    result = _record(folder, quote="P95 latency: 890ms")
    assert not result.ok and "does not contain the quote" in (result.error or "")
    assert not (folder / "rollout.yaml").exists()


def test_a_value_not_in_the_quote_is_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    for value, unit in ((900, "ms"), (890, "s"), (890, "%")):
        result = _record(folder, value=value, unit=unit)
        assert not result.ok and "does not state" in (result.error or ""), (value, unit)
    assert not (folder / "rollout.yaml").exists()


def test_a_path_outside_the_folder_is_refused(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    (tmp_path / "elsewhere.md").write_text(f"{QUOTE}\n", encoding="utf-8")
    for name in ("../elsewhere.md", str(tmp_path / "elsewhere.md")):
        result = _record(folder, file=name)
        assert not result.ok and "outside" in (result.error or ""), name
    (folder / "link.md").symlink_to(tmp_path / "elsewhere.md")
    result = _record(folder, file="link.md")
    assert not result.ok and "outside" in (result.error or "")
    assert not (folder / "rollout.yaml").exists()


def test_an_accepted_fact_changes_the_next_plan_with_its_evidence(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    before = plan_folder(folder)
    assert all(t.metric != "p95_latency_ms" for t in before.criteria.success)

    result = _record(folder)

    assert result.ok, result.error
    assert result.data["evidence"] == "baseline-metrics.md:5"
    saved = yaml.safe_load((folder / "rollout.yaml").read_text(encoding="utf-8"))
    assert saved["facts"][0]["line"] == 5 and saved["facts"][0]["quote"] == QUOTE
    after = plan_folder(folder)
    advance = next(t for t in after.criteria.success if t.metric == "p95_latency_ms")
    rollback = next(t for t in after.criteria.auto_rollback if t.metric == "p95_latency_ms")
    assert (advance.value, rollback.value) == (979.0, 1780.0)
    assert after.baseline.p95_latency_ms == 890.0
    [metric] = [m for m in after.baseline.metrics if m.key == "p95_latency_ms"]
    assert [(e.file, e.line, e.text) for e in metric.evidence] == [
        ("baseline-metrics.md", 5, QUOTE)
    ]
    # Recording the same metric again replaces it rather than stacking a second entry.
    assert _record(folder).ok
    saved = yaml.safe_load((folder / "rollout.yaml").read_text(encoding="utf-8"))
    assert len(saved["facts"]) == 1


def test_a_recorded_fact_whose_quote_is_edited_away_is_dropped_with_a_warning(
    tmp_path: Path,
) -> None:
    folder = _folder(tmp_path)
    assert _record(folder).ok
    baseline = folder / "baseline-metrics.md"
    baseline.write_text(baseline.read_text(encoding="utf-8").replace(UNREAD, ""), "utf-8")
    plan = plan_folder(folder)
    assert plan.baseline.p95_latency_ms is None
    assert any("recorded fact in rollout.yaml ignored" in w for w in plan.warnings)


def test_recorded_traffic_sets_the_unit_and_sizes_the_stages(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    baseline = folder / "baseline-metrics.md"
    text = baseline.read_text(encoding="utf-8")
    baseline.write_text(
        text.replace("- Daily transaction volume: ~15,000", "- We see around 625 an hour"), "utf-8"
    )
    result = dispatch(
        "record_fact",
        {
            "metric": "traffic",
            "traffic_unit": "payments",
            "value": 625,
            "unit": "per hour",
            "file": "baseline-metrics.md",
            "quote": "We see around 625 an hour",
        },
        root=folder,
    )
    assert result.ok, result.error
    plan = plan_folder(folder)
    # 625 an hour x 24 = 15,000 a day, the seed's volume.
    assert (plan.traffic.unit, plan.traffic.per_day) == ("payments", 15_000.0)
    assert plan.baseline.daily_transactions == 15_000.0
    assert plan.stages[0].expected_transactions > 0


def test_declared_traffic_and_baseline_in_rollout_yaml_win(tmp_path: Path) -> None:
    folder = _folder(tmp_path)
    (folder / "rollout.yaml").write_text(
        "traffic: {unit: checkouts, per_day: 12000}\nbaseline: {p95_latency_ms: 890}\n",
        encoding="utf-8",
    )
    plan = plan_folder(folder)
    assert (plan.traffic.unit, plan.traffic.per_day) == ("checkouts", 12_000.0)
    assert plan.traffic.source == "declared in rollout.yaml"
    advance = next(t for t in plan.criteria.success if t.metric == "p95_latency_ms")
    assert advance.value == 979.0


def test_rollout_context_lists_the_recorded_fact_not_the_gap(
    tmp_path: Path, run_cli: RunCli
) -> None:
    folder = _folder(tmp_path)
    shown = run_cli("context", "--context", folder)
    gap = shown.stdout.split("## Not understood", 1)[1].split("##", 1)[0]
    assert f'baseline-metrics.md:5 "{UNREAD}"' in gap
    assert _record(folder).ok
    shown = run_cli("context", "--context", folder)
    recorded = shown.stdout.split("## Recorded and declared", 1)[1].split("##", 1)[0]
    assert f'baseline-metrics.md:5 "{QUOTE}"' in recorded
    gap = shown.stdout.split("## Not understood", 1)[1].split("##", 1)[0]
    assert "baseline-metrics.md:5" not in gap


def test_record_fact_through_mcp(tmp_path: Path) -> None:
    folder = _folder(tmp_path)

    async def scenario() -> Any:
        async with Client(build_server(folder)) as client:
            return await client.call_tool("record_fact", {**P95, "quote": QUOTE})

    result = anyio.run(scenario)
    assert not result.is_error
    assert result.structured_content["ok"] is True
    assert result.structured_content["data"]["evidence"] == "baseline-metrics.md:5"
    assert plan_folder(folder).baseline.p95_latency_ms == 890.0


def test_ask_offline_answers_with_the_recorded_fact(tmp_path: Path, run_cli: RunCli) -> None:
    folder = _folder(tmp_path)
    question = "What are the success and rollback criteria for each stage?"
    before = run_cli("ask", "--offline", "--context", folder, question)
    assert before.returncode == 0, before.stderr
    assert "979 ms" not in before.stdout
    assert _record(folder).ok
    after = run_cli("ask", "--offline", "--context", folder, question)
    assert after.returncode == 0, after.stderr
    assert "979 ms" in after.stdout and "1.78 s" in after.stdout
