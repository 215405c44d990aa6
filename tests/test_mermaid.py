"""The schedule diagram: a Mermaid `gantt` block with one task per stage at its real time.

Two checks. The real Mermaid parser (npm `mermaid` under jsdom, kept in the
ignored `.tools/mermaid`) must accept the block and compute each task's start
and end as the plan has them; it is installed on first use and skipped only
when node is missing outside CI. A strict Python check of the gantt subset we
emit runs everywhere.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from rollout_manager.planning.plan import plan_folder
from rollout_manager.render.sections import render_document, render_section

if TYPE_CHECKING:
    from rollout_manager.model import RolloutPlan

REPO = Path(__file__).resolve().parent.parent
PARSER_SCRIPT = REPO / "tests" / "support" / "mermaid_gantt.mjs"
MERMAID_PREFIX = REPO / ".tools" / "mermaid"
# Pinned: the parse path (jsdom for Mermaid's sanitizer, `getDiagramFromText`) was checked
# with these releases on node 20.
MERMAID_PACKAGES = ("mermaid@11.17.2", "jsdom@29.1.1")
NPM_FLAGS = ("--no-audit", "--no-fund", "--save-exact")

HEADER = re.compile(r"gantt")
TITLE = re.compile(r" {4}title [^:;#\n]+")
DATE_FORMAT = re.compile(r" {4}dateFormat YYYY-MM-DD HH:mm")
AXIS_FORMAT = re.compile(r" {4}axisFormat (%[a-zA-Z][ -/]?)+")
SECTION = re.compile(r" {4}section [^:;#\n]+")
TASK = re.compile(
    r" {4}(?P<name>[^:;#\n]+?) :(?P<id>s\d+), "
    r"(?P<start>\d{4}-\d{2}-\d{2} \d{2}:\d{2}), (?P<amount>\d+)(?P<unit>[hm])"
)


@pytest.fixture(scope="module")
def plan() -> RolloutPlan:
    seed = REPO / "scenarios" / "progressive-rollout"
    return plan_folder(seed, start=date(2026, 12, 1), today=date(2026, 11, 27))


def gantt_block(markdown: str) -> str:
    """The body of the one ```mermaid fence in `markdown`."""
    blocks = re.findall(r"^```mermaid\n(.*?)^```$", markdown, re.MULTILINE | re.DOTALL)
    assert len(blocks) == 1, f"expected one mermaid block, found {len(blocks)}"
    body: str = blocks[0]
    return body


def _expected_tasks(plan: RolloutPlan) -> list[tuple[str, str, str]]:
    """(id, local start, local end) per stage, as `YYYY-MM-DDTHH:MM` wall-clock strings."""
    return [
        (
            f"s{s.number}",
            s.start.strftime("%Y-%m-%dT%H:%M"),
            (s.start.replace(tzinfo=None) + timedelta(hours=s.duration_hours)).strftime(
                "%Y-%m-%dT%H:%M"
            ),
        )
        for s in plan.stages
    ]


def _check_grammar(block: str) -> list[tuple[str, str, str]]:
    """Validate the gantt subset line by line; returns (id, start, end) of each task."""
    lines = block.splitlines()
    assert HEADER.fullmatch(lines[0]), lines[0]
    kinds = []
    tasks = []
    for line in lines[1:]:
        for kind, pattern in (
            ("title", TITLE),
            ("dateFormat", DATE_FORMAT),
            ("axisFormat", AXIS_FORMAT),
            ("section", SECTION),
        ):
            if pattern.fullmatch(line):
                kinds.append(kind)
                break
        else:
            match = TASK.fullmatch(line)
            assert match, f"not a gantt line we emit: {line!r}"
            kinds.append("task")
            minutes = int(match["amount"]) * (60 if match["unit"] == "h" else 1)
            # A gantt time is local and naive by design; parsing also checks the date.
            begin = datetime.strptime(match["start"], "%Y-%m-%d %H:%M")  # noqa: DTZ007
            end = begin + timedelta(minutes=minutes)
            tasks.append((match["id"], f"{begin:%Y-%m-%dT%H:%M}", f"{end:%Y-%m-%dT%H:%M}"))
    assert kinds[:3] == ["title", "dateFormat", "axisFormat"], kinds
    assert kinds[3] == "section" and set(kinds[4:]) == {"task"}, kinds
    ids = [task[0] for task in tasks]
    assert len(ids) == len(set(ids)), ids
    return tasks


def test_document_and_stages_section_show_the_same_gantt(plan: RolloutPlan) -> None:
    assert gantt_block(render_document(plan)) == gantt_block(render_section(plan, "stages"))


def test_gantt_grammar_and_one_task_per_stage_at_its_real_time(plan: RolloutPlan) -> None:
    tasks = _check_grammar(gantt_block(render_document(plan)))
    assert tasks == _expected_tasks(plan)
    # By hand: stage 1 starts Tue 2026-12-01 09:00 and runs 48 h (its smoke test needs more
    # than one day's 150 transactions once alpha is spent over the rollout).
    assert tasks[0] == ("s1", "2026-12-01T09:00", "2026-12-03T09:00")


def test_gantt_grammar_check_rejects_what_mermaid_would_misread() -> None:
    bad = (
        "gantt\n    title t\n    dateFormat YYYY-MM-DD HH:mm\n    axisFormat %b %d\n"
        "    section Ramp\n    Stage 1: 1% :s1, 2026-12-01 09:00, 24h\n"
    )
    with pytest.raises(AssertionError, match="not a gantt line"):
        _check_grammar(bad)


def _mermaid_parser() -> Path | None:
    """The npm prefix holding mermaid and jsdom, installed on first use; None to skip."""
    in_ci = bool(os.environ.get("CI"))
    if shutil.which("node") is None:
        if in_ci:
            pytest.fail("node is required in CI to validate the Mermaid diagram")
        return None
    if (
        not (MERMAID_PREFIX / "node_modules" / "mermaid").is_dir()
        or not (MERMAID_PREFIX / "node_modules" / "jsdom").is_dir()
    ):
        npm = shutil.which("npm")
        assert npm, "node is installed without npm"
        install = subprocess.run(
            [npm, "install", "--prefix", str(MERMAID_PREFIX), *NPM_FLAGS, *MERMAID_PACKAGES],
            capture_output=True,
            text=True,
            timeout=300,
            check=False,
        )
        if install.returncode != 0:
            if in_ci:
                pytest.fail(f"npm install of {MERMAID_PACKAGES} failed:\n{install.stderr}")
            return None
    return MERMAID_PREFIX


def _parse_with_mermaid(prefix: Path, block: str) -> subprocess.CompletedProcess[str]:
    node = shutil.which("node")
    assert node
    return subprocess.run(
        [node, str(PARSER_SCRIPT), str(prefix)],
        input=block,
        env={**os.environ, "TZ": "UTC"},  # wall-clock times in, wall-clock times out
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def test_real_mermaid_parser_accepts_the_gantt_and_computes_stage_times(
    plan: RolloutPlan,
) -> None:
    prefix = _mermaid_parser()
    if prefix is None:
        pytest.skip("node (or the mermaid npm package) is not available outside CI")
    result = _parse_with_mermaid(prefix, gantt_block(render_document(plan)))
    assert result.returncode == 0, result.stderr
    parsed = json.loads(result.stdout)
    assert parsed["diagramType"] == "gantt"
    assert parsed["dateFormat"] == "YYYY-MM-DD HH:mm"
    tasks = [(t["id"], t["start"], t["end"]) for t in parsed["tasks"]]
    assert tasks == _expected_tasks(plan)
    assert parsed["tasks"][0]["name"] == "Stage 1 (1%)"


def test_real_mermaid_parser_rejects_a_broken_gantt() -> None:
    prefix = _mermaid_parser()
    if prefix is None:
        pytest.skip("node (or the mermaid npm package) is not available outside CI")
    result = _parse_with_mermaid(
        prefix, "gantt\n    dateFormat YYYY-MM-DD HH:mm\n    section A\n    no task data\n"
    )
    assert result.returncode == 1
    assert "Parse error" in result.stderr
