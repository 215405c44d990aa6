"""A scenario file's Markdown layout: its sections, fenced blocks and list items.

The blocks come from `reading.blocks` (markdown-it), the same reader the context
documents go through, so a fence opens and closes by one rule (CommonMark's:
a closing fence is the opening character, at least as many times, and nothing
after it). This module only finds where things are: a `## Setup` section and
the fences inside it, `### N. Title` step sections and their lines, and the
checklist items of a criteria section. What they mean is `scenario.format`'s.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from rollout_manager.reading.blocks import read_blocks, split_lines

_CHECKBOX = re.compile(r"^\[[ xX]\]\s+(?P<text>\S.*?)\s*$")
_BULLETS = frozenset("-*+")


class ScenarioError(Exception):
    """A scenario file that does not follow the format, at a line (or None for the file)."""

    def __init__(self, line: int | None, problem: str) -> None:
        super().__init__(problem)
        self.line = line
        self.problem = problem


@dataclass(frozen=True)
class Section:
    """A heading and the lines below it, up to the next heading as high."""

    level: int
    title: str
    line: int
    lines: tuple[tuple[int, str], ...]
    """Body lines (1-based number, text), the heading excluded."""


@dataclass(frozen=True)
class Fenced:
    """A fenced code block: the line it opens on and its body lines (fences excluded)."""

    start: int
    lines: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class _Item:
    line: int
    bullet: bool
    text: str


@dataclass(frozen=True)
class _Heading:
    line: int
    end: int
    level: int
    title: str


class Layout:
    """The headings, fences and list items of a scenario file, with their lines."""

    def __init__(self, text: str) -> None:
        """Read `text` (the whole file; front matter lines are no block).

        Raises:
            ScenarioError: a code fence is never closed.
        """
        self.source = split_lines(text)
        self.headings: list[_Heading] = []
        self.fences: list[Fenced] = []
        self.items: list[_Item] = []
        for block in read_blocks(text):
            if block.kind == "heading" and block.source.strip() and not block.items:
                self.headings.append(
                    _Heading(block.line, block.end, block.level, block.source.strip())
                )
            elif block.kind == "fence":
                if not block.closed:
                    raise ScenarioError(block.line, "code fence is never closed")
                body = range(block.line + 1, block.end)
                self.fences.append(Fenced(block.line, tuple(self._numbered(body))))
            elif block.kind == "paragraph" and block.opens_item:
                first = block.source.split("\n")[0].strip()
                self.items.append(_Item(block.line, block.marker in _BULLETS, first))

    def _numbered(self, numbers: range) -> list[tuple[int, str]]:
        return [(number, self.source[number - 1]) for number in numbers]

    def title(self) -> str | None:
        """Return the first level-1 heading, if any."""
        return next((h.title for h in self.headings if h.level == 1), None)

    def sections(self, level: int) -> list[Section]:
        """Sections that start at a heading of `level`, up to the next heading as high."""
        found = []
        for position, heading in enumerate(self.headings):
            if heading.level != level:
                continue
            end = len(self.source) + 1
            for later in self.headings[position + 1 :]:
                if later.level <= level:
                    end = later.line
                    break
            body = self._numbered(range(heading.end + 1, end))
            found.append(Section(level, heading.title, heading.line, tuple(body)))
        return found

    def fences_within(self, section: Section) -> list[Fenced]:
        """Fenced blocks that open inside `section`."""
        if not section.lines:
            return []
        first, last = section.lines[0][0], section.lines[-1][0]
        return [fence for fence in self.fences if first <= fence.start <= last]

    def checklist(self, section: Section, *, bullets: bool = False) -> list[tuple[int, str]]:
        """Return the `- [ ] ...` items of `section` (line, text); with `bullets`, any list item."""
        if not section.lines:
            return []
        first, last = section.lines[0][0], section.lines[-1][0]
        found = []
        for item in self.items:
            if not first <= item.line <= last:
                continue
            if bullets and item.text:
                found.append((item.line, item.text))
            elif not bullets and item.bullet and (box := _CHECKBOX.match(item.text)):
                found.append((item.line, box["text"]))
        return found


__all__ = ["Fenced", "Layout", "ScenarioError", "Section"]
