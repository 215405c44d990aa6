"""A run's steps side by side with what the scenario expected: guidance, never a check.

`produced_numbers` puts the key numbers of one tool result in one line;
`expected_summary` puts a step's Expected Output block in one line.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from rollout_manager.scenario.checks import find_field

if TYPE_CHECKING:
    from rollout_manager.agent.protocol import ToolCall


def _find_all(data: Any, name: str) -> Any:
    return find_field(data, (name,))[1]


def _percent(value: Any) -> str:
    return f"{value * 100:.3g}%" if isinstance(value, int | float) else "?"


def _number(value: Any, unit: str) -> str:
    return f"{value:g}{unit}" if isinstance(value, int | float) else "?"


def _rule(item: dict[str, Any]) -> str:
    metric, op, value = item.get("metric", "?"), item.get("op", "?"), item.get("value")
    if isinstance(value, int | float):
        if metric.endswith("_ms"):
            shown = f"{value:g} ms"
        elif metric.endswith(("_rate", "_vs_control")):
            shown = _percent(value)
        else:
            shown = f"{value:g}"
    else:
        shown = "not set"
    severity = item.get("severity")
    return f"{severity + ' ' if severity else ''}{metric} {op} {shown}"


def _items(data: Any, name: str) -> list[dict[str, Any]]:
    found = _find_all(data, name)
    return [i for i in found if isinstance(i, dict)] if isinstance(found, list) else []


def _risk_numbers(data: Any) -> list[str]:
    parts = []
    overall, strategy = _find_all(data, "overall"), _find_all(data, "strategy")
    if isinstance(overall, str):
        parts.append(f"risk {overall}" + (f" ({strategy})" if isinstance(strategy, str) else ""))
    factors = _items(data, "factors")
    if factors:
        parts.append(", ".join(f"{f.get('name')} {f.get('level')}" for f in factors[:4]))
    return parts


def _stage_numbers(data: Any) -> list[str]:
    stages = _items(data, "stages")
    if not stages:
        return []
    ladder = " → ".join(_number(s.get("traffic_percent"), "%") for s in stages)
    hours = ", ".join(_number(s.get("duration_hours"), " h") for s in stages)
    return [f"{len(stages)} stages {ladder} ({hours})"]


def _criteria_numbers(data: Any) -> list[str]:
    parts = []
    success = _items(data, "success")
    if success:
        parts.append("advance if " + ", ".join(_rule(t) for t in success[:2]))
    auto = _items(data, "auto_rollback")
    if auto:
        parts.append("roll back if " + ", ".join(_rule(t) for t in auto[:2]))
    return parts


def _monitoring_numbers(data: Any) -> list[str]:
    parts = []
    # `baseline.metrics` (what was stated) is not the monitoring plan's list of metrics.
    monitoring = _find_all(data, "monitoring")
    metrics = _items(monitoring if isinstance(monitoring, dict) else data, "metrics")
    metrics = [m for m in metrics if "kind" in m and "name" in m]
    if metrics:
        kinds = [m.get("kind") for m in metrics]
        parts.append(
            f"{len(metrics)} metrics ({kinds.count('technical')} technical, "
            f"{kinds.count('business')} business)"
        )
    alerts = _items(data, "alerts")
    if alerts:
        parts.append("alerts " + ", ".join(_rule(a) for a in alerts[:3]))
    return parts


def _document_numbers(data: Any) -> list[str]:
    parts = []
    if isinstance(data, dict) and isinstance(data.get("saved"), str):
        changes = data.get("changes")
        listed = "; ".join(map(str, changes)) if isinstance(changes, list) else "changed"
        parts.append(f"saved {data['saved']}: {listed}")
    if isinstance(data, dict) and isinstance(data.get("path"), str):
        count = data.get("stages")
        parts.append(
            f"wrote {data['path']}" + (f", {count} stages" if isinstance(count, int) else "")
        )
    stakeholders = _items(data, "stakeholders")
    if stakeholders:
        parts.append("stakeholders " + ", ".join(str(s.get("role")) for s in stakeholders))
    procedure, gates = _items(data, "rollback_procedure"), _items(data, "gate_checklist")
    if procedure:
        parts.append(f"{len(procedure)} rollback steps")
    if gates:
        parts.append(f"{len(gates)} gate checklists")
    return parts


def produced_numbers(call: ToolCall) -> str:
    """Return the key numbers of one tool result, in one line: what the run produced."""
    if not call.ok:
        return f"{call.name} failed: {call.error}"
    parts: list[str] = []
    for section in (
        _risk_numbers,
        _stage_numbers,
        _criteria_numbers,
        _monitoring_numbers,
        _document_numbers,
    ):
        parts += section(call.data)
    return f"{call.name}: " + ("; ".join(parts) if parts else "ok")


_MARKUP = re.compile(r"[*`]|^\s*[-+]\s+|^\s*\d+[.)]\s+|^#+\s*")


def expected_summary(expected: str, width: int = 110) -> str:
    """Return an Expected Output block in one line: its bullet and table lines, markup dropped."""
    parts = []
    lines = [raw.strip() for raw in expected.splitlines()]
    separator = re.compile(r"[|:\-\s]+")
    for index, line in enumerate(lines):
        header = index + 1 < len(lines) and separator.fullmatch(lines[index + 1] or "x")
        if not line or line.startswith(("```", "~~~")) or separator.fullmatch(line) or header:
            continue
        cells = line.strip("|").split("|") if line.startswith("|") else [line]
        plain = _MARKUP.sub("", " ".join(cell.strip() for cell in cells)).strip().rstrip(":")
        if plain:
            parts.append(plain)
    text = "; ".join(parts)
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"
