"""`rollout gate` and `rollout status` as a user and a CI job run them."""

from __future__ import annotations

import json
import os
import subprocess
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import pytest

from rollout_manager.gates.journal import read_journal
from rollout_manager.tools.catalog import dispatch
from tests.conftest import ROLLOUT, RunCli
from tests.gate_support import copy_seed, seed_plan_with_decisions, write_counts, write_plan

if TYPE_CHECKING:
    from pathlib import Path

AT = "2026-12-03T14:30:00Z"  # Thu 09:30 EST: gate hours
SINCE = "2026-12-02T14:00:00Z"  # stage 2 started 24.5 h before AT


@pytest.fixture
def seed(tmp_path: Path) -> Path:
    folder = copy_seed(tmp_path / "seed")
    write_plan(seed_plan_with_decisions(folder), folder / "plan.json")
    return folder


def _counts(
    folder: Path, name: str, canary: tuple[int, int], control: tuple[int, int] | None
) -> Path:
    return write_counts(
        folder / name,
        {"transactions": canary[0], "errors": canary[1]},
        None if control is None else {"transactions": control[0], "errors": control[1]},
    )


@pytest.mark.slow
@pytest.mark.parametrize(
    ("canary", "control", "code", "word"),
    [
        ((3000, 24), (57000, 456), 0, "ADVANCE"),
        ((50, 0), None, 3, "CONTINUE"),
        ((5400, 43), (54600, 437), 4, "HOLD"),
        ((100, 8), None, 5, "ROLLBACK"),
    ],
)
def test_the_exit_status_is_the_verdict(
    seed: Path,
    run_cli: RunCli,
    *,
    canary: tuple[int, int],
    control: tuple[int, int] | None,
    code: int,
    word: str,
) -> None:
    counts = _counts(seed, "counts.json", canary, control)
    result = run_cli(
        "gate", "2", "--context", seed, "--plan", seed / "plan.json", "--observed", counts,
        "--at", AT, "--since", SINCE,
    )  # fmt: skip

    assert result.returncode == code, result.stderr
    assert f"Stage 2 gate: {word}" in result.stdout
    assert result.stderr == ""


@pytest.mark.slow
def test_gate_json_carries_the_verdict_and_bad_input_exits_2(seed: Path, run_cli: RunCli) -> None:
    counts = _counts(seed, "counts.json", (50, 0), None)
    ok = run_cli("gate", "2", "--context", seed, "--plan", seed / "plan.json",
                 "--observed", counts, "--at", AT, "--json")  # fmt: skip
    bad = run_cli("gate", "2", "--context", seed, "--plan", seed / "plan.json",
                  "--observed", seed / "missing.json")  # fmt: skip

    data = json.loads(ok.stdout)
    assert ok.returncode == 3 and data["verdict"] == "continue"
    assert data["transactions_needed"] == 1269 - 50
    assert bad.returncode == 2 and bad.stdout == ""
    assert bad.stderr.strip() == f"rollout: {seed / 'missing.json'}: file not found"


@pytest.mark.slow
def test_gate_help_documents_every_exit_status(run_cli: RunCli) -> None:
    text = run_cli("gate", "--help").stdout

    for line in ("0  advance", "3  continue", "4  hold", "5  rollback", "2  bad input"):
        assert line in text


@pytest.mark.slow
def test_status_shows_three_gate_calls_in_order(seed: Path, run_cli: RunCli) -> None:
    plan = seed / "plan.json"
    calls = [((50, 0), "2026-12-02T16:00:00Z"), ((700, 5), "2026-12-03T10:00:00Z"),
             ((3000, 24), AT)]  # fmt: skip
    for number, (canary, at) in enumerate(calls):
        counts = _counts(seed, f"c{number}.json", canary, None)
        run_cli("gate", "2", "--context", seed, "--plan", plan, "--observed", counts,
                "--at", at, "--since", SINCE)  # fmt: skip

    text = run_cli("status", "--context", seed, "--plan", plan).stdout
    data = json.loads(run_cli("status", "--context", seed, "--plan", plan, "--json").stdout)

    assert [row["at"][:16] for row in data["verdicts"]] == [
        "2026-12-02T16:00", "2026-12-03T10:00", "2026-12-03T14:30"
    ]  # fmt: skip
    assert [row["canary"]["transactions"] for row in data["verdicts"]] == [50, 700, 3000]
    assert [row["verdict"] for row in data["verdicts"]] == ["continue", "continue", "advance"]
    # 3,000 with 24 errors against the baseline passes the gate: stage 3 is next.
    assert data["current_stage"] == 3
    rows = [line for line in text.splitlines() if line.startswith("| ") and "counts file" in line]
    assert [row.split(" | ")[0] for row in rows] == ["| 1", "| 2", "| 3"]
    assert "50 txns" in rows[0] and "3,000 txns" in rows[2]


@pytest.mark.slow
def test_twenty_concurrent_gates_leave_twenty_journal_lines(seed: Path) -> None:
    counts = _counts(seed, "counts.json", (50, 0), None)
    env = {k: v for k, v in os.environ.items() if k != "ANTHROPIC_API_KEY"}
    command = [str(ROLLOUT), "gate", "2", "--context", str(seed), "--plan",
               str(seed / "plan.json"), "--observed", str(counts), "--at", AT]  # fmt: skip

    def run(_: int) -> int:
        done = subprocess.run(command, env=env, capture_output=True, timeout=300, check=False)
        return done.returncode

    with ThreadPoolExecutor(max_workers=20) as pool:
        codes = list(pool.map(run, range(20)))

    assert codes == [3] * 20
    lines = (seed / "rollout-log.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(lines) == 20
    assert all(json.loads(line)["verdict"] == "continue" for line in lines)


def test_evaluate_gate_tool_judges_and_journals_inside_the_served_folder(seed: Path) -> None:
    # The tool plans the folder itself (the seed's own decisions): 20 errors in the first 100
    # transactions are past stage 2's row covering 100 (at most 8, test_gate_seed).
    write_counts(seed / "counts.json", {"transactions": 100, "errors": 20}, at=AT, since=SINCE)
    result = dispatch(
        "evaluate_gate", {"context": ".", "stage": 2, "observed": "counts.json"}, root=seed
    )
    outside = dispatch("evaluate_gate", {"stage": 2, "observed": "../../etc/passwd"}, root=seed)
    unreachable = dispatch("evaluate_gate", {"stage": 2, "observed": "prometheus"}, root=seed)

    assert result.ok, result.error
    assert result.data["verdict"] == "rollback" and result.data["journal"] == "rollout-log.jsonl"
    assert "ROLLBACK" in result.markdown
    assert [entry["verdict"] for entry in read_journal(seed)] == ["rollback"]
    assert not outside.ok and outside.error is not None and "outside" in outside.error
    # The address rollout.yaml's metrics_source names (default http://prometheus:9090).
    assert not unreachable.ok and unreachable.error is not None
    assert "cannot reach http://prometheus:9090" in unreachable.error
