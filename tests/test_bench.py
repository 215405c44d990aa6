"""`make bench` keeps running and reports what it says (its figures are never asserted)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


def test_one_round_of_the_plan_benchmark_writes_its_figures_and_ratios(tmp_path: Path) -> None:
    output = tmp_path / "results.json"
    completed = subprocess.run(
        [sys.executable, str(REPO / "bench" / "run.py"), "--runs", "1", "--only", "plan",
         "--output", str(output)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip

    assert completed.returncode == 0, completed.stderr
    results = json.loads(output.read_text(encoding="utf-8"))["results"]
    # "--only plan" keeps the two floors and the one benchmark with "plan" in its name.
    assert sorted(results) == ["dependency floor", "floor in use", "plan"]
    plan = results["plan"]
    # The ratios are the plan's CPU over the floor runs made beside it, not over another round.
    ratio = plan["median_cpu_s"] / plan["floor_cpu_s"]
    assert plan["ratio_cpu"] == pytest.approx(ratio, abs=0.011)
    assert plan["ratio_cpu_in_use"] > 0
    assert "ratio_cpu" not in results["dependency floor"]
    table = completed.stdout.splitlines()
    assert table[0].split() == ["benchmark", "wall", "ms", "cpu", "ms", "x", "floor", "(cpu)",
                                "x", "in", "use"]  # fmt: skip
    assert [line.split()[0] for line in table[1:4]] == ["dependency", "floor", "plan"]
