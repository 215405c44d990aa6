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
from typing import TYPE_CHECKING, Final

from rollout_manager.model import (
    ChangeType,
    Evidence,
    Fact,
    FeatureFacts,
    RollbackMechanism,
)
from rollout_manager.reading import feature_phrases as phrases
from rollout_manager.reading.feature_readiness import dependencies, events, peak_windows
from rollout_manager.reading.labels import (
    COUNTED,
    LABEL_SYNONYMS,
    match_label,
    negated,
    split_sentence,
)
from rollout_manager.reading.units import (
    NUMBER_PATTERN,
    parse_count,
    parse_duration_minutes,
    parse_rate,
)

if TYPE_CHECKING:
    from collections.abc import Iterable

    from rollout_manager.reading.document import Document, Line

_FIELDS: Final = tuple(name for name in LABEL_SYNONYMS if name.startswith("feature."))
_MAX_EVIDENCE: Final = 3
_PERCENT = re.compile(rf"{NUMBER_PATTERN}\s*%")
_VOLUME_PHRASE = re.compile(
    rf"(?P<n>(?:[~≈]\s*)?{NUMBER_PATTERN}\s*(?:k|m|million|thousand)?)\s+"
    rf"(?P<before>(?:daily|a day|per day)\s+)?{COUNTED}"
    r"(?P<after>\s*(?:/|per|a|each)\s*day\b|\s+daily\b)?",
    re.IGNORECASE,
)


def _labelled(document: Document, field: str) -> Iterable[Line]:
    for line in document.content_lines():
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
    body = [line for line in document.content_lines() if line.kind in {"item", "text", "row"}]
    for line in body:
        if line.sections and phrases.SUMMARY_SECTION.search(line.sections[-1]):
            return Fact(value=line.content, evidence=[document.evidence(line)])
    for line in body:
        if not line.sections and line.kind == "text":
            return Fact(value=line.content, evidence=[document.evidence(line)])
    return None


def _flag_key(line: Line, *, labelled: bool) -> str | None:
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
    for line in document.content_lines():
        labelled = bool(line.label) and match_label(line.label, _FIELDS) == "feature.flag"
        key = _flag_key(line, labelled=labelled)
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


def _scope_text(line: Line, *, labelled: bool) -> str | None:
    if labelled:
        affects = phrases.AFFECTS.match(line.value)
        return (affects["scope"] if affects else line.value).strip().rstrip(".")
    affects = phrases.AFFECTS.search(line.content)
    if affects is not None and not negated(line.content, affects.start()):
        return affects["scope"].strip()
    share = phrases.SHARE_OF.search(line.content)
    return share.group(0).strip() if share is not None else None


def _scope(document: Document) -> tuple[Fact[str] | None, Fact[float] | None]:
    for line in document.content_lines():
        if line.in_section(phrases.ROLLBACK_SECTION):
            continue
        labelled = bool(line.label) and match_label(line.label, _FIELDS) == "feature.scope"
        text = _scope_text(line, labelled=labelled)
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
    for line in document.content_lines():
        if line.label and match_label(line.label, _FIELDS, line.value) == "feature.daily_volume":
            volume = parse_count(line.value)
        elif phrases.PEAK_WORDS.search(line.content):
            # A peak-hour figure is not the daily volume.
            continue
        else:
            volume = _volume_in_text(line.content)
            if volume is None and not line.label:
                label, _ = split_sentence(line.content)
                if match_label(label, _FIELDS) == "feature.daily_volume":
                    volume = parse_count(line.content)
        if volume is not None:
            return Fact(value=volume, evidence=[document.evidence(line)])
    return None


def _volume_in_text(text: str) -> float | None:
    """Read a daily volume stated in a sentence: `~15,000 daily transactions`, `15k orders/day`."""
    for match in _VOLUME_PHRASE.finditer(text):
        if match["before"] or match["after"]:
            return parse_count(match["n"])
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
    for line in document.content_lines() if lines is None else lines:
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
    for line in document.content_lines():
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
    for line in document.content_lines():
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
        for line in document.content_lines()
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
    for line in document.content_lines():
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
    for line in document.content_lines():
        match = phrases.DATA_ROLLBACK.search(line.content)
        if match is None:
            continue
        unneeded = negated(line.content, match.start()) or bool(match["unneeded"])
        return Fact(value=not unneeded, evidence=[document.evidence(line)])
    if mechanism is not None and mechanism.value is RollbackMechanism.RESTORE_FROM_BACKUP:
        # Restoring a backup is itself a data rollback, stated in other words.
        return Fact(value=True, evidence=list(mechanism.evidence))
    return None


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
        peak_windows=peak_windows(document, warnings),
        events=events(document),
        dependencies=dependencies(document, warnings),
        daily_volume=_daily_volume(document),
    )
