"""Golden plans: each scenario's expected document and JSON, and how they are rewritten.

A scenario folder with an `expected/` folder is a golden case. Its plan is
built with the dates in `expected/plan-args.yaml` (`start`, `today`), so the
expected files do not move with the calendar. `tests/test_golden.py` compares
the current rendering with them; `make golden` regenerates them (`regenerate`,
run by `frontdoors.cli_golden`), and the diff is reviewed like any other change.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from typing import TYPE_CHECKING

import yaml

from rollout_manager.errors import InputError
from rollout_manager.planning.plan import plan_folder
from rollout_manager.render.sections import render_document
from rollout_manager.storage import atomic_write_text

if TYPE_CHECKING:
    from pathlib import Path

EXPECTED = "expected"
ARGS_FILE = "plan-args.yaml"
DOCUMENT = "rollout-plan.md"
PLAN_JSON = "rollout-plan.json"


def golden_scenarios(root: Path) -> list[Path]:
    """Return the scenario folders under `root` that hold an `expected/` folder, sorted by name."""
    return sorted(p.parent for p in root.glob(f"*/{EXPECTED}") if p.is_dir())


def _args(scenario: Path) -> tuple[date | datetime | None, date | None]:
    path = scenario / EXPECTED / ARGS_FILE
    if not path.is_file():
        return None, None
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except yaml.YAMLError as error:
        raise InputError(str(path), f"not valid YAML: {error}") from None
    if not isinstance(data, dict) or set(data) - {"start", "today"}:
        raise InputError(str(path), "expected a mapping with only `start` and `today`")
    start, today = data.get("start"), data.get("today")
    if start is not None and not isinstance(start, date):
        raise InputError(str(path), f"start: '{start}' is not a date (2026-12-01)")
    if today is not None and (isinstance(today, datetime) or not isinstance(today, date)):
        raise InputError(str(path), f"today: '{today}' is not a date (2026-11-27)")
    return start, today


def expected_files(scenario: Path) -> dict[str, str]:
    """Return the golden files of one scenario as they render now: file name -> text.

    Args:
        scenario: a folder with the context documents and an `expected/` folder.
    """
    start, today = _args(scenario)
    plan = plan_folder(scenario, start=start, today=today)
    plan_json = json.dumps(plan.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"
    return {DOCUMENT: render_document(plan), PLAN_JSON: plan_json}


def regenerate(root: Path) -> list[Path]:
    """Rewrite the expected files of every golden scenario under `root`; returns those changed."""
    changed = []
    for scenario in golden_scenarios(root):
        for name, text in expected_files(scenario).items():
            path = scenario / EXPECTED / name
            if not path.is_file() or path.read_text(encoding="utf-8") != text:
                atomic_write_text(path, text)
                changed.append(path)
    return changed
