"""Markdown blocks as statements with line numbers, on `markdown-it-py`.

A team's document is headings, lists, tables, prose and maybe front matter.
`markdown-it-py` does the CommonMark parsing (its tokens carry `.map`, the
source lines of each block); this module turns the blocks into `Statement`s,
the unit every reader works on: one labelled line (`Login failure rate: 1.5%`),
one table row read under its header, or one sentence of prose, each with the
line it starts on and the headings above it.

Fenced code, indented code and HTML blocks are not statements: a reader of the
rendered page does not see them as part of the text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, field
from typing import Final, Literal

from markdown_it import MarkdownIt
from markdown_it.token import Token

StatementKind = Literal["heading", "item", "row", "cell", "sentence", "front_matter"]

_LABELLED = re.compile(
    r"^(?P<label>[^:=|]{1,80}?)[ \t]{0,8}(?::(?=\s|$)|\s=\s|\s[—–]\s)\s*(?P<value>.*)$"
)
# A sentence ends at . ! ? followed by a blank and a capital, digit or opening mark.
_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[A-Z0-9(\"'*`])")
# The columns of a target/current table that hold today's value.
_CURRENT_COLUMN: Final = re.compile(
    r"^(?:current|currently|today|now|baseline|value|actual|observed|last \w+|measured)\b", re.I
)
_FRONT_MATTER_FENCE: Final = "---"


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


def split_lines(text: str) -> list[str]:
    """The lines an editor numbers: split at newlines, or at CRs in a CR-only (old Mac) file."""
    if "\n" not in text:
        return text.split("\r")
    return [line.removesuffix("\r") for line in text.split("\n")]


def _parser() -> MarkdownIt:
    # Links, references and inline HTML add nothing a metric is read from, and markdown-it's
    # link scanning is quadratic on a run of unclosed brackets.
    return (
        MarkdownIt("commonmark")
        .enable("table")
        .disable(["link", "image", "reference", "autolink", "html_inline"])
    )


def _plain(token: Token) -> str:
    """The visible text of an inline token: emphasis and link markup dropped, breaks kept."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append("\n")
        elif child.type == "image":
            parts.append(_plain(child))
    return "".join(parts)


def _squash(text: str) -> str:
    return " ".join(text.split())


def _front_matter(lines: list[str]) -> int:
    """How many leading lines are YAML front matter (0 when there is none)."""
    if not lines or lines[0].strip() != _FRONT_MATTER_FENCE:
        return 0
    for index in range(1, len(lines)):
        if lines[index].strip() in {_FRONT_MATTER_FENCE, "..."}:
            return index + 1
    return 0


def _labelled(
    line: int, text: str, kind: StatementKind, sections: tuple[str, ...], quote: str = ""
) -> Statement:
    flat = _squash(text)
    shown = _squash(quote) or flat
    match = _LABELLED.match(flat)
    if match is None:
        return Statement(line, shown, kind, value=flat, sections=sections)
    return Statement(line, shown, kind, match["label"].strip(), match["value"].strip(), sections)


def _sentences(start: int, text: str, sections: tuple[str, ...]) -> list[Statement]:
    """A paragraph: `Label: value` lines each on their own, prose split into sentences."""
    raw_lines = text.split("\n")
    if all(_LABELLED.match(raw.strip()) for raw in raw_lines):
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
    for piece in _SENTENCE_END.split(joined):
        found = joined.find(piece, position)
        position = found + len(piece)
        number = max((n for at, n in starts if at <= found), default=start)
        if piece.strip():
            flat = _squash(piece)
            statements.append(Statement(number, flat, "sentence", "", flat, sections))
    return statements


@dataclass
class _Table:
    header: list[str]
    rows: list[tuple[int, list[str]]]


def _table_statements(
    table: _Table, sections: tuple[str, ...], source: list[str]
) -> list[Statement]:
    header = table.header
    current = next((i for i, name in enumerate(header) if i and _CURRENT_COLUMN.match(name)), None)
    statements: list[Statement] = []
    for number, cells in table.rows:
        quote = _squash(source[number - 1]) if number - 1 < len(source) else " | ".join(cells)
        if current is not None or len(cells) == 2:
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


# The readers of one folder (metrics, risk cues) all ask for the same two documents.
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
    skip = _front_matter(lines)
    statements = [
        _labelled(index + 1, raw, "front_matter", (), raw)
        for index, raw in enumerate(lines[1 : max(skip - 1, 1)], start=1)
        if skip and raw.strip()
    ]
    # A stray CR inside a line is a blank to the reader, not a line break that shifts numbers.
    body = "\n" * skip + "\n".join(line.replace("\r", " ") for line in lines[skip:])
    statements += _walk(_parser().parse(body), lines)
    return tuple(statements)


@dataclass
class _Walker:
    """One pass over the token stream, keeping the headings, list depth and table in hand."""

    source: list[str]
    statements: list[Statement] = field(default_factory=list)
    headings: list[tuple[int, str]] = field(default_factory=list)
    in_item: int = 0
    table: _Table | None = None
    row: list[str] | None = None
    row_line: int = 0

    def sections(self) -> tuple[str, ...]:
        return tuple(text for _, text in self.headings)

    def heading(self, token: Token, inline: Token) -> None:
        level = int(token.tag[1])
        title = _squash(_plain(inline))
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()
        line = (token.map or [0])[0] + 1
        self.statements.append(Statement(line, title, "heading", "", title, self.sections()))
        self.headings.append((level, title))

    def table_token(self, token: Token) -> None:
        if token.type == "table_open":
            self.table = _Table([], [])
        elif token.type == "tr_open":
            self.row, self.row_line = [], (token.map or [0])[0] + 1
        elif token.type == "inline" and self.row is not None:
            self.row.append(_squash(_plain(token)))
        elif token.type == "tr_close" and self.table is not None and self.row is not None:
            if not self.table.header:
                self.table.header = self.row
            else:
                self.table.rows.append((self.row_line, self.row))
            self.row = None
        elif token.type == "table_close" and self.table is not None:
            self.statements += _table_statements(self.table, self.sections(), self.source)
            self.table = None

    def paragraph(self, opening: Token, inline: Token) -> None:
        start = (opening.map or [0])[0] + 1
        if self.in_item:
            quote = self.source[start - 1] if start - 1 < len(self.source) else ""
            self.statements.append(_labelled(start, _plain(inline), "item", self.sections(), quote))
        else:
            self.statements += _sentences(start, _plain(inline), self.sections())

    def walk(self, tokens: list[Token]) -> list[Statement]:
        for index, token in enumerate(tokens):
            if token.type == "heading_open":
                self.heading(token, tokens[index + 1])
            elif token.type in {"list_item_open", "list_item_close"}:
                self.in_item += 1 if token.type == "list_item_open" else -1
            elif self.table is not None or token.type == "table_open":
                self.table_token(token)
            elif token.type == "inline" and tokens[index - 1].type == "paragraph_open":
                self.paragraph(tokens[index - 1], token)
        return self.statements


def _walk(tokens: list[Token], source: list[str]) -> list[Statement]:
    return _Walker(source).walk(tokens)


__all__ = ["Statement", "StatementKind", "read_statements", "split_lines"]
