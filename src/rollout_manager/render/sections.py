"""Markdown from the model, through Jinja2 templates in `rollout_manager/templates`.

Templates format; this module chooses what they show. The number formatters
of `formatting` (`pct`, `ms`, `money`, `count`, `when`, ...) are registered
once as filters, so a template writes a rate, a latency or an amount exactly as
the planning core writes it in its sentences.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

from pydantic import BaseModel

from rollout_manager.model import Evidence, Fact, RolloutContext, RolloutPlan
from rollout_manager.render import plan_view
from rollout_manager.render.environment import template_environment
from rollout_manager.sections import section_named

# How each numeric fact is shown; a field not named here shows its value as written.
_FORMATS: Final = {
    "scope_share": "pct",
    "rollback_minutes": "minutes",
    "daily_volume": "count",
    "p50_latency_ms": "ms",
    "p95_latency_ms": "ms",
    "p99_latency_ms": "ms",
    "success_rate": "pct",
    "error_rate": "pct",
    "timeout_rate": "pct",
    "daily_transactions": "count",
    "avg_transaction_value": "money",
    "daily_revenue": "money",
}


@dataclass(frozen=True)
class _FactRow:
    """One fact as the context template lists it."""

    name: str
    format: str
    value: object
    evidence: list[Evidence]


def _format_of(name: str, value: object) -> str:
    if isinstance(value, bool):
        return "yes_no"
    if isinstance(value, BaseModel):
        return type(value).__name__
    return _FORMATS.get(name, "text")


def _rows(prefix: str, facts: BaseModel) -> list[_FactRow]:
    rows: list[_FactRow] = []
    for name in type(facts).model_fields:
        held = getattr(facts, name)
        rows.extend(
            _FactRow(f"{prefix}.{name}", _format_of(name, fact.value), fact.value, fact.evidence)
            for fact in (held if isinstance(held, list) else [held])
            if isinstance(fact, Fact)
        )
    return rows


def render_context(context: RolloutContext) -> str:
    """Render the facts read from a context folder as Markdown, each with its evidence.

    Lists every fact with its value and unit and the `file:line "text"` it was
    read from, then the facts no document states and the figures that disagree.
    """
    return (
        template_environment()
        .get_template("context.md.j2")
        .render(
            context=context,
            feature_rows=_rows("feature", context.feature),
            baseline_rows=_rows("baseline", context.baseline),
            currency=context.baseline.currency,
        )
    )


def _render_plan(template: str, plan: RolloutPlan, *, standalone: bool) -> str:
    return (
        template_environment()
        .get_template(template)
        .render(plan=plan, standalone=standalone, status=status_line(plan))
    )


def render_section(plan: RolloutPlan, section: str) -> str:
    """One section of the plan as Markdown, the same text the whole document shows.

    Args:
        plan: the plan to show.
        section: a section name of `rollout_manager.sections.SECTIONS`. The
            stages section, shown alone, also says what each stage can detect.

    Raises:
        ValueError: for any other section name.
    """
    return _render_plan(section_named(section).template, plan, standalone=True)


def render_document(plan: RolloutPlan) -> str:
    """Render the whole plan as one Markdown document, ready for sign-off."""
    return _render_plan("plan.md.j2", plan, standalone=False)


def render_saved(plan: RolloutPlan, *, path: str, lines: int) -> str:
    """Render what to show after the document was written: where, the status, the summary, warnings.

    The document itself stays in the file: a model or a terminal gets the half page a
    reader needs first, not 500 lines.
    """
    return (
        template_environment()
        .get_template("saved.md.j2")
        .render(plan=plan, standalone=True, status=status_line(plan), path=path, lines=lines)
    )


def render_duration(data: dict[str, object], *, sources: tuple[str, str], min_hours: float) -> str:
    """Render the what-if answer of `stage_duration`: transactions and hours a stage needs."""
    return (
        template_environment()
        .get_template("duration.md.j2")
        .render(data=data, sources=sources, min_hours=min_hours)
    )


def status_line(plan: RolloutPlan) -> str:
    """One line: feature, flag, risk, strategy, stage count, start → end, decision asked for."""
    return plan_view.status_line(plan)
