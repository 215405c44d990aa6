"""`rollout simulate` as a compact Markdown table: the plan's figures beside the simulation's."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rollout_manager.formatting import chance, count, rare

if TYPE_CHECKING:  # the report type lives with numpy; rendering needs neither
    from rollout_manager.planning.simulate import SimulationReport


def _pm(rate: float, se: float) -> str:
    return f"{rare(rate)} ± {rare(se)}"


def render_simulation(report: SimulationReport) -> str:
    """Healthy false rollback and hold against the plan's, then each regression by start stage."""
    healthy = report.healthy
    lines = [
        "## Simulated rollouts",
        "",
        (
            f"{count(report.runs)} rollouts through the plan's own decision rules (seed "
            f"{report.seed}); ± is one Monte Carlo standard error."
        ),
        "",
        "| Healthy rollout | Plan states | Simulated |",
        "|---|---|---|",
        (
            f"| False rollback (any boundary, any stage) | "
            f"{rare(report.stated_false_rollback or 0)} | "
            f"{_pm(healthy.false_rollback, healthy.false_rollback_se)} |"
        ),
        (
            f"| False hold (any gate, any stage) | {rare(report.stated_false_hold or 0)} | "
            f"{_pm(healthy.false_hold, healthy.false_hold_se)} |"
        ),
    ]
    if report.regressions:
        stages = len(report.regressions[0].by_stage)
        lines += [
            "",
            (
                "Regression starting at stage k: share rolled back in stage k itself, rolled back "
                "by the end, held instead, missed; mean transactions exposed before the stop."
            ),
            "",
            "| Regression | " + " | ".join(f"from {k}" for k in range(1, stages + 1)) + " |",
            "|---|" + "---|" * stages,
        ]
        by_name: dict[str, list[str]] = {}
        for r in report.regressions:
            by_name.setdefault(r.name, []).append(
                f"{chance(r.rolled_back_at_start)} / {chance(r.rolled_back)} / "
                f"{chance(r.held)} / {chance(r.missed)}; {count(r.mean_exposure)}"
            )
        lines += [f"| `{name}` | " + " | ".join(cells) + " |" for name, cells in by_name.items()]
    return "\n".join(lines) + "\n"
