"""The offline planner: the seed's six prompts and their paraphrases, changes, chat, speed."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from rollout_manager.agent.intents import parse_dates, parse_duration_hours, parse_number, route
from rollout_manager.agent.loop import Conversation
from rollout_manager.agent.offline_planner import OfflinePlanner, split_result
from rollout_manager.frontdoors.cli_agent import run_ask_command, run_chat_command
from rollout_manager.tools.catalog import default_registry
from tests.conftest import SEED_PROMPTS

RunCli = Any
TODAY = date(2026, 11, 27)  # the seed's week: Black Friday
START = "2026-12-01"

SEED_TOOLS = {
    "risk": ["assess_risk"],
    "stages": ["design_stages"],
    "criteria": ["define_criteria"],
    "monitoring": ["plan_monitoring"],
    "comms": ["plan_communication"],
    "document": ["render_plan"],
}
# What a user sees in each answer: the seed's expected output, in the tools' words.
SEED_ANSWERS = {
    "risk": ["## Risk assessment", "**Overall: HIGH**", "canary", "| User impact | HIGH |",
             "| Revenue impact | HIGH |", "| System criticality | HIGH |",
             "| Reversibility | HIGH |"],
    "stages": ["## Rollout stages", "| 1 | 1% |", "| 5 | 50% |", "| 6 | 100% |", "Internal"],
    "criteria": ["Error rate > 1.6%", "P95 latency <= 979 ms", "Error rate <= 1%",
                 "Revenue drop > 5%", "Manual rollback"],
    "monitoring": ["WARNING", "CRITICAL", "error rate > 1.6%", "Dashboards", "On call"],
    "comms": ["| Engineering |", "| Support |", "| Product |", "| Leadership |",
              "Slack #platform", "Pre-rollout announcement"],
    "document": ["Saved `rollout-plan.md`", "gate checklists, rollback procedure",
                 "Executive summary", "Worst-case exposure", "Before signing"],
}  # fmt: skip

PARAPHRASES = [
    ("How risky is this migration?", ["assess_risk"]),
    ("What could go wrong with this change, and how bad would it be?", ["assess_risk"]),
    ("Which rollout strategy fits this change?", ["assess_risk"]),
    ("What traffic percentages should we use and for how long?", ["design_stages"]),
    ("How should we ramp traffic to the new processor?", ["design_stages"]),
    ("Give me the canary schedule with dates", ["design_stages"]),
    ("When do we pull the plug automatically?", ["define_criteria"]),
    ("What thresholds trigger a rollback?", ["define_criteria"]),
    ("Which alerts and dashboards do we need?", ["plan_monitoring"]),
    ("Who is on call and what do they watch?", ["plan_monitoring"]),
    ("Who do we need to tell and when?", ["plan_communication"]),
    ("Which stakeholders get a heads-up before we start?", ["plan_communication"]),
    ("Write up the whole plan for sign-off", ["render_plan"]),
    ("Draft the rollout document for the change board", ["render_plan"]),
    ("Show me the stages and the monitoring plan", ["design_stages", "plan_monitoring"]),
    ("Risk, and who needs to know?", ["assess_risk", "plan_communication"]),
    ("How long must a 2% stage run to catch 2x errors?", ["stage_duration"]),
    ("How long would stage 3 need at 2%?", ["stage_duration"]),
    ("What did the documents say?", ["read_context"]),
]


def _args(folder: Path, prompt: str = "", **options: Any) -> argparse.Namespace:
    values = {"context": folder, "config": None, "start": START, "offline": True, "model": None,
              "trace": None, "prompt": prompt}  # fmt: skip
    values.update(options)
    return argparse.Namespace(**values)


def _tools(prompt: str) -> list[str]:
    return [call.tool for call in route(prompt, today=TODAY).calls]


def _ask(folder: Path, prompt: str, capsys: pytest.CaptureFixture[str], **options: Any) -> str:
    status = run_ask_command(_args(folder, prompt, **options), client=OfflinePlanner(today=TODAY))
    captured = capsys.readouterr()
    assert status == 0, captured.err
    assert captured.err == ""
    return captured.out


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:[.,]\d+)*", text))


# --------------------------------------------------------------------------- routing


@pytest.mark.parametrize("case", SEED_PROMPTS)
def test_each_seed_prompt_routes_to_its_tool(case: str) -> None:
    assert _tools(SEED_PROMPTS[case]) == SEED_TOOLS[case]


@pytest.mark.parametrize(("prompt", "tools"), PARAPHRASES)
def test_paraphrases_route_to_the_right_tools(prompt: str, tools: list[str]) -> None:
    assert _tools(prompt) == tools


@pytest.mark.parametrize(
    ("prompt", "arguments"),
    [
        ("make stage 2 last five days", {"stage": 2, "duration_days": 5}),
        ("Stage 3 should run for a week.", {"stage": 3, "duration_days": 7}),
        ("can you make the third stage run 36 hours?", {"stage": 3, "duration_hours": 36}),
        ("set stage 1 to 2%", {"stage": 1, "traffic_percent": 2}),
        ("start on 2026-12-08", {"start": "2026-12-08"}),
        ("Let's begin the rollout on December 8, 2026", {"start": "2026-12-08"}),
        ("kick off Dec 8", {"start": "2026-12-08"}),
        ("start next Tuesday", {"start": "2026-12-01"}),  # today is Friday 2026-11-27
        ("use #payments-eng for engineering", {"channels": {"engineering":
                                                            "Slack #payments-eng"}}),
        ("use #pay-ops for support and finance", {"channels": {
            "support": "Slack #pay-ops", "finance": "Slack #pay-ops"}}),
        ("freeze Dec 21 to Jan 4", {"freezes": [{
            "name": "Freeze 2026-12-21 to 2027-01-04", "start": "2026-12-21",
            "end": "2027-01-04"}]}),
        ("We have a holiday freeze from 21 December to 4 January.", {"freezes": [{
            "name": "Holiday freeze 2026-12-21 to 2027-01-04", "start": "2026-12-21",
            "end": "2027-01-04"}]}),
        ("switch to a progressive rollout", {"strategy": "progressive"}),
        ("set the on-call rotation to payments-oncall", {"on_call_rotation": "payments-oncall"}),
    ],
)  # fmt: skip
def test_changes_become_adjust_plan_arguments(prompt: str, arguments: dict[str, Any]) -> None:
    calls = route(prompt, today=TODAY).calls

    assert [call.tool for call in calls] == ["adjust_plan"]
    assert calls[0].arguments == arguments


def test_a_change_and_a_question_in_one_request() -> None:
    calls = route("Make stage 2 last five days and show me the monitoring plan", today=TODAY)

    assert [(c.tool, c.arguments) for c in calls.calls] == [
        ("adjust_plan", {"stage": 2, "duration_days": 5}),
        ("plan_monitoring", {}),
    ]


@pytest.mark.parametrize(
    "prompt",
    [
        "Should we use a canary?",
        "How long is stage 2?",
        "What if we started later?",
        "When do we start monitoring?",
        "We start next month",
    ],
)
def test_questions_never_change_the_plan(prompt: str) -> None:
    assert "adjust_plan" not in _tools(prompt)


@pytest.mark.parametrize(
    ("text", "value"),
    [("5", 5), ("1.5", 1.5), ("five", 5), ("Twelve", 12), ("a", 1), ("half a", 0.5),
     ("lots", None)],
)  # fmt: skip
def test_numbers_are_read_from_digits_and_words(text: str, value: float | None) -> None:
    assert parse_number(text) == value


@pytest.mark.parametrize(
    ("text", "hours"),
    [("five days", 120), ("a week", 168), ("36 hours", 36), ("1.5 days", 36),
     ("half a day", 12), ("two weeks", 336), ("48h", 48), ("no duration", None)],
)  # fmt: skip
def test_durations_are_read_in_hours(text: str, hours: float | None) -> None:
    parsed = parse_duration_hours(text)
    assert (parsed[0] if parsed else None) == hours


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-12-08", [date(2026, 12, 8)]),
        ("Dec 8", [date(2026, 12, 8)]),
        ("December 8, 2026", [date(2026, 12, 8)]),
        ("8 December 2027", [date(2027, 12, 8)]),
        ("the 3rd of March", [date(2027, 3, 3)]),  # already past this year: next March
        ("Nov 27", [date(2026, 11, 27)]),  # today counts as ahead
        ("Dec 21 to Jan 4", [date(2026, 12, 21), date(2027, 1, 4)]),
        ("Feb 30", []),
    ],
)
def test_dates_are_read_forward_from_today(text: str, expected: list[date]) -> None:
    assert [found for _, found, _ in parse_dates(text, today=TODAY)] == expected


def test_an_unknown_request_gets_the_overview_and_what_to_ask(
    seed_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _ask(seed_dir, "Tell me a joke about databases", capsys)

    assert "could not pin down" in out and "## The plan in one screen" in out
    assert "**Risk**: HIGH, strategy canary" in out
    assert "1% → 5% → 10% → 25% → 50% → 100%" in out
    assert "rollout.yaml" in out
    assert "Ask me for:" not in out  # never the help text alone
    assert not (seed_dir / "rollout.yaml").exists()


# --------------------------------------------------------------------------- answers


@pytest.mark.parametrize("case", SEED_PROMPTS)
def test_each_seed_prompt_is_answered_with_its_section(
    seed_dir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path, case: str
) -> None:
    trace_file = tmp_path / "trace.json"

    out = _ask(seed_dir, SEED_PROMPTS[case], capsys, trace=trace_file)

    for expected in SEED_ANSWERS[case]:
        assert expected in out, expected
    trace = json.loads(trace_file.read_text())
    exchange = trace["exchanges"][0]
    assert trace["model"] == "offline"
    assert [c["name"] for c in exchange["tool_calls"]] == SEED_TOOLS[case]
    assert all(c["ok"] and c["duration_ms"] >= 0 and c["data"] for c in exchange["tool_calls"])
    assert [t["stop_reason"] for t in exchange["turns"]] == ["tool_use", "end_turn"]
    assert exchange["answer"] == out.rstrip("\n")


@pytest.mark.parametrize("case", SEED_PROMPTS)
def test_every_number_in_an_answer_comes_from_a_tool_result(seed_dir: Path, case: str) -> None:
    conversation = Conversation(
        OfflinePlanner(today=TODAY), registry=default_registry(), root=seed_dir
    )

    outcome = conversation.ask(SEED_PROMPTS[case])

    results = " ".join(
        block["content"]
        for message in conversation.messages
        if isinstance(message["content"], list)
        for block in message["content"]
        if block.get("type") == "tool_result"
    )
    assert outcome.answer
    assert _numbers(outcome.answer) <= _numbers(results)


def test_a_what_if_answers_with_the_formula_and_changes_nothing(
    seed_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = _ask(seed_dir, "How long must a 2% stage run to catch 2x errors?", capsys)

    # statistics.md: 0.8% -> 1.6% needs about 993 by the normal approximation and 1,131
    # by the exact test; the answer sizes with the exact count that keeps 80% power, which
    # is more than 1,131 (so more than 1,131 / 300 a day = 3.8 days at 2% of 15,000).
    needed = re.search(r"Transactions needed \| ([\d,]+) ", out)
    assert needed is not None
    assert int(needed[1].replace(",", "")) > 1131
    assert "normal approximation 994" in out and "1,131" in out
    assert "sqrt(p0(1-p0))" in out
    assert not (seed_dir / "rollout.yaml").exists()


def test_a_tool_error_is_shown_and_the_exit_status_says_bad_input(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = run_ask_command(_args(tmp_path, "How risky is this?"), client=OfflinePlanner())

    captured = capsys.readouterr()
    assert status == 2
    assert "feature-description.md" in captured.out
    assert captured.err.count("\n") == 1 and "feature-description.md" in captured.err


# --------------------------------------------------------------------------- changes


def test_a_stage_change_round_trips_through_rollout_yaml(
    seed_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    changed = _ask(seed_dir, "make stage 2 last five days", capsys)
    stages = _ask(seed_dir, "Define the rollout stages", capsys)

    assert yaml.safe_load((seed_dir / "rollout.yaml").read_text()) == {
        "stages": [{"stage": 2, "duration_hours": 120}]
    }
    assert changed.startswith("Saved to `rollout.yaml`: stage 2: duration_hours 120.")
    row = next(line for line in stages.splitlines() if line.startswith("| 2 | 5% |"))
    assert "| 5 days |" in row
    assert "Duration set by the team in rollout.yaml" in stages


@pytest.mark.parametrize(
    ("prompt", "expected"),
    [
        ("start on 2026-12-08", "6 stages from Tue 2026-12-08 09:00 EST"),
        ("use #payments-eng for engineering", "| Engineering |"),
        ("freeze Dec 21 to Jan 4", "Freeze 2026-12-21 to 2027-01-04"),
        ("set the on-call rotation to payments-oncall", "payments-oncall"),
    ],
)
def test_each_kind_of_change_is_saved_and_shown(
    seed_dir: Path, capsys: pytest.CaptureFixture[str], prompt: str, expected: str
) -> None:
    out = _ask(seed_dir, prompt, capsys, start=None)

    assert expected in out
    assert (seed_dir / "rollout.yaml").exists()


def test_the_engineering_channel_change_shows_in_the_communication_plan(
    seed_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _ask(seed_dir, "use #payments-eng for engineering", capsys)
    out = _ask(seed_dir, "Who needs to know what, and when?", capsys)

    row = next(line for line in out.splitlines() if line.startswith("| Engineering |"))
    assert row.rstrip().endswith("| Slack #payments-eng |")


def test_a_change_that_breaks_the_ramp_is_refused_and_nothing_is_written(
    seed_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    status = run_ask_command(
        _args(seed_dir, "set stage 3 to 2%"), client=OfflinePlanner(today=TODAY)
    )

    captured = capsys.readouterr()
    assert status == 2
    assert "strictly increase" in captured.out
    assert not (seed_dir / "rollout.yaml").exists()


def test_chat_keeps_the_conversation_and_replans_from_the_files(
    seed_dir: Path, capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    lines = ["make stage 2 last five days\n", "\n", "show me the stages\n", "exit\n", "risk?\n"]
    trace_file = tmp_path / "chat.json"

    status = run_chat_command(
        _args(seed_dir, trace=trace_file), client=OfflinePlanner(today=TODAY), lines=lines
    )

    out = capsys.readouterr().out
    assert status == 0
    first, second = out.split("## Rollout stages", 2)[1:]
    assert "| 2 | 5% | Thu 2026-12-03 09:00 EST | 5 days |" in second
    assert "Risk assessment" not in out  # nothing after `exit`
    trace = json.loads(trace_file.read_text())
    assert [e["prompt"] for e in trace["exchanges"]] == [
        "make stage 2 last five days",
        "show me the stages",
    ]
    del first


# --------------------------------------------------------------------------- the command


def _cli(
    run_cli: RunCli, folder: Path, *args: str, stdin: str | None = None
) -> subprocess.CompletedProcess[str]:
    if stdin is None:
        return run_cli(*args, cwd=folder)  # type: ignore[no-any-return]
    env = {k: v for k, v in os.environ.items() if k != "ANTHROPIC_API_KEY"}
    rollout = Path(sys.executable).with_name("rollout")
    return subprocess.run(
        [str(rollout), *args], cwd=folder, env=env, input=stdin, capture_output=True,
        text=True, timeout=60, check=False,
    )  # fmt: skip


@pytest.mark.slow
@pytest.mark.parametrize("case", SEED_PROMPTS)
def test_rollout_ask_offline_answers_each_seed_prompt(
    run_cli: RunCli, seed_dir: Path, case: str
) -> None:
    completed = _cli(run_cli, seed_dir, "ask", "--offline", SEED_PROMPTS[case])

    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""
    for expected in SEED_ANSWERS[case]:
        assert expected in completed.stdout, expected
    if case == "document":
        document = (seed_dir / "rollout-plan.md").read_text()
        assert document.startswith("# Rollout plan")
        for heading in ("## Stage gate checklist", "## Rollback procedure", "## Next steps"):
            assert heading in document


@pytest.mark.slow
def test_without_a_key_ask_says_it_answers_offline(run_cli: RunCli, seed_dir: Path) -> None:
    completed = _cli(run_cli, seed_dir, "ask", "How risky is this migration?")

    assert completed.returncode == 0
    assert completed.stderr.count("\n") == 1
    assert "ANTHROPIC_API_KEY is not set" in completed.stderr
    assert "**Overall: HIGH**" in completed.stdout


@pytest.mark.slow
def test_rollout_chat_with_piped_stdin_shows_a_change_in_the_next_turn(
    run_cli: RunCli, seed_dir: Path
) -> None:
    completed = _cli(
        run_cli, seed_dir, "chat", "--offline", "--start", START,
        stdin="make stage 2 last five days\nWhat traffic percentages, and for how long?\n",
    )  # fmt: skip

    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""
    answers = completed.stdout.split("## Rollout stages")
    assert len(answers) == 3
    assert "| 2 | 5% | Thu 2026-12-03 09:00 EST | 5 days |" in answers[2]


@pytest.mark.slow
def test_bad_input_exits_2_with_one_line(run_cli: RunCli, tmp_path: Path) -> None:
    missing = run_cli("ask", "--offline", "--context", tmp_path / "nope", "How risky?")
    empty = run_cli("ask", "--offline", "--context", tmp_path, "   ")

    for completed in (missing, empty):
        assert completed.returncode == 2
        assert completed.stdout == ""
        assert completed.stderr.count("\n") == 1


@pytest.mark.slow
def test_the_planning_path_never_imports_anthropic(seed_dir: Path) -> None:
    script = (
        "import sys\n"
        "from rollout_manager.frontdoors.cli import main\n"
        "for argv in (['plan', '-o', 'p.md'], ['ask', '--offline', 'How risky is it?']):\n"
        "    assert main(argv) == 0\n"
        "assert 'anthropic' not in sys.modules, 'anthropic imported'\n"
        "assert 'httpx2' not in sys.modules, 'httpx2 imported'\n"
    )

    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=seed_dir, capture_output=True, text=True,
        timeout=60, check=False,
    )  # fmt: skip

    assert completed.returncode == 0, completed.stderr


def test_split_result_reads_markdown_and_data_back() -> None:
    markdown, data = split_result('## Risk\n\n| a |\n\n```json\n{"overall":"HIGH"}\n```')

    assert markdown == "## Risk\n\n| a |"
    assert data == {"overall": "HIGH"}
    assert split_result('{"saved": "rollout.yaml"}') == ("", {"saved": "rollout.yaml"})


def test_a_question_about_a_start_date_is_a_what_if_that_saves_nothing() -> None:
    routing = route("Can we start on December 8?", today=TODAY)

    assert [(c.tool, c.arguments) for c in routing.calls] == [
        ("design_stages", {"start": "2026-12-08"})
    ]
    assert any("nothing was saved" in note for note in routing.notes)


@pytest.mark.parametrize(
    "prompt", ["reset everything", "Remove the freeze please", "undo my changes"]
)
def test_removing_a_change_is_explained_not_guessed(prompt: str) -> None:
    routing = route(prompt, today=TODAY)

    assert routing.calls == []
    assert any("rollout.yaml" in note for note in routing.notes)


def test_undoing_the_feature_itself_is_a_rollback_question() -> None:
    # "How do we undo it" asks for the procedure (its own section), not for the triggers.
    assert _tools("How do we undo the change if the error rate climbs?") == ["plan_rollback"]
    assert _tools("When do we undo the change automatically?") == ["define_criteria"]
