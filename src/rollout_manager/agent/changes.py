"""Changes and what-ifs in a request, read exactly: the offline planner's parsing.

Changes ("make stage 2 last five days", "start on Dec 8", "use #payments-eng for
engineering", "freeze Dec 21 to Jan 4") become `adjust_plan` arguments; a question
on how long a stage must run becomes `stage_duration` arguments. Numbers and dates
are parsed here, by code; nothing is computed: the tools compute. Which sections a
request asks for is scored by meaning in `intents`.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from typing import TYPE_CHECKING, Any, Final

from rollout_manager.reading.vocabulary import MONTHS, NUMBER_WORDS, duration_unit_pattern

if TYPE_CHECKING:
    from collections.abc import Callable

_LARGEST_SPELLED: Final = 50  # the largest number word a request's stages and durations use
_NUMBER_WORDS: Final[dict[str, float]] = {
    **{word: n for word, n in NUMBER_WORDS.items() if 1 <= n <= _LARGEST_SPELLED},
    "a": 1, "an": 1, "half a": 0.5, "half an": 0.5, "a couple of": 2, "couple of": 2,
}  # fmt: skip
_ORDINALS: Final = {
    "first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6,
    "seventh": 7, "eighth": 8, "ninth": 9, "tenth": 10, "last": -1, "final": -1,
}  # fmt: skip
_MONTHS: Final = MONTHS
_HOURS_PER_UNIT: Final = {"hour": 1, "day": 24, "week": 168}
_ROLES: Final = ("engineering", "support", "product", "leadership", "finance", "compliance")
_STRATEGIES: Final = {
    "canary": "canary",
    "progressive": "progressive",
    "short ramp": "short_ramp",
    "short_ramp": "short_ramp",
    "direct": "direct",
    "big bang": "direct",
    "big-bang": "direct",
}

_NUMBER: Final = r"\d+(?:\.\d+)?|" + "|".join(
    sorted((re.escape(w) for w in _NUMBER_WORDS), key=len, reverse=True)
)
# Digits may touch their unit ("36h"); a number word needs a space ("an d" is no duration).
_DURATION_RE: Final = re.compile(
    r"\b(?P<n>\d+(?:\.\d+)?(?=[\s-]*[a-z])|(?:"
    + _NUMBER.split("|", 1)[1]
    + r")(?=[\s-]+[a-z]))[\s-]*(?P<unit>"
    + duration_unit_pattern("h", "week", without=("w",))
    + r")\b",
    re.IGNORECASE,
)
_MOST_STAGES: Final = 9  # "stage nine" is the largest stage a request names in words
_STAGE_WORDS: Final = tuple(word for word, n in NUMBER_WORDS.items() if 1 <= n <= _MOST_STAGES)
_STAGE_RE: Final = re.compile(
    r"\bstage\s+(?P<n>\d+|" + "|".join(_STAGE_WORDS) + r")\b"
    r"|\b(?P<ord>" + "|".join(_ORDINALS) + r")\s+stage\b",
    re.IGNORECASE,
)
PERCENT_RE: Final = re.compile(
    r"(?P<n>\d+(?:\.\d+)?)\s*(?:%|percent\b|per\s*cent\b)", re.IGNORECASE
)
_MONTH: Final = r"(?P<month>" + "|".join(sorted(_MONTHS, key=len, reverse=True)) + r")\.?"
_DATE_RES: Final = (
    re.compile(r"\b(?P<year>\d{4})-(?P<mnum>\d{1,2})-(?P<day>\d{1,2})\b"),
    re.compile(
        rf"\b{_MONTH}\s+(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\b(?:,?\s+(?P<year>\d{{4}})\b)?",
        re.IGNORECASE,
    ),
    re.compile(
        rf"\b(?P<day>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTH}\b(?:,?\s+(?P<year>\d{{4}})\b)?",
        re.IGNORECASE,
    ),
)
_WEEKDAYS: Final = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_WEEKDAY_RE: Final = re.compile(
    r"\b(?P<day>mon(?:day)?|tue(?:s|sday)?|wed(?:nesday)?|thu(?:rs?|rsday)?|fri(?:day)?"
    r"|sat(?:urday)?|sun(?:day)?)\b",
    re.IGNORECASE,
)
FILE_NAME_RE: Final = re.compile(r"[\w./-]+\.(?:md|markdown|ya?ml|json|txt)\b", re.IGNORECASE)

WHAT_IF_RE: Final = re.compile(
    r"\bhow (?:long|many (?:transactions|hours|days))\b|\bwhat if\b|\bwould\b.*\bneed\b",
    re.IGNORECASE,
)
_QUESTION_RE: Final = re.compile(
    r"^\s*(?:please\s+)?(?:can|could|would|will)\s+you\b", re.IGNORECASE
)

# --------------------------------------------------------------------------- numbers and dates


def parse_number(text: str) -> float | None:
    """`5`, `1.5`, `five`, `a`, `half a` -> the number; None when it is not one."""
    word = " ".join(text.lower().split())
    if word in _NUMBER_WORDS:
        return float(_NUMBER_WORDS[word])
    try:
        return float(word)
    except ValueError:
        return None


def parse_duration_hours(text: str) -> tuple[float, str] | None:
    """Return the first duration in `text` in hours, and the unit it was written in.

    `five days` -> (120, "day"), `a week` -> (168, "week"), `36 hours` -> (36, "hour").
    """
    match = _DURATION_RE.search(text)
    if match is None:
        return None
    number = parse_number(match["n"])
    if number is None or number <= 0:
        return None
    unit = match["unit"].lower()
    base = "hour" if unit.startswith("h") else "week" if unit.startswith("w") else "day"
    return number * _HOURS_PER_UNIT[base], base


def _year_for(month: int, day: int, today: date) -> date:
    """Return the first such day on or after `today`: plans look forward."""
    candidate = date(today.year, month, day)
    return candidate if candidate >= today else date(today.year + 1, month, day)


def parse_dates(text: str, *, today: date) -> list[tuple[int, date, bool]]:
    """Dates in `text`, in order: (position, date, whether the year was written).

    ISO (`2026-12-08`), `Dec 8`, `December 8, 2026`, `8 December 2026`. Without a
    year, the first such day on or after `today`.
    """
    found: dict[int, tuple[int, date, bool]] = {}
    taken: list[range] = []
    for pattern in _DATE_RES:
        for match in pattern.finditer(text):
            if any(match.start() in span for span in taken):
                continue
            groups = match.groupdict()
            month = int(groups["mnum"]) if groups.get("mnum") else _MONTHS[groups["month"].lower()]
            try:
                if groups.get("year"):
                    value = date(int(groups["year"]), month, int(groups["day"]))
                else:
                    value = _year_for(month, int(groups["day"]), today)
            except ValueError:
                continue
            taken.append(range(match.start(), match.end()))
            found[match.start()] = (match.start(), value, bool(groups.get("year")))
    return [found[position] for position in sorted(found)]


def stage_number(text: str) -> int | None:
    """Read the stage a request names ("stage 2", "the third stage"), if any."""
    match = _STAGE_RE.search(text)
    if match is None:
        return None
    if match["ord"]:
        return _ORDINALS[match["ord"].lower()]
    value = parse_number(match["n"])
    return int(value) if value is not None else None


# --------------------------------------------------------------------------- adjustments


def clauses(text: str) -> list[str]:
    """Sentences and `;`-separated clauses: one change each."""
    return [part.strip() for part in re.split(r"(?<=[.!?;])\s+|\s+and then\s+", text) if part]


def _is_question(clause: str) -> bool:
    """Tell whether the clause only asks; "can you ..." and "please ..." ask for a change."""
    return clause.rstrip().endswith("?") and _QUESTION_RE.match(clause) is None


def _stage_adjustment(clause: str, notes: list[str]) -> dict[str, Any] | None:
    named = _STAGE_RE.search(clause)
    if WHAT_IF_RE.search(clause) or named is None:
        return None
    stage = stage_number(clause)
    after = clause[named.end() :]
    duration = parse_duration_hours(after)
    percent = PERCENT_RE.search(after)
    if duration is None and percent is None:
        return None
    if stage is None or stage == 0:
        notes.append("Say which stage to change, e.g. 'make stage 2 last five days'.")
        return None
    if stage < 0:
        notes.append("Name the stage by number to change the last one, e.g. 'stage 6'.")
        return None
    change: dict[str, Any] = {"stage": stage}
    if duration is not None:
        hours, unit = duration
        if unit == "hour":
            change["duration_hours"] = hours
        else:
            change["duration_days"] = hours / 24
    if percent is not None:
        change["traffic_percent"] = float(percent["n"])
    return change


def _start_adjustment(clause: str, today: date) -> dict[str, Any] | None:
    verb = re.search(
        r"\b(?:start(?:ing|s)?|begin(?:ning|s)?|kick(?:ing)?[\s-]?off|launch|go[\s-]live)\b",
        clause,
        re.IGNORECASE,
    )
    if verb is None or re.search(r"\bfreeze|\bblackout", clause, re.IGNORECASE):
        return None
    dates = [d for pos, d, _ in parse_dates(clause, today=today) if pos > verb.start()]
    weekday = _WEEKDAY_RE.search(clause, verb.end())
    if not dates and weekday is not None:
        ahead = (_WEEKDAYS.index(weekday["day"][:3].lower()) - today.weekday()) % 7 or 7
        dates = [today + timedelta(days=ahead)]
    return {"start": dates[0].isoformat()} if dates else None


def _freeze_name(clause: str) -> str:
    named = re.search(
        r"\b(?P<name>[A-Za-z][\w-]*(?:\s+[A-Za-z][\w-]*)?)\s+(?:code\s+)?freeze\b", clause
    )
    if named:
        words = named["name"].split()
        skip = {"a", "the", "add", "set", "please", "declare", "we", "have", "there's", "is"}
        kept = [w for w in words if w.lower() not in skip]
        if kept:
            return " ".join(kept).capitalize() + " freeze"
    return "Freeze"


def _freeze_adjustment(clause: str, today: date, notes: list[str]) -> dict[str, Any] | None:
    if not re.search(
        r"\bfreeze|\bblackout|\bno (?:deploys|changes|rollouts?)\b", clause, re.IGNORECASE
    ):
        return None
    dates = parse_dates(clause, today=today)
    if not dates:
        notes.append("Give the freeze dates, e.g. 'freeze Dec 21 to Jan 4'.")
        return None
    (_, first, _), (_, last, last_has_year) = dates[0], dates[min(1, len(dates) - 1)]
    if last < first and not last_has_year:
        last = last.replace(year=last.year + 1)
    if last < first:
        notes.append("The freeze ends before it starts; give the dates in order.")
        return None
    name = f"{_freeze_name(clause)} {first.isoformat()} to {last.isoformat()}"
    return {"freezes": [{"name": name, "start": first.isoformat(), "end": last.isoformat()}]}


def _channel_text(raw: str) -> str:
    channel = raw.strip().strip("'\"`").rstrip(".")
    return f"Slack {channel}" if channel.startswith("#") else channel


def _channel_adjustment(clause: str) -> dict[str, Any] | None:
    roles = "|".join(_ROLES)
    patterns = (
        (
            rf"\buse\s+(?P<channel>#[\w.-]+|[^,;]+?)\s+for\s+(?:the\s+)?(?P<roles>(?:{roles})"
            rf"(?:\s*(?:,|and|&)\s*(?:{roles}))*)\b"
        ),
        (
            rf"\b(?P<roles>{roles})(?:\s+(?:updates|messages|channel|team))?\s+(?:go(?:es)?\s+)?"
            rf"(?:should\s+(?:go|be)\s+)?(?:to|in|on|via|is|=)\s+(?P<channel>#[\w.-]+)"
        ),
        rf"\b(?:post|send)\s+(?P<roles>{roles})\s+\w+\s+(?:to|in)\s+(?P<channel>#[\w.-]+)",
    )
    for pattern in patterns:
        match = re.search(pattern, clause, re.IGNORECASE)
        if match:
            named = re.findall(roles, match["roles"].lower())
            return {"channels": dict.fromkeys(named, _channel_text(match["channel"]))}
    return None


def _strategy_adjustment(clause: str) -> dict[str, Any] | None:
    names = "|".join(re.escape(name) for name in _STRATEGIES)
    match = re.search(
        rf"\b(?:use|switch to|go with|change (?:it|the strategy) to|make it)\s+(?:a\s+|an\s+)?"
        rf"(?P<name>{names})\b",
        clause,
        re.IGNORECASE,
    )
    return {"strategy": _STRATEGIES[match["name"].lower()]} if match else None


def _on_call_adjustment(clause: str) -> dict[str, Any] | None:
    match = re.search(
        r"\bon[\s-]?call(?:\s+rotation)?\s+(?:is|to|should be|will be|=|:)\s+(?P<who>.+?)\s*[.!]?$",
        clause,
        re.IGNORECASE,
    )
    if match is None or match["who"].lower().startswith(("who", "what", "needed", "required")):
        return None
    return {"on_call_rotation": match["who"].strip("'\"`")}


def adjustments(text: str, today: date, notes: list[str]) -> dict[str, Any]:
    """All changes the request makes, merged into one set of `adjust_plan` arguments."""
    change: dict[str, Any] = {}
    readers: tuple[Callable[[str], dict[str, Any] | None], ...] = (
        lambda c: _stage_adjustment(c, notes),
        lambda c: _start_adjustment(c, today),
        lambda c: _freeze_adjustment(c, today, notes),
        _channel_adjustment,
        _strategy_adjustment,
        _on_call_adjustment,
    )
    for clause in clauses(text):
        if _is_question(clause):
            continue
        for read in readers:
            found = read(clause)
            if not found:
                continue
            if "stage" in found and "stage" in change:
                notes.append("One stage change at a time: ask again for the next one.")
                continue
            for key, value in found.items():
                if key == "channels" and key in change:
                    change[key].update(value)
                elif key == "freezes" and key in change:
                    change[key] += value
                else:
                    change[key] = value
    return change


def changed_sections(change: dict[str, Any]) -> set[str]:
    """List the section tools whose output a settings change moves."""
    shown = set()
    if {"start", "stage", "freezes", "strategy"} & change.keys():
        shown.add("design_stages")
    if "channels" in change:
        shown.add("plan_communication")
    if "on_call_rotation" in change:
        shown.add("plan_monitoring")
    return shown


UNDO_RE: Final = re.compile(
    r"\b(?:reset|undo|remove|delete|clear)\b.{0,40}\b(?:adjustments?|settings?|freezes?"
    r"|overrides?|rollout\.yaml|my changes?|last change|everything)\b",
    re.IGNORECASE,
)
UNDO_NOTE: Final = (
    "Changes are only added or replaced here. To remove one, delete its lines from "
    "`rollout.yaml` (plain YAML, next to the documents), or the file itself to go back to "
    "the built-in policy; the next answer re-plans from the files."
)


def start_question(text: str, today: date) -> str | None:
    """Return the date of a question such as "Can we start on December 8?" (a what-if)."""
    for clause in clauses(text):
        if _is_question(clause):
            found = _start_adjustment(clause, today)
            if found is not None:
                return str(found["start"])
    return None
