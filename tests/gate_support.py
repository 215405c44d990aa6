"""Hand-made plans and an independent binomial oracle for the gate tests.

The decisions here are written by hand (the planner does not fill
`stages[].decisions` yet); each test works out its expected verdict from
these numbers. The oracle sums binomial terms exactly in rational
arithmetic (`math.comb`, `Fraction`), independently of the gate's own tails.
"""

from __future__ import annotations

import json
import shutil
from fractions import Fraction
from math import comb
from pathlib import Path
from typing import Any

from rollout_manager.model import Decision, RolloutPlan
from rollout_manager.planning.plan import plan_folder

SEED_DIR = Path(__file__).resolve().parent.parent / "scenarios" / "progressive-rollout"
START = "2026-12-01"
P0_STAGE2 = Fraction(8, 1000)

# Stage 2 of the seed (5% traffic, 0.8% baseline): the gate test the README states
# (1,269 transactions, hold at 17 errors) and the stage's Wald rollback rows.
STAGE2_BOUNDARY = [(100, 6), (150, 6), (250, 7), (500, 10), (750, 13), (1000, 16), (1500, 22)]
STAGE2_DECISION: dict[str, Any] = {
    "metric": "error_rate",
    "label": "Error rate",
    "event": "errors",
    "purpose": "rollback_threshold",
    "baseline_rate": 0.008,
    "alternative_rate": 0.016,
    "alpha": 0.05,
    "power": 0.8,
    "gate": {"min_transactions": 1269, "hold_at_errors": 17},
    "rollback_boundary": [{"n": n, "k": k} for n, k in STAGE2_BOUNDARY],
    "false_rollback": 0.03,
    "false_hold": 0.03,
}


def upper_tail(k: int, n: int, p: Fraction) -> Fraction:
    """P(X >= k), X ~ Binomial(n, p), exactly: one minus the k terms below it."""
    return 1 - sum((comb(n, x) * p**x * (1 - p) ** (n - x) for x in range(k)), Fraction(0))


def copy_seed(folder: Path, settings: str = f"start: {START}\n") -> Path:
    """The seed's two documents and a `rollout.yaml` in `folder`."""
    folder.mkdir(parents=True, exist_ok=True)
    for name in ("feature-description.md", "baseline-metrics.md"):
        shutil.copy(SEED_DIR / name, folder / name)
    (folder / "rollout.yaml").write_text(settings, encoding="utf-8")
    return folder


def seed_plan_with_decisions(
    folder: Path, decisions: dict[int, list[dict[str, Any]]] | None = None
) -> RolloutPlan:
    """The seed plan for `folder`, with hand-written decisions (default: stage 2's)."""
    plan = plan_folder(folder)
    for number, items in (decisions or {2: [STAGE2_DECISION]}).items():
        plan.stages[number - 1].decisions = [Decision.model_validate(d) for d in items]
    return plan


def write_plan(plan: RolloutPlan, path: Path) -> Path:
    """Save the plan as `rollout plan --json` would."""
    path.write_text(json.dumps(plan.model_dump(mode="json")), encoding="utf-8")
    return path


def write_counts(path: Path, canary: dict[str, Any], control: dict[str, Any] | None = None,
                 **extra: Any) -> Path:  # fmt: skip
    """A counts file with the given arms."""
    data: dict[str, Any] = {**extra, "canary": canary}
    if control is not None:
        data["control"] = control
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def write_events(
    path: Path, arms: dict[str, tuple[int, int]], *, expected: int = 0, slow: int = 0
) -> Path:
    """Raw events CSV: per variant (`on`/`off`) so many rows and errors, errors first.

    The first `expected` errors of each arm are card declines (expected errors); the last
    `slow` rows of each arm take 1,200 ms, every other row 300-799 ms.
    """
    with path.open("w", encoding="utf-8") as handle:
        handle.write("timestamp,variant,error,error_category,latency_ms,amount\n")
        for variant, (rows, errors) in arms.items():
            for i in range(rows):
                failed = i < errors
                category = (
                    ("Card declined" if i < expected else "Network timeout") if failed else ""
                )
                handle.write(
                    f"2026-12-03T10:{i % 60:02d}:00Z,{variant},{int(failed)},{category},"
                    f"{1200 if i >= rows - slow else 300 + i % 500},{67.5}\n"
                )
    return path
