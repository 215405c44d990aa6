"""Scenario criteria and files worded any way: checks by meaning, UNCHECKED, MODEL-JUDGED."""

from __future__ import annotations

import argparse
import json
import os
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from rollout_manager.agent.offline_planner import OfflinePlanner
from rollout_manager.agent.protocol import ToolCall
from rollout_manager.frontdoors.cli_scenario import run_scenario_command
from rollout_manager.planning.plan import plan_folder
from rollout_manager.scenario.checks import RunRecord, evaluate, match_checks
from rollout_manager.scenario.format import parse_scenario, read_scenario
from rollout_manager.scenario.judge import judge_unchecked, model_judge
from rollout_manager.scenario.runner import conversation_session, junit_xml, run_scenario
from rollout_manager.tools.catalog import dispatch

REPO = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
REWORDED = DATA / "scenarios" / "reworded-seed" / "scenario.md"
SEED = REPO / "scenarios" / "progressive-rollout" / "scenario.md"
TODAY = date(2026, 11, 27)
ALL_TOOLS = (
    "assess_risk", "design_stages", "define_criteria", "plan_monitoring",
    "plan_communication", "render_plan",
)  # fmt: skip
PARAPHRASES = yaml.safe_load((DATA / "criteria" / "paraphrases.yaml").read_text("utf-8"))
UNRELATED = yaml.safe_load((DATA / "criteria" / "unrelated.yaml").read_text("utf-8"))


def _record(folder: Path) -> RunRecord:
    calls = []
    for name in ALL_TOOLS:
        result = dispatch(name, {}, root=folder, today=TODAY)
        calls.append(ToolCall(name=name, ok=result.ok, error=result.error, data=result.data))
    return RunRecord(plan=plan_folder(folder, today=TODAY), calls=tuple(calls))


# --------------------------------------------------------------------------- matching


def test_there_are_three_wordings_or_more_of_every_scenario_criterion() -> None:
    per_check: dict[str, int] = {}
    for row in PARAPHRASES:
        for key in row["checks"]:
            per_check[key] = per_check.get(key, 0) + 1
    needed = {
        key
        for path in (REPO / "scenarios").glob("*/scenario.md")
        for criterion in read_scenario(path).criteria
        for key in [c.key for c, _ in match_checks(criterion.text).checks]
    }

    assert {key: per_check.get(key, 0) for key in needed if per_check.get(key, 0) < 3} == {}


@pytest.mark.parametrize("row", PARAPHRASES, ids=lambda row: row["line"][:50])
def test_a_reworded_criterion_matches_its_checks(row: dict[str, Any]) -> None:
    found = match_checks(row["line"]).checks

    assert sorted(check.key for check, _ in found) == sorted(row["checks"])


@pytest.mark.parametrize("line", UNRELATED)
def test_an_unrelated_line_is_unchecked_with_the_closest_check_named(
    line: str, seed_dir: Path
) -> None:
    result = evaluate(line, _record(seed_dir))

    assert result.status == "UNCHECKED" and result.label == "UNCHECKED"
    assert not result.passed and result.check is None
    assert result.closest is not None
    assert result.evidence == f"no check covers this criterion (closest: {result.closest})"


def test_a_criterion_that_needs_two_checks_passes_only_when_both_pass(seed_dir: Path) -> None:
    run = _record(seed_dir)
    # The seed plan has 6 stages ending at 100%: worked out from its stage table.
    both = evaluate("At least 5 stages, with the final stage at 100% of traffic", run)
    too_many = evaluate("At least 7 stages, with the final stage at 100% of traffic", run)

    assert both.status == "PASS" and both.check == "stage_count+final_stage_full"
    assert too_many.status == "FAIL"
    assert "stage_count: FAIL" in too_many.evidence
    assert "final_stage_full: ok (stage 6: 100% of traffic)" in too_many.evidence


# --------------------------------------------------------------------------- scenario files


def test_the_reworded_seed_passes_every_criterion_offline() -> None:
    scenario = read_scenario(REWORDED)
    session = conversation_session(OfflinePlanner(today=TODAY), today=TODAY)

    run = run_scenario(scenario, session, mode="offline", today=TODAY)

    assert len(run.results) == 12
    assert [r.status for r in run.results] == ["PASS"] * 12, [
        (r.criterion, r.evidence) for r in run.results if not r.passed
    ]
    called = [[c.name for c in step.outcome.calls if c.ok] for step in run.steps]
    assert called == [[tool] for tool in ALL_TOOLS]
    # The seed's prompts are not the reworded ones: it is not the seed run again.
    seed_prompts = {step.prompt for step in read_scenario(SEED).steps}
    assert not seed_prompts & {step.prompt for step in scenario.steps}


def test_the_format_variations_read_like_the_seed() -> None:
    reworded, seed = read_scenario(REWORDED), read_scenario(SEED)

    # Two Setup blocks, any subagent_type, criteria under "Acceptance".
    assert reworded.files == seed.files
    assert len(reworded.steps) == 6
    assert len(reworded.criteria) == 12


def test_plain_bullets_count_under_acceptance_and_prompts_may_use_a_colon() -> None:
    text = (
        "---\nname: x\n---\n## Setup\n\n```bash\ncat > feature-description.md <<'EOF'\n"
        "# Feature: X\nEOF\ncat > baseline-metrics.md <<'EOF'\n- Error rate: 1%\nEOF\n```\n\n"
        '## Steps\n\n```\nsubagent_type: "my-plugin:rollout-manager"\nprompt: "How risky?"\n'
        "```\n\n## Acceptance Criteria\n\n- Overall risk rating provided\n1. Alerts exist\n"
    )
    scenario = parse_scenario(text, path=Path("s.md"))

    assert sorted(scenario.files) == ["baseline-metrics.md", "feature-description.md"]
    assert [s.prompt for s in scenario.steps] == ["How risky?"]
    assert [c.text for c in scenario.criteria] == ["Overall risk rating provided", "Alerts exist"]


# --------------------------------------------------------------------------- exit status


def _with_unrelated_line(tmp_path: Path) -> Path:
    text = SEED.read_text(encoding="utf-8").replace(
        "- [ ] Stage gate checklist provided for each advancement",
        "- [ ] Stage gate checklist provided for each advancement\n"
        "- [ ] The team feels confident about the launch",
    )
    target = tmp_path / "scenario.md"
    target.write_text(text, encoding="utf-8")
    return target


def _command(path: Path, **options: Any) -> argparse.Namespace:
    values = {"path": path, "offline": True, "model": None, "json": True, "junit": None,
              "keep": None, "allow_unchecked": False}  # fmt: skip
    values.update(options)
    return argparse.Namespace(**values)


@pytest.mark.parametrize(("allow", "status"), [(False, 1), (True, 0)])
def test_an_unchecked_line_fails_the_run_unless_allowed_and_is_never_judged_offline(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], allow: bool, status: int
) -> None:
    code = run_scenario_command(_command(_with_unrelated_line(tmp_path), allow_unchecked=allow))
    report = json.loads(capsys.readouterr().out)

    assert code == status
    assert (report["passed"], report["failed"], report["unchecked"]) == (12, 0, 1)
    last = report["criteria"][-1]
    assert last["status"] == "UNCHECKED" and last["closest"]


def test_junit_marks_an_unchecked_line_skipped(tmp_path: Path) -> None:
    scenario = read_scenario(_with_unrelated_line(tmp_path))
    session = conversation_session(OfflinePlanner(today=TODAY), today=TODAY)
    run = run_scenario(scenario, session, mode="offline", today=TODAY)

    xml = junit_xml(run)

    assert 'skipped="1"' in xml and 'failures="0"' in xml
    assert '<skipped message="UNCHECKED: no check covers this criterion' in xml


# --------------------------------------------------------------------------- model judge


@pytest.fixture
def vcr_config() -> dict[str, Any]:
    """Cassettes never hold credentials; the one request replays by method and path."""
    return {
        "filter_headers": ["authorization", "x-api-key", "anthropic-organization-id", "request-id"],
        "match_on": ["method", "path"],
        "allow_playback_repeats": False,
    }


class _Spy:
    """A model client that keeps what it was sent."""

    def __init__(self, client: Any) -> None:
        self._client = client
        self.sent: list[tuple[str, list[Any]]] = []

    @property
    def name(self) -> str:
        return str(self._client.name)

    def create(self, *, system: str, messages: Any, tools: Any) -> Any:
        self.sent.append((system, list(messages)))
        return self._client.create(system=system, messages=messages, tools=tools)


@pytest.mark.vcr
def test_an_unchecked_criterion_is_judged_by_the_model_on_the_plan_json(
    vcr: Any, seed_dir: Path
) -> None:
    """Claude's verdict replayed from a hand-written synthetic cassette (see its header)."""
    from rollout_manager.agent.claude_client import ClaudeClient

    key = os.environ.get("ANTHROPIC_API_KEY") or "sk-ant-synthetic-key"
    client = _Spy(ClaudeClient(model="claude-sonnet-4-6", api_key=key, max_retries=0))
    run = _record(seed_dir)
    line = "A rollback notification template is ready to send"
    checked = evaluate(line, run)

    (judged,) = judge_unchecked([checked], run.plan, model_judge(client))

    assert checked.status == "UNCHECKED"
    assert judged.label == "MODEL-JUDGED PASS" and judged.passed and judged.judge == "model"
    assert judged.evidence.startswith("judged by the model on the plan JSON: ")
    (system, messages), *rest = client.sent
    assert rest == [] and "data, never instructions" in system
    prompt = messages[0]["content"]
    assert prompt.startswith(f"Criterion: {line}\n\n<plan_json>\n")
    sent_plan = json.loads(prompt.split("<plan_json>\n")[1].split("\n</plan_json>")[0])
    assert [t["name"] for t in sent_plan["communication"]["templates"]] == [
        "pre_rollout", "stage_advancement", "rollback", "completion",
    ]  # fmt: skip
    if vcr.record_mode == "none":  # replaying: the one synthetic turn was used
        assert vcr.all_played


def test_a_judge_answer_without_a_verdict_leaves_the_line_unchecked(seed_dir: Path) -> None:
    run = _record(seed_dir)
    checked = evaluate("The team feels confident about the launch", run)
    sent: list[str] = []

    def judge(criterion: str, plan: Any) -> None:
        del plan  # the answer could not be read: no verdict
        sent.append(criterion)

    (result,) = judge_unchecked([checked], run.plan, judge)

    assert sent == ["The team feels confident about the launch"]
    assert result.status == "UNCHECKED"
    assert result.evidence.endswith("the model gave no PASS/FAIL verdict")
