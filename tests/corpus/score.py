"""Score the reader on the corpus: each hand-written expected fact, read or not.

`python -m tests.corpus.score` prints per-fact accuracy for the tuning cases and
the held-out cases separately. The expected facts are written by hand from each
case's documents (`expected.yaml`); nothing here is copied from the reader.
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import yaml

from rollout_manager.errors import InputError
from rollout_manager.planning.plan import plan_folder
from rollout_manager.planning.procedure import irreversible_steps
from rollout_manager.reading.context import read_context

if TYPE_CHECKING:
    from rollout_manager.model import RolloutPlan

CORPUS = Path(__file__).resolve().parent
TUNING = CORPUS / "cases"
HELDOUT = CORPUS / "heldout"
# A second held-out set, written by another engineer after the reader was built and committed
# before it was first scored (wave 3): documents in styles the reader's author did not write.
HELDOUT2 = CORPUS / "heldout2"
# A planning date, so that freezes resolve against a known year; no assertion is about time.
TODAY = date(2026, 2, 2)


@dataclass(frozen=True)
class Check:
    """One expected fact and whether the reader got it."""

    fact: str
    ok: bool
    detail: str


def cases(root: Path) -> list[Path]:
    """The case folders under `root`, in name order."""
    return sorted(p for p in root.iterdir() if (p / "expected.yaml").is_file())


def _close(actual: float | None, expected: float) -> bool:
    return actual is not None and math.isclose(actual, expected, rel_tol=1e-6, abs_tol=1e-9)


def _traffic_checks(plan: RolloutPlan, expected: dict[str, Any]) -> list[Check]:
    unit, per_day = plan.traffic.unit, plan.traffic.per_day
    return [
        Check("traffic.unit", unit == expected["unit"], f"{unit!r} vs {expected['unit']!r}"),
        Check(
            "traffic.per_day",
            _close(per_day, float(expected["per_day"])),
            f"{per_day} vs {expected['per_day']}",
        ),
    ]


def _metric_checks(plan: RolloutPlan, expected: list[dict[str, Any]]) -> list[Check]:
    by_key = {m.key: m for m in plan.baseline.metrics}
    checks: list[Check] = []
    for want in expected:
        key = want["key"]
        got = by_key.get(key)
        if got is None:
            checks.append(
                Check(f"metric.{key}", ok=False, detail=f"not read; have {sorted(by_key)}")
            )
            continue
        ok = (
            got.kind == want["kind"]
            and got.direction == want["direction"]
            and _close(got.value, float(want["value"]))
        )
        detail = f"{got.kind}/{got.direction}/{got.value} vs {want}"
        checks.append(Check(f"metric.{key}", ok, detail))
    return checks


def _risk_checks(plan: RolloutPlan, expected: dict[str, str]) -> list[Check]:
    levels = {f.name: f.level.value for f in plan.risk.factors}
    levels["overall"] = plan.risk.overall.value
    return [
        Check(f"risk.{name}", levels.get(name) == level, f"{levels.get(name)} vs {level}")
        for name, level in expected.items()
    ]


def _freeze_checks(folder: Path, expected: list[dict[str, str]]) -> list[Check]:
    context = read_context(folder)
    read = {
        (
            f"{f.value.start_month:02d}-{f.value.start_day:02d}",
            f"{f.value.end_month:02d}-{f.value.end_day:02d}",
        )
        for f in context.feature.freezes
    }
    wanted = {(w["start"], w["end"]) for w in expected}
    return [Check("freezes", read == wanted, f"{sorted(read)} vs {sorted(wanted)}")]


def score_case(folder: Path) -> list[Check]:
    """Every expected fact of one case, checked against the plan built from its documents."""
    expected = yaml.safe_load((folder / "expected.yaml").read_text(encoding="utf-8"))
    try:
        plan = plan_folder(folder, today=TODAY)
    except InputError as error:
        return [Check("plan", ok=False, detail=str(error))]
    checks = _traffic_checks(plan, expected["traffic"])
    checks += _metric_checks(plan, expected.get("metrics", []))
    checks += _risk_checks(plan, expected.get("risk", {}))
    if "irreversible" in expected:
        steps = irreversible_steps(read_context(folder))
        checks.append(
            Check("irreversible", bool(steps) == expected["irreversible"], f"steps: {steps}")
        )
    if "freezes" in expected:
        checks += _freeze_checks(folder, expected["freezes"])
    return checks


def score(root: Path) -> tuple[int, int, dict[str, list[Check]]]:
    """(facts right, facts expected, checks per case) for every case under `root`."""
    results = {case.name: score_case(case) for case in cases(root)}
    right = sum(c.ok for checks in results.values() for c in checks)
    total = sum(len(checks) for checks in results.values())
    return right, total, results


def main(argv: list[str] | None = None) -> None:
    """Print the per-fact accuracy of the tuning and the held-out cases.

    `python -m tests.corpus.score tuning` scores the tuning cases only (while tuning,
    the held-out results stay unseen).
    """
    roots = (("tuning", TUNING), ("held-out", HELDOUT), ("held-out-2", HELDOUT2))
    wanted = (argv if argv is not None else sys.argv[1:]) or [name for name, _ in roots]
    for name, root in roots:
        if name not in wanted:
            continue
        right, total, results = score(root)
        print(f"{name}: {right}/{total} facts ({right / total:.0%}) over {len(results)} cases")
        for case, checks in results.items():
            for check in checks:
                if not check.ok:
                    print(f"  {case}: {check.fact}: {check.detail}")


if __name__ == "__main__":
    main()
