"""The one-screen overview: the plan in six lines, from the section tools' own results.

The offline planner answers with it when it cannot pin a request down. Each
line quotes the tools' JSON (their descriptions and numbers, formatted by the
planning core), so nothing here computes or rounds a figure.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

Data = Mapping[str, Any]


def _items(data: Data, *path: str) -> list[dict[str, Any]]:
    value: Any = data
    for key in path:
        value = value.get(key) if isinstance(value, Mapping) else None
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _day(stamp: Any) -> str:
    return str(stamp)[:10] if stamp else "?"


def _risk(data: Data) -> str | None:
    risk = data.get("risk")
    if not isinstance(risk, Mapping):
        return None
    high = [str(f.get("name", "")).replace("_", " ") for f in _items(data, "risk", "factors")]
    levels = {str(f.get("name")): f.get("level") for f in _items(data, "risk", "factors")}
    named = [n for n in high if levels.get(n.replace(" ", "_")) == risk.get("overall")]
    why = f" ({', '.join(named)} {risk.get('overall')})" if named else ""
    return f"**Risk**: {risk.get('overall')}, strategy {risk.get('strategy')}{why}."


def _stages(data: Data) -> str | None:
    stages = _items(data, "stages")
    if not stages:
        return None
    ladder = " → ".join(f"{s.get('traffic_percent'):g}%" for s in stages)
    found = data.get("schedule")
    schedule: Data = found if isinstance(found, Mapping) else {}
    first = stages[0].get("audience", "")
    return (
        f"**Stages**: {len(stages)}, {ladder}, from {_day(schedule.get('start'))} to "
        f"{_day(schedule.get('end'))}; stage 1: {first}."
    )


def _rules(data: Data) -> str | None:
    success = _items(data, "criteria", "success")
    auto = _items(data, "criteria", "auto_rollback")
    if not success and not auto:
        return None
    advance = "; ".join(str(t.get("description")) for t in success[:2])
    back = "; ".join(str(t.get("description")) for t in auto[:2])
    return (
        f"**Rules**: advance when {advance or 'no rule'}; roll back at once if {back or 'no rule'}."
    )


def _alerts(data: Data) -> str | None:
    alerts = _items(data, "monitoring", "alerts")
    if not alerts:
        return None
    severities = [str(a.get("severity")) for a in alerts]
    critical = next((a for a in alerts if a.get("severity") == "CRITICAL"), alerts[0])
    monitoring = data.get("monitoring")
    on_call = monitoring.get("on_call") if isinstance(monitoring, Mapping) else None
    rotation = on_call.get("rotation") if isinstance(on_call, Mapping) else None
    return (
        f"**Alerts**: {severities.count('WARNING')} WARNING and {severities.count('CRITICAL')} "
        f"CRITICAL, e.g. CRITICAL {critical.get('description')}"
        + (f"; on call: {rotation}" if rotation else "")
        + "."
    )


def _people(data: Data) -> str | None:
    people = _items(data, "communication", "stakeholders")
    if not people:
        return None
    shown = ", ".join(f"{p.get('role')} ({p.get('channel')})" for p in people)
    first = min((d for p in people for d in p.get("dates") or []), default=None)
    return f"**People**: {shown}; first message {_day(first)}."


def _next_step(data: Data) -> str:
    stages = _items(data, "stages")
    start = f" on {_day(stages[0].get('start'))}" if stages else ""
    return (
        f'**Next step**: sign-off, then stage 1{start}; say "write the complete plan for '
        'sign-off" for the document.'
    )


_LINES: tuple[tuple[str, Callable[[Data], str | None]], ...] = (
    ("assess_risk", _risk),
    ("design_stages", _stages),
    ("define_criteria", _rules),
    ("plan_monitoring", _alerts),
    ("plan_communication", _people),
)


def overview_lines(results: Mapping[str, Data], errors: Mapping[str, str]) -> list[str]:
    """One line per part of the plan, from each section tool's JSON data.

    Args:
        results: tool name -> the data of its successful result.
        errors: tool name -> the error of a tool that failed (shown on its line).
    """
    lines = ["## The plan in one screen", ""]
    for tool, line in _LINES:
        if tool in errors:
            lines.append(f"- **{tool}** could not answer: {errors[tool]}")
            continue
        text = line(results.get(tool, {}))
        if text:
            lines.append(f"- {text}")
    lines.append(f"- {_next_step(results.get('design_stages', {}))}")
    return lines
