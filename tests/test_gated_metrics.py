"""One list of gated metrics: criteria, decisions, alerts, exports and `rollout gate` agree.

Expected values are worked out by hand from the documents and the policy defaults
(tolerance 0.2 points, rollback at 2x the baseline), not read back from the code.
"""

from __future__ import annotations

from datetime import UTC, date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
import yaml

from rollout_manager.exports.bundle import export_plan
from rollout_manager.exports.rules import export_rules
from rollout_manager.gates.observed import Arm, Observation
from rollout_manager.gates.stage import judge_stage
from rollout_manager.planning.metrics_source import MetricsSource
from rollout_manager.planning.plan import plan_folder
from rollout_manager.planning.policy import load_policy
from rollout_manager.render.sections import render_section
from tests.gate_support import copy_seed

if TYPE_CHECKING:
    from rollout_manager.model import RolloutPlan

TODAY = date(2026, 11, 2)
_WEBHOOK_FEATURE = """# Webhook sender rewrite

We rewrite the service that sends order webhooks to merchants. Turning the flag
off sends through the old service again within 5 minutes.

Flag: webhook_sender_v2
"""
_WEBHOOK_BASELINE = """# Baseline

- Webhooks sent: 200,000 per day
- Error rate: 0.4%
- Webhook retry rate: 0.5%
"""
_MAPPED = """start: 2026-12-01
metrics_source:
  metrics:
    webhook_retry_rate:
      events: webhook_retries_total
"""


@pytest.fixture(scope="module")
def seed_plan(tmp_path_factory: pytest.TempPathFactory) -> RolloutPlan:
    return plan_folder(copy_seed(tmp_path_factory.mktemp("seed") / "seed"), today=TODAY)


@pytest.fixture(scope="module")
def webhook(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, RolloutPlan]:
    folder = tmp_path_factory.mktemp("webhook")
    (folder / "feature-description.md").write_text(_WEBHOOK_FEATURE, encoding="utf-8")
    (folder / "baseline-metrics.md").write_text(_WEBHOOK_BASELINE, encoding="utf-8")
    (folder / "rollout.yaml").write_text(_MAPPED, encoding="utf-8")
    return folder, plan_folder(folder, today=TODAY)


def _engine_triggers(plan: RolloutPlan) -> set[str]:
    return {t.metric for t in plan.criteria.auto_rollback if t.acted_by == "engine"}


def test_seed_criteria_decisions_and_alerts_name_the_same_metrics(seed_plan: RolloutPlan) -> None:
    decided = [{d.metric for d in stage.decisions} for stage in seed_plan.stages]
    assert all(metrics == decided[0] for metrics in decided)
    # The seed states an error rate, a P95 and an error breakdown with expected declines.
    assert decided[0] == {"error_rate", "change_error_rate", "p95_latency_ms"}
    assert _engine_triggers(seed_plan) == decided[0]
    assert decided[0] <= {t.metric for t in seed_plan.criteria.success}
    alerts = seed_plan.monitoring.alerts
    engine_alerts = {a.metric for a in alerts if a.action.startswith("Rolled back by the engine")}
    assert engine_alerts == decided[0]
    assert set(export_rules(seed_plan).metrics) == decided[0]


def test_seed_change_caused_lines_match_its_decision(seed_plan: RolloutPlan) -> None:
    # 0.8% baseline, 35% of errors not marked expected: 0.28%; advance 0.28% + 0.2 points,
    # rollback 2 x 0.28%.
    success = {t.metric: t for t in seed_plan.criteria.success}
    rollback = {t.metric: t for t in seed_plan.criteria.auto_rollback}
    assert success["change_error_rate"].value == pytest.approx(0.0048)
    assert rollback["change_error_rate"].value == pytest.approx(0.0056)
    decision = next(d for d in seed_plan.stages[1].decisions if d.metric == "change_error_rate")
    assert decision.advance_threshold == pytest.approx(0.0048)
    assert decision.rollback_threshold == pytest.approx(0.0056)


def test_seed_keeps_its_revenue_and_data_loss_triggers_with_who_executes_them(
    seed_plan: RolloutPlan,
) -> None:
    triggers = {t.metric: t for t in seed_plan.criteria.auto_rollback}
    assert triggers["revenue_vs_control"].acted_by == "incident_commander"
    assert triggers["data_integrity_errors"].acted_by == "incident_commander"
    assert all(t.acted_by for t in seed_plan.criteria.auto_rollback)


def test_no_trigger_says_automatic_where_nothing_executes_it(seed_plan: RolloutPlan) -> None:
    exported = set(export_rules(seed_plan).metrics)
    people = [t for t in seed_plan.criteria.auto_rollback if t.acted_by != "engine"]
    assert people, "the seed has triggers a person executes"
    assert not {t.metric for t in people} & exported
    alerts = {a.metric: a for a in seed_plan.monitoring.alerts if a.severity == "CRITICAL"}
    criteria_md = render_section(seed_plan, "criteria")
    comms = next(t for t in seed_plan.communication.templates if t.name == "pre_rollout").body
    automatic = next(line for line in comms.splitlines() if "roll back automatically" in line)
    engine_part = automatic.split(". ")[0]
    for trigger in people:
        action = alerts[trigger.metric].action
        assert "automatic" not in action.lower()
        assert "incident commander" in action
        row = next(line for line in criteria_md.splitlines() if trigger.description in line)
        assert "automatic" not in row.lower()
        group = next(
            g for g in criteria_md.split("Rolled back by ")[1:] if trigger.description in g
        )
        assert group.startswith("the incident commander")
        assert trigger.description.lower() not in engine_part.lower()
        assert trigger.description.lower() in automatic.lower()
    assert "### Automatic rollback" not in criteria_md
    files = export_plan(seed_plan, MetricsSource(), ["prometheus", "argo"], placeholder=True)
    headed = [f for f in files if f.path == "prometheus/stage-2.rules.yml"]
    assert len(headed) == 1
    for file in headed:
        header = [line for line in file.text.splitlines() if line.startswith("#")]
        for trigger in people:
            said = next(line for line in header if trigger.description in line)
            assert "no engine executes it" in said and "incident commander" in said


def test_a_team_rate_gets_a_decision_alert_export_and_gate_verdict(
    webhook: tuple[Path, RolloutPlan],
) -> None:
    folder, plan = webhook
    key = "webhook_retry_rate"
    # 0.5% baseline: advance at 0.5% + 0.2 points, roll back at 2 x 0.5%.
    success = {t.metric: t for t in plan.criteria.success}
    rollback = {t.metric: t for t in plan.criteria.auto_rollback}
    assert success[key].value == pytest.approx(0.007)
    assert rollback[key].value == pytest.approx(0.01)
    assert rollback[key].acted_by == "engine"
    for stage in plan.stages:
        decision = next(d for d in stage.decisions if d.metric == key)
        assert decision.baseline_rate == pytest.approx(0.005)
        assert decision.rollback_threshold == pytest.approx(0.01)
    names = {(a.severity, a.metric) for a in plan.monitoring.alerts}
    assert ("CRITICAL", key) in names
    assert ("WARNING", key) in names
    assert set(export_rules(plan).metrics) == {"error_rate", key}
    files = export_plan(plan, load_policy(folder).metrics_source, ["prometheus"])
    stage_rules = next(f for f in files if f.path == "prometheus/stage-2.rules.yml")
    alerts = [r for g in yaml.safe_load(stage_rules.text)["groups"] for r in g["rules"]]
    critical = next(r for r in alerts if r["alert"] == "RolloutWebhookRetryRateCritical")
    assert "webhook_retries_total" in critical["expr"]


def _verdict(plan: RolloutPlan, n: int, failures: int) -> str:
    stage = plan.stages[1]
    observation = Observation(
        canary=Arm(n, {"webhook_retry_rate": failures}), control=None, source="test"
    )
    at = stage.start.astimezone(UTC)
    result = judge_stage(plan, 2, observation, at=at, since=at, calendar=None, min_dwell_hours=0)
    return next(m.verdict for m in result.metrics if m.metric == "webhook_retry_rate")


def test_the_gate_judges_a_team_rate_at_its_boundary(webhook: tuple[Path, RolloutPlan]) -> None:
    _, plan = webhook
    decision = next(d for d in plan.stages[1].decisions if d.metric == "webhook_retry_rate")
    first = decision.rollback_boundary[0]
    # "k or more within the first n": k rolls back, k - 1 does not.
    assert _verdict(plan, first.n, first.k) == "rollback"
    assert _verdict(plan, first.n, first.k - 1) != "rollback"
    assert _verdict(plan, 10, 0) != "rollback"


def test_a_small_conversion_is_judged_on_its_failures_above_their_baseline(
    tmp_path: Path,
) -> None:
    case = Path(__file__).parent / "corpus" / "cases" / "checkout-button"
    (tmp_path / "feature-description.md").write_text(
        (case / "feature-description.md").read_text(encoding="utf-8"), encoding="utf-8"
    )
    baseline = (case / "baseline-metrics.md").read_text(encoding="utf-8")
    (tmp_path / "baseline-metrics.md").write_text(
        baseline.replace("Checkout conversion: 2.8%", "Checkout conversion: 0.5%"), encoding="utf-8"
    )
    plan = plan_folder(tmp_path, today=TODAY)
    # 99.5% failures; rollback at the shortfall's cap, halfway to 100%: 99.75% failures,
    # a conversion below 0.25%.
    rollback = next(t for t in plan.criteria.auto_rollback if t.metric == "conversion_rate")
    assert rollback.value == pytest.approx(0.0025)
    assert rollback.acted_by == "engine"
    for stage in plan.stages:
        decision = next(d for d in stage.decisions if d.metric == "conversion_rate")
        assert decision.baseline_rate == pytest.approx(0.995)
        assert decision.alternative_rate > decision.baseline_rate
        assert decision.rollback_threshold == pytest.approx(0.9975)


def test_a_lag_counts_cannot_judge_is_the_on_call_engineers_everywhere() -> None:
    case = Path(__file__).parent / "corpus" / "cases" / "kafka-notifications"
    plan = plan_folder(case, today=TODAY)
    lag = next(t for t in plan.criteria.auto_rollback if t.metric == "consumer_lag")
    assert lag.acted_by == "on_call"
    assert all(d.metric != "consumer_lag" for s in plan.stages for d in s.decisions)
    critical = next(
        a for a in plan.monitoring.alerts if a.metric == "consumer_lag" and a.severity == "CRITICAL"
    )
    assert "on-call engineer" in critical.action and "automatic" not in critical.action.lower()
    criteria_md = render_section(plan, "criteria")
    group = next(g for g in criteria_md.split("Rolled back by ")[1:] if lag.description in g)
    assert group.startswith("the on-call engineer")
    body = next(t for t in plan.communication.templates if t.name == "pre_rollout").body
    advance = next(line for line in body.splitlines() if line.startswith("We advance only if"))
    assert "consumer lag" not in advance.lower()
    paged = next(line for line in body.splitlines() if "roll back automatically" in line)
    assert "The on-call engineer rolls back on the page for: consumer lag" in paged
    assert "consumer_lag" not in export_rules(plan).metrics
