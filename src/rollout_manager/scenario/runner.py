"""Replay a scenario through the agent and check its criteria (`rollout scenario run`).

The Setup's files are written to a fresh temporary folder; each step's prompt
goes through the agent loop (Claude or the offline planner) serving that
folder, in order; then the plan the run produced (`plan_folder` on the
folder, so adjustments written to `rollout.yaml` count) and the tool calls of
the trace are judged criterion by criterion (`scenario_checks`). Each step's
Expected Output is shown beside what the run produced, as guidance for a
reviewer, never as a check.

Each criterion is PASS, FAIL or UNCHECKED (no check covers it); with Claude, an
UNCHECKED one is judged by the model on the plan JSON and labelled MODEL-JUDGED
(`scenario.judge`). A malformed scenario raises `InputError`. The runner takes
a model client and returns the run; the command (options, client choice,
printing, exit status) is `frontdoors.cli_scenario`.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
import time
import xml.etree.ElementTree as ET
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rollout_manager.errors import InputError
from rollout_manager.scenario.checks import (
    CriterionResult,
    RunRecord,
    evaluate_all,
)
from rollout_manager.scenario.comparison import expected_summary, produced_numbers
from rollout_manager.scenario.format import Scenario, Step, write_setup
from rollout_manager.scenario.judge import Judge, judge_unchecked
from rollout_manager.storage import atomic_write_text

if TYPE_CHECKING:
    from rollout_manager.agent.protocol import Exchange, ModelClient, ToolCall
    from rollout_manager.model import RolloutPlan

PLAN_DOCUMENT = "rollout-plan.md"
RESULT_FILE = "scenario-result.json"


@dataclass(frozen=True)
class StepOutcome:
    """What one prompt produced: the tool calls of its loop and the final text."""

    calls: tuple[ToolCall, ...]
    text: str = ""
    error: str | None = None
    """Why the loop did not finish its answer (a model error, a turn or token bound)."""
    stop: bool = False
    """The model cannot go on (unreachable): the remaining steps are not run."""


Driver = Callable[[str], StepOutcome]
"""Runs one prompt through the agent loop of a session; the session keeps the conversation."""
Session = Callable[[Path], Driver]
"""Starts a session whose tools serve a folder (context `.`), for one scenario run."""


@dataclass(frozen=True)
class StepRun:
    """One step as it ran."""

    step: Step
    outcome: StepOutcome
    seconds: float


@dataclass(frozen=True)
class ScenarioRun:
    """A whole run: the steps, the plan produced and the verdicts."""

    scenario: Scenario
    mode: str
    today: date
    steps: tuple[StepRun, ...]
    plan: RolloutPlan
    results: tuple[CriterionResult, ...]
    seconds: float

    @property
    def passed(self) -> int:
        """Criteria that passed."""
        return sum(r.passed for r in self.results)

    @property
    def failed(self) -> int:
        """Criteria that failed."""
        return sum(r.status == "FAIL" for r in self.results)

    @property
    def unchecked(self) -> int:
        """Criteria no check covers and no model judged."""
        return sum(r.status == "UNCHECKED" for r in self.results)


# --------------------------------------------------------------------------- running


def _plan(folder: Path, scenario: Scenario, today: date) -> RolloutPlan:
    from rollout_manager.planning.plan import plan_folder

    try:
        return plan_folder(folder, today=today)
    except InputError as error:
        # The Setup's documents are part of the scenario file: a bad one makes it malformed.
        problem = str(error).replace(f"{folder}{os.sep}", "")
        raise InputError(str(scenario.path), f"Setup files: {problem}") from None


def _ensure_document(folder: Path, plan: RolloutPlan) -> None:
    """Write the plan document unless a step already did (the kept folder shows the plan)."""
    target = folder / PLAN_DOCUMENT
    if target.exists():
        return
    from rollout_manager.render.sections import render_document

    atomic_write_text(target, render_document(plan))


def _keep(folder: Path, keep: Path, run_json: dict[str, Any]) -> None:
    try:
        shutil.copytree(folder, keep, dirs_exist_ok=True)
    except OSError as error:
        raise InputError(str(keep), f"cannot copy the run folder: {error}") from None
    atomic_write_text(keep / RESULT_FILE, json.dumps(run_json, indent=2, ensure_ascii=False))


def run_scenario(
    scenario: Scenario,
    session: Session,
    *,
    mode: str,
    today: date | None = None,
    keep: Path | None = None,
    judge: Judge | None = None,
) -> ScenarioRun:
    """Run every step of a scenario in a fresh folder and judge its criteria.

    Args:
        scenario: the parsed scenario.
        session: starts the agent loop on the run folder; its steps share one conversation.
        mode: how the agent runs, for the report (`offline`, `claude claude-sonnet-4-6`).
        today: planning date; default the scenario's `today`, else the system date.
        keep: copy the run folder (with `rollout-plan.md`) here at the end.
        judge: judges the criteria no check covers (the model, with Claude); None: they
            stay UNCHECKED.

    Raises:
        InputError: the Setup's documents cannot be planned, or `keep` is unusable.
    """
    if keep is not None and keep.exists() and not keep.is_dir():
        raise InputError(str(keep), "--keep needs a folder; this is a file")
    given = today or scenario.today
    day = given or date.today()  # noqa: DTZ011 - none given: the system date, as the tools take it
    started = time.perf_counter()
    # The name is the scenario author's text: only letters, digits, - and _ reach the path.
    label = re.sub(r"[^A-Za-z0-9_-]+", "-", scenario.name)[:40].strip("-") or "run"
    with tempfile.TemporaryDirectory(prefix=f"rollout-scenario-{label}-") as tmp:
        folder = Path(tmp)
        write_setup(scenario, folder)
        _plan(folder, scenario, day)  # a Setup the engine cannot read fails before any model call
        steps = _run_steps(scenario.steps, session(folder))
        plan = _plan(folder, scenario, day)
        record = RunRecord(plan=plan, calls=tuple(c for s in steps for c in s.outcome.calls))
        checked = evaluate_all([c.text for c in scenario.criteria], record)
        results = tuple(judge_unchecked(checked, plan, judge))
        run = ScenarioRun(
            scenario=scenario,
            mode=mode,
            today=day,
            steps=tuple(steps),
            plan=plan,
            results=results,
            seconds=time.perf_counter() - started,
        )
        if keep is not None:
            _ensure_document(folder, plan)
            _keep(folder, keep, run_json(run))
    return run


def _run_steps(steps: Sequence[Step], driver: Driver) -> list[StepRun]:
    """Send each prompt in order; after a step that stops the model, the rest are not run."""
    runs: list[StepRun] = []
    stopped: str | None = None
    for step in steps:
        if stopped is not None:
            runs.append(StepRun(step, StepOutcome(calls=(), error=f"not run: {stopped}"), 0.0))
            continue
        begun = time.perf_counter()
        outcome = driver(step.prompt)
        calls = tuple(replace(call, step=step.number) for call in outcome.calls)
        runs.append(StepRun(step, replace(outcome, calls=calls), time.perf_counter() - begun))
        if outcome.stop:
            stopped = f"step {step.number} stopped the model"
    return runs


# --------------------------------------------------------------------------- reporting


def run_json(run: ScenarioRun) -> dict[str, Any]:
    """Return the run as JSON: criteria with evidence, steps with tools and the comparison."""
    return {
        "scenario": run.scenario.name,
        "title": run.scenario.title,
        "file": str(run.scenario.path),
        "mode": run.mode,
        "today": run.today.isoformat(),
        "seconds": round(run.seconds, 3),
        "passed": run.passed,
        "failed": run.failed,
        "unchecked": run.unchecked,
        "criteria": [
            {
                "criterion": r.criterion,
                "status": r.label,
                "check": r.check,
                "closest": r.closest,
                "tool": r.tool,
                "evidence": r.evidence,
            }
            for r in run.results
        ],
        "steps": [
            {
                "number": s.step.number,
                "title": s.step.title,
                "prompt": s.step.prompt,
                "seconds": round(s.seconds, 3),
                "error": s.outcome.error,
                "tools": [
                    {"name": c.name, "input": c.input, "ok": c.ok, "error": c.error}
                    for c in s.outcome.calls
                ],
                "comparison": {
                    "expected": s.step.expected,
                    "produced": [produced_numbers(c) for c in s.outcome.calls],
                },
                "text": s.outcome.text,
            }
            for s in run.steps
        ],
    }


def format_text(run: ScenarioRun) -> str:
    """Format the default report: one line per criterion, the step comparison, the summary."""
    lines = [
        (
            f"scenario {run.scenario.name}: {len(run.steps)} steps, {run.mode}, "
            f"today {run.today.isoformat()}, {run.seconds:.1f} s"
        ),
        "",
    ]
    lines += [f"{r.label}  {r.criterion} — {r.evidence}" for r in run.results]
    lines += ["", "Steps, expected vs produced (guidance, not checks):"]
    for s in run.steps:
        lines.append(f"  {s.step.number}. {s.step.title}")
        if s.step.expected:
            lines.append(f"     expected: {expected_summary(s.step.expected)}")
        produced = [produced_numbers(c) for c in s.outcome.calls] or ["no tool called"]
        if s.outcome.error:
            produced.append(f"stopped: {s.outcome.error}")
        lines += [f"     produced: {p}" for p in produced]
    summary = f"{run.passed} passed, {run.failed} failed"
    lines += ["", summary + (f", {run.unchecked} unchecked" if run.unchecked else "")]
    return "\n".join(lines) + "\n"


def junit_xml(run: ScenarioRun) -> str:
    """JUnit XML: one testsuite for the scenario, one testcase per criterion."""
    suite = ET.Element(
        "testsuite",
        {
            "name": run.scenario.name,
            "tests": str(len(run.results)),
            "failures": str(run.failed),
            "errors": "0",
            "skipped": str(run.unchecked),
            "time": f"{run.seconds:.3f}",
        },
    )
    properties = ET.SubElement(suite, "properties")
    for name, value in (("mode", run.mode), ("today", run.today.isoformat())):
        ET.SubElement(properties, "property", {"name": name, "value": value})
    for result in run.results:
        case = ET.SubElement(
            suite,
            "testcase",
            {"classname": f"scenario.{run.scenario.name}", "name": result.criterion, "time": "0"},
        )
        if result.status == "UNCHECKED":
            ET.SubElement(case, "skipped", {"message": f"UNCHECKED: {result.evidence}"})
        elif result.passed:
            ET.SubElement(case, "system-out").text = f"{result.label}: {result.evidence}"
        else:
            failure = ET.SubElement(
                case, "failure", {"message": result.evidence, "type": result.check or "no_check"}
            )
            failure.text = f"{result.criterion}\n{result.evidence}"
    root = ET.Element("testsuites", {"name": "rollout scenario run"})
    root.append(suite)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True) + "\n"


# --------------------------------------------------------------------------- sessions


def _tool_calls(exchange: Exchange) -> tuple[ToolCall, ...]:
    return tuple(exchange.tool_calls)


def conversation_session(client: ModelClient, *, today: date | None = None) -> Session:
    """Build a session that runs each prompt through the agent loop (`agent.Conversation`).

    `today` is the planning date the tools use for default starts (None: the system date).

    A model error that means bad credentials or input (exit status 2) is raised;
    any other stops the run after the step, recorded in its outcome.
    """
    from rollout_manager.agent.loop import Conversation
    from rollout_manager.agent.protocol import BAD_INPUT_STATUS, ModelError
    from rollout_manager.tools.catalog import default_registry

    def start(folder: Path) -> Driver:
        conversation = Conversation(client, registry=default_registry(), root=folder, today=today)

        def drive(prompt: str) -> StepOutcome:
            try:
                outcome = conversation.ask(prompt)
            except ModelError as error:
                if error.exit_status == BAD_INPUT_STATUS:
                    raise
                calls = _tool_calls(conversation.trace.exchanges[-1])
                return StepOutcome(calls=calls, error=str(error), stop=True)
            calls = _tool_calls(conversation.trace.exchanges[-1])
            problem = None if outcome.complete else f"stopped: {outcome.stop_reason}"
            return StepOutcome(calls=calls, text=outcome.answer, error=problem)

        return drive

    return start
