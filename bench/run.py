"""`make bench`: how fast rollout-manager starts and answers, as medians and ratios.

Each cold benchmark runs a command in a fresh process several times, each run
right after a run of the dependency floor (`python -c "import pydantic, jinja2,
yaml"`), and every figure is also given as a ratio to the floor runs made beside
it, so a machine whose load changes during the benchmark moves both and the
ratio stays readable. CPU time (user + system of the child) is the figure the
ratio uses: on a machine shared with other work, wall-clock time mostly
measures the others. Warm MCP calls go to one running server.

A second reference, the floor *in use*, is the same three packages doing the
least work a planning command needs from them: one pydantic model validated (a
first model imports most of pydantic, which `import pydantic` defers), one
Jinja2 template rendered, one YAML document loaded. The ratio to it says how
much of a start is rollout-manager's own.

Results are printed and written to `bench/results.json` (ignored by git: the
figures belong to the machine that made them). No test asserts a time.

To add a benchmark, add one entry to `COLD` (a `rollout` command line) or to
`MCP_CALLS` (a tool and its arguments).
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from collections.abc import Callable, Sequence

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "scenarios" / "progressive-rollout"
RESULTS = Path(__file__).resolve().with_name("results.json")
ROLLOUT = Path(sys.executable).with_name("rollout")


@dataclass(frozen=True)
class Cold:
    """A `rollout` command run in a fresh process (`{seed}` is a scratch copy of the seed)."""

    name: str
    args: tuple[str, ...]
    ok: frozenset[int] = frozenset({0})
    """Exit codes that mean it ran (`rollout gate` exits with its verdict)."""


COLD: tuple[Cold, ...] = (
    Cold("plan", ("plan", "--context", "{seed}")),
    Cold("context", ("context", "--context", "{seed}")),
    Cold("ask --offline", ("ask", "--offline", "--context", "{seed}", "Assess the risk")),
    Cold(
        "scenario run",
        ("scenario", "run", str(SEED / "scenario.md"), "--offline"),
    ),
    Cold("simulate 10,000 rollouts", ("simulate", "--context", "{seed}", "--json")),
    Cold(
        "gate on 1,000,000 events",
        ("gate", "2", "--context", "{seed}", "--start", "2026-12-01", "--observed", "{events}"),
        ok=frozenset({0, 3, 4, 5}),
    ),
)

# A stage-2 events file: 50,000 rows on the new path (400 errors) and 950,000 on the old.
EVENT_ROWS = {"on": (50_000, 400), "off": (950_000, 7_600)}


def write_events(path: Path) -> Path:
    """Return the raw-events CSV the gate benchmark judges (one row per transaction)."""
    with path.open("w", encoding="utf-8") as handle:
        handle.write("timestamp,variant,error,error_category,latency_ms,amount\n")
        for variant, (rows, errors) in EVENT_ROWS.items():
            error_row = f"2026-12-03T10:00:00Z,{variant},1,Network timeout,300,67\n"
            ok_row = f"2026-12-03T10:00:00Z,{variant},0,,300,67\n"
            handle.write(error_row * errors)
            handle.write(ok_row * (rows - errors))
    return path


MCP_CALLS: tuple[tuple[str, dict[str, Any]], ...] = (
    ("assess_risk", {}),
    ("design_stages", {}),
    ("plan_monitoring", {}),
    ("stage_duration", {"stage": 2}),
)

FLOOR = ("-c", "import pydantic, jinja2, yaml")
FLOOR_IN_USE = (
    "-c",
    (
        "import jinja2, yaml\n"
        "from pydantic import BaseModel\n"
        "class M(BaseModel):\n"
        "    x: int\n"
        "M.model_validate(yaml.safe_load('x: 1'))\n"
        "jinja2.Environment().from_string('{{ x }}').render(x=1)\n"
    ),
)


@dataclass
class Timing:
    """Medians of several runs, in seconds."""

    wall: float
    cpu: float
    runs: int

    def as_json(self, floor: Timing | None) -> dict[str, Any]:
        """Give the medians as JSON, with the CPU ratio to `floor` when there is one."""
        data: dict[str, Any] = {
            "median_wall_s": round(self.wall, 4),
            "median_cpu_s": round(self.cpu, 4),
            "runs": self.runs,
        }
        if floor is not None:
            data["ratio_cpu"] = round(self.cpu / floor.cpu, 2)
            data["ratio_wall"] = round(self.wall / floor.wall, 2)
        return data


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _once(argv: Sequence[str], cwd: Path, ok: frozenset[int]) -> tuple[float, float]:
    """Wall and CPU time of one run of `argv` in a fresh process."""
    env = {k: v for k, v in os.environ.items() if k != "ANTHROPIC_API_KEY"}
    cpu, wall = _children_cpu(), time.perf_counter()
    completed = subprocess.run(
        argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, check=False
    )
    wall, cpu = time.perf_counter() - wall, _children_cpu() - cpu
    if completed.returncode not in ok:
        raise SystemExit(f"bench: {' '.join(argv)} failed: {completed.stderr.decode()[-500:]}")
    return wall, cpu


def _median(samples: Sequence[tuple[float, float]]) -> Timing:
    return Timing(
        wall=statistics.median(s[0] for s in samples),
        cpu=statistics.median(s[1] for s in samples),
        runs=len(samples),
    )


def time_beside(
    commands: Sequence[Sequence[str]], runs: int, cwd: Path, ok: frozenset[int] = frozenset({0})
) -> list[Timing]:
    """Median wall and CPU time of each command, their runs taken in turn.

    One warm-up run each first (.pyc files and the page cache, as a user's
    second run finds them); then round after round, one run of every command,
    so all of them see the same load.
    """
    zero = frozenset({0})
    checks = [ok if i == len(commands) - 1 else zero for i in range(len(commands))]
    for argv, accept in zip(commands, checks, strict=True):
        _once(argv, cwd, accept)
    samples: list[list[tuple[float, float]]] = [[] for _ in commands]
    for _ in range(runs):
        for kept, argv, accept in zip(samples, commands, checks, strict=True):
            kept.append(_once(argv, cwd, accept))
    return [_median(kept) for kept in samples]


def time_mcp_calls(root: Path, context: str, runs: int) -> dict[str, Timing]:
    """Median wall time of each tool call to one running `rollout mcp` server."""
    import anyio
    from mcp import Client, StdioServerParameters
    from mcp.client.stdio import stdio_client

    params = StdioServerParameters(command=str(ROLLOUT), args=["mcp", "--root", str(root)])
    timings: dict[str, Timing] = {}

    async def scenario() -> None:
        async with Client(stdio_client(params, errlog=sys.stderr), mode="legacy") as client:
            for name, extra in MCP_CALLS:
                arguments = {"context": context, **extra}
                await client.call_tool(name, arguments)  # warm: the first call imports
                samples = []
                for _ in range(runs):
                    started = time.perf_counter()
                    result = await client.call_tool(name, arguments)
                    samples.append(time.perf_counter() - started)
                    if result.is_error:
                        raise SystemExit(f"bench: {name} failed: {result.content}")
                median = statistics.median(samples)
                timings[name] = Timing(wall=median, cpu=0.0, runs=runs)

    anyio.run(scenario)
    return timings


def _table(rows: list[tuple[str, dict[str, Any]]]) -> str:
    lines = [
        f"{'benchmark':<28} {'wall ms':>9} {'cpu ms':>9} {'x floor (cpu)':>14} {'x in use':>9}"
    ]
    for name, data in rows:
        cpu = data.get("median_cpu_s")
        cpu_text = "–" if cpu is None else f"{cpu * 1000:.0f}"
        ratio, in_use = data.get("ratio_cpu"), data.get("ratio_cpu_in_use")
        lines.append(
            f"{name:<28} {data['median_wall_s'] * 1000:>9.1f} {cpu_text:>9} "
            f"{'–' if ratio is None else f'{ratio:.2f}x':>14} "
            f"{'–' if in_use is None else f'{in_use:.2f}x':>9}"
        )
    return "\n".join(lines)


def run(runs: int, only: Callable[[str], bool]) -> dict[str, Any]:
    """Every benchmark, as the JSON written to `bench/results.json`."""
    # Byte-compiled as an installed package is (pip compiles at install; an editable install and
    # PYTHONDONTWRITEBYTECODE=1 leave none): a start must not be timed compiling our sources.
    compileall.compile_dir(str(REPO / "src"), quiet=1)
    with tempfile.TemporaryDirectory() as scratch:
        seed = Path(scratch) / "seed"
        shutil.copytree(SEED, seed, ignore=shutil.ignore_patterns("expected", "rollout.yaml"))
        events = Path(scratch) / "events.csv"
        floors = [[sys.executable, *FLOOR], [sys.executable, *FLOOR_IN_USE]]
        floor, in_use = time_beside(floors, runs, Path(scratch))
        results: dict[str, Any] = {
            "dependency floor": floor.as_json(None),
            "floor in use": in_use.as_json(floor),
        }
        for bench in COLD:
            if only(bench.name):
                if "{events}" in bench.args and not events.exists():
                    write_events(events)
                filled = (a.format(seed=seed, events=events) for a in bench.args)
                argv = [str(ROLLOUT), *filled]
                beside, used, timing = time_beside([*floors, argv], runs, Path(scratch), bench.ok)
                entry = timing.as_json(beside)
                entry["floor_cpu_s"] = round(beside.cpu, 4)
                entry["ratio_cpu_in_use"] = round(timing.cpu / used.cpu, 2)
                results[bench.name] = entry
        if only("mcp"):
            for name, timing in time_mcp_calls(Path(scratch), "seed", runs).items():
                entry = timing.as_json(None)
                entry.pop("median_cpu_s")
                results[f"mcp warm {name}"] = entry
    return {
        "machine": {
            "python": platform.python_version(),
            "platform": platform.platform(),
            "cpus": os.cpu_count(),
            "load_average": [round(x, 2) for x in os.getloadavg()],
        },
        "results": results,
    }


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmarks, print a table, write `bench/results.json`."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7, help="runs per benchmark (default 7)")
    parser.add_argument("--only", default="", help="run only benchmarks whose name has this")
    parser.add_argument("--output", type=Path, default=RESULTS, help="where to write the JSON")
    args = parser.parse_args(argv)
    report = run(args.runs, lambda name: args.only in name)
    args.output.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    sys.stdout.write(_table(list(report["results"].items())) + "\n")
    load = report["machine"]["load_average"]
    sys.stdout.write(f"load average {load}; written to {args.output}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
