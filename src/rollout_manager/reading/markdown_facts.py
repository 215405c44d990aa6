"""Markdown as teams write it, read into labelled lines for the context reader.

A context document is headings, `- Label: value` bullets (also `*`, `+`,
numbered items and plain `Label: value` lines), `| Metric | Value |` tables and
free sentences. `parse_document` turns each into a `Line` that knows its
number, the headings above it and, when it has one, its label and value. The
feature and baseline readers take their facts from those lines.

Labels are matched through `LABEL_SYNONYMS`, a table from a dotted field name to
the spellings people use, so `P95`, `95th percentile` and `latency p95` all name
`baseline.p95_latency_ms`.

Fenced code, HTML comments and front matter are skipped: a reader of the
rendered document does not see them as part of it, so no fact comes from them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

from rollout_manager.model import Evidence
from rollout_manager.reading.units import NUMBER_PATTERN, parse_count

LineKind = Literal["title", "heading", "item", "row", "cell", "text"]

# A bold line or a lone `Label:` acts as a heading below every real one (H1-H6).
_PSEUDO_LEVEL: Final = 7

_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^\s{0,3}(?P<hashes>#{1,6})(?:[ \t]+(?P<text>.*))?$")
_SETEXT = re.compile(r"^\s{0,3}(?P<bar>=+|-+)\s*$")
_THEMATIC_BREAK = re.compile(r"^\s{0,3}(?:(?:-\s*){3,}|(?:\*\s*){3,}|(?:_\s*){3,})$")
# Possessive repeats: a separator-like line with a long run of blanks must not backtrack.
_TABLE_SEPARATOR = re.compile(
    r"^[ \t]*+\|?[ \t]*+:?-++:?[ \t]*+(?:\|[ \t]*+:?-++:?[ \t]*+)*+\|?[ \t]*+$"
)
_CELL_BORDER = re.compile(r"(?<!\\)\|")
_BULLET = re.compile(r"^\s*(?:[-*+]|\d{1,9}[.)])\s+(?P<rest>.*)$")
_CHECKBOX = re.compile(r"^\[(?P<mark>[ xX])\]\s+(?P<rest>.*)$")
_BLOCKQUOTE = re.compile(r"^\s{0,3}(?:>\s?)+")
# Bracket contents exclude their own opener, so an unclosed `(` or `[` repeated along a
# long line is scanned once, not once per opener.
_LINK = re.compile(r"!?\[(?P<text>[^\][]*)\]\([^()]*\)")
_EMPHASIS = re.compile(r"\*\*|__|(?<![\w*])[*_](?=\S)|(?<=\S)[*_](?![\w*])")
_LABELLED = re.compile(
    r"^(?P<label>[^:=|]{1,80}?)[ \t]{0,8}(?::(?=\s|$)|\s=\s|\s[—–]\s)\s*(?P<value>.*)$"
)
_PARENTHESES = re.compile(r"\((?P<inner>[^()]*)\)")
_DAILY = re.compile(r"(?:/\s*day\b|\bper\s+day\b|\ba\s+day\b|\bdaily\b|\beach\s+day\b|/d\b)", re.I)
_DAY_WORD = re.compile(r"\bday\b|\bdaily\b")
_MODIFIER = re.compile(
    r"^(?:current|baseline|overall|total|observed|typical|today's|estimated|est\.?|"
    r"approx\.?|approximate|avg\.?|average|mean)\s+"
)

# ------------------------------------------------------------------------- synonyms

_LAT: Final = r"(?:latency|latencies|response time|response|duration|round trip time|rtt|time)"
_COUNTED: Final = r"(?:transactions?|txns?|tx|payments?|orders?|requests?|checkouts?|calls?)"
_ITEM: Final = r"(?:transaction|txn|tx|order|payment|basket|ticket|purchase|cart|checkout)"
_MONEY_FLOW: Final = r"(?:revenue|gmv|sales|turnover|tpv|gross merchandise value)"
_PER_DAY: Final = r"(?: per | a | each |/)day"


def _percentile(rank: int, *more: str) -> tuple[str, ...]:
    core = rf"(?:p{rank}|tp{rank}|{rank}(?:th)? ?(?:percentile|pctl|pct|%ile))"
    return (rf"(?:{_LAT} )?{core}(?: {_LAT})?", *more)


_DAILY_VOLUME: Final = (
    rf"(?:daily|per day) (?:{_COUNTED} )?(?:volume|count|{_COUNTED})",
    rf"(?:{_COUNTED}|volume)(?: volume| count)?{_PER_DAY}",
)

LABEL_SYNONYMS: Final[dict[str, tuple[str, ...]]] = {
    "baseline.p50_latency_ms": _percentile(50, rf"median(?: {_LAT})?", rf"{_LAT} median"),
    "baseline.p95_latency_ms": _percentile(95),
    "baseline.p99_latency_ms": _percentile(99),
    "baseline.success_rate": (
        r"success(?:ful)?(?: rate| ratio| percentage| %)?",
        rf"(?:successful|approved|completed) {_COUNTED}(?: rate| %)?",
        r"approval rate",
    ),
    "baseline.error_rate": (
        r"(?:error|errors|failure|failures|fail)(?: rate| ratio| percentage| %)?",
        rf"(?:failed|erroring) {_COUNTED}(?: rate| %)?",
    ),
    "baseline.timeout_rate": (
        r"time ?outs?(?: rate| ratio| percentage| %)?",
        rf"timed out(?: {_COUNTED})?(?: rate| %)?",
    ),
    "baseline.daily_transactions": _DAILY_VOLUME,
    "baseline.avg_transaction_value": (
        rf"(?:average|avg\.?|mean|typical) {_ITEM}(?: value| size| amount)?",
        rf"{_ITEM} (?:value|amount|size)",
        r"aov",
        r"atv",
    ),
    "baseline.daily_revenue": (
        rf"(?:daily|per day) {_MONEY_FLOW}",
        rf"{_MONEY_FLOW}{_PER_DAY}",
    ),
    "feature.name": (r"(?:feature|project)(?: name| title)?", r"name", r"title"),
    "feature.summary": (
        r"summary",
        r"what(?:'s| is)? chang(?:ing|es)",
        r"(?:change )?description",
        r"overview",
        r"tl;? ?dr",
    ),
    "feature.flag": (
        r"(?:feature )?(?:flag|toggle)(?: name| key| id)?",
        r"kill switch",
        r"launchdarkly(?: flag)?",
    ),
    "feature.flag_state": (r"(?:feature )?(?:flag|toggle) (?:state|status)",),
    "feature.scope": (
        r"scope",
        r"affected(?: scope| users| traffic| transactions| customers| sessions)?",
        r"affects",
        r"blast radius",
        r"audience",
        r"exposure",
        r"who is affected",
    ),
    "feature.peak_windows": (
        r"peak(?: traffic| hours| times?| windows?| load| periods?| usage)?",
        r"busiest (?:hours|times?|periods?)",
        r"high traffic(?: hours| periods?| windows?)?",
        r"traffic peaks?",
    ),
    "feature.rollback_mechanism": (
        r"roll ?back(?: plan| mechanism| method| strategy| procedure| path)?",
        r"revert(?: plan| strategy)?",
        r"how to roll ?back",
        r"undo",
    ),
    "feature.rollback_minutes": (
        r"roll ?back (?:time|speed|duration|eta)",
        r"time to (?:roll ?back|revert|recover|restore)",
        r"recovery time(?: objective)?",
        r"rto",
        r"mttr",
    ),
    "feature.daily_volume": _DAILY_VOLUME,
}
"""Canonical field -> the label spellings that name it (regexes on a normalised label)."""

_LABEL_PATTERNS: Final = {
    name: re.compile("|".join(f"(?:{variant})" for variant in variants))
    for name, variants in LABEL_SYNONYMS.items()
}


# ------------------------------------------------------------------------- sentences

# A negation shortly before a phrase ("No data migration", "does not move money");
# punctuation ends its reach, so "No downtime; touches payments" stays positive.
# "non-" negates only the word it is attached to: "non-breaking API changes" are changes.
# A list joined by "or"/"nor" stays under the negation: "Not on the checkout or payment path".
_NEGATION = re.compile(
    r"(?:\b(?:no|not|never|without|isn't|aren't|doesn't|don't|won't|cannot|can't)\b"
    r"[\s-]*(?:(?:[\w'-]+[\s-]+){0,2}|(?:[\w'-]+[\s-]+){0,4}n?or[\s-]+)|\bnon[\s-]*)$",
    re.IGNORECASE,
)
_QUANTITY = re.compile(
    rf"(?:[~≈$€£]\s*)?{NUMBER_PATTERN}\s*"
    r"(?:%|‰|ms|msec|s|sec|secs|seconds|k|m|mm|million|bn|per\s+1,?000)?(?!\w)",
    re.IGNORECASE,
)
_FILLER = re.compile(
    r"(?<!\s)(?:\s+(?:is|are|was|of|at|around|about|approx\.?|approximately|=|~))+$"
)
_VOLUME_PHRASE = re.compile(
    rf"(?P<n>(?:[~≈]\s*)?{NUMBER_PATTERN}\s*(?:k|m|million|thousand)?)\s+"
    rf"(?P<before>(?:daily|a day|per day)\s+)?{_COUNTED}"
    r"(?P<after>\s*(?:/|per|a|each)\s*day\b|\s+daily\b)?",
    re.IGNORECASE,
)


def negated(text: str, start: int) -> bool:
    """Whether the phrase at `start` in `text` is negated by the words just before it."""
    return _NEGATION.search(text[max(0, start - 40) : start]) is not None


def split_sentence(content: str) -> tuple[str, str]:
    """Split an unlabelled line into a label and the text holding its number.

    `P95 latency is 890ms` gives (`p95 latency`, the line); `~15,000 daily
    transactions` gives (`daily transactions`, the line). The label is only
    a candidate: the caller keeps it when the synonym table knows it.
    """
    words = _QUANTITY.sub(" ", content)
    label = _FILLER.sub("", normalise_label(words)[0]).strip(" :=")
    return label, content


def volume_in_text(text: str) -> float | None:
    """A daily volume stated in a sentence: `~15,000 daily transactions`, `15k orders/day`."""
    for match in _VOLUME_PHRASE.finditer(text):
        if match["before"] or match["after"]:
            return parse_count(match["n"])
    return None


# ------------------------------------------------------------------------- lines


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

    def evidence(self, line: Line) -> Evidence:
        """The evidence record quoting `line`."""
        return Evidence(file=self.name, line=line.number, text=line.text)


def strip_emphasis(text: str) -> str:
    """Remove bold/italic markers and link targets, keep the words and code spans."""
    return _EMPHASIS.sub("", _LINK.sub(r"\g<text>", text)).strip()


def normalise_label(text: str) -> tuple[str, str]:
    """A label as the synonym table expects it, and the unit hint in its parentheses.

    `**P95-Latency** (ms)` becomes (`p95 latency`, `ms`).
    """
    plain = strip_emphasis(text).replace("`", "").replace("’", "'")
    hint = " ".join(m["inner"].strip() for m in _PARENTHESES.finditer(plain))
    plain = _PARENTHESES.sub(" ", plain).lower().replace("-", " ").replace("_", " ")
    # Blanks are collapsed before `/` is joined up, with no regex over a run of blanks.
    plain = " ".join(plain.split()).replace(" /", "/").replace("/ ", "/")
    return plain.strip(" :.*"), hint


def section_name(text: str) -> str:
    """A heading as sections are matched: lower case, parentheses kept (`errors (by type)`)."""
    plain = strip_emphasis(text).replace("`", "").replace("’", "'").lower()
    return " ".join(plain.replace("-", " ").replace("_", " ").split()).strip(" :")


def match_label(label: str, fields: Iterable[str], value: str = "", hint: str = "") -> str | None:
    """The first of `fields` whose synonyms name `label`, or None.

    Leading modifiers (`current`, `average`, ...) are tried off one by one; the
    label's parenthesis (`hint`) is tried as part of it, so `Latency (p50)` names
    the median; a value that says `per day` lets `Transactions: 15,000/day` name
    a daily field.
    """
    names = tuple(fields)
    candidates = [label]
    if hint:
        candidates.append(normalise_label(f"{label} {hint}")[0])
    while (modifier := _MODIFIER.match(candidates[-1])) is not None:
        candidates.append(candidates[-1][modifier.end() :])
    if value and _DAILY.search(value) and not _DAY_WORD.search(label):
        candidates += [f"{candidate} per day" for candidate in candidates]
    for candidate in candidates:
        for name in names:
            if _LABEL_PATTERNS[name].fullmatch(candidate):
                return name
    return None


# ------------------------------------------------------------------------- parsing


def _cells(row: str) -> list[str]:
    inner = row.strip()
    if inner.startswith("|"):
        inner = inner[1:]
    if inner.endswith("|") and not inner.endswith("\\|"):
        inner = inner[:-1]
    return [cell.strip().replace("\\|", "|") for cell in _CELL_BORDER.split(inner)]


def _is_table_start(line: str, following: str | None) -> bool:
    return (
        "|" in line
        and following is not None
        and "|" in following
        and "-" in following
        and _TABLE_SEPARATOR.match(following) is not None
    )


@dataclass
class _Parser:
    """Walks the raw lines once, keeping the state Markdown needs (fences, tables, sections)."""

    raw: Sequence[str]
    lines: list[Line] = field(default_factory=list)
    headings: list[tuple[int, str]] = field(default_factory=list)
    title_seen: bool = False
    fence: str | None = None
    in_comment: bool = False
    header: list[str] | None = None
    skip_until: int = -1
    after_blank: bool = False
    lines_under_pseudo: int = 0

    def run(self) -> list[Line]:
        self.skip_until = self._front_matter_end()
        for index, raw in enumerate(self.raw):
            if index <= self.skip_until:
                continue
            visible = self._visible(raw)
            if visible is not None:
                self._read(index, raw, visible)
        return self.lines

    def _front_matter_end(self) -> int:
        if not self.raw or self.raw[0].strip() != "---":
            return -1
        for index in range(1, len(self.raw)):
            if self.raw[index].strip() in {"---", "..."}:
                return index
        return -1

    def _visible(self, raw: str) -> str | None:
        """The part of `raw` a reader of the rendered page sees, or None for none."""
        fence = _FENCE.match(raw)
        if self.fence is not None:
            if fence is not None and fence.group(1)[0] == self.fence:
                self.fence = None
            return None
        if fence is not None:
            self.fence = fence.group(1)[0]
            self.header = None
            return None
        text = self._outside_comments(raw)
        if not text.strip() and raw.strip():
            return None  # wholly inside a comment: neither content nor a blank line
        return _BLOCKQUOTE.sub("", text)

    def _outside_comments(self, text: str) -> str:
        """`text` without HTML comments; a comment left open continues on the next line."""
        kept: list[str] = []
        position = 0
        while True:
            if self.in_comment:
                end = text.find("-->", position)
                if end < 0:
                    return "".join(kept)
                position = end + len("-->")
                self.in_comment = False
            start = text.find("<!--", position)
            if start < 0:
                kept.append(text[position:])
                return "".join(kept)
            kept.append(text[position:start])
            position = start + len("<!--")
            self.in_comment = True

    def _following(self, index: int) -> str | None:
        return self.raw[index + 1] if index + 1 < len(self.raw) else None

    def _read(self, index: int, raw: str, visible: str) -> None:
        stripped = visible.strip()
        if not stripped:
            self.header = None
            self.after_blank = True
            return
        self._read_content(index, raw, visible, stripped)
        self.after_blank = False

    def _read_content(self, index: int, raw: str, visible: str, stripped: str) -> None:
        if self.header is not None and "|" in stripped:
            self._row(index, raw, stripped)
            return
        self.header = None
        following = self._following(index)
        if _is_table_start(stripped, following):
            self.header = [normalise_label(cell)[0] for cell in _cells(stripped)]
            self.skip_until = index + 1
            return
        atx = _ATX.match(visible)
        if atx is not None:
            if not _without_closing_hashes(atx["text"] or ""):
                return  # an empty heading names no section
            self._heading(
                index, raw, len(atx["hashes"]), _without_closing_hashes(atx["text"] or "")
            )
            return
        setext = _SETEXT.match(following or "")
        if setext is not None and not _BULLET.match(visible) and "|" not in stripped:
            self._heading(index, raw, 1 if setext["bar"][0] == "=" else 2, stripped)
            self.skip_until = index + 1
            return
        if _THEMATIC_BREAK.match(visible):
            return
        self._item_or_text(index, raw, visible)

    def _sections(self) -> tuple[str, ...]:
        return tuple(text for _, text in self.headings)

    def _heading(self, index: int, raw: str, level: int, text: str) -> None:
        content = strip_emphasis(text)
        if level == _PSEUDO_LEVEL:
            self.lines_under_pseudo = 0
        if level == 1 and not self.title_seen:
            self.title_seen = True
            self.lines.append(Line(index + 1, raw.strip(), "title", content, value=content))
            return
        while self.headings and self.headings[-1][0] >= level:
            self.headings.pop()
        self.lines.append(
            Line(
                index + 1, raw.strip(), "heading", content, value=content, sections=self._sections()
            )
        )
        self.headings.append((level, section_name(content)))

    def _row(self, index: int, raw: str, stripped: str) -> None:
        cells = _cells(stripped)
        header = self.header or []
        sections = self._sections()
        label_text = strip_emphasis(cells[0]).replace("`", "")
        value = strip_emphasis(cells[1]) if len(cells) > 1 else ""
        label, hint = normalise_label(cells[0])
        content = f"{label_text}: {value}" if value else label_text
        self.lines.append(
            Line(index + 1, raw.strip(), "row", content, label, label_text, hint, value, sections)
        )
        # A wide table (`| P50 | P95 | P99 |`) names its metrics in the header.
        for name, cell in zip(header, cells, strict=False):
            if name and cell:
                column_hint = normalise_label(cell)[1]
                self.lines.append(
                    Line(
                        index + 1,
                        raw.strip(),
                        "cell",
                        f"{name}: {strip_emphasis(cell)}",
                        name,
                        name,
                        column_hint,
                        strip_emphasis(cell),
                        sections,
                    )
                )

    def _end_pseudo_section(self) -> None:
        """A paragraph after a blank line ends the list a bold `Label:` line introduced."""
        pseudo = bool(self.headings) and self.headings[-1][0] == _PSEUDO_LEVEL
        if pseudo and self.after_blank and self.lines_under_pseudo:
            self.headings.pop()

    def _item_or_text(self, index: int, raw: str, visible: str) -> None:
        bullet = _BULLET.match(visible)
        if bullet is None:
            self._end_pseudo_section()
        self.lines_under_pseudo += 1
        kind: LineKind = "item" if bullet else "text"
        body = bullet["rest"] if bullet else visible.strip()
        checked = None
        box = _CHECKBOX.match(body)
        if box is not None:
            checked = box["mark"] != " "
            body = box["rest"]
        content = strip_emphasis(body)
        labelled = _LABELLED.match(content)
        sections = self._sections()
        if labelled is None:
            if not bullet and _is_pseudo_heading(body):
                self._heading(index, raw, _PSEUDO_LEVEL, content.rstrip(":"))
                return
            self.lines.append(
                Line(
                    index + 1,
                    raw.strip(),
                    kind,
                    content,
                    value=content,
                    sections=sections,
                    checked=checked,
                )
            )
            return
        label_text = labelled["label"].replace("`", "").strip()
        value = labelled["value"].strip()
        if not value and not bullet:
            # "Dependencies:" on its own line introduces a list, like a heading.
            self._heading(index, raw, _PSEUDO_LEVEL, label_text)
            return
        label, hint = normalise_label(label_text)
        self.lines.append(
            Line(
                index + 1,
                raw.strip(),
                kind,
                content,
                label,
                label_text,
                hint,
                value,
                sections,
                checked,
            )
        )


def _without_closing_hashes(text: str) -> str:
    """`Title ##` -> `Title`: an ATX heading may close with hashes after a blank."""
    stripped = text.rstrip()
    bare = stripped.rstrip("#")
    if bare != stripped and (not bare or bare[-1] in " \t"):
        return bare.rstrip()
    return stripped


def _is_pseudo_heading(body: str) -> bool:
    text = body.strip()
    bold = (text.startswith("**") and text.endswith("**")) or (
        text.startswith("__") and text.endswith("__")
    )
    return bold and len(text) > 4


def parse_document(name: str, text: str) -> Document:
    """Read a Markdown document into its meaningful lines.

    Args:
        name: file name relative to the context folder, for evidence.
        text: the whole document.

    Returns:
        The document with one `Line` per heading, item, table row (plus one per
        cell under a header) and text line, in file order.
    """
    # Editors number lines by newline only; str.splitlines would also split on \f, \x1c, ...
    raw = text.split("\r") if "\n" not in text else [x.removesuffix("\r") for x in text.split("\n")]
    return Document(name, tuple(_Parser(raw).run()))
