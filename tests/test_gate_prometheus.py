"""`rollout gate --prometheus` against a real Prometheus server (Debian's `prometheus`).

The fixture writes OpenMetrics for three flags (healthy, a 2x regression, a gross
failure) over the last two hours, backfills it with `promtool tsdb
create-blocks-from openmetrics`, starts the server on a free loopback port and
stops it after. The gate queries it through the code users run. The gate
calendar is opened round the clock (a `rollout.yaml` in a folder with no peak
windows) so the verdict does not depend on when the test runs.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from fractions import Fraction
from typing import TYPE_CHECKING

import pytest

from rollout_manager.gates.run import GateRequest, evaluate
from tests.gate_support import (
    P0_STAGE2,
    copy_seed,
    seed_plan_with_decisions,
    upper_tail,
    write_counts,
    write_events,
    write_plan,
)

if TYPE_CHECKING:
    from collections.abc import Iterator
    from pathlib import Path

LOOPBACK = "127.0.0.1"
# flag -> (canary transactions, errors), (control transactions, errors) over the window
SERIES = {
    "healthy": ((3000, 24), (57000, 456)),
    "regressed": ((3000, 48), (57000, 456)),
    "gross": ((100, 8), (1900, 15)),
    "slow": ((1000, 8), (19000, 152)),
}
# flag "slow": requests above the 890 ms baseline P95 (histogram bucket le="0.89"), per arm.
SLOW = {"on": 120, "off": 950}
OPEN_CALENDAR = """\
timezone: UTC
calendar:
  gate_days: [Mon, Tue, Wed, Thu, Fri, Sat, Sun]
  gate_start: "00:00"
  gate_end: "23:59"
  skip_holidays: false
  min_stage_hours: 1
"""
pytestmark = [pytest.mark.slow, pytest.mark.block_network(allowed_hosts=[r"127\.0\.0\.1"])]


@dataclass(frozen=True)
class Server:
    """A running Prometheus with test data, and the window the data covers."""

    url: str
    since: datetime
    at: datetime


def _binaries() -> tuple[str, str]:
    found = shutil.which("prometheus"), shutil.which("promtool")
    if None in found:
        if os.environ.get("CI") == "true":
            pytest.fail("prometheus/promtool missing: .ci/run must install Debian's prometheus")
        pytest.skip("prometheus not installed (apt-get install prometheus)")
    return found[0] or "", found[1] or ""


def _openmetrics(since: datetime, minutes: int) -> str:
    lines = []
    for family, index in (("rollout_requests", 0), ("rollout_errors", 1)):
        lines.append(f"# TYPE {family} counter")
        for flag, arms in SERIES.items():
            for variant, counts in zip(("on", "off"), arms, strict=True):
                total = counts[index]
                for minute in range(minutes + 1):
                    stamp = int((since + timedelta(minutes=minute)).timestamp())
                    value = total * minute // minutes
                    lines.append(
                        f'{family}_total{{flag="{flag}",variant="{variant}"}} {value} {stamp}'
                    )
    lines.append("# TYPE rollout_request_duration_seconds histogram")
    for variant, (requests, _errors) in zip(("on", "off"), SERIES["slow"], strict=True):
        labels = f'flag="slow",variant="{variant}"'
        for minute in range(minutes + 1):
            stamp = int((since + timedelta(minutes=minute)).timestamp())
            total = requests * minute // minutes
            fast = total - SLOW[variant] * minute // minutes
            name = "rollout_request_duration_seconds"
            lines += [
                f'{name}_bucket{{{labels},le="0.89"}} {fast} {stamp}',
                f'{name}_bucket{{{labels},le="+Inf"}} {total} {stamp}',
                f"{name}_count{{{labels}}} {total} {stamp}",
                f"{name}_sum{{{labels}}} {total * 0.5} {stamp}",
            ]
    return "\n".join([*lines, "# EOF"]) + "\n"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind((LOOPBACK, 0))
        return int(probe.getsockname()[1])


def _wait_ready(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"prometheus exited: {log.read_text()[-2000:]}")
        try:
            with urllib.request.urlopen(f"{url}/-/ready", timeout=2) as response:  # noqa: S310  (http on loopback)
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.25)
    pytest.fail(f"prometheus not ready within 60 s: {log.read_text()[-2000:]}")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    prometheus, promtool = _binaries()
    work = tmp_path_factory.mktemp("prometheus")
    at = datetime.now(UTC).replace(second=0, microsecond=0) - timedelta(minutes=10)
    if (at.hour, at.minute) == (23, 59):  # the open calendar's one closed minute
        at -= timedelta(minutes=1)
    since = at - timedelta(hours=2)
    source = work / "series.om"
    source.write_text(_openmetrics(since, 120), encoding="utf-8")
    data = work / "data"
    subprocess.run(
        [promtool, "tsdb", "create-blocks-from", "openmetrics", str(source), str(data)],
        check=True, capture_output=True, timeout=120,
    )  # fmt: skip
    config = work / "prometheus.yml"
    config.write_text("global:\n  scrape_interval: 1h\nscrape_configs: []\n", encoding="utf-8")
    port = _free_port()
    url = f"http://{LOOPBACK}:{port}"
    log = work / "prometheus.log"
    with log.open("wb") as sink:
        process = subprocess.Popen(
            [prometheus, f"--config.file={config}", f"--storage.tsdb.path={data}",
             f"--web.listen-address={LOOPBACK}:{port}", "--storage.tsdb.retention.time=3650d"],
            stdout=sink, stderr=subprocess.STDOUT,
        )  # fmt: skip
    try:
        _wait_ready(url, process, log)
        yield Server(url=url, since=since, at=at)
    finally:
        process.terminate()
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=30)


@pytest.fixture(scope="module")
def folders(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """A gate folder per flag: open calendar, and the seed plan (stage 2 decision) for it."""
    root = tmp_path_factory.mktemp("gates")
    seed = copy_seed(root / "seed")
    plan = seed_plan_with_decisions(seed)
    result = {}
    for flag in SERIES:
        folder = root / flag
        folder.mkdir()
        (folder / "feature-description.md").write_text(f"# {flag}\n", encoding="utf-8")
        (folder / "baseline-metrics.md").write_text("# Baseline\n", encoding="utf-8")
        (folder / "rollout.yaml").write_text(OPEN_CALENDAR, encoding="utf-8")
        plan.feature.flag = flag
        write_plan(plan, folder / "plan.json")
        result[flag] = folder
    return result


@pytest.fixture(scope="module")
def slow_folder(tmp_path_factory: pytest.TempPathFactory, folders: dict[str, Path]) -> Path:
    """Flag `slow`, judged by the hand-made latency decision of test_gate_inputs."""
    from tests.test_gate_inputs import LATENCY

    folder = folders["slow"]
    plan = seed_plan_with_decisions(
        copy_seed(tmp_path_factory.mktemp("s") / "seed"), {2: [LATENCY]}
    )
    plan.feature.flag = "slow"
    write_plan(plan, folder / "plan.json")
    return folder


def _judge(folder: Path, server: Server, **source: object) -> str:
    verdict, _ = evaluate(
        GateRequest(
            folder=folder, stage=2, plan_file=folder / "plan.json", at=server.at,
            since=server.since, **source,  # type: ignore[arg-type]
        )
    )  # fmt: skip
    return verdict.verdict


def test_healthy_series_advance(server: Server, folders: dict[str, Path]) -> None:
    # 24 of 480 errors on a 1/20 share: p ~ 0.53 above the gate's level (test_gate_verdicts).
    assert _judge(folders["healthy"], server, prometheus=server.url) == "advance"


def test_a_2x_regression_rolls_back(server: Server, folders: dict[str, Path]) -> None:
    # 48 of 504 errors on a 1/20 share (1.6% against 0.8%): P(X >= 48) is below the level
    # P(X >= 22 | 1,500, 0.8%) of the boundary's last row.
    assert upper_tail(48, 504, Fraction(1, 20)) < upper_tail(22, 1500, P0_STAGE2)
    assert _judge(folders["regressed"], server, prometheus=server.url) == "rollback"


def test_a_gross_failure_rolls_back(server: Server, folders: dict[str, Path]) -> None:
    # 8 of 23 errors on a 1/20 share (8% against 0.8%): P(X >= 8) is below the level of the
    # row (100, 6), P(X >= 6 | 100, 0.8%).
    assert upper_tail(8, 23, Fraction(1, 20)) < upper_tail(6, 100, P0_STAGE2)
    assert _judge(folders["gross"], server, prometheus=server.url) == "rollback"


def test_slow_requests_come_from_the_histogram_bucket(server: Server, slow_folder: Path) -> None:
    # 120 of the 1,070 requests above 890 ms on a 1,000 / 20,000 = 1/20 share: the exact
    # conditional p-value is below the level of the latency boundary row (1,000, 90) at 5%.
    assert upper_tail(120, 1070, Fraction(1, 20)) < upper_tail(90, 1000, Fraction(1, 20))
    verdict, _ = evaluate(
        GateRequest(folder=slow_folder, stage=2, plan_file=slow_folder / "plan.json",
                    at=server.at, since=server.since, prometheus=server.url)
    )  # fmt: skip

    assert verdict.verdict == "rollback"
    assert verdict.canary == {"transactions": 1000, "p95_latency_ms": 120.0}
    assert verdict.control == {"transactions": 19000, "p95_latency_ms": 950.0}


@pytest.mark.parametrize("flag", ["healthy", "regressed", "gross"])
def test_counts_file_raw_events_and_prometheus_agree(
    server: Server, folders: dict[str, Path], flag: str
) -> None:
    folder = folders[flag]
    (canary, control) = SERIES[flag]
    counts = write_counts(
        folder / "counts.json",
        {"transactions": canary[0], "errors": canary[1]},
        {"transactions": control[0], "errors": control[1]},
    )
    events = write_events(folder / "events.csv", {"on": canary, "off": control})

    verdicts = {
        "prometheus": _judge(folder, server, prometheus=server.url),
        "counts": _judge(folder, server, observed=counts),
        "events": _judge(folder, server, observed=events),
    }

    assert len(set(verdicts.values())) == 1, verdicts


def test_the_cli_reads_prometheus_too(server: Server, folders: dict[str, Path]) -> None:
    from tests.conftest import ROLLOUT

    folder = folders["gross"]
    done = subprocess.run(
        [str(ROLLOUT), "gate", "2", "--context", str(folder), "--plan", str(folder / "plan.json"),
         "--prometheus", server.url, "--at", server.at.isoformat(),
         "--since", server.since.isoformat(), "--json"],
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

    assert done.returncode == 5, done.stderr
    data = json.loads(done.stdout)
    assert data["canary"] == {"transactions": 100, "error_rate": 8.0}
    assert data["source"] == f"Prometheus {server.url}"


def test_the_seed_plans_own_decisions_judge_the_series(
    server: Server, folders: dict[str, Path], tmp_path: Path
) -> None:
    from rollout_manager.planning.plan import plan_folder

    plan = plan_folder(copy_seed(tmp_path / "seed"))
    (d,) = [d for d in plan.stages[1].decisions if d.metric == "error_rate"]
    row = next(p for p in sorted(d.rollback_boundary, key=lambda p: p.n) if p.n >= 3000)
    p0 = Fraction(d.baseline_rate).limit_denominator(10**6)
    # Healthy: 24 of 480 on a 1/20 share (p ~ 0.53) is above the gate test's level; the 2x
    # series: 48 of 504 is below the level of the row covering 3,000. The series carry no
    # latency histogram and no expected-error counter: those decisions are not judged.
    assert d.gate.min_transactions <= 3000
    assert upper_tail(24, 480, Fraction(1, 20)) > upper_tail(
        d.gate.hold_at_errors, d.gate.min_transactions, p0
    )
    assert upper_tail(48, 504, Fraction(1, 20)) <= upper_tail(row.k, row.n, p0)
    outcomes = {}
    for flag in ("healthy", "regressed"):
        plan.feature.flag = flag
        write_plan(plan, folders[flag] / "seed-plan.json")
        verdict, _ = evaluate(
            GateRequest(folder=folders[flag], stage=2, plan_file=folders[flag] / "seed-plan.json",
                        at=server.at, since=server.since, prometheus=server.url)
        )  # fmt: skip
        outcomes[flag] = {m.metric: m.verdict for m in verdict.metrics} | {"": verdict.verdict}

    assert outcomes["healthy"] == {
        "error_rate": "advance", "change_error_rate": "not_judged",
        "p95_latency_ms": "not_judged", "": "advance",
    }  # fmt: skip
    assert outcomes["regressed"]["error_rate"] == "rollback"
    assert outcomes["regressed"][""] == "rollback"


def test_an_unreachable_prometheus_is_bad_input(folders: dict[str, Path]) -> None:
    from rollout_manager.errors import InputError

    port = _free_port()  # nothing listens here
    with pytest.raises(InputError, match="cannot reach"):
        evaluate(
            GateRequest(
                folder=folders["healthy"], stage=2, plan_file=folders["healthy"] / "plan.json",
                prometheus=f"http://{LOOPBACK}:{port}",
            )
        )  # fmt: skip
