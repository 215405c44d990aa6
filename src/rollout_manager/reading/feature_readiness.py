"""When a feature's rollout may move: peak windows, named events, prerequisites.

Read from `feature-description.md` beside the other feature facts: a peak window
needs a time zone to be used, an event is a phrase (`Black Friday`) not negated
just before it, and a prerequisite is a line under a dependencies heading, read
as ready or not from its checkbox or its status word.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Final

from rollout_manager.model import Dependency, Evidence, Fact, PeakWindow
from rollout_manager.reading import feature_phrases as phrases
from rollout_manager.reading.labels import LABEL_SYNONYMS, match_label, negated
from rollout_manager.reading.units import parse_time_ranges

if TYPE_CHECKING:
    from rollout_manager.reading.document import Document, Line

_FIELDS: Final = tuple(name for name in LABEL_SYNONYMS if name.startswith("feature."))
_MAX_EVIDENCE: Final = 3
_STATUS_SEPARATOR = re.compile(r"[\s_-]+")


# ------------------------------------------------------------------ when not to move


def peak_windows(document: Document, warnings: list[str]) -> list[Fact[PeakWindow]]:
    """Return the peak windows the document names with a time zone; one without is a warning."""
    windows: list[Fact[PeakWindow]] = []
    for line in document.content_lines():
        labelled = bool(line.label) and match_label(line.label, _FIELDS) == "feature.peak_windows"
        if not (
            labelled
            or phrases.PEAK_WORDS.search(line.content)
            or line.in_section(phrases.PEAK_SECTION)
        ):
            continue
        for found in parse_time_ranges(line.content):
            if found.timezone is None:
                warnings.append(
                    f"{document.name}:{line.number}: peak window {found.start}-{found.end} "
                    "names no time zone and is not used; write it as e.g. `11am-2pm EST`"
                )
                continue
            window = PeakWindow(start=found.start, end=found.end, timezone=found.timezone)
            if all(known.value != window for known in windows):
                windows.append(Fact(value=window, evidence=[document.evidence(line)]))
    return windows


def events(document: Document) -> list[Fact[str]]:
    """Return the named events (sales, launches) the document says the rollout meets."""
    found: dict[str, list[Evidence]] = {}
    for line in document.content_lines():
        for slug, pattern in phrases.EVENTS:
            match = pattern.search(line.content)
            if match is None or negated(line.content, match.start()):
                continue
            evidence = found.setdefault(slug, [])
            if len(evidence) < _MAX_EVIDENCE:
                evidence.append(document.evidence(line))
    return [Fact(value=slug, evidence=evidence) for slug, evidence in found.items()]


# ------------------------------------------------------------------ prerequisites


def _status(text: str) -> str | None:
    match = phrases.STATUS.search(text)
    if match is None:
        return None
    if match["mark"]:
        return phrases.MARKS[match["mark"]]
    word = match["word"] or match["switch"] or match["context"] or match["default"]
    return " ".join(_STATUS_SEPARATOR.split(word.upper()))


def _ready(status: str, name: str, value: str) -> bool:
    if status in {"ON", "OFF", "DISABLED"}:
        # A flag that is OFF before the rollout is exactly where it should be.
        return status == "ON" or bool(phrases.FLAG_WORDS.search(f"{name} {value}"))
    return phrases.STATUS_WORDS.get(status, False)


def _dependency(document: Document, line: Line, warnings: list[str]) -> Fact[Dependency] | None:
    name = line.label_text or line.content
    value = line.value if line.label else line.content
    if line.checked is not None:
        status, ready = ("DONE", True) if line.checked else ("PENDING", False)
    else:
        found = _status(value)
        if found is None:
            if not line.label:
                return None
            status = " ".join(value.upper().split())[:40] or "UNKNOWN"
            warnings.append(
                f"{document.name}:{line.number}: dependency '{name}' has status '{value}', "
                "which is not a known status word; read as not ready"
            )
            return Fact(
                value=Dependency(name=name, status=status, ready=False),
                evidence=[document.evidence(line)],
            )
        status, ready = found, _ready(found, name, value)
        if not line.label:
            name = phrases.STATUS.sub("", name).strip(" :-—–()") or name
    return Fact(
        value=Dependency(name=name, status=status, ready=ready), evidence=[document.evidence(line)]
    )


def dependencies(document: Document, warnings: list[str]) -> list[Fact[Dependency]]:
    """Return the prerequisites listed under a dependencies heading, each ready or not."""
    facts: list[Fact[Dependency]] = []
    for line in document.content_lines():
        if line.kind in {"title", "heading"} or not line.in_section(phrases.DEPENDENCY_SECTION):
            continue
        fact = _dependency(document, line, warnings)
        if fact is not None:
            facts.append(fact)
    return facts
