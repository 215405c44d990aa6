"""Reading a `rollout.yaml`: YAML into a mapping, with every way it can fail named.

PyYAML builds dates itself (`2026-02-30` is its ValueError) and nests by
recursion (10,000 open brackets is a RecursionError): both become an
`InputError` naming the file, as does nesting deeper than any settings need.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import TYPE_CHECKING, Annotated, Any

import yaml
from pydantic import AfterValidator

from rollout_manager.errors import InputError
from rollout_manager.storage import read_user_text

if TYPE_CHECKING:
    from pathlib import Path

MAX_CONFIG_BYTES = 256 * 1024
FIRST_YEAR, LAST_YEAR = 2000, 2100
"""Dates a plan may use: from FIRST_YEAR up to, not including, LAST_YEAR."""
# Deeper than this, a settings file is not settings (and nesting costs recursion).
_MAX_DEPTH = 40


def in_planning_years(value: date | datetime) -> date | datetime:
    """Check that the value's year is one a plan may use (every door and `rollout.yaml` alike)."""
    if not FIRST_YEAR <= value.year < LAST_YEAR:
        raise ValueError(f"must be a date between {FIRST_YEAR} and {LAST_YEAR - 1}")
    return value


PlanningMoment = Annotated[date | datetime, AfterValidator(in_planning_years)]
"""A date or date-time in the years a plan may use."""


def read_config(path: Path) -> dict[str, Any]:
    """Read a `rollout.yaml` into a mapping (empty file: no overrides).

    Raises:
        InputError: unreadable, too large, not YAML, or not a mapping.
    """
    source = str(path)
    text = read_user_text(path, max_bytes=MAX_CONFIG_BYTES)
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise InputError(source, f"not valid YAML{where}") from None
    except ValueError as error:  # a value YAML recognises but cannot build: 2026-02-30
        raise InputError(source, f"{_bad_value_line(text, error)}{error}") from None
    except RecursionError:
        raise InputError(source, f"nested more than {_MAX_DEPTH} levels deep") from None
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise InputError(source, "must be a mapping of settings (key: value)")
    if _depth(data) > _MAX_DEPTH:
        raise InputError(source, f"nested more than {_MAX_DEPTH} levels deep")
    return data


def _bad_value_line(text: str, error: ValueError) -> str:
    """`line N: ` for the first line holding a date YAML could not build, else nothing."""
    for number, line in enumerate(text.splitlines(), 1):
        for found in re.findall(r"\b\d{4}-\d{1,2}-\d{1,2}\b", line):
            try:
                date.fromisoformat(found)
            except ValueError:
                return f"line {number}: '{found}' is not a date: "
    return "" if str(error) else "a value cannot be read: "


def _depth(data: object) -> int:
    """How deeply `data` nests lists and mappings, without recursion."""
    deepest, pending = 0, [(data, 1)]
    while pending:
        node, level = pending.pop()
        if isinstance(node, dict | list):
            deepest = max(deepest, level)
            if level <= _MAX_DEPTH:
                children = node.values() if isinstance(node, dict) else node
                pending.extend((child, level + 1) for child in children)
    return deepest
