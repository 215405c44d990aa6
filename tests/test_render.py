"""The plan document and its sections, rendered in-process from the seed scenario.

Expected values are worked out by hand from the seed documents: baseline error
rate 0.8% gives a success limit of 1% (+0.2 points) and a rollback trigger of
1.6% (2x); P95 890 ms gives 979 ms (+10%) and 1.78 s (2x); 15,000 transactions a
day at 1% for 24 h is 150 transactions in stage 1, served to internal staff.
"""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest
from jinja2 import StrictUndefined, nodes

from rollout_manager import formatting
from rollout_manager.model import Evidence, RolloutPlan
from rollout_manager.planning.plan import plan_folder
from rollout_manager.render.environment import template_environment as _environment
from rollout_manager.render.plan_view import (
    evidence_refs,
    gantt_duration,
    gate_matrix,
    label,
    value_text,
)
from rollout_manager.render.sections import (
    render_document,
    render_section,
    status_line,
)

START = date(2026, 12, 1)
TODAY = date(2026, 11, 27)
TEMPLATES = (
    Path(__file__).resolve().parent.parent / "src" / "rollout_manager" / "render" / "templates"
)

DOCUMENT_HEADINGS = [
    "# Rollout plan: New Payment Processing Pipeline",
    "## Executive summary",
    "## Risk assessment",
    "## Rollout stages",
    "## Success and rollback criteria",
    "## What each stage can and cannot detect",
    "## Monitoring plan",
    "## Communication plan",
    "## Stage gate checklist",
    "## Rollback procedure",
    "## Execution",
    "## Warnings and assumptions",
    "## Sign-off",
    "## Next steps",
]


@pytest.fixture(scope="module")
def plan() -> RolloutPlan:
    seed = Path(__file__).resolve().parent.parent / "scenarios" / "progressive-rollout"
    return plan_folder(seed, start=START, today=TODAY)


@pytest.fixture(scope="module")
def document(plan: RolloutPlan) -> str:
    return render_document(plan)


def _section(document: str, heading: str) -> str:
    """The text of one `## ` section, up to the next `## ` heading."""
    start = document.index(f"\n{heading}\n")
    end = document.find("\n## ", start + 1)
    return document[start : end if end != -1 else None]


def _table_rows(text: str) -> list[list[str]]:
    """The cells of every Markdown table row in `text` (delimiter rows left out)."""
    return [
        [cell.strip() for cell in line.strip().strip("|").split("|")]
        for line in text.splitlines()
        if line.startswith("|") and not re.fullmatch(r"\|(\s*-+\s*\|)+", line)
    ]


def test_document_sections_come_in_the_sign_off_order(document: str) -> None:
    headings = [line for line in document.splitlines() if re.match(r"#{1,2} ", line)]
    assert headings == DOCUMENT_HEADINGS


def test_status_line_names_feature_flag_risk_dates_and_decision(plan: RolloutPlan) -> None:
    line = status_line(plan)
    assert "\n" not in line
    for part in (
        "New Payment Processing Pipeline",
        "payment_pipeline_v2",
        "risk HIGH",
        "canary",
        "6 stages",
        "Tue 2026-12-01 09:00 EST",
        "decision: sign-off",
    ):
        assert part in line, part
    last_gate = plan.stages[-1].end.strftime("%a %Y-%m-%d %H:%M %Z")
    assert line.index("Tue 2026-12-01 09:00 EST") < line.index(last_gate)


def test_document_opens_with_title_and_status_line(plan: RolloutPlan, document: str) -> None:
    assert document.startswith("# Rollout plan: New Payment Processing Pipeline\n")
    assert status_line(plan) in document.split("## Executive summary", 1)[0]


def test_executive_summary_is_short_and_states_exposure(plan: RolloutPlan, document: str) -> None:
    summary = _section(document, "## Executive summary")
    assert (
        len(summary.split()) <= 360
    )  # half a page, plus the decisions and before-you-sign paragraphs
    assert "Migrating from legacy payment processor (PaymentCo)" in summary
    assert "HIGH" in summary and "canary" in summary.lower()
    assert "1% → 5% → 10% → 25% → 50% → 100%" in summary
    assert "error rate <= 1%" in summary and "P95 latency <= 979 ms" in summary
    assert "error rate > 1.6%" in summary and "P95 latency > 1.78 s" in summary
    assert plan.worst_case_exposure and plan.worst_case_exposure in summary


def test_risk_table_has_each_factor_with_level_and_file_line_evidence(document: str) -> None:
    risk = _section(document, "## Risk assessment")
    rows = {row[0]: row for row in _table_rows(risk)}
    for factor in ("User impact", "Revenue impact", "System criticality", "Reversibility"):
        assert rows[factor][1] == "HIGH", factor
        assert re.fullmatch(r"[\w-]+\.md:\d+.*", rows[factor][3]), rows[factor]
    assert "feature-description.md:25" in rows["Reversibility"][3]  # the flag toggle line
    assert "**Overall: HIGH**" in risk and "**Strategy: canary.**" in risk
    assert "score 10" in risk  # 2+2+2+0+2+2 points, listed in the table


def test_baseline_facts_cite_their_lines(document: str) -> None:
    rows = {row[0]: row[1:] for row in _table_rows(_section(document, "## Risk assessment"))}
    assert rows["`error_rate`"] == ["0.8%", "baseline-metrics.md:10"]
    assert rows["`p95_latency_ms`"] == ["890 ms", "baseline-metrics.md:5"]
    assert rows["`p99_latency_ms`"] == ["1.2 s", "baseline-metrics.md:6"]
    assert rows["`daily_transactions`"] == ["15,000", "baseline-metrics.md:14"]
    assert rows["`daily_revenue`"] == ["$1,000,000", "baseline-metrics.md:16"]


def test_stage_table_shows_the_first_stage_as_worked_out_by_hand(document: str) -> None:
    stages = _section(document, "## Rollout stages")
    rows = _table_rows(stages)
    assert rows[0] == [
        "Stage",
        "Traffic",
        "Start",
        "Duration",
        "Audience",
        "Expected txns",
        "Detects",
    ]
    first = rows[1]
    assert first[:4] == ["1", "1%", "Tue 2026-12-01 09:00 EST", "2 days"]
    assert first[4].startswith("Internal employees")
    assert first[5] == "300"  # 15,000 a day x 1% x 2 days
    assert [row[1] for row in rows[1:7]] == ["1%", "5%", "10%", "25%", "50%", "100%"]


def test_stage_and_risk_tables_fit_a_terminal(document: str) -> None:
    for heading in ("## Rollout stages", "## Risk assessment", "## Success and rollback criteria"):
        for line in _section(document, heading).splitlines():
            if line.startswith("|"):
                assert len(line) <= 120, line


def test_gate_matrix_marks_which_stage_checks_which_criterion(document: str) -> None:
    stages = _section(document, "## Rollout stages")
    rows = {row[0]: row[1:] for row in _table_rows(stages)}
    assert rows["Error rate <= 1% (baseline 0.8% + 0.2 points)"] == ["✓"] * 6
    assert rows["P95 latency <= 979 ms (baseline 890 ms + 10%)"] == ["✓"] * 6


def test_criteria_show_thresholds_with_their_derivation(document: str) -> None:
    criteria = _section(document, "## Success and rollback criteria")
    success, rest = criteria.split("### Rollback triggers", 1)
    automatic, manual = rest.split("### Manual rollback", 1)
    assert "all must pass to advance" in success
    assert "| Error rate <= 1% (baseline 0.8% + 0.2 points) | baseline-metrics.md:10 |" in success
    assert "| P95 latency <= 979 ms (baseline 890 ms + 10%) | baseline-metrics.md:5 |" in success
    assert "Error rate > 1.6% (2x baseline 0.8%)" in automatic
    assert "P95 latency > 1.78 s (2x baseline 890 ms)" in automatic
    engine, paged = automatic.split("Rolled back by the incident commander, on the page:", 1)
    assert "Rolled back by the engine, at the stage's rollback boundary:" in engine
    assert "Revenue drop > 5%" in paged and "Revenue drop" not in engine
    assert "data loss or corruption" in paged
    assert "Customer complaints about charges" in manual
    assert "Security incident" in manual and "Regulatory" in manual


def test_detection_section_gives_power_and_the_decision_rules(
    plan: RolloutPlan, document: str
) -> None:
    detect = _section(document, "## What each stage can and cannot detect")
    summary = {row[0]: row for row in _table_rows(detect)}
    # Two days at 1% are 300 transactions; the boundary's chance to catch 2x is the plan's.
    assert summary["1"][4] == "300"
    assert summary["1"][6] == formatting.chance(plan.stages[0].power_at_rollback_threshold or 0)
    stage2 = detect.split("### Stage 2 ", 1)[1].split("### Stage 3 ", 1)[0]
    rules = {row[0]: row[1:] for row in _table_rows(stage2)}
    error = next(d for d in plan.stages[1].decisions if d.metric == "error_rate")
    shown = ", ".join(f"{p.k} / {p.n:,}" for p in error.rollback_boundary)
    assert rules["Error rate"][2] == shown
    assert rules["Error rate"][3] == (
        f"{error.gate.min_transactions:,}, fewer than {error.gate.hold_at_errors}"
    )
    # What the tables mean is said once, before the first of them.
    assert "within the first n transactions" in detect.split("### Stage 1 ", 1)[0]


def test_monitoring_has_both_kinds_of_metric_and_both_alert_levels(document: str) -> None:
    monitoring = _section(document, "## Monitoring plan")
    assert "### Technical metrics" in monitoring and "### Business metrics" in monitoring
    assert "`revenue_vs_control`" in monitoring
    alerts = {row[1]: row for row in _table_rows(monitoring) if row[0] in ("WARNING", "CRITICAL")}
    assert alerts["`ErrorRateWarning`"][:3] == ["WARNING", "`ErrorRateWarning`", "error rate > 1%"]
    assert alerts["`ErrorRateCritical`"][2] == "error rate > 1.6%"
    assert alerts["`P95LatencyWarning`"][2] == "P95 latency > 979 ms"
    assert alerts["`P95LatencyCritical`"][2] == "P95 latency > 1.78 s"
    assert "stages 1, 2, 3" in monitoring and "Escalation" in monitoring


def test_communication_has_roles_real_dates_and_four_filled_templates(document: str) -> None:
    comms = _section(document, "## Communication plan")
    roles = [row[0] for row in _table_rows(comms.split("### Calendar")[0])]
    assert {"Engineering", "Support", "Product", "Leadership"} <= set(roles)
    assert re.search(r"\| \w{3} 2026-1[12]-\d\d \| ", comms)  # the calendar has real dates
    assert comms.count("```text\nSubject: ") == 4
    assert "starts Tue 2026-12-01 09:00 EST" in comms  # pre-rollout template, filled in


def test_gate_checklist_starts_before_stage_one_and_covers_every_stage(document: str) -> None:
    checklist = _section(document, "## Stage gate checklist")
    headings = re.findall(r"^### Stage (\d+)", checklist, re.MULTILINE)
    assert headings == ["0", "1", "2", "3", "4", "5", "6"]
    assert "### Stage 0: Before stage 1" in checklist
    assert checklist.count("- [ ] ") >= 7 * 2


def test_rollback_procedure_is_numbered_with_owner_minutes_and_recovery(document: str) -> None:
    rollback = _section(document, "## Rollback procedure")
    steps = re.findall(r"^(\d+)\. ", rollback, re.MULTILINE)
    assert steps == [str(n) for n in range(1, len(steps) + 1)] and len(steps) >= 3
    assert "Turn the flag `payment_pipeline_v2` OFF" in rollback
    assert "Owner: On-call engineer; 1 min." in rollback
    assert "Expected time to recover: about 8 min" in rollback  # 2 + 1 + 5 min, steps 1-3


def test_sign_off_table_has_blank_cells_to_fill(document: str) -> None:
    rows = _table_rows(_section(document, "## Sign-off"))
    assert rows[0] == ["Role", "Name", "Date", "Decision"]
    assert all(row[1:] == ["", "", ""] for row in rows[1:]) and len(rows) > 3


def test_sections_show_the_same_text_as_the_document(plan: RolloutPlan, document: str) -> None:
    for name, heading in (
        ("assess", "## Risk assessment"),
        ("monitoring", "## Monitoring plan"),
        ("comms", "## Communication plan"),
    ):
        assert render_section(plan, name).strip() == _section(document, heading).strip(), name
    stages = render_section(plan, "stages")
    assert stages.startswith(_section(document, "## Rollout stages").strip())
    # Shown alone, the criteria carry each stage's decision rules, which the document gives
    # in a section of their own right after the criteria; the stage notes go with the stages.
    criteria = render_section(plan, "criteria")
    detection = _section(document, "## What each stage can and cannot detect")
    assert criteria.startswith(_section(document, "## Success and rollback criteria").strip())
    for line in detection.splitlines():
        if line.startswith(("|", "### Stage ")):
            assert line in criteria, line
    for stage in plan.stages:
        for note in stage.notes:
            assert note not in criteria, note
            # The notes that restate a stage's row of the stage table are left to the table.
            restates = note.startswith(("About ", "Chance its rollback boundary catches"))
            assert (note in stages) != restates, note
    assert "## What each stage can and cannot detect" not in stages


def test_unknown_section_is_refused(plan: RolloutPlan) -> None:
    with pytest.raises(ValueError, match="unknown section 'risk'"):
        render_section(plan, "risk")


def test_no_run_of_blank_lines(plan: RolloutPlan, document: str) -> None:
    for text in [document, *(render_section(plan, s) for s in ("assess", "stages", "comms"))]:
        assert "\n\n\n" not in text
        assert text.endswith("\n") and not text.endswith("\n\n")


def test_missing_p95_renders_a_recommendation_and_invents_nothing(
    seed_dir: Path,
) -> None:
    baseline = seed_dir / "baseline-metrics.md"
    text = baseline.read_text(encoding="utf-8")
    baseline.write_text(text.replace("- P95 latency: 890ms\n", ""), encoding="utf-8")
    document = render_document(plan_folder(seed_dir, start=START, today=TODAY))
    criteria = _section(document, "## Success and rollback criteria")
    assert "not set" not in criteria and "P95 latency" not in criteria
    notes = _section(document, "## Warnings and assumptions")
    assert "baseline.p95_latency_ms" in notes
    assert "add a P95 baseline before stage 2" in notes
    assert "P95LatencyWarning" not in document
    assert "979 ms" not in document and "1.78 s" not in document
    rows = {row[0]: row[1:] for row in _table_rows(_section(document, "## Risk assessment"))}
    assert rows["`p95_latency_ms`"] == ["–", "not stated in the documents"]


# --------------------------------------------------------------------------- templates


def test_templates_contain_no_arithmetic() -> None:
    environment = _environment()
    arithmetic = (nodes.Add, nodes.Sub, nodes.Mul, nodes.Div, nodes.FloorDiv, nodes.Mod)
    for path in sorted(TEMPLATES.glob("*.md.j2")):
        tree = environment.parse(path.read_text(encoding="utf-8"))
        found: list[nodes.Node] = list(tree.find_all(arithmetic))
        found += [f for f in tree.find_all(nodes.Filter) if f.name in ("sum", "round", "abs")]
        assert not found, f"{path.name} computes: {found}"


def test_environment_is_strict_markdown() -> None:
    environment = _environment()
    assert environment.undefined is StrictUndefined
    assert environment.trim_blocks and environment.lstrip_blocks
    assert not environment.autoescape


def test_filters_are_the_core_formatters() -> None:
    filters = _environment().filters
    for name in ("pct", "points", "ms", "money", "count", "hours", "when", "day", "chance"):
        assert filters[name] is getattr(formatting, name), name


@pytest.mark.parametrize(
    ("value", "unit", "expected"),
    [
        (0.016, "fraction", "1.6%"),
        (-0.05, "ratio", "-5%"),
        (979.0, "ms", "979 ms"),
        (1780.0, "ms", "1.78 s"),
        (15000.0, "count", "15,000"),
        (1_000_000.0, "USD", "$1,000,000"),
        (10.4166, "per_minute", "10.4/min"),
        (None, "ms", "not set"),
    ],
)
def test_value_text_by_unit(value: float | None, unit: str, expected: str) -> None:
    assert value_text(value, unit) == expected


def test_labels_and_evidence_references() -> None:
    assert label("p95_latency_ms") == "P95 latency"
    assert label("revenue_vs_control") == "revenue vs control"
    evidence = [
        Evidence(file="feature-description.md", line=14, text="a"),
        Evidence(file="baseline-metrics.md", line=16, text="b"),
        Evidence(file="feature-description.md", line=4, text="c"),
        Evidence(file="feature-description.md", line=14, text="a"),
    ]
    assert evidence_refs(evidence) == "feature-description.md:4, 14; baseline-metrics.md:16"


def test_gantt_duration_is_whole_hours_or_minutes() -> None:
    assert gantt_duration(24.0) == "24h"
    assert gantt_duration(31.81) == "1909m"  # 31.81 h x 60


def test_gate_matrix_lists_each_criterion_once(plan: RolloutPlan) -> None:
    rows = gate_matrix(plan.stages)
    metrics = [row.threshold.metric for row in rows]
    assert len(metrics) == len(set(metrics))
    revenue = next(row for row in rows if row.threshold.metric == "revenue_vs_control")
    checked = [s.number for s, on in zip(plan.stages, revenue.checked, strict=True) if on]
    assert checked == [s.number for s in plan.stages if revenue.threshold in s.success_criteria]
