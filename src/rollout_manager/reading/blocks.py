"""Markdown blocks with line numbers, on `markdown-it-py`: the one Markdown reader.

A team's document is headings, lists, tables, prose and maybe front matter; a
scenario file adds fenced shell and a checklist. `markdown-it-py` does the
CommonMark parsing (its tokens carry `.map`, the source lines of each block);
`read_blocks` turns the token stream into `Block`s (a heading, a paragraph, a
table, a fenced or indented code block, an HTML block or a rule), each with the
lines it spans. Every reader of Markdown (`statements`, `document`, the
scenario format) starts from these blocks, so a fence closes by one rule,
CommonMark's, everywhere. No other module imports `markdown_it`.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Final, Literal

if TYPE_CHECKING:
    from markdown_it import MarkdownIt
    from markdown_it.token import Token

BlockKind = Literal["heading", "paragraph", "table", "fence", "code", "html", "rule"]

_FRONT_MATTER_FENCE: Final = "---"
_LEAF_KINDS: Final[dict[str, BlockKind]] = {
    "fence": "fence",
    "code_block": "code",
    "html_block": "html",
    "hr": "rule",
}


@dataclass(frozen=True)
class Row:
    """One table row: its line and its cells, as written (`source`) and as shown (`plain`)."""

    line: int
    cells: tuple[str, ...]
    plain: tuple[str, ...]


@dataclass(frozen=True)
class Block:
    """One block of a Markdown file, with the lines it spans.

    Attributes:
        kind: heading, paragraph, table, fence (fenced code), code (indented
            code), html (an HTML block, comments included) or rule.
        line: 1-based first line.
        end: 1-based last line (a fence's closing line included).
        source: the inline text as written (a heading's words without its
            hashes, a paragraph's lines without list or quote markers, one per
            source line); a code block's body.
        plain: the visible text of a heading or paragraph (emphasis markup dropped).
        level: a heading's level (1-6).
        items: how many list items hold the block (0 outside lists).
        opens_item: a paragraph that starts on its list item's first line.
        marker: a list item's marker (`-`, `*`, `+`, `.`, `)`) for a paragraph
            opening it; a fence's opening run of backticks or tildes.
        info: a fence's info string (`bash`).
        closed: a fence ended by a closing fence (not by the end of the file).
        rows: a table's rows, its header first.
    """

    kind: BlockKind
    line: int
    end: int
    source: str = ""
    plain: str = ""
    level: int = 0
    items: int = 0
    opens_item: bool = False
    marker: str = ""
    info: str = ""
    closed: bool = True
    rows: tuple[Row, ...] = ()


def split_lines(text: str) -> list[str]:
    """Split at newlines, or at CRs in a CR-only (old Mac) file: the lines an editor numbers."""
    if "\n" not in text:
        return text.split("\r")
    return [line.removesuffix("\r") for line in text.split("\n")]


@functools.cache
def _parser() -> MarkdownIt:
    """Return the one CommonMark parser, built when first needed (not at import)."""
    # Imported here, not at the top: start-up pays for markdown-it only when Markdown is read.
    from markdown_it import MarkdownIt

    # Links, references and inline HTML add nothing a fact is read from, and markdown-it's
    # link scanning is quadratic on a run of unclosed brackets.
    return (
        MarkdownIt("commonmark")
        .enable("table")
        .disable(["link", "image", "reference", "autolink", "html_inline"])
    )


def _plain(token: Token) -> str:
    """Return the visible text of an inline token: emphasis and link markup dropped, breaks kept."""
    parts: list[str] = []
    for child in token.children or []:
        if child.type in {"text", "code_inline"}:
            parts.append(child.content)
        elif child.type in {"softbreak", "hardbreak"}:
            parts.append("\n")
        elif child.type == "image":
            parts.append(_plain(child))
    return "".join(parts)


def front_matter_length(lines: list[str]) -> int:
    """How many leading lines are YAML front matter, fences included (0 when there is none)."""
    if not lines or lines[0].strip() != _FRONT_MATTER_FENCE:
        return 0
    for index in range(1, len(lines)):
        if lines[index].strip() in {_FRONT_MATTER_FENCE, "..."}:
            return index + 1
    return 0


def _fence_closed(token: Token, source: list[str]) -> bool:
    """Whether a fence token ends at a closing fence rather than at the end of its container."""
    start, end = token.map or (0, 0)
    if end - 1 <= start or end - 1 >= len(source):
        return False
    last = source[end - 1].strip(" >")
    mark = token.markup
    return last.startswith(mark) and not last.strip(mark[0]).strip()


@dataclass
class _BlockWalker:
    """One pass over the token stream, keeping list depth and the table in hand."""

    source: list[str]
    blocks: list[Block] = field(default_factory=list)
    items: int = 0
    item_line: int = -1
    item_marker: str = ""
    table_line: int = 0
    table_end: int = 0
    rows: list[Row] | None = None
    row: tuple[int, list[str], list[str]] | None = None

    def table_token(self, token: Token) -> None:
        if token.type == "tr_open":
            self.row = ((token.map or [0])[0] + 1, [], [])
        elif token.type == "inline" and self.row is not None:
            self.row[1].append(token.content)
            self.row[2].append(_plain(token))
        elif token.type == "tr_close" and self.rows is not None and self.row is not None:
            line, cells, plain = self.row
            self.rows.append(Row(line, tuple(cells), tuple(plain)))
            self.row = None
        elif token.type == "table_close" and self.rows is not None:
            rows = tuple(self.rows)
            self.blocks.append(
                Block("table", self.table_line, self.table_end, items=self.items, rows=rows)
            )
            self.rows = None

    def leaf(self, token: Token) -> None:
        start, end = token.map or (0, 0)
        closed = token.type != "fence" or _fence_closed(token, self.source)
        self.blocks.append(
            Block(
                _LEAF_KINDS[token.type],
                start + 1,
                end,
                source=token.content,
                items=self.items,
                marker=token.markup,
                info=token.info.strip(),
                closed=closed,
            )
        )

    def text_block(self, opening: Token, inline: Token) -> None:
        start, end = opening.map or (0, 0)
        if opening.type == "heading_open":
            level, opens, marker = int(opening.tag[1]), False, ""
        else:
            level, opens = 0, bool(self.items) and start == self.item_line
            marker = self.item_marker if opens else ""
        kind: BlockKind = "heading" if level else "paragraph"
        self.blocks.append(
            Block(
                kind,
                start + 1,
                end,
                inline.content,
                _plain(inline),
                level=level,
                items=self.items,
                opens_item=opens,
                marker=marker,
            )
        )

    def walk(self, tokens: list[Token]) -> list[Block]:
        for index, token in enumerate(tokens):
            if self.rows is not None:
                self.table_token(token)
            elif token.type == "list_item_open":
                self.items += 1
                self.item_line = (token.map or [0])[0]
                self.item_marker = token.markup
            elif token.type == "list_item_close":
                self.items -= 1
            elif token.type == "table_open":
                start, end = token.map or (0, 0)
                self.table_line, self.table_end = start + 1, end
                self.rows = []
            elif token.type in {"heading_open", "paragraph_open"}:
                self.text_block(token, tokens[index + 1])
            elif token.type in _LEAF_KINDS:
                self.leaf(token)
        return self.blocks


def read_blocks(text: str) -> tuple[Block, ...]:
    """Return the blocks of a Markdown file, in file order (see `_blocks`)."""
    return _blocks(text)


# The readers of one folder (facts, metrics, risk cues) all ask for the same two documents.
@functools.lru_cache(maxsize=8)
def _blocks(text: str) -> tuple[Block, ...]:
    """Return the blocks of a Markdown file, in file order.

    Args:
        text: the file, with any line endings (CR-only included).

    Returns:
        Its blocks below any YAML front matter (which is no block), each with
        its 1-based lines.
    """
    lines = split_lines(text)
    skip = front_matter_length(lines)
    # A stray CR inside a line is a blank to the reader, not a line break that shifts numbers.
    body = "\n" * skip + "\n".join(line.replace("\r", " ") for line in lines[skip:])
    return tuple(_BlockWalker(lines).walk(_parser().parse(body)))


__all__ = ["Block", "BlockKind", "Row", "front_matter_length", "read_blocks", "split_lines"]
