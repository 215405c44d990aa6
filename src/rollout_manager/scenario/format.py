"""Read a scenario file in the seed's format, without ever running its shell.

A scenario is Markdown: YAML front matter, a `## Setup` section whose
`cat > FILE <<'EOF' ... EOF` heredocs define the context files, a `## Steps`
section whose `prompt="..."` lines are sent in order (each `### N. Title`
subsection may carry an `**Expected Output**` block), and a
`## Success Criteria` checklist of `- [ ] ...` lines.

The Setup's shell is parsed, not executed: heredocs become files in a folder
the caller chooses, under plain file names only; commands that write nothing
(`mkdir`, `cd`, `echo`) are ignored, and a command that would write a file some
other way (a redirection, `tee`, `cp`, `ln -s`, `mv`, `curl -o`...) is refused
with a message, so the folder never differs silently from what the shell would
have made. Heredoc bodies are taken literally (no `$VAR` expansion).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

import yaml

from rollout_manager.errors import InputError
from rollout_manager.reading.blocks import front_matter_length, split_lines
from rollout_manager.scenario.layout import Fenced, Layout, ScenarioError, Section
from rollout_manager.scenario.setup_shell import file_command, writes_a_file
from rollout_manager.storage import read_user_text

if TYPE_CHECKING:
    from pathlib import Path

MAX_SCENARIO_BYTES = 1024 * 1024

_HEREDOC_TO_FILE = (
    re.compile(
        r"^\s*cat\s+(?P<append>>>?)\s*(?P<target>\S+)\s+"
        r"<<(?P<dash>-?)\s*(?P<quote>['\"]?)(?P<delim>\w+)(?P=quote)\s*$"
    ),
    re.compile(
        r"^\s*cat\s+<<(?P<dash>-?)\s*(?P<quote>['\"]?)(?P<delim>\w+)(?P=quote)\s+"
        r"(?P<append>>>?)\s*(?P<target>\S+)\s*$"
    ),
)
_ANY_HEREDOC = re.compile(r"<<-?\s*['\"]?\w+")
_PLAIN_NAME = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9._-]*$")
# `prompt="..."` as the seed writes it, or `prompt: "..."`; the `subagent_type` beside it may
# name the agent any way (`rollout-manager`, `plugin:rollout-manager`): it is not read.
_PROMPT = re.compile(
    r"""\bprompt\s*[=:]\s*(?:"((?:[^"\\]|\\.)*)"|'((?:[^'\\]|\\.)*)')""", re.DOTALL
)
_EXPECTED = re.compile(r"^\s*\**\s*expected\s+output\s*\**\s*:?\s*\**\s*:?", re.IGNORECASE)
# Where the criteria may be listed, in the order looked for.
_CRITERIA_SECTIONS = ("success criteria", "acceptance criteria", "acceptance")
_STEP_NUMBER = re.compile(r"^\s*(?:step\s+)?\d+\s*[.):]\s*", re.IGNORECASE)


@dataclass(frozen=True)
class Step:
    """One prompt of the scenario, sent through the agent in order."""

    number: int
    """1-based position among the scenario's prompts."""
    title: str
    """The step's heading without its number, e.g. `Assess Rollout Risk`."""
    prompt: str
    """The text sent to the agent."""
    expected: str
    """The step's Expected Output block as written; guidance for a reviewer, not a check."""
    line: int
    """Line of the `prompt=` in the scenario file."""


@dataclass(frozen=True)
class Criterion:
    """One `- [ ] ...` line of the Success Criteria checklist."""

    text: str
    """The criterion as written."""
    line: int
    """Line in the scenario file."""


@dataclass(frozen=True)
class Scenario:
    """A parsed scenario file."""

    path: Path
    """The file read."""
    name: str
    """`name` from the front matter, else the scenario's folder name."""
    title: str
    """`title` from the front matter, else the first `# ` heading, else the name."""
    today: date | None
    """Fixed planning date from the front matter (`today: 2026-11-27`), if any."""
    files: dict[str, str]
    """Context files the Setup defines: plain file name -> text."""
    steps: tuple[Step, ...]
    """Prompts in the order they are sent."""
    criteria: tuple[Criterion, ...]
    """Success criteria in the order written."""
    meta: dict[str, Any] = field(default_factory=dict)
    """The whole front matter."""


def _front_matter(lines: list[str]) -> dict[str, Any]:
    """Read the YAML front matter as a mapping."""
    if not lines or lines[0].strip() != "---":
        raise ScenarioError(1, "no YAML front matter: the file must start with a '---' line")
    length = front_matter_length(lines)
    if not length:
        raise ScenarioError(1, "front matter is not closed by a '---' line")
    text = "\n".join(lines[1 : length - 1])
    try:
        data = yaml.safe_load(text) if text.strip() else {}
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = mark.line + 2 if mark is not None else 1
        problem = getattr(error, "problem", None) or "cannot be parsed"
        raise ScenarioError(where, f"front matter is not valid YAML: {problem}") from None
    if not isinstance(data, dict):
        raise ScenarioError(1, "front matter must be a YAML mapping of keys to values")
    return {str(key): value for key, value in data.items()}


def _today(meta: dict[str, Any]) -> date | None:
    value = meta.get("today")
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value).strip())
    except ValueError:
        raise ScenarioError(
            1, f"front matter 'today: {value}' is not a date (YYYY-MM-DD)"
        ) from None


def _section(reader: Layout, name: str) -> Section | None:
    wanted = [
        s for s in reader.sections(2) if re.sub(r"[^a-z ]", "", s.title.lower()).strip() == name
    ]
    if len(wanted) > 1:
        raise ScenarioError(wanted[1].line, f"a second '## {wanted[1].title}' section")
    return wanted[0] if wanted else None


def _checked_name(target: str, line: int) -> str:
    name = target.strip("'\"")
    if not _PLAIN_NAME.match(name) or name in (".", ".."):
        raise ScenarioError(
            line, f"'{target}' is not a plain file name (no folders, no paths, no variables)"
        )
    return name


def _heredocs(fence: Fenced, files: dict[str, str]) -> None:
    lines = fence.lines
    index = 0
    while index < len(lines):
        number, text = lines[index]
        head = next((m for p in _HEREDOC_TO_FILE if (m := p.match(text))), None)
        if head is None:
            if _ANY_HEREDOC.search(text):
                raise ScenarioError(
                    number, "only `cat > FILE <<'EOF'` heredocs are supported in Setup"
                )
            if writes_a_file(text):
                raise ScenarioError(
                    number, "Setup may create files only with `cat > FILE <<'EOF'` heredocs"
                )
            command = file_command(text)
            if command is not None:
                raise ScenarioError(
                    number,
                    f"`{command}` is refused: Setup may create files only with "
                    "`cat > FILE <<'EOF'` heredocs",
                )
            index += 1
            continue
        name = _checked_name(head.group("target"), number)
        delimiter, strip_tabs = head.group("delim"), bool(head.group("dash"))
        body: list[str] = []
        index += 1
        while True:
            if index >= len(lines):
                raise ScenarioError(
                    number, f"heredoc for '{name}' is never closed by a '{delimiter}' line"
                )
            line = lines[index][1].lstrip("\t") if strip_tabs else lines[index][1]
            index += 1
            if line == delimiter:
                break
            body.append(line)
        content = "\n".join(body) + "\n" if body else ""
        files[name] = files.get(name, "") + content if head.group("append") == ">>" else content


def _setup_files(reader: Layout) -> dict[str, str]:
    setup = _section(reader, "setup")
    if setup is None:
        raise ScenarioError(None, "no '## Setup' section")
    files: dict[str, str] = {}
    for fence in reader.fences_within(setup):
        _heredocs(fence, files)
    if not files:
        raise ScenarioError(setup.line, "Setup defines no files (no `cat > FILE <<'EOF'` heredocs)")
    return files


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text, flags=re.DOTALL)


def _expected(lines: tuple[tuple[int, str], ...]) -> str:
    for position, (_number, text) in enumerate(lines):
        marker = _EXPECTED.match(text)
        if marker:
            rest = [text[marker.end() :]] + [t for _, t in lines[position + 1 :]]
            return "\n".join(rest).strip()
    return ""


def _prompts(lines: tuple[tuple[int, str], ...]) -> list[tuple[int, str]]:
    """Every `prompt="..."` in the lines, with the line it starts on."""
    if not lines:
        return []
    text = "\n".join(t for _, t in lines)
    first = lines[0][0]
    found = []
    for match in _PROMPT.finditer(text):
        raw = match.group(1) if match.group(1) is not None else match.group(2)
        prompt = " ".join(_unescape(raw).split())
        line = first + text.count("\n", 0, match.start())
        if not prompt:
            raise ScenarioError(line, 'empty prompt=""')
        found.append((line, prompt))
    return found


def _steps(reader: Layout) -> tuple[Step, ...]:
    section = _section(reader, "steps")
    if section is None:
        raise ScenarioError(None, "no '## Steps' section")
    parts = [s for s in reader.sections(3) if section.lines and s.line > section.line]
    parts = [s for s in parts if s.line <= section.lines[-1][0]]
    if not parts:  # prompts without step headings: each prompt is a step
        parts = [section]
    steps: list[Step] = []
    for part in parts:
        prompts = _prompts(part.lines)
        if not prompts and part is not section:
            raise ScenarioError(part.line, f"step '{part.title}' has no prompt=\"...\" line")
        title = _STEP_NUMBER.sub("", part.title) if part is not section else ""
        for line, prompt in prompts:
            number = len(steps) + 1
            steps.append(
                Step(
                    number=number,
                    title=title or f"Step {number}",
                    prompt=prompt,
                    expected=_expected(part.lines),
                    line=line,
                )
            )
    if not steps:
        raise ScenarioError(section.line, 'Steps holds no prompt="..." line')
    return tuple(steps)


def _criteria(reader: Layout) -> tuple[Criterion, ...]:
    """Return the `- [ ] ...` lines under "Success Criteria", or under "Acceptance".

    Under "Acceptance", plain bullets count when the list has no checkboxes.
    """
    section = next(
        (part for name in _CRITERIA_SECTIONS if (part := _section(reader, name)) is not None),
        None,
    )
    if section is None:
        raise ScenarioError(None, "no '## Success Criteria' (or '## Acceptance') section")
    acceptance = section.title.lower().startswith("acceptance")
    for bullets in (False, True) if acceptance else (False,):
        found = tuple(
            Criterion(text=text, line=number)
            for number, text in reader.checklist(section, bullets=bullets)
        )
        if found:
            return found
    raise ScenarioError(section.line, f"{section.title} holds no '- [ ] ...' line")


def _title(reader: Layout, meta: dict[str, Any], name: str) -> str:
    if meta.get("title"):
        return str(meta["title"])
    return reader.title() or name


def parse_scenario(text: str, *, path: Path) -> Scenario:
    """Parse the text of a scenario file.

    Args:
        text: the whole file.
        path: where it was read from; names errors and the default scenario name.

    Returns:
        The scenario, with its context files as text (nothing is written).

    Raises:
        InputError: the file does not follow the format; the message names the line.
    """
    text = text.removeprefix("\ufeff")
    try:
        meta = _front_matter(split_lines(text))
        reader = Layout(text)
        name = str(meta.get("name") or path.parent.name or path.stem)
        return Scenario(
            path=path,
            name=name,
            title=_title(reader, meta, name),
            today=_today(meta),
            files=_setup_files(reader),
            steps=_steps(reader),
            criteria=_criteria(reader),
            meta=meta,
        )
    except ScenarioError as error:
        where = f"line {error.line}: " if error.line is not None else ""
        raise InputError(str(path), where + error.problem) from None


def read_scenario(path: Path) -> Scenario:
    """Read and parse a scenario file.

    Raises:
        InputError: missing, unreadable, too large, not UTF-8, or not in the format.
    """
    text = read_user_text(path, max_bytes=MAX_SCENARIO_BYTES)
    return parse_scenario(text, path=path)


def write_setup(scenario: Scenario, folder: Path) -> list[Path]:
    """Create the scenario's context files in `folder` (which must exist).

    Returns:
        The files written, in the order the Setup defines them.
    """
    written = []
    for name, text in scenario.files.items():
        target = folder / name
        target.write_text(text, encoding="utf-8")
        written.append(target)
    return written
