"""The verdict and the status as Markdown, for the CLI and for a model to show as is."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rollout_manager.formatting import count
from rollout_manager.planning.schedule import format_local, resolve_timezone

if TYPE_CHECKING:
    from datetime import datetime

    from rollout_manager.gates.verdict import GateVerdict


def _arm(counts: dict[str, float] | None) -> str:
    if not counts:
        return "–"
    errors = counts.get("errors")
    text = f"{count(counts.get('transactions', 0))} txns"
    return text + (f", {count(errors)} errors" if errors is not None else "")


def _local(moment: datetime, zone: str | None) -> str:
    return format_local(moment, resolve_timezone(zone)) if zone else moment.isoformat()


def render_verdict(verdict: GateVerdict) -> str:
    """`## Stage 2 gate: ADVANCE`, the explanation, then one row per decision."""
    lines = [
        f"## Stage {verdict.stage} gate: {verdict.verdict.upper()} (exit {verdict.exit_code})",
        "",
        verdict.summary,
        "",
        (
            f"Judged at {_local(verdict.at, verdict.timezone)} on {verdict.source}, "
            f"{verdict.hours_in_stage:g} h since the stage started "
            f"({_local(verdict.since, verdict.timezone)}); "
            "against the "
            f"{'concurrent control' if verdict.against == 'control' else 'plan baseline'}."
        ),
        "",
        "| Metric | Verdict | New path | Events | p-value | Plan level |",
        "|---|---|---|---|---|---|",
    ]
    for m in verdict.metrics:
        p_value = "–" if m.p_value is None else f"{m.p_value:.2g}"
        level = "–" if m.level is None else f"{m.level:.2g}"
        lines.append(
            f"| {m.metric} | {m.verdict} | {count(m.transactions)} | {count(m.events)} "
            f"| {p_value} | {level} |"
        )
    if verdict.sample_ratio is not None:
        lines += ["", f"Split: {verdict.sample_ratio.reason}"]
    return "\n".join(lines) + "\n"


def render_status(status: dict[str, Any]) -> str:
    """Return the current stage, its progress to the gate, and the last verdicts as a table."""
    lines = [
        "## Rollout status",
        "",
        f"Current stage: {status['current_stage']} ({status['state']}).",
    ]
    stage = status.get("stage")
    if stage:
        lines.append(
            f"Stage {stage['number']} at {stage['traffic_percent']:g}%: planned "
            f"{stage['planned_start']} to its gate {stage['planned_gate']}."
        )
    if status.get("hours_to_wait"):
        lines.append(f"Hours to its gate: about {status['hours_to_wait']:g}.")
    for row in status.get("progress", []):
        boundary = row["rollback_at"]
        against = (
            f"roll back at {boundary['k']} within the first {count(boundary['n'])}"
            if boundary
            else "past the boundary table"
        )
        lines.append(
            f"- {row['metric']}: {count(row['transactions'])} transactions, "
            f"{count(row['events'])} events ({against}); the gate needs "
            f"{count(row['gate_transactions'])} ({count(row['transactions_to_gate'])} more) and "
            f"fewer than {row['hold_at_errors']}."
        )
    verdicts = status.get("verdicts", [])
    if verdicts:
        lines += [
            "",
            "| # | At | Stage | Verdict | Against | New path | Control | Source |",
            "|---|---|---|---|---|---|---|---|",
        ]
        first = status.get("verdict_count", len(verdicts)) - len(verdicts) + 1
        for offset, row in enumerate(verdicts):
            lines.append(
                f"| {first + offset} | {row['at']} | {row['stage']} | {row['verdict']} "
                f"| {row['against']} | {_arm(row['canary'])} | {_arm(row['control'])} "
                f"| {row['source']} |"
            )
    else:
        lines += ["", "No gate verdict recorded yet (`rollout gate STAGE --observed FILE`)."]
    return "\n".join(lines) + "\n"
