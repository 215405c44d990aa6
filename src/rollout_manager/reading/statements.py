"""Statements: what a document says, one labelled line, table row or sentence at a time.

`read_statements` turns the `Block`s of a document into `Statement`s, the unit
the metric and cue readers work on: one labelled line (`Login failure rate:
1.5%`), one table row read under its header, or one sentence of prose, each with
the line it starts on and the headings above it. Fenced code, indented code and
HTML blocks are not statements: a reader of the rendered page does not see them
as part of the text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Final, Literal

from rollout_manager.reading.blocks import Block, front_matter_length, read_blocks, split_lines
from rollout_manager.reading.labels import LABELLED

StatementKind = Literal["heading", "item", "row", "cell", "sentence", "front_matter"]

# A sentence ends at . ! ? followed by a blank and a capital, digit or opening mark.
_LABEL_AND_VALUE: Final = 2  # the cells of a two-column (label | value) row
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\"'*`])")
# Abbreviations whose full stop ends no sentence: "P95: approx. 900 ms".
_ABBREVIATION_END = re.compile(
    r"\b(?:approx|est|avg|ca|circa|incl|excl|vs|e\.g|i\.e|etc)\.$", re.IGNORECASE
)
# The columns of a target/current table that hold today's value.
_CURRENT_COLUMN: Final = re.compile(
    r"^(?:current|currently|today|now|baseline|value|actual|observed|last \w+|measured)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Statement:
    """One thing a document says, where it says it.

    Attributes:
        line: 1-based line the statement starts on.
        text: the source line (or sentence) as written, whitespace collapsed: the quote.
        kind: heading, item (list item), row (table row), cell (one cell of a
            wide table, under its header), sentence (prose) or front_matter.
        label: the words naming what the value is (`Login failure rate`), or "".
        value: the text holding the value, or the whole statement.
        sections: the headings above it, outermost first.
    """

    line: int
    text: str
    kind: StatementKind
    label: str = ""
    value: str = ""
    sections: tuple[str, ...] = ()


def _labelled(
    line: int, text: str, kind: StatementKind, sections: tuple[str, ...], quote: str = ""
) -> Statement:
    flat = _squash(text)
    shown = _squash(quote) or flat
    match = LABELLED.match(flat)
    if match is None:
        return Statement(line, shown, kind, value=flat, sections=sections)
    return Statement(line, shown, kind, match["label"].strip(), match["value"].strip(), sections)


def _split_sentences(text: str) -> list[str]:
    """`text` cut at its sentence ends; `approx.`, `e.g.` and their kin end no sentence."""
    pieces: list[str] = []
    begin = 0
    for end in _SENTENCE_END.finditer(text):
        # Only the last few characters can hold an abbreviation: linear in the text.
        if not _ABBREVIATION_END.search(text[max(begin, end.start() - 16) : end.start()]):
            pieces.append(text[begin : end.start()])
            begin = end.end()
    pieces.append(text[begin:])
    return pieces


def _item(line: int, text: str, sections: tuple[str, ...], quote: str) -> list[Statement]:
    """Read a list item: one statement per sentence (`... 40k jobs a day. Job failures: 0.8%.`)."""
    pieces = _split_sentences(_squash(text))
    if len(pieces) == 1:
        return [_labelled(line, text, "item", sections, quote)]
    return [_labelled(line, piece, "item", sections, quote) for piece in pieces]


def _sentences(start: int, text: str, sections: tuple[str, ...]) -> list[Statement]:
    """Read a paragraph: `Label: value` lines each on their own, prose split into sentences."""
    raw_lines = text.split("\n")
    if all(LABELLED.match(raw.strip()) for raw in raw_lines):
        return [
            _labelled(start + offset, raw, "item", sections, raw)
            for offset, raw in enumerate(raw_lines)
        ]
    joined = ""
    starts: list[tuple[int, int]] = []
    for offset, raw in enumerate(raw_lines):
        starts.append((len(joined), start + offset))
        joined += raw.strip() + " "
    statements: list[Statement] = []
    position = 0
    for piece in _split_sentences(joined):
        found = joined.find(piece, position)
        position = found + len(piece)
        number = max((n for at, n in starts if at <= found), default=start)
        if piece.strip():
            flat = _squash(piece)
            statements.append(Statement(number, flat, "sentence", "", flat, sections))
    return statements


def _table_statements(
    table: Block, sections: tuple[str, ...], source: list[str]
) -> list[Statement]:
    header = [_squash(cell) for cell in table.rows[0].plain]
    current = next((i for i, name in enumerate(header) if i and _CURRENT_COLUMN.match(name)), None)
    statements: list[Statement] = []
    for row in table.rows[1:]:
        cells = [_squash(cell) for cell in row.plain]
        number = row.line
        quote = _squash(source[number - 1]) if number - 1 < len(source) else " | ".join(cells)
        if current is not None or len(cells) == _LABEL_AND_VALUE:
            column = current if current is not None else 1
            value = cells[column] if column < len(cells) else ""
            statements.append(Statement(number, quote, "row", cells[0], value, sections))
            continue
        statements.extend(
            Statement(number, quote, "cell", name, cell, sections)
            for name, cell in zip(header, cells, strict=False)
            if name and cell
        )
    return statements


def read_statements(text: str) -> list[Statement]:
    """Every statement of a Markdown document, in file order (see `_statements`)."""
    return list(_statements(text))


@functools.lru_cache(maxsize=4)
def _statements(text: str) -> tuple[Statement, ...]:
    """Every statement of a Markdown document, in file order.

    Args:
        text: the document, with any line endings (CR-only included).

    Returns:
        Headings, list items, table rows (or cells of a wide table), front-matter
        lines and prose sentences, each with its 1-based line number.
    """
    lines = split_lines(text)
    skip = front_matter_length(lines)
    statements = [
        _labelled(index + 1, raw, "front_matter", (), raw)
        for index, raw in enumerate(lines[1 : max(skip - 1, 1)], start=1)
        if skip and raw.strip()
    ]
    headings: list[tuple[int, str]] = []
    for block in read_blocks(text):
        sections = tuple(title for _, title in headings)
        if block.kind == "heading":
            title = _squash(block.plain)
            while headings and headings[-1][0] >= block.level:
                headings.pop()
            sections = tuple(title for _, title in headings)
            statements.append(Statement(block.line, title, "heading", "", title, sections))
            headings.append((block.level, title))
        elif block.kind == "table":
            statements += _table_statements(block, sections, lines)
        elif block.kind == "paragraph" and block.items:
            quote = lines[block.line - 1] if block.line - 1 < len(lines) else ""
            statements += _item(block.line, block.plain, sections, quote)
        elif block.kind == "paragraph":
            statements += _sentences(block.line, block.plain, sections)
    return tuple(statements)


def _squash(text: str) -> str:
    # A thin or no-break space between digits groups them (`1 234 567`); it stays as written.
    return re.sub(r"(?![\u00a0\u2009\u202f](?<=\d.)(?=\d))\s+", " ", text).strip()


__all__ = ["Statement", "StatementKind", "read_statements"]
