"""Facts from `feature-description.md`: what changes, how widely, how it is undone, when not.

Most of a feature description is sentences, so most facts here come from
phrases (`Revenue-critical path`, `Webhook handlers`, `dual-write enabled`)
matched anywhere in a line, with a negation just before a phrase (`No data
migration`, `non-breaking`) turning it around. Labelled lines (`Feature flag:
x`) are read through the synonym table. A phrase that is not written leaves its
fact unset: the planning engine, not the reader, decides what silence means.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Final

from rollout_manager.model import (
    ChangeType,
    Dependency,
    Evidence,
    Fact,
    FeatureFacts,
    PeakWindow,
    RollbackMechanism,
)
from rollout_manager.reading import feature_phrases as phrases
from rollout_manager.reading.markdown_facts import (
    LABEL_SYNONYMS,
    Document,
    Line,
    match_label,
    negated,
    split_sentence,
    volume_in_text,
)
from rollout_manager.reading.units import (
    NUMBER_PATTERN,
    parse_count,
    parse_duration_minutes,
    parse_rate,
    parse_time_ranges,
)

_FIELDS: Final = tuple(name for name in LABEL_SYNONYMS if name.startswith("feature."))
_MAX_EVIDENCE: Final = 3
_PERCENT = re.compile(rf"{NUMBER_PATTERN}\s*%")
_STATUS_SEPARATOR = re.compile(r"[\s_-]+")


def _content_lines(document: Document) -> list[Line]:
    # A table cell repeats its row under a header name; sentences are read once, from the row.
    return [line for line in document.lines if line.kind != "cell"]


def _labelled(document: Document, field: str) -> Iterable[Line]:
    for line in _content_lines(document):
        if line.label and match_label(line.label, _FIELDS, line.value) == field:
            yield line


# ------------------------------------------------------------------ what the feature is


def _name(document: Document) -> Fact[str] | None:
    titles = [line for line in document.lines if line.kind == "title"]
    for line in titles:
        prefix = phrases.TITLE_PREFIX.match(line.content)
        if prefix is not None and line.content[prefix.end() :].strip():
            return Fact(
                value=line.content[prefix.end() :].strip(), evidence=[document.evidence(line)]
            )
    for line in _labelled(document, "feature.name"):
        return Fact(value=line.value, evidence=[document.evidence(line)])
    for line in titles:
        return Fact(value=line.content, evidence=[document.evidence(line)])
    return None


def _summary(document: Document) -> Fact[str] | None:
    for line in _labelled(document, "feature.summary"):
        return Fact(value=line.value, evidence=[document.evidence(line)])
    body = [line for line in _content_lines(document) if line.kind in {"item", "text", "row"}]
    for line in body:
        if line.sections and phrases.SUMMARY_SECTION.search(line.sections[-1]):
            return Fact(value=line.content, evidence=[document.evidence(line)])
    for line in body:
        if not line.sections and line.kind == "text":
            return Fact(value=line.content, evidence=[document.evidence(line)])
    return None


def _flag_key(line: Line, labelled: bool) -> str | None:
    if labelled:
        for match in phrases.FLAG_KEY.finditer(line.value):
            key = match["quoted"] or match["key"].rstrip(".:/-")
            if key and not phrases.NOT_A_KEY.match(key):
                return key
        return None
    found = phrases.FLAG_IN_TEXT.search(line.content)
    if found is None:
        return None
    return found["quoted"] or found["key"] or found["before"]


def _flag_state(text: str) -> str | None:
    match = phrases.FLAG_STATE.search(text)
    if match is None:
        return None
    word = match["upper"] or match["word"] or match["context"] or match["default"] or match["whole"]
    return phrases.STATE_NAMES[word.lower()]


def _flag(document: Document) -> tuple[Fact[str] | None, Fact[str] | None]:
    flag: Fact[str] | None = None
    state: Fact[str] | None = None
    for line in _content_lines(document):
        labelled = bool(line.label) and match_label(line.label, _FIELDS) == "feature.flag"
        key = _flag_key(line, labelled)
        if key is None:
            continue
        flag = Fact(value=key, evidence=[document.evidence(line)])
        written = _flag_state(line.value if labelled else line.content)
        if written is not None:
            state = Fact(value=written, evidence=[document.evidence(line)])
        break
    if state is None:
        for line in _labelled(document, "feature.flag_state"):
            written = _flag_state(line.value)
            if written is not None:
                state = Fact(value=written, evidence=[document.evidence(line)])
                break
    return flag, state


# ------------------------------------------------------------------ how widely and how much


def _share_of_scope(text: str) -> float | None:
    share = phrases.SHARE_OF.search(text) or _PERCENT.search(text)
    if share is not None:
        rate = parse_rate(share.group(0))
        return rate if rate is not None and rate <= 1 else None
    if phrases.EVERYTHING.search(text):
        return 1.0
    return 0.5 if phrases.HALF.search(text) else None


def _scope_text(line: Line, labelled: bool) -> str | None:
    if labelled:
        affects = phrases.AFFECTS.match(line.value)
        return (affects["scope"] if affects else line.value).strip().rstrip(".")
    affects = phrases.AFFECTS.search(line.content)
    if affects is not None and not negated(line.content, affects.start()):
        return affects["scope"].strip()
    share = phrases.SHARE_OF.search(line.content)
    return share.group(0).strip() if share is not None else None


def _scope(document: Document) -> tuple[Fact[str] | None, Fact[float] | None]:
    for line in _content_lines(document):
        if line.in_section(phrases.ROLLBACK_SECTION):
            continue
        labelled = bool(line.label) and match_label(line.label, _FIELDS) == "feature.scope"
        text = _scope_text(line, labelled)
        if not text:
            continue
        evidence = [document.evidence(line)]
        share = _share_of_scope(text)
        share_fact: Fact[float] | None = (
            None if share is None else Fact(value=share, evidence=evidence)
        )
        return Fact(value=text, evidence=evidence), share_fact
    return None, None


def _daily_volume(document: Document) -> Fact[float] | None:
    for line in _content_lines(document):
        if line.label and match_label(line.label, _FIELDS, line.value) == "feature.daily_volume":
            volume = parse_count(line.value)
        elif phrases.PEAK_WORDS.search(line.content):
            # A peak-hour figure is not the daily volume.
            continue
        else:
            volume = volume_in_text(line.content)
            if volume is None and not line.label:
                label, _ = split_sentence(line.content)
                if match_label(label, _FIELDS) == "feature.daily_volume":
                    volume = parse_count(line.content)
        if volume is not None:
            return Fact(value=volume, evidence=[document.evidence(line)])
    return None


# ------------------------------------------------------------------ stated properties


def _stated(line: Line, match: re.Match[str]) -> bool:
    if negated(line.content, match.start()):
        return False
    # "Revenue critical: no" states the property and denies it.
    return not (
        line.label and match.start() < len(line.label_text) and phrases.NO_VALUE.match(line.value)
    )


def _statement(
    document: Document, pattern: re.Pattern[str], lines: Iterable[Line] | None = None
) -> Fact[bool] | None:
    value: bool | None = None
    evidence: list[Evidence] = []
    for line in _content_lines(document) if lines is None else lines:
        match = pattern.search(line.content)
        if match is None:
            continue
        stated = _stated(line, match)
        if match.groupdict().get("tier"):
            stated = stated and match["tier"].lower() in {"0", "1", "zero", "one"}
        value = stated if value is None else value
        if stated == value and len(evidence) < _MAX_EVIDENCE:
            evidence.append(document.evidence(line))
    return None if value is None else Fact(value=value, evidence=evidence)


def _change_types(document: Document) -> list[Fact[ChangeType]]:
    found: dict[ChangeType, list[Evidence]] = {}
    for line in _content_lines(document):
        # A rollback plan describes the undo ("drop the new column"), not the change.
        if line.in_section(phrases.ROLLBACK_SECTION):
            continue
        for change, pattern in phrases.CHANGE_PATTERNS:
            match = pattern.search(line.content)
            if match is None or negated(line.content, match.start()):
                continue
            evidence = found.setdefault(change, [])
            if len(evidence) < _MAX_EVIDENCE:
                evidence.append(document.evidence(line))
    return [Fact(value=change, evidence=evidence) for change, evidence in found.items()]


def _backwards_compatible(document: Document) -> Fact[bool] | None:
    for line in _content_lines(document):
        if line.in_section(phrases.ROLLBACK_SECTION):
            continue
        for pattern, value in ((phrases.INCOMPATIBLE, False), (phrases.COMPATIBLE, True)):
            match = pattern.search(line.content)
            if match is not None:
                stated = value != negated(line.content, match.start())
                return Fact(value=stated, evidence=[document.evidence(line)])
    return None


# ------------------------------------------------------------------ how it is undone


def _rollback_lines(document: Document) -> list[Line]:
    return [
        line
        for line in _content_lines(document)
        if line.kind != "heading"
        and (
            line.in_section(phrases.ROLLBACK_SECTION)
            or phrases.ROLLBACK_WORDS.search(line.label or line.content) is not None
            or phrases.ROLLBACK_WORDS.search(line.content) is not None
            or phrases.FLAG_ROLLBACK.search(line.content) is not None
        )
    ]


def _mechanism(line: Line) -> RollbackMechanism | None:
    found = [
        (match.start(), mechanism)
        for mechanism, pattern in phrases.ROLLBACK_MECHANISMS
        if (match := pattern.search(line.content)) is not None
    ]
    return min(found)[1] if found else None


def _rollback(
    document: Document,
) -> tuple[Fact[RollbackMechanism] | None, Fact[float] | None]:
    lines = _rollback_lines(document)
    mechanism: Fact[RollbackMechanism] | None = None
    for line in lines:
        found = _mechanism(line)
        if found is not None:
            mechanism = Fact(value=found, evidence=[document.evidence(line)])
            lines = [line, *lines]
            break
    timed = [*_labelled(document, "feature.rollback_minutes"), *lines]
    for line in timed:
        if phrases.RETENTION.search(line.content):
            continue
        minutes = parse_duration_minutes(line.value if line.label else line.content)
        if minutes is not None:
            return mechanism, Fact(value=minutes, evidence=[document.evidence(line)])
    return mechanism, None


def _dual_write(document: Document) -> Fact[bool] | None:
    for line in _content_lines(document):
        match = phrases.DUAL_WRITE.search(line.content)
        if match is None:
            continue
        off = negated(line.content, match.start()) or bool(
            phrases.DUAL_WRITE_OFF.match(line.content[match.end() :])
        )
        return Fact(value=not off, evidence=[document.evidence(line)])
    return None


def _data_rollback(
    document: Document, mechanism: Fact[RollbackMechanism] | None
) -> Fact[bool] | None:
    for line in _content_lines(document):
        match = phrases.DATA_ROLLBACK.search(line.content)
        if match is None:
            continue
        unneeded = negated(line.content, match.start()) or bool(match["unneeded"])
        return Fact(value=not unneeded, evidence=[document.evidence(line)])
    if mechanism is not None and mechanism.value is RollbackMechanism.RESTORE_FROM_BACKUP:
        # Restoring a backup is itself a data rollback, stated in other words.
        return Fact(value=True, evidence=list(mechanism.evidence))
    return None


# ------------------------------------------------------------------ when not to move


def _peak_windows(document: Document, warnings: list[str]) -> list[Fact[PeakWindow]]:
    windows: list[Fact[PeakWindow]] = []
    for line in _content_lines(document):
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


def _events(document: Document) -> list[Fact[str]]:
    found: dict[str, list[Evidence]] = {}
    for line in _content_lines(document):
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


def _dependencies(document: Document, warnings: list[str]) -> list[Fact[Dependency]]:
    facts: list[Fact[Dependency]] = []
    for line in _content_lines(document):
        if line.kind in {"title", "heading"} or not line.in_section(phrases.DEPENDENCY_SECTION):
            continue
        fact = _dependency(document, line, warnings)
        if fact is not None:
            facts.append(fact)
    return facts


def read_feature(document: Document, warnings: list[str]) -> FeatureFacts:
    """Read the feature facts from a parsed `feature-description.md`.

    Args:
        document: the parsed document.
        warnings: where problems found while reading are appended.

    Returns:
        The facts stated, each with its evidence; facts not stated stay unset.
    """
    flag, flag_state = _flag(document)
    scope, scope_share = _scope(document)
    mechanism, minutes = _rollback(document)
    return FeatureFacts(
        name=_name(document),
        summary=_summary(document),
        flag=flag,
        flag_state=flag_state,
        scope=scope,
        scope_share=scope_share,
        revenue_critical=_statement(document, phrases.REVENUE_CRITICAL),
        mission_critical=_statement(document, phrases.MISSION_CRITICAL),
        moves_money=_statement(document, phrases.MONEY_MOVEMENT),
        regulated=_statement(document, phrases.REGULATION),
        change_types=_change_types(document),
        backwards_compatible=_backwards_compatible(document),
        rollback_mechanism=mechanism,
        rollback_minutes=minutes,
        dual_write=_dual_write(document),
        data_rollback_needed=_data_rollback(document, mechanism),
        peak_windows=_peak_windows(document, warnings),
        events=_events(document),
        dependencies=_dependencies(document, warnings),
        daily_volume=_daily_volume(document),
    )
