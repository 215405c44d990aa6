"""A context document as labelled lines, for the feature and baseline readers.

The blocks come from `reading.blocks` (markdown-it); this module reads each
source line of a heading, list item, table row or paragraph into a `Line` that
knows its number, the headings above it and, when it has one, its label and
value. A bold line (`**Dependencies**`) or a lone `Label:` line acts as a
heading below every real one, for the list under it. Fenced and indented code,
HTML blocks (comments included) and front matter give no lines: a reader of the
rendered document does not see them as part of it, so no fact comes from them.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Final, Literal

from rollout_manager.model import Evidence
from rollout_manager.reading.blocks import Block, read_blocks, split_lines
from rollout_manager.reading.labels import (
    LABELLED,
    normalise_label,
    section_name,
    strip_emphasis,
)

LineKind = Literal["title", "heading", "item", "row", "cell", "text"]

# A bold line or a lone `Label:` acts as a heading below every real one (H1-H6).
_PSEUDO_LEVEL: Final = 7

_CHECKBOX = re.compile(r"^\[(?P<mark>[ xX])\]\s+(?P<rest>.*)$")
# An HTML comment inside a paragraph, or one left open to its end.
_COMMENT = re.compile(r"<!--.*?(?:-->|\Z)", re.DOTALL)


@dataclass(frozen=True)
class Line:
    """One meaningful line of a document.

    Attributes:
        number: 1-based line number in the file.
        text: the line as written, stripped: the evidence quote.
        kind: title (the first H1), heading, item (bullet), row (table row read as
            first cell: second cell), cell (one column of a table row, under its
            header), or text.
        content: the line without Markdown markers; a row reads `label: value`.
        label: the normalised label (`p95 latency`), empty when the line has none.
        label_text: the label as written, without emphasis (`P95 latency`).
        unit_hint: what the label says in parentheses (`Error rate (%)` -> `%`).
        value: the text after the label, or the whole content.
        sections: lower-case headings above the line, outermost first, title excluded.
        checked: True/False for a `- [x]`/`- [ ]` task item, else None.
    """

    number: int
    text: str
    kind: LineKind
    content: str
    label: str = ""
    label_text: str = ""
    unit_hint: str = ""
    value: str = ""
    sections: tuple[str, ...] = ()
    checked: bool | None = None

    def in_section(self, pattern: re.Pattern[str]) -> bool:
        """Whether any heading above this line matches `pattern`."""
        return any(pattern.search(section) for section in self.sections)


@dataclass(frozen=True)
class Document:
    """A context document read into lines.

    Attributes:
        name: file name relative to the context folder, used in evidence.
        lines: the meaningful lines in file order.
    """

    name: str
    lines: tuple[Line, ...]

    def content_lines(self) -> list[Line]:
        """Return the lines that say something once: a table cell repeats its row under a header."""
        return [line for line in self.lines if line.kind != "cell"]

    def evidence(self, line: Line) -> Evidence:
        """Return the evidence record quoting `line`."""
        return Evidence(file=self.name, line=line.number, text=line.text)


def _is_pseudo_heading(body: str) -> bool:
    text = body.strip()
    bold = (text.startswith("**") and text.endswith("**")) or (
        text.startswith("__") and text.endswith("__")
    )
    return bold and len(text) > len("****")  # more than the markers on both sides


def _uncommented(source: str) -> str:
    """Strip HTML comments from a paragraph's source, each line kept in its place."""
    return _COMMENT.sub(lambda match: "\n" * match.group(0).count("\n"), source)


@dataclass
class _Lines:
    """Reads blocks into lines, keeping the headings and the pseudo-heading state in hand."""

    source: list[str]
    lines: list[Line] = field(default_factory=list)
    headings: list[tuple[int, str]] = field(default_factory=list)
    title_seen: bool = False
    last: int = 0
    lines_under_pseudo: int = 0

    def quote(self, number: int) -> str:
        return self.source[number - 1].strip() if number - 1 < len(self.source) else ""

    def after_blank(self, number: int) -> bool:
        """Whether a blank line (quote markers aside) lies between the last line read and this."""
        return any(not self.source[n - 1].strip(" \t>") for n in range(self.last + 1, number))

    def sections(self) -> tuple[str, ...]:
        return tuple(text for _, text in self.headings)

    def heading(self, number: int, level: int, text: str) -> None:
        content = strip_emphasis(text)
        if level == _PSEUDO_LEVEL:
            self.lines_under_pseudo = 0
        if level == 1 and not self.title_seen:
            self.title_seen = True
            self.lines.append(Line(number, self.quote(number), "title", content, value=content))
            return
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()
        self.lines.append(
            Line(
                number,
                self.quote(number),
                "heading",
                content,
                value=content,
                sections=self.sections(),
            )
        )
        self.headings.append((level, section_name(content)))

    def table(self, block: Block) -> None:
        header = [normalise_label(cell)[0] for cell in block.rows[0].cells]
        for row in block.rows[1:]:
            self.row(row.line, list(row.cells), header)

    def row(self, number: int, cells: list[str], header: list[str]) -> None:
        sections = self.sections()
        quote = self.quote(number)
        label_text = strip_emphasis(cells[0]).replace("`", "")
        value = strip_emphasis(cells[1]) if len(cells) > 1 else ""
        label, hint = normalise_label(cells[0])
        content = f"{label_text}: {value}" if value else label_text
        self.lines.append(
            Line(number, quote, "row", content, label, label_text, hint, value, sections)
        )
        # A wide table (`| P50 | P95 | P99 |`) names its metrics in the header.
        for name, cell in zip(header, cells, strict=False):
            if name and cell:
                shown = strip_emphasis(cell)
                hint = normalise_label(cell)[1]
                self.lines.append(
                    Line(
                        number, quote, "cell", f"{name}: {shown}", name, name, hint, shown, sections
                    )
                )

    def paragraph(self, block: Block) -> None:
        for offset, text in enumerate(_uncommented(block.source).split("\n")):
            number = block.line + offset
            if not text.strip():
                continue  # wholly inside a comment: neither content nor a blank line
            self.item_or_text(number, text, bullet=block.opens_item and offset == 0)
            self.last = number

    def end_pseudo_section(self, number: int) -> None:
        """End the list a bold `Label:` line introduced when a paragraph follows a blank line."""
        pseudo = bool(self.headings) and self.headings[-1][0] == _PSEUDO_LEVEL
        if pseudo and self.after_blank(number) and self.lines_under_pseudo:
            self.headings.pop()

    def item_or_text(self, number: int, text: str, *, bullet: bool) -> None:
        if not bullet:
            self.end_pseudo_section(number)
        self.lines_under_pseudo += 1
        kind: LineKind = "item" if bullet else "text"
        body = text.strip()
        checked = None
        box = _CHECKBOX.match(body)
        if box is not None:
            checked = box["mark"] != " "
            body = box["rest"]
        content = strip_emphasis(body)
        labelled = LABELLED.match(content)
        quote = self.quote(number)
        sections = self.sections()
        if labelled is None:
            if not bullet and _is_pseudo_heading(body):
                self.heading(number, _PSEUDO_LEVEL, content.rstrip(":"))
                return
            line = Line(
                number, quote, kind, content, value=content, sections=sections, checked=checked
            )
            self.lines.append(line)
            return
        label_text = labelled["label"].replace("`", "").strip()
        value = labelled["value"].strip()
        if not value and not bullet:
            # "Dependencies:" on its own line introduces a list, like a heading.
            self.heading(number, _PSEUDO_LEVEL, label_text)
            return
        label, hint = normalise_label(label_text)
        self.lines.append(
            Line(number, quote, kind, content, label, label_text, hint, value, sections, checked)
        )

    def read(self, block: Block) -> None:
        if block.kind == "heading":
            if block.source.strip():  # an empty heading names no section
                self.heading(block.line, block.level, block.source.strip())
        elif block.kind == "table":
            self.table(block)
        elif block.kind == "paragraph":
            self.paragraph(block)
            return
        elif block.kind == "code":
            # Not part of the text, but it fills the list a pseudo-heading introduced.
            self.lines_under_pseudo += 1
        elif block.kind != "rule":
            return  # fenced code and HTML: not part of the text
        self.last = block.end


def read_document(name: str, text: str) -> Document:
    """Read a Markdown document into its meaningful lines.

    Args:
        name: file name relative to the context folder, for evidence.
        text: the whole document.

    Returns:
        The document with one `Line` per heading, item, table row (plus one per
        cell under a header) and text line, in file order.
    """
    reader = _Lines(split_lines(text))
    for block in read_blocks(text):
        reader.read(block)
    return Document(name, tuple(reader.lines))


__all__ = ["Document", "Line", "LineKind", "read_document"]
