"""What a plain-language request asks for, as tool calls: the offline planner's reading.

Which parts of the plan a request asks about is scored by meaning
(`meaning.Matcher`) against the intent table `data/intents.yaml`: per intent, the
tool that answers it, its vocabulary and example requests. A request that asks for
several things gets several sections (each clause is scored on its own too); one
too vague to pin down gets the overview of the whole plan, never the help text
alone. Changes and what-ifs keep their exact parsing (`changes`); an intent whose
tool the registry does not have is never chosen (the offline planner passes the
tools it is offered).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import TYPE_CHECKING, Any, Final

import yaml

from rollout_manager.agent import changes, what_if_questions
from rollout_manager.agent.changes import parse_dates, parse_duration_hours, parse_number
from rollout_manager.meaning import Intent, Matcher, Score, terms
from rollout_manager.sections import SECTIONS

if TYPE_CHECKING:
    from collections.abc import Collection
    from datetime import date

__all__ = [
    "CAPABILITIES",
    "OVERVIEW_TOOLS",
    "Routing",
    "ToolCall",
    "intent_table",
    "parse_dates",
    "parse_duration_hours",
    "parse_number",
    "route",
    "understand",
]

CAPABILITIES: Final = """\
I plan progressive rollouts from `feature-description.md` and `baseline-metrics.md` in this \
folder. Ask me for:

- **Risk**: "How risky is this rollout?"
- **Stages**: "Define the rollout stages" or "What traffic percentages, and for how long?"
- **Success and rollback criteria**: "When do we roll back automatically?"
- **Monitoring**: "Which dashboards and alerts do we need?"
- **Communication**: "Who needs to know what, and when?"
- **The whole plan**: "Write the complete plan for sign-off" (saved as `rollout-plan.md`)
- **What-if**: "How long must a 2% stage run to catch 2x errors?"
- **Changes**, saved to `rollout.yaml`: "make stage 2 last five days", "start on \
2026-12-08", "use #payments-eng for engineering", "freeze Dec 21 to Jan 4"
"""
ASK_HINT: Final = (
    "Ask about one line for its detail (risk, stages, rules, alerts, people, the whole "
    'document), a what-if ("how long must a 2% stage run?") or a change saved to '
    '`rollout.yaml` ("make stage 2 last five days").'
)
# The sections the overview is built from (the Section table's tools), in its order.
OVERVIEW_TOOLS: Final = tuple(section.tool for section in SECTIONS if section.overview)
OVERVIEW: Final = "overview"
# Below this score the request is not pinned down: the answer is the overview.
CONFIDENCE_FLOOR: Final = 0.24
# A clause adds a section of its own when it scores this much, this far above its runner-up.
CLAUSE_FLOOR: Final = 0.30
CLAUSE_MARGIN: Final = 0.07
_SECTION_TOOLS: Final = frozenset(section.tool for section in SECTIONS)
_PARTS: Final = re.compile(
    r"[?;!]|[.,](?!\d)|\b(?:and|then|also|plus|as well as|but)\b", re.IGNORECASE
)
# "Context is in feature-description.md": where the documents are, not a question about them.
_WHERE_CONTEXT: Final = re.compile(
    r"\b(?:the\s+)?(?:context|documents?|docs|details|files|everything|it\s+all)\s+"
    r"(?:is|are|lives?|sits?)\s+in\b[^.?!]*",
    re.IGNORECASE,
)
# A clause that states something ("this is revenue-critical", "we need to be careful")
# gives context; it adds no section of its own.
_STATEMENT: Final = re.compile(
    r"\s*(?:we|this|it|that|our|there|they|i)(?:'re|'s|\s+(?:is|are|was|were|need|needs|have|has|"
    r"must|will|want|already|really))\b",
    re.IGNORECASE,
)
_ENGINES: Final = {
    "prometheus": "prometheus", "promql": "prometheus", "alertmanager": "prometheus",
    "argo": "argo", "flagger": "flagger", "flagd": "flagd", "openfeature": "flagd",
}  # fmt: skip


@dataclass(frozen=True)
class ToolCall:
    """One tool the request needs, with its arguments."""

    tool: str
    arguments: dict[str, Any]


@dataclass
class Routing:
    """What a request maps to: tool calls in order, and notes for what could not be read."""

    calls: list[ToolCall] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    overview: bool = False
    """The calls are the overview's sections: answer with one line each."""


@dataclass(frozen=True)
class IntentEntry:
    """One row of the intent table."""

    name: str
    tool: str | None
    """The tool that answers it; None for the overview."""
    intent: Intent


@cache
def intent_table() -> tuple[IntentEntry, ...]:
    """Return the packaged intent table (`data/intents.yaml`), in the order answers are shown."""
    text = (resources.files("rollout_manager") / "data" / "intents.yaml").read_text("utf-8")
    # libyaml when installed: the pure-Python loader costs half a second on this table.
    rows = yaml.load(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))  # noqa: S506
    return tuple(
        IntentEntry(
            name=str(name),
            tool=row.get("tool"),
            intent=Intent(
                name=str(name),
                vocabulary=tuple(str(w) for w in row.get("vocabulary") or ()),
                examples=tuple(str(e) for e in row.get("examples") or ()),
            ),
        )
        for name, row in rows.items()
    )


@cache
def _matcher(available: frozenset[str]) -> Matcher:
    return Matcher([e.intent for e in intent_table() if e.tool is None or e.tool in available])


def _available_tools(available: Collection[str] | None) -> frozenset[str]:
    if available is not None:
        return frozenset(available)
    from rollout_manager.tools.catalog import default_registry

    return frozenset(default_registry())


@dataclass(frozen=True)
class Understanding:
    """The intents a request names, best first, and its best score."""

    intents: tuple[str, ...]
    best: Score | None
    """The best-scoring intent that could be chosen."""
    excluded_best: str | None = None
    """The best intent overall when it was one of the excluded (a change not read exactly)."""


def understand(
    text: str,
    available: Collection[str] | None = None,
    *,
    exclude: Collection[str] = (),
) -> Understanding:
    """Return the intents `text` asks for: the best over the whole text, and each clause's own.

    Args:
        text: the request (or the part of it that is not a change).
        available: tool names the registry has (default: the built-in tools).
        exclude: tools not to choose (a change or a what-if that was not read exactly).

    Returns:
        Intent names in table order; empty (or only `overview`) when nothing is pinned down.
    """
    matcher = _matcher(_available_tools(available))
    barred = {e.name for e in intent_table() if e.tool in exclude}

    def scores(part: str) -> list[Score]:
        return [s for s in matcher.scores(part) if s.name not in barred]

    parts = [p for p in _PARTS.split(text) if p and terms(p) and not _STATEMENT.match(p)]
    everything = matcher.scores(" ".join(parts) if parts else text)
    whole = [s for s in everything if s.name not in barred]
    best = whole[0] if whole else None
    excluded_best = everything[0].name if everything and everything[0].name in barred else None
    picked: list[str] = []
    if best is not None and best.value >= CONFIDENCE_FLOOR:
        picked.append(best.name)
    if len(parts) > 1:
        for part in parts:
            scored = scores(part)
            top, runner = scored[0], scored[1] if len(scored) > 1 else None
            margin = top.value - (runner.value if runner else 0.0)
            clear = top.value >= CLAUSE_FLOOR and margin >= CLAUSE_MARGIN and top.distinctive
            if clear and top.name not in picked:
                picked.append(top.name)
    if len(picked) > 1 and OVERVIEW in picked:
        picked.remove(OVERVIEW)
    order = [e.name for e in intent_table()]
    return Understanding(tuple(sorted(picked, key=order.index)), best, excluded_best)


def _tool_of(name: str) -> str | None:
    return next((e.tool for e in intent_table() if e.name == name), None)


def _arguments(tool: str, text: str) -> dict[str, Any]:
    """Read what a request says for a tool other than the planning ones (the stage, the engine)."""
    if tool == "evaluate_gate":
        stage = changes.stage_number(text)
        return {"stage": stage} if stage is not None and stage > 0 else {}
    if tool == "export_plan":
        found = [
            engine
            for word, engine in _ENGINES.items()
            if re.search(rf"\b{word}", text, re.IGNORECASE)
        ]
        return {"to": found[0]} if len(set(found)) == 1 else {}
    return {}


def _asked_outright(text: str, today: date) -> str:
    """Return the request without its change clauses: what it asks besides changing the plan."""
    kept = [p for p in _PARTS.split(text) if p and not changes.adjustments(p, today, [])]
    return " ".join(kept)


def _overview(routing: Routing, best: Score | None, asked: str) -> Routing:
    routing.overview = True
    routing.calls += [ToolCall(tool, {}) for tool in OVERVIEW_TOOLS]
    closest = ""
    if best is not None and best.name != OVERVIEW and best.value > 0:
        closest = f' (closest: {best.name.replace("_", " ")}, as in "{best.nearest}")'
    what = f'"{asked.strip()}"' if asked.strip() else "that"
    routing.notes.append(
        f"I could not pin down which part of the plan {what} is about{closest}, so here is the "
        f"whole plan in one screen. {ASK_HINT}"
    )
    return routing


def _sections(text: str, understood: Understanding) -> list[ToolCall]:
    """Tool calls for the intents understood, a what-if answered by its exact parse."""
    calls: list[ToolCall] = []
    for name in understood.intents:
        tool = _tool_of(name)
        if tool is None or tool == "adjust_plan":
            continue
        if tool == "stage_duration":
            arguments = what_if_questions.what_if(text)
            call = ToolCall("stage_duration", arguments) if arguments else None
            calls.append(call or ToolCall("design_stages", {}))
            continue
        calls.append(ToolCall(tool, _arguments(tool, text)))
    if any(c.tool == "render_plan" for c in calls) and "render_plan" in understood.intents:
        calls = [c for c in calls if c.tool not in _SECTION_TOOLS]
    if any(c.tool == "evaluate_gate" for c in calls):  # a verdict applies the criteria
        calls = [c for c in calls if c.tool != "define_criteria"]
    unique: dict[str, ToolCall] = {}
    for call in calls:
        unique.setdefault(call.tool, call)
    return list(unique.values())


def _with_change(
    routing: Routing,
    change: dict[str, Any],
    text: str,
    today: date,
    available: Collection[str] | None,
) -> Routing:
    """Return the change, then the sections the rest of the request asks for outright."""
    routing.calls.append(ToolCall("adjust_plan", change))
    rest = _asked_outright(text, today)
    if not terms(rest):
        return routing
    understood = understand(rest, available, exclude={"adjust_plan"})
    shown = changes.changed_sections(change)
    routing.calls += [c for c in _sections(rest, understood) if c.tool not in shown]
    return routing


def route(prompt: str, *, today: date, available: Collection[str] | None = None) -> Routing:
    """Return the tool calls that answer `prompt`, in the order their answers are shown.

    Args:
        prompt: the user's request in plain language.
        today: the date that year-less dates ("Dec 8") are read against.
        available: tool names the model may call (default: the registry's).

    Returns:
        Calls (changes first, then sections) and notes on what could not be read. A
        request not pinned down gets the overview's sections with `overview` set.
    """
    text = _WHERE_CONTEXT.sub(" ", changes.FILE_NAME_RE.sub(" ", prompt))
    routing = Routing()
    if changes.UNDO_RE.search(text):
        routing.notes.append(changes.UNDO_NOTE)
        return routing
    change = changes.adjustments(text, today, routing.notes)
    asked_start = None if change else changes.start_question(text, today)
    if asked_start is not None:
        routing.calls.append(ToolCall("design_stages", {"start": asked_start}))
        routing.notes.append(
            f'A what-if: nothing was saved. Say "start on {asked_start}" to keep this start.'
        )
        return routing
    if change:
        return _with_change(routing, change, text, today, available)
    what_if = what_if_questions.what_if(text)
    if what_if is not None:
        routing.calls.append(ToolCall("stage_duration", what_if))
        return routing
    # Without a change or a what-if read exactly, those intents cannot be answered.
    understood = understand(text, available, exclude={"adjust_plan", "stage_duration"})
    if understood.excluded_best == "adjust_plan" and not routing.notes:
        routing.notes.append(
            "That reads like a change, but I could not read which one, so nothing was saved: "
            "say e.g. 'make stage 2 last five days', 'start on 2026-12-08' or 'freeze Dec 21 "
            "to Jan 4'."
        )
    calls = _sections(text, understood)
    if not calls:
        return _overview(routing, understood.best, text)
    routing.calls += calls
    return routing
