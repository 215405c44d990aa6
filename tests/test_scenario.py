"""`rollout scenario run`: every scenario passes; the report, exit codes, JSON, JUnit, --keep."""

from __future__ import annotations

import copy
import json
import os
import re
import xml.etree.ElementTree as ET
from dataclasses import replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml

import rollout_manager.frontdoors.cli_agent as agent_module
from rollout_manager.agent.offline_planner import OfflinePlanner
from rollout_manager.agent.protocol import Message, ModelClient, ModelError, ModelTurn
from rollout_manager.errors import InputError
from rollout_manager.frontdoors.cli import main
from rollout_manager.scenario.comparison import expected_summary
from rollout_manager.scenario.format import read_scenario
from rollout_manager.scenario.runner import conversation_session, run_scenario

if TYPE_CHECKING:
    from collections.abc import Sequence

    from tests.conftest import RunCli

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "scenarios" / "progressive-rollout" / "scenario.md"
SCENARIOS = sorted((REPO / "scenarios").glob("*/scenario.md"))
TODAY = date(2026, 11, 27)
SEED_TOOLS = (
    "assess_risk",
    "design_stages",
    "define_criteria",
    "plan_monitoring",
    "plan_communication",
    "render_plan",
)
SUMMARY = re.compile(r"^(\d+) passed, (\d+) failed(?:, (\d+) unchecked)?$")


def _seed_with(tmp_path: Path, extra_criterion: str | None = None, *, steps: int = 6) -> Path:
    """A copy of the seed file, with one more criterion line or fewer steps."""
    text = SEED.read_text(encoding="utf-8")
    if extra_criterion is not None:
        text = text.replace(
            "- [ ] Stage gate checklist provided for each advancement\n",
            f"- [ ] Stage gate checklist provided for each advancement\n- [ ] {extra_criterion}\n",
        )
    if steps < 6:
        start, end = text.index(f"### {steps + 1}. "), text.index("## Expected Outcome")
        text = text[:start] + text[end:]
    path = tmp_path / "scenario.md"
    path.write_text(text, encoding="utf-8")
    return path


# --------------------------------------------------------------------------- every scenario


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.parent.name)
def test_every_scenario_passes_with_the_offline_planner(path: Path) -> None:
    scenario = read_scenario(path)
    today = scenario.today or TODAY
    session = conversation_session(OfflinePlanner(today=today))

    run = run_scenario(scenario, session, mode="offline", today=today)

    assert run.failed == 0, [(r.criterion, r.evidence) for r in run.results if not r.passed]
    assert run.passed == len(scenario.criteria) >= 12
    for step in run.steps:
        assert step.outcome.error is None, step.outcome.error
        assert step.outcome.calls and all(c.ok for c in step.outcome.calls), step.step.title


def test_each_seed_step_calls_the_tool_for_its_section() -> None:
    session = conversation_session(OfflinePlanner(today=TODAY))

    run = run_scenario(read_scenario(SEED), session, mode="offline", today=TODAY)

    for step, tool in zip(run.steps, SEED_TOOLS, strict=True):
        assert [c.name for c in step.outcome.calls] == [tool]
        assert all(c.step == step.step.number for c in step.outcome.calls)


@pytest.mark.slow
def test_the_seed_runs_from_the_command_line(run_cli: RunCli) -> None:
    result = run_cli(
        "scenario", "run", "scenarios/progressive-rollout/scenario.md", "--offline", cwd=REPO
    )
    lines = result.stdout.splitlines()

    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert len([line for line in lines if line.startswith("PASS  ")]) == 12
    assert not [line for line in lines if line.startswith("FAIL")]
    assert lines[-1] == "12 passed, 0 failed"


# --------------------------------------------------------------------------- the report


def test_the_text_report_lists_criteria_then_the_comparison_then_the_summary(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _seed_with(tmp_path, "Document is actionable and ready for sign-off")

    status = main(["scenario", "run", str(path), "--offline"])
    lines = capsys.readouterr().out.splitlines()

    assert status == 1
    verdicts = [line for line in lines if line.startswith(("PASS  ", "FAIL  ", "UNCHECKED  "))]
    assert len(verdicts) == 13
    assert verdicts[-1] == (
        "UNCHECKED  Document is actionable and ready for sign-off — no check covers this "
        "criterion (closest: rollback_procedure)"
    )
    assert (
        "PASS  Alerts have WARNING and CRITICAL levels — "
        "WARNING error_rate > 1.0%, CRITICAL error_rate > 1.6% (+6 more)"
    ) in verdicts
    comparison = lines.index("Steps, expected vs produced (guidance, not checks):")
    assert comparison > lines.index(verdicts[-1])
    assert "  1. Assess Rollout Risk" in lines[comparison:]
    assert any(line.startswith("     produced: assess_risk: risk HIGH (canary)") for line in lines)
    assert lines[-1] == "12 passed, 0 failed, 1 unchecked"
    assert [line for line in lines if SUMMARY.match(line)] == [lines[-1]]


def test_expected_output_is_summarised_without_markup() -> None:
    steps = read_scenario(SEED).steps

    risk = expected_summary(steps[0].expected, width=200)
    stages = expected_summary(steps[1].expected, width=200)

    assert risk.startswith("Risk Assessment; User Impact: HIGH (affects all checkout users);")
    assert "**" not in risk
    # The table header is dropped; each row reads as its cells.
    assert stages.startswith(
        "Rollout Stages; 1 1% 24 hours Internal employees Error rate < 1%; 2 5% 3 days"
    )


def test_json_holds_criteria_steps_tools_and_the_comparison(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = REPO / "scenarios" / "destructive-migration" / "scenario.md"

    status = main(["scenario", "run", str(path), "--offline", "--json"])
    report = json.loads(capsys.readouterr().out)

    assert status == 0
    assert report["scenario"] == "destructive-migration"
    assert report["today"] == "2026-11-27"
    assert report["mode"] == "offline planner"
    assert (report["passed"], report["failed"]) == (14, 0)
    statuses = {c["criterion"]: (c["status"], c["check"]) for c in report["criteria"]}
    assert statuses["Reversibility is rated LOW"] == ("PASS", "factor_level")
    assert statuses["The irreversible step has its own gate"] == ("PASS", "irreversible_gate")
    first = report["steps"][0]
    assert first["tools"] == [{"name": "assess_risk", "input": {}, "ok": True, "error": None}]
    assert "Reversibility: LOW" in first["comparison"]["expected"]
    assert first["comparison"]["produced"] == [
        (
            "assess_risk: risk HIGH (canary); user_impact HIGH, revenue_impact MEDIUM, "
            "system_criticality LOW, reversibility LOW"
        )
    ]
    assert first["text"]


def _parse_xml(path: Path) -> ET.Element:
    # Our own output, written a moment ago: no untrusted XML is parsed here.
    return ET.fromstring(path.read_text(encoding="utf-8"))  # noqa: S314


def test_junit_has_one_testcase_per_criterion_and_a_failure_for_each_fail(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _seed_with(tmp_path, "Overall risk rating is LOW")
    report = tmp_path / "reports" / "scenario.xml"
    report.parent.mkdir()

    status = main(["scenario", "run", str(path), "--offline", "--junit", str(report)])
    capsys.readouterr()
    root = _parse_xml(report)

    assert status == 1
    suite = root.find("testsuite")
    assert suite is not None
    assert (suite.get("name"), suite.get("tests"), suite.get("failures")) == (
        "progressive-rollout",
        "13",
        "1",
    )
    cases = suite.findall("testcase")
    assert [c.get("name") for c in cases][-1] == "Overall risk rating is LOW"
    failing = [c for c in cases if c.find("failure") is not None]
    assert [c.get("name") for c in failing] == ["Overall risk rating is LOW"]
    failure = failing[0].find("failure")
    assert failure is not None and failure.get("message", "").startswith("overall HIGH")
    assert sorted(p.name for p in report.parent.iterdir()) == ["scenario.xml"]  # atomic


def test_junit_into_a_missing_folder_is_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = main(
        ["scenario", "run", str(SEED), "--offline", "--junit", str(tmp_path / "no" / "x.xml")]
    )

    assert status == 2
    assert capsys.readouterr().err.count("\n") == 1


def test_keep_copies_the_run_folder_with_the_plan(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    keep = tmp_path / "kept"

    status = main(["scenario", "run", str(SEED), "--offline", "--keep", str(keep)])
    capsys.readouterr()

    assert status == 0
    assert sorted(p.name for p in keep.iterdir()) == [
        "baseline-metrics.md",
        "feature-description.md",
        "rollout-plan.md",
        "scenario-result.json",
    ]
    assert "payment_pipeline_v2" in (keep / "rollout-plan.md").read_text(encoding="utf-8")
    result = json.loads((keep / "scenario-result.json").read_text(encoding="utf-8"))
    assert (result["passed"], result["failed"]) == (12, 0)


def test_keep_renders_the_plan_when_no_step_asked_for_the_document(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = _seed_with(tmp_path, steps=5)
    keep = tmp_path / "kept"

    status = main(["scenario", "run", str(path), "--offline", "--keep", str(keep)])
    out = capsys.readouterr().out

    # Without the document step, its two criteria have no evidence: they fail, and say why.
    assert status == 1
    assert "FAIL  Rollback procedure is documented step-by-step — the run never called " in out
    assert out.splitlines()[-1] == "10 passed, 2 failed"
    document = (keep / "rollout-plan.md").read_text(encoding="utf-8")
    assert "payment_pipeline_v2" in document


# --------------------------------------------------------------------------- failures


MALFORMED = {
    "no Setup": ("## Setup", "## Preparation", "no '## Setup' section"),
    "unterminated heredoc": ("\nEOF\n\necho", "\n\necho", "heredoc for 'baseline-metrics.md'"),
    "no criteria": (
        "## Success Criteria",
        "## Criteria",
        "no '## Success Criteria' (or '## Acceptance') section",
    ),
    "no steps": ("## Steps", "## Walkthrough", "no '## Steps' section"),
    "bad front matter": ("type: workflow", "type: [workflow", "front matter is not valid YAML"),
}


@pytest.mark.slow
@pytest.mark.parametrize("case", MALFORMED, ids=str)
def test_a_malformed_scenario_exits_2_with_one_line(
    tmp_path: Path, run_cli: RunCli, case: str
) -> None:
    old, new, problem = MALFORMED[case]
    text = SEED.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / "broken.md"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")

    result = run_cli("scenario", "run", path, "--offline")

    assert result.returncode == 2
    assert result.stdout == ""
    assert result.stderr.startswith(f"rollout: {path}: ")
    assert problem in result.stderr
    assert result.stderr.count("\n") == 1


class _FailingClient:
    """Answers like the offline planner until request number `fail_at`, then raises `error`."""

    def __init__(self, *, fail_at: int, error: ModelError) -> None:
        self._planner = OfflinePlanner(today=TODAY)
        self._fail_at = fail_at
        self._error = error

    @property
    def name(self) -> str:
        return "flaky"

    def create(
        self, *, system: str, messages: Sequence[Message], tools: Sequence[dict[str, Any]]
    ) -> ModelTurn:
        requests = sum(1 for m in messages if m["role"] == "user" and isinstance(m["content"], str))
        if requests >= self._fail_at:
            raise self._error
        return self._planner.create(system=system, messages=messages, tools=tools)


def test_a_model_error_stops_the_run_and_the_later_criteria_fail() -> None:
    error = ModelError("the Anthropic API failed (500 boom): try again", exit_status=1)
    session = conversation_session(_FailingClient(fail_at=4, error=error))

    run = run_scenario(read_scenario(SEED), session, mode="flaky", today=TODAY)

    errors = [s.outcome.error for s in run.steps]
    assert errors[:3] == [None, None, None]
    assert errors[3] == "the Anthropic API failed (500 boom): try again"
    assert errors[4:] == ["not run: step 4 stopped the model"] * 2
    failed = {r.check for r in run.results if not r.passed}
    assert failed == {
        "monitoring_kinds",
        "alert_levels",
        "stakeholders_by_role",
        "rollback_procedure",
        "gate_checklist",
    }


def test_bad_credentials_end_the_command_with_status_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    error = ModelError("the Anthropic API rejected the key (401)", exit_status=2)
    monkeypatch.setattr(
        agent_module, "make_client", lambda _args: _FailingClient(fail_at=1, error=error)
    )

    status = main(["scenario", "run", str(SEED)])
    captured = capsys.readouterr()

    assert status == 2
    assert captured.err == "rollout: the Anthropic API rejected the key (401)\n"
    assert captured.out == ""


def test_setup_documents_the_engine_cannot_read_make_the_scenario_malformed() -> None:
    seed = read_scenario(SEED)
    scenario = replace(seed, files={**seed.files, "rollout.yaml": "surprise: true\n"})
    session = conversation_session(OfflinePlanner(today=TODAY))

    with pytest.raises(InputError, match=r"scenario\.md: Setup files: .*unknown key 'surprise'"):
        run_scenario(scenario, session, mode="offline", today=TODAY)


@pytest.mark.slow
def test_the_cli_runs_a_scenario_from_any_folder(tmp_path: Path, run_cli: RunCli) -> None:
    result = run_cli("scenario", "run", SEED, "--offline", "--json", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["passed"] == 12
    assert list(tmp_path.iterdir()) == []  # the run folder was temporary


def test_the_run_folder_is_removed_after_the_run() -> None:
    session = conversation_session(OfflinePlanner(today=TODAY))
    seen: list[Path] = []

    def spy(folder: Path) -> Any:
        seen.append(folder)
        return session(folder)

    run_scenario(read_scenario(SEED), spy, mode="offline", today=TODAY)

    assert len(seen) == 1 and not seen[0].exists()


# --------------------------------------------------------------------------- the Claude loop


def _summarised_body(request: Any) -> Any:
    """On a re-record, keep the cassette small: the conversation sent is not stored."""
    try:
        sent = json.loads(request.body)
    except (TypeError, ValueError):
        return request
    request.body = f"recorded: {len(sent.get('messages', []))} messages to {sent.get('model')}"
    return request


@pytest.fixture(scope="module")
def vcr_config() -> dict[str, Any]:
    """Cassettes never hold credentials or request ids."""
    return {
        "filter_headers": ["authorization", "x-api-key", "anthropic-organization-id", "request-id"],
        "before_record_request": _summarised_body,
    }


class _Spy:
    """A model client that keeps a copy of every conversation it is sent."""

    def __init__(self, client: ModelClient) -> None:
        self._client = client
        self.sent: list[list[Message]] = []

    @property
    def name(self) -> str:
        return self._client.name

    def create(
        self, *, system: str, messages: Sequence[Message], tools: Sequence[dict[str, Any]]
    ) -> ModelTurn:
        self.sent.append(copy.deepcopy(list(messages)))
        return self._client.create(system=system, messages=messages, tools=tools)


@pytest.mark.vcr
def test_the_seed_passes_through_the_claude_loop(vcr: Any) -> None:
    """The same run with Claude's turns replayed from a synthetic cassette (see its header)."""
    from rollout_manager.agent.claude_client import ClaudeClient

    key = os.environ.get("ANTHROPIC_API_KEY") or "sk-ant-synthetic-key"
    spy = _Spy(ClaudeClient(model="claude-sonnet-4-6", api_key=key, max_retries=0))

    run = run_scenario(read_scenario(SEED), conversation_session(spy), mode="claude", today=TODAY)

    assert run.failed == 0, [(r.criterion, r.evidence) for r in run.results if not r.passed]
    for step, tool in zip(run.steps, SEED_TOOLS, strict=True):
        assert tool in [c.name for c in step.outcome.calls if c.ok], step.step.title
        assert step.outcome.error is None
        assert step.outcome.text
    # One conversation for the whole run: the last request carries all six prompts ...
    history = spy.sent[-1]
    prompts = [m["content"] for m in history if isinstance(m["content"], str)]
    assert prompts == [step.prompt for step in read_scenario(SEED).steps]
    # ... and the tool results the loop sent back, with the numbers the tools computed.
    uses = {
        block["id"]: block["name"]
        for message in history
        if message["role"] == "assistant"
        for block in message["content"]
        if block.get("type") == "tool_use"
    }
    results = {
        uses[block["tool_use_id"]]: block
        for message in history
        if message["role"] == "user" and isinstance(message["content"], list)
        for block in message["content"]
    }
    assert set(SEED_TOOLS) <= set(results)
    assert not any(block["is_error"] for block in results.values())
    # The model reads the Markdown (the JSON is the structured data, not repeated in the text).
    assert "**Overall: HIGH**" in results["assess_risk"]["content"]
    assert (
        "| CRITICAL | `ErrorRateCritical` | error rate > 1.6% |"
        in (results["plan_monitoring"]["content"])
    )
    assert "```json" not in results["plan_monitoring"]["content"]
    if vcr.record_mode == "none":  # replaying: every recorded turn was used, in order
        assert vcr.all_played
        assert vcr.play_count == 12


def test_the_scenario_cassette_is_marked_synthetic_and_holds_no_secrets() -> None:
    path = REPO / "tests" / "cassettes" / "test_scenario"
    (cassette,) = sorted(path.glob("*.yaml"))
    text = cassette.read_text(encoding="utf-8")

    first = text.splitlines()[0]
    assert first.startswith("# SYNTHETIC: written by hand from the Messages API reference")
    assert "--record-mode=rewrite tests/test_scenario.py" in first
    assert "msg_synthetic_12" in text
    assert "sk-ant-" not in text and "Bearer " not in text
    for interaction in yaml.safe_load(text)["interactions"]:
        for headers in (interaction["request"]["headers"], interaction["response"]["headers"]):
            assert not {h.lower() for h in headers} & {"authorization", "x-api-key", "request-id"}


def test_tools_plan_with_the_scenario_date_so_the_trace_matches_the_plan() -> None:
    # No start is given anywhere: the default start follows `today`, so the tools must
    # use the scenario's date, or the trace and the judged plan disagree.
    # A date other than the machine's, so a tool that read the clock would disagree.
    wednesday = date(2027, 2, 10)
    session = conversation_session(OfflinePlanner(today=wednesday), today=wednesday)

    run = run_scenario(read_scenario(SEED), session, mode="offline", today=wednesday)

    stages = next(c for s in run.steps for c in s.outcome.calls if c.name == "design_stages")
    first_start = stages.data["stages"][0]["start"]
    assert first_start == run.plan.stages[0].start.isoformat()
    # The first business day after Wed 2027-02-10 is Thu 11; three business days of lead
    # time from there (Mon 15 is Presidents' Day): Thu 11, Fri 12, Tue 16, so Wed 17.
    assert first_start.startswith("2027-02-17")
