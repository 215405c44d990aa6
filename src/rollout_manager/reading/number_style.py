"""Which decimal mark a document writes, and its numbers rewritten in the one the scanners read.

`12.500` is twelve and a half in one team's documents and twelve thousand five
hundred in another's. The document decides, by evidence: a decimal comma
(`0,4 %`, `€58,90`), a run of thousands dots (`1.234.567`) or a dotted number
before a count that cannot be fractional (`12.500 orders`) shows decimal commas;
`0.4%` or `1,234,567` shows decimal points. A number that could be either
(`12.500` in a document that shows neither, or both) is not read: the rewritten
text holds `?` in its place, and the reader says so in a warning. Digit groups
split by thin or no-break spaces (`1 234 567`, SI style) are one number in
either style.

Hand-written because the documents mix styles and units no locale library
guesses; `babel` parses one locale's numbers when the locale is known, which
here it is not.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from decimal import Decimal
from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:
    from rollout_manager.reading.document import Document

NumberStyle = Literal["point", "comma", "mixed", "unknown"]

# Spaces SI writing puts between digit groups; `str.split` treats them as blanks.
GROUP_SPACES: Final = "\u00a0\u2009\u202f"
_START: Final = r"(?<![\w.,\u00a0\u2009\u202f])"
_END: Final = r"(?![\w.,]?\d)"
# A plural word after a number that no unit spells: what is counted (`orders`, `requests`).
_COUNT_NOUN: Final = (
    r"\s+(?!(?:m?secs?|seconds|mins?|minutes|hours|hrs|days|weeks|months|years|"
    r"points|pts|[kmg]?bps|ms|us|µs)\b)[a-z][a-z-]+s\b"
)
_COMMA_SIGNS: Final = (
    rf"{_START}\d+,\d{{1,2}}{_END}",
    rf"{_START}\d+,\d{{4,}}{_END}",
    rf"{_START}\d{{1,3}}(?:\.\d{{3}}){{2,}}{_END}",
    rf"{_START}\d{{1,3}}(?:\.\d{{3}})+,\d+{_END}",
    rf"{_START}\d{{1,3}}\.\d{{3}}(?={_COUNT_NOUN})",
)
_POINT_SIGNS: Final = (
    rf"{_START}\d*\.\d{{1,2}}{_END}",
    rf"{_START}\d*\.\d{{4,}}{_END}",
    rf"{_START}\d{{1,3}}(?:,\d{{3}}){{2,}}{_END}",
    rf"{_START}\d{{1,3}}(?:,\d{{3}})+\.\d+{_END}",
    rf"{_START}\d{{1,3}},\d{{3}}(?={_COUNT_NOUN})",
)
# Digit groups: `1 234 567` with any group space, or plain blanks when there are two or more.
_GROUPS: Final = (
    rf"(?<![\d.,])\d{{1,3}}(?:[{GROUP_SPACES}]\d{{3}})+(?!\d|[.,]\d)"
    r"|(?<![\d.,])(?<![\d.,] )\d{1,3}(?: \d{3}){2,}(?!\d| \d|[.,]\d)"
)
_NUMBER: Final = r"(?<![\w.,])\d(?:[.,]?\d)*+(?!\w)"
# Numbers no decimal-point writer writes: `0,4`, `58,90`, `1.234.567`, `12.500,50`.
_SURE_COMMA: Final = (
    r"\d+,(?:\d{1,2}|\d{4,})|\d{1,3}(?:\.\d{3}){2,}(?:,\d+)?|\d{1,3}(?:\.\d{3})+,\d+"
)
_THREE_AFTER_DOT: Final = r"\d{1,3}\.\d{3}"
_THREE_AFTER_COMMA: Final = r"\d{1,3},\d{3}"


@dataclass(frozen=True)
class NumberFormat:
    """The decimal mark a document writes, with the numbers that show it.

    Attributes:
        style: point, comma, mixed (the document shows both) or unknown (neither).
        comma_sign: the first number that shows decimal commas, as written, with its line.
        point_sign: the first number that shows decimal points, as written, with its line.
    """

    style: NumberStyle = "unknown"
    comma_sign: tuple[str, int] | None = None
    point_sign: tuple[str, int] | None = None


def _first_sign(lines: list[str], patterns: tuple[str, ...]) -> tuple[str, int] | None:
    for number, line in enumerate(lines, start=1):
        if line.lstrip().startswith("#"):
            continue  # a heading's `2.1 Scope` numbers a section, not a figure
        text = join_groups(line)
        found = [m for p in patterns if (m := re.search(p, text, re.IGNORECASE))]
        if found:
            return min(found, key=lambda m: m.start())[0], number
    return None


def number_format(text: str) -> NumberFormat:
    """Judge the decimal mark `text` writes from the numbers that can only be read one way."""
    lines = text.splitlines()
    comma = _first_sign(lines, _COMMA_SIGNS)
    point = _first_sign(lines, _POINT_SIGNS)
    if comma and point:
        return NumberFormat("mixed", comma, point)
    if comma:
        return NumberFormat("comma", comma_sign=comma)
    if point:
        return NumberFormat("point", point_sign=point)
    return NumberFormat()


def join_groups(text: str) -> str:
    """Digit groups written with spaces as one number: `1 234 567` -> `1234567`."""
    return re.sub(_GROUPS, lambda m: re.sub(r"\D", "", m[0]), text)


def ambiguous_numbers(text: str, numbers: NumberFormat) -> list[str]:
    """Return the numbers of `text` whose meaning its document's style does not settle."""
    found: list[str] = []
    for match in re.finditer(_NUMBER, join_groups(text)):
        token = match[0]
        # `12.500` needs a document that shows its mark; `12,500` is thousands unless the
        # document writes decimal commas (the reader has always read `8,000` as 8000).
        if re.fullmatch(_THREE_AFTER_DOT, token):
            unsettled = numbers.style in {"mixed", "unknown"}
        else:
            unsettled = bool(re.fullmatch(_THREE_AFTER_COMMA, token)) and numbers.style in {
                "mixed",
                "comma",
            }
        if unsettled:
            found.append(token)
    return found


def in_point_decimals(text: str, numbers: NumberFormat) -> str:
    """`text` with its numbers as the scanners read them: points for decimals, no group marks.

    A number only decimal commas write (`0,4`, `1.234.567`, `12.500,50`) is rewritten in any
    document; `12.500` only in one that writes decimal commas. A number whose style the
    document does not settle becomes `?`, which no scanner reads.
    """

    def one(match: re.Match[str]) -> str:
        token = match[0]
        if token in ambiguous:
            return "?"
        if re.fullmatch(_SURE_COMMA, token) or (
            numbers.style == "comma" and re.fullmatch(_THREE_AFTER_DOT, token)
        ):
            return token.replace(".", "").replace(",", ".")
        return token

    joined = join_groups(text)
    ambiguous = set(ambiguous_numbers(joined, numbers))
    return re.sub(_NUMBER, one, joined)


def document_in_point_decimals(document: Document, numbers: NumberFormat) -> Document:
    """Return the document with every line's value and content in point decimals (quotes kept)."""
    lines = tuple(
        replace(
            line,
            value=in_point_decimals(line.value, numbers),
            content=in_point_decimals(line.content, numbers),
        )
        for line in document.lines
    )
    return replace(document, lines=lines)


def number_notes(name: str, text: str, numbers: NumberFormat) -> list[str]:
    """Say what the reader assumed about `name`'s numbers, and the numbers it could not read."""
    notes: list[str] = []
    if numbers.style == "comma" and numbers.comma_sign is not None:
        sign, line = numbers.comma_sign
        notes.append(
            f"{name} writes decimal commas (`{sign}` at line {line}): its numbers are read with "
            "`,` as the decimal mark and `.` between thousands"
        )
    for number, line_text in enumerate(text.splitlines(), start=1):
        if line_text.lstrip().startswith("#"):
            continue
        notes.extend(
            f"{name}:{number}: `{token}` {_why_ambiguous(token, numbers)}; not read"
            for token in ambiguous_numbers(line_text, numbers)
        )
    return notes


def _why_ambiguous(token: str, numbers: NumberFormat) -> str:
    point = Decimal(token.replace(",", ".")).normalize()
    thousands = int(token.replace(".", "").replace(",", ""))
    either = f"could be {point} or {thousands:,}"
    if numbers.style == "mixed" and numbers.comma_sign and numbers.point_sign:
        return (
            f"{either}: the document writes both decimal commas (`{numbers.comma_sign[0]}` at "
            f"line {numbers.comma_sign[1]}) and decimal points (`{numbers.point_sign[0]}` at "
            f"line {numbers.point_sign[1]})"
        )
    if numbers.style == "comma":
        return (
            f"{either}: the document writes decimal commas, yet `,` before three digits "
            "is usually a thousands mark"
        )
    return f"{either}: the document shows no decimal mark"


__all__ = [
    "GROUP_SPACES",
    "NumberFormat",
    "NumberStyle",
    "ambiguous_numbers",
    "document_in_point_decimals",
    "in_point_decimals",
    "join_groups",
    "number_format",
    "number_notes",
]
