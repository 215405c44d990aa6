"""The three sources of counts: a counts file, raw events, and what each refuses."""

from __future__ import annotations

import json
import time
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING

import pytest

from rollout_manager.errors import InputError
from rollout_manager.gates import run
from rollout_manager.gates.events import read_events
from rollout_manager.gates.observed import read_counts
from rollout_manager.gates.run import GateRequest, evaluate
from rollout_manager.planning.timeline import plan_timeline
from tests.gate_support import (
    copy_seed,
    seed_plan_with_decisions,
    write_counts,
    write_events,
    write_plan,
)

if TYPE_CHECKING:
    from datetime import tzinfo
    from pathlib import Path

    from rollout_manager.model import RolloutContext, RolloutPlan
    from rollout_manager.planning.policy import Policy
    from rollout_manager.planning.timeline import Timeline

AT = "2026-12-03T14:30:00+00:00"  # Thu 09:30 EST
SINCE = "2026-12-02T14:00:00+00:00"  # the stage started 24.5 h before


@pytest.fixture
def seed(tmp_path: Path) -> tuple[Path, RolloutPlan, Path]:
    folder = copy_seed(tmp_path / "seed")
    plan = seed_plan_with_decisions(folder)
    return folder, plan, write_plan(plan, folder / "plan.json")


def _gate(folder: Path, plan_file: Path, observed: Path) -> str:
    verdict, _ = evaluate(
        GateRequest(
            folder=folder,
            stage=2,
            observed=observed,
            plan_file=plan_file,
            at=datetime.fromisoformat(AT),
            since=datetime.fromisoformat(SINCE),
        )
    )
    return verdict.verdict


# --------------------------------------------------------------------------- same verdict


@pytest.mark.parametrize(
    ("canary", "control", "expected"),
    [
        ((3000, 24), (57000, 456), "advance"),  # worked out in test_gate_verdicts
        ((3000, 60), (57000, 456), "rollback"),
        ((100, 8), (1900, 15), "rollback"),  # P(X >= 8 | 23, 1/20) ~ 1e-5 < level of (100, 6)
        ((50, 0), (950, 8), "continue"),  # 1,219 more to the gate
    ],
)
def test_a_counts_file_and_raw_events_give_the_same_verdict(
    seed: tuple[Path, RolloutPlan, Path],
    canary: tuple[int, int],
    control: tuple[int, int],
    expected: str,
) -> None:
    folder, _plan, plan_file = seed
    counts = write_counts(
        folder / "counts.json",
        {"transactions": canary[0], "errors": canary[1]},
        {"transactions": control[0], "errors": control[1]},
        stage=2,
    )
    events = write_events(folder / "events.csv", {"on": canary, "off": control})

    assert _gate(folder, plan_file, counts) == expected
    assert _gate(folder, plan_file, events) == expected


def test_events_count_expected_errors_by_the_documents_breakdown(
    seed: tuple[Path, RolloutPlan, Path],
) -> None:
    folder, plan, _ = seed
    # The seed's breakdown marks card declines as expected; 10 of 24 errors here are declines.
    events = write_events(folder / "events.csv", {"on": (300, 24), "off": (700, 5)}, expected=10)

    observation = read_events(events, plan)

    assert observation.canary.transactions == 300
    assert observation.canary.counts == {"errors": 24, "expected_errors": 10}
    assert observation.control is not None and observation.control.counts["errors"] == 5


def test_quoted_fields_are_read_by_csv_with_the_same_counts(
    seed: tuple[Path, RolloutPlan, Path],
) -> None:
    folder, plan, _ = seed
    path = folder / "quoted.csv"
    path.write_text(
        "timestamp,variant,error,error_category,latency_ms,amount\n"
        '2026-12-03T10:00:00Z,on,1,"Card declined",300,"1,250.00"\n'
        "2026-12-03T10:01:00Z,on,1,Network timeout,300,10\n"
        "2026-12-03T10:02:00Z,on,0,,300,10\n"
        "2026-12-03T10:03:00Z,off,0,,300,10\n",
        encoding="utf-8",
    )

    observation = read_events(path, plan)

    assert observation.canary.transactions == 3
    assert observation.canary.counts == {"errors": 2, "expected_errors": 1}
    assert observation.control is not None and observation.control.transactions == 1


def test_a_million_raw_events_are_judged(seed: tuple[Path, RolloutPlan, Path]) -> None:
    folder, _plan, plan_file = seed
    # 50,000 canary rows with 400 errors (0.8%) and 950,000 control rows with 7,600 (0.8%):
    # equal rates, a 5% split, past the gate's 1,269: advance.
    events = write_events(folder / "events.csv", {"on": (50000, 400), "off": (950000, 7600)})
    with events.open() as handle:
        assert sum(1 for _ in handle) == 1_000_001

    started = time.perf_counter()
    verdict = _gate(folder, plan_file, events)
    print(f"\n1,000,000 events judged in {time.perf_counter() - started:.2f} s")

    assert verdict == "advance"


# --------------------------------------------------------------------------- refusals


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("{", "not valid JSON at line 1"),
        ("[]", "must be a JSON object"),
        ('{"control": {"transactions": 5, "errors": 0}}', "needs 'canary'"),
        ('{"canary": {"transactions": -1, "errors": 0}}', "must not be negative"),
        ('{"canary": {"transactions": 10, "errors": 11}}', "exceeds canary.transactions"),
        ('{"canary": {"transactions": "ten", "errors": 0}}', "must be a number"),
        ('{"canary": {"transactions": 10, "errors": 0, "colour": 1}}', "unknown key 'colour'"),
        ('{"canary": {"transactions": 10.5, "errors": 0}}', "whole number"),
        ('{"canary": {"transactions": 10, "errors": 0}, "at": "soon"}', "not an ISO 8601"),
        ('{"canary": {"transactions": 10}}', "needs 'errors'"),
    ],
)
def test_a_bad_counts_file_is_one_line_naming_it(
    seed: tuple[Path, RolloutPlan, Path], content: str, problem: str
) -> None:
    folder, plan, _ = seed
    path = folder / "counts.json"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(InputError) as caught:
        read_counts(path, plan)

    assert str(path) in str(caught.value) and problem in str(caught.value)
    assert "\n" not in str(caught.value)


def test_counts_may_name_a_plan_metric_key(seed: tuple[Path, RolloutPlan, Path]) -> None:
    folder, plan, _ = seed
    path = folder / "counts.json"
    path.write_text(json.dumps({"canary": {"transactions": 100, "error_rate": 2}}), "utf-8")

    assert read_counts(path, plan).canary.counts == {"error_rate": 2}


@pytest.mark.parametrize(
    ("content", "problem"),
    [
        ("", "is empty"),
        ("timestamp,variant\n", "missing column 'error'"),
        ("variant,error\nblue,0\n", "unknown variant 'blue'"),
        ("variant,error\non,maybe\n", "must be 0/1 or true/false"),
        ("variant,error,error_category\non\n", "fewer columns"),
    ],
)
def test_bad_raw_events_are_one_line_naming_the_file(
    seed: tuple[Path, RolloutPlan, Path], content: str, problem: str
) -> None:
    folder, plan, _ = seed
    path = folder / "events.csv"
    path.write_text(content, encoding="utf-8")

    with pytest.raises(InputError) as caught:
        read_events(path, plan)

    assert str(path) in str(caught.value) and problem in str(caught.value)


def test_counts_for_another_stage_are_refused(seed: tuple[Path, RolloutPlan, Path]) -> None:
    folder, _plan, plan_file = seed
    counts = write_counts(folder / "c.json", {"transactions": 10, "errors": 0}, stage=3)

    with pytest.raises(InputError, match="the counts are for stage 3, not 2"):
        _gate(folder, plan_file, counts)


# A hand-made latency decision: requests slower than the 890 ms baseline P95 are 5% when
# healthy; the gate needs 1,000 requests with fewer than 64 slow ones.
LATENCY = {
    "metric": "p95_latency_ms", "event": "requests slower than 890 ms",
    "purpose": "rollback_threshold", "baseline_rate": 0.05, "alternative_rate": 0.1,
    "alpha": 0.05, "power": 0.8, "gate": {"min_transactions": 1000, "hold_at_errors": 64},
    "rollback_boundary": [{"n": 1000, "k": 90}], "false_rollback": 0.0, "false_hold": 0.05,
}  # fmt: skip


@pytest.mark.parametrize(("slow", "expected"), [(40, "advance"), (70, "hold"), (95, "rollback")])
def test_a_latency_decision_counts_requests_slower_than_the_baseline_p95(
    tmp_path: Path, slow: int, expected: str
) -> None:
    # 1,000 requests at the gate's own n: fewer than 64 slow passes, 64 or more holds, and
    # 90 or more within the first 1,000 crosses the boundary row (1,000, 90).
    folder = copy_seed(tmp_path / "seed")
    plan = seed_plan_with_decisions(folder, {2: [LATENCY]})
    plan_file = write_plan(plan, folder / "plan.json")
    events = write_events(folder / "events.csv", {"on": (1000, 8)}, slow=slow)
    counts = write_counts(folder / "counts.json", {"transactions": 1000, "errors": 8, "slow": slow})

    assert _gate(folder, plan_file, events) == expected
    assert _gate(folder, plan_file, counts) == expected


# --------------------------------------------------------------------------- the calendar's day


def test_without_a_today_the_gate_calendar_takes_the_plan_zones_date(
    seed: tuple[Path, RolloutPlan, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Like `build_plan`: the date where the gates are (New York), not UTC's or the host's."""
    folder, _plan, plan_file = seed
    instant = datetime(2027, 6, 10, 2, 0, tzinfo=UTC)  # Wed Jun 9, 22:00 EDT in New York

    class Clock(datetime):
        @classmethod
        def now(cls, tz: tzinfo | None = None) -> Clock:
            moment = instant.astimezone(tz) if tz is not None else instant
            return cls.fromisoformat(moment.isoformat())

    days: list[date] = []

    def timeline(context: RolloutContext, policy: Policy, today: date) -> Timeline:
        days.append(today)
        return plan_timeline(context, policy, today)

    monkeypatch.setattr(run, "datetime", Clock)
    monkeypatch.setattr(run, "plan_timeline", timeline)
    counts = write_counts(folder / "counts.json", {"transactions": 3000, "errors": 24}, stage=2)
    _gate(folder, plan_file, counts)
    assert days == [date(2027, 6, 9)]
