"""Risk cues in the team's own words, read from whole sentences.

The labelled feature reader works line by line; these cues need a sentence:
"Every signed-in user goes through it" (exposure), "our primary database"
(criticality), "drives a quarter of subscription revenue" (revenue), "the old
column cannot be restored once the migration runs" (irreversibility) and "no
launches during the summer sale, 1-7 July" (a freeze). A cue preceded by a
negation ("not on the critical path") states the opposite or nothing. Each cue
fills a fact only where the labelled reader found none, and quotes the
document line it is on.
"""

from __future__ import annotations

import re
from decimal import Decimal
from typing import TYPE_CHECKING, Final

from rollout_manager.model import ChangeType, Evidence, Fact, FeatureFacts, NamedFreeze
from rollout_manager.reading.blocks import split_lines
from rollout_manager.reading.feature_phrases import MONEY_MOVEMENT
from rollout_manager.reading.labels import negated
from rollout_manager.reading.quantities import spell_numbers
from rollout_manager.reading.statements import Statement, read_statements
from rollout_manager.reading.vocabulary import FRACTION_WORDS, MONTHS

if TYPE_CHECKING:
    from collections.abc import Callable

_I: Final = re.IGNORECASE
_SHARE: Final = r"(?P<share>\d+(?:\.\d+)?\s*%|" + "|".join(FRACTION_WORDS) + r")"

EVERYONE = re.compile(
    r"\bevery (?:\w+[- ]){0,2}?(?:users?|customers?|visitors?|requests?|sessions?|logins?)\b"
    r"|\ball (?:\w+ ){0,2}?(?:traffic|users|customers|logins|requests|sessions|sign-?ins)\b"
    r"|\beveryone\b|\b100\s*% of\b",
    _I,
)
SHARE_OF_TRAFFIC = re.compile(
    rf"{_SHARE} of (?:all )?(?:\w+ ){{0,3}}?(?:traffic|users|sessions|requests|customers|logins"
    r"|accounts|visitors|page views|calls)\b",
    _I,
)
CRITICAL = re.compile(
    r"\bprimary (?:\w+ ){0,2}?(?:database|db|cluster|instance|datastore|region)\b"
    r"|\b(?:authentication|auth|sign[- ]?in|login|purchase|checkout|payment) (?:path|flow)\b"
    r"|(?<![-\w])critical path\b|\blocks? (?:people|users|customers) out\b"
    r"|\b(?:all|every) (?:\w+ ){0,2}?(?:traffic|requests?) (?:reads?|goes|go|passes|pass)\b",
    _I,
)
REVENUE_SHARE = re.compile(
    rf"{_SHARE} of (?:our |all |the )?(?:\w+ ){{0,2}}?(?:revenue|sales|gmv|bookings|orders)\b", _I
)
BLOCKS_PURCHASES = re.compile(
    r"\bblocks? (?:\w+ ){0,2}?(?:purchases?|checkouts?|orders?|payments?|sign-?ups?)\b", _I
)
IRREVERSIBLE = re.compile(
    r"\bcan(?:not|'t|’t) be (?:restored|undone|reversed|recalled|rolled back|recovered|unsent"
    r"|retracted|brought back)\b"
    r"|\bcan(?:not|'t|’t) (?:pull|take|call|bring|get) (?:\w+ ){0,3}?back\b"
    r"|\bno way back\b|\bgone for good\b|\bpoint of no return\b|\birreversibl\w*"
    r"|\bpermanently (?:deleted|removed|lost|destroyed|erased)\b"
    r"|\b(?:data|records?|rows?) (?:is|are) (?:destroyed|lost for good)\b"
    r"|\bstays? on (?:users'?|customers'?|people's|their) (?:devices|phones)\b"
    r"|\bnot reversible\b|\bone[- ]way (?:door|change|migration)\b",
    _I,
)
# A freeze needs a word that forbids launching and a date range.
_FREEZE_WORD = re.compile(
    r"\bno (?:launch|release|deploy|change|rollout)\w*|\b(?:code |change )?freeze\b"
    r"|\bblackout\b|\bavoid\b|\bdo not (?:launch|release|deploy|ship)\b",
    _I,
)
_MONTH: Final = r"(?P<{g}>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_DASH: Final = r"\s*(?:-|–|—|to|through|until)\s*"
_DATE_RANGES: Final = (
    re.compile(rf"\b(?P<d1>\d{{1,2}}){_DASH}(?P<d2>\d{{1,2}})\s+{_MONTH.format(g='m1')}", _I),
    re.compile(rf"\b{_MONTH.format(g='m1')}\s+(?P<d1>\d{{1,2}}){_DASH}(?P<d2>\d{{1,2}})\b", _I),
    re.compile(
        rf"\b(?P<d1>\d{{1,2}})\s+{_MONTH.format(g='m1')}{_DASH}(?P<d2>\d{{1,2}})\s+"
        rf"{_MONTH.format(g='m2')}",
        _I,
    ),
)
_WEEK_OF = re.compile(
    rf"\bweek of (?:(?P<d1>\d{{1,2}})\s+{_MONTH.format(g='m1')}|{_MONTH.format(g='m2')}\s+"
    rf"(?P<d2>\d{{1,2}}))",
    _I,
)
_YEAR = re.compile(r"\b(?P<year>20\d\d)\b")
_FREEZE_NAME = re.compile(
    r"\b(?:during|over|for|around)\s+(?:the\s+)?(?P<name>[^,;:()]{3,60}?)\s*(?:,|\(|:|$)"
    r"|\((?P<paren>[^()]{3,60})\)",
    _I,
)
_REVENUE_CRITICAL_SHARE: Final = 0.05  # a stated share of revenue at least this makes it critical
_DAYS_IN_MONTH: Final = (31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31)


class _Quoter:
    """Evidence quoting the physical line a cue is on."""

    def __init__(self, file: str, text: str) -> None:
        self.file = file
        self.lines = split_lines(text)

    def evidence(self, statement: Statement, phrase: str) -> Evidence:
        words = phrase.split()
        probe = " ".join(words[:2]).lower()
        for number in range(statement.line, min(statement.line + 12, len(self.lines) + 1)):
            line = self.lines[number - 1]
            if probe and probe in " ".join(line.split()).lower():
                return Evidence(file=self.file, line=number, text=line.strip())
        line = self.lines[statement.line - 1] if statement.line <= len(self.lines) else ""
        return Evidence(file=self.file, line=statement.line, text=line.strip())


def _share(text: str) -> float | None:
    word = text.strip().lower()
    if word in FRACTION_WORDS:
        return float(FRACTION_WORDS[word])
    number = Decimal(word.rstrip("% ").strip()) / 100
    return float(number) if 0 < number <= 1 else None


def _found(
    statements: list[Statement], pattern: re.Pattern[str], quoter: _Quoter
) -> tuple[bool, re.Match[str], Evidence] | None:
    """Find the first statement matching `pattern`: (stated or negated, the match, its evidence)."""
    for statement in statements:
        text = spell_numbers(statement.value if not statement.label else statement.text)
        match = pattern.search(text)
        if match is not None:
            stated = not negated(text, match.start())
            return stated, match, quoter.evidence(statement, match[0])
    return None


def _exposure(facts: FeatureFacts, statements: list[Statement], quoter: _Quoter) -> None:
    if facts.scope_share is not None:
        return
    share = _found(statements, SHARE_OF_TRAFFIC, quoter)
    if share is not None and share[0] and (value := _share(share[1]["share"])) is not None:
        facts.scope_share = Fact(value=value, evidence=[share[2]])
    elif (every := _found(statements, EVERYONE, quoter)) is not None and every[0]:
        facts.scope_share = Fact(value=1.0, evidence=[every[2]])
    if facts.scope is None and facts.scope_share is not None:
        facts.scope = Fact(
            value=facts.scope_share.evidence[0].text, evidence=facts.scope_share.evidence
        )


def _criticality(facts: FeatureFacts, statements: list[Statement], quoter: _Quoter) -> None:
    if facts.mission_critical is None and (found := _found(statements, CRITICAL, quoter)):
        facts.mission_critical = Fact(value=found[0], evidence=[found[2]])


def _revenue(facts: FeatureFacts, statements: list[Statement], quoter: _Quoter) -> None:
    if facts.revenue_critical is not None and facts.revenue_critical.value:
        return
    share = _found(statements, REVENUE_SHARE, quoter)
    if share is not None and share[0]:
        value = _share(share[1]["share"])
        if value is not None and value >= _REVENUE_CRITICAL_SHARE:
            facts.revenue_critical = Fact(value=True, evidence=[share[2]])
            return
    blocked = _found(statements, BLOCKS_PURCHASES, quoter)
    if blocked is not None and blocked[0]:
        facts.revenue_critical = Fact(value=True, evidence=[blocked[2]])


def _irreversible(facts: FeatureFacts, statements: list[Statement], quoter: _Quoter) -> None:
    if any(c.value is ChangeType.DESTRUCTIVE_MIGRATION for c in facts.change_types):
        return
    evidence = [
        quoter.evidence(s, m[0])
        for s in statements
        if (m := IRREVERSIBLE.search(s.text)) is not None and not negated(s.text, m.start())
    ]
    if evidence:
        facts.change_types.append(
            Fact(value=ChangeType.DESTRUCTIVE_MIGRATION, evidence=evidence[:3])
        )


def _incidental_money(facts: FeatureFacts, statements: list[Statement], _: _Quoter) -> None:
    """Discount a money word that, read in its whole sentence, names a screen (not money moving)."""
    if facts.moves_money is None or not facts.moves_money.value:
        return
    stated = any(
        (m := MONEY_MOVEMENT.search(s.text)) is not None and not negated(s.text, m.start())
        for s in statements
    )
    if not stated:
        facts.moves_money = None


def _month(name: str) -> int:
    return MONTHS[name.lower().rstrip(".")]


def _freeze_dates(text: str) -> tuple[int, int, int, int] | None:
    for pattern in _DATE_RANGES:
        match = pattern.search(text)
        if match is not None:
            m1 = _month(match["m1"])
            m2 = _month(match["m2"]) if "m2" in match.groupdict() and match["m2"] else m1
            return m1, int(match["d1"]), m2, int(match["d2"])
    week = _WEEK_OF.search(text)
    if week is None:
        return None
    month = _month(week["m1"] or week["m2"])
    day = int(week["d1"] or week["d2"])
    end_month, end_day = month, day + 6
    if end_day > _DAYS_IN_MONTH[month - 1]:
        end_day -= _DAYS_IN_MONTH[month - 1]
        end_month = month % 12 + 1
    return month, day, end_month, end_day


def _freezes(facts: FeatureFacts, statements: list[Statement], quoter: _Quoter) -> None:
    for statement in statements:
        text = statement.text
        if not _FREEZE_WORD.search(text) or (dates := _freeze_dates(text)) is None:
            continue
        m1, d1, m2, d2 = dates
        if d1 > _DAYS_IN_MONTH[m1 - 1] or d2 > _DAYS_IN_MONTH[m2 - 1] or d1 < 1 or d2 < 1:
            continue
        named = _FREEZE_NAME.search(text)
        name = (named["name"] or named["paren"]).strip() if named else text[:60]
        year = _YEAR.search(text)
        freeze = NamedFreeze(
            name=name,
            start_month=m1,
            start_day=d1,
            end_month=m2,
            end_day=d2,
            year=int(year["year"]) if year else None,
        )
        facts.freezes.append(Fact(value=freeze, evidence=[quoter.evidence(statement, text)]))


_CUES: Final[tuple[Callable[[FeatureFacts, list[Statement], _Quoter], None], ...]] = (
    _exposure,
    _criticality,
    _revenue,
    _irreversible,
    _freezes,
    _incidental_money,
)


def read_cues(facts: FeatureFacts, file: str, text: str) -> None:
    """Fill the risk facts the labelled reader left empty from the document's sentences."""
    statements = [s for s in read_statements(text) if s.kind != "heading"]
    quoter = _Quoter(file, text)
    for cue in _CUES:
        cue(facts, statements, quoter)


__all__ = ["read_cues"]
