"""US federal holidays, from a table the `holidays` library wrote, for a fast start.

`holidays` imports every one of its ~300 countries on first use (80-100 ms and
13 MiB), while a plan needs one country and a few years. The table in
`data/us-federal-holidays.json` holds what the library says for every year a
plan may use (2000-2099); `make golden` rewrites it (`write_table`) and a test checks it
against the installed library. A year outside the table asks the library.
"""

from __future__ import annotations

import json
from datetime import date
from functools import cache
from importlib import resources
from pathlib import Path

FIRST_YEAR, LAST_YEAR = 2000, 2099
TABLE_FILE = "us-federal-holidays.json"


@cache
def _table() -> dict[str, list[list[str]]]:
    text = (resources.files("rollout_manager") / "data" / TABLE_FILE).read_text("utf-8")
    years: dict[str, list[list[str]]] = json.loads(text)["years"]
    return years


def from_library(year: int) -> dict[date, str]:
    """List the holidays of `year` as the `holidays` library gives them (observed days included)."""
    from holidays.utils import country_holidays

    return dict(sorted(country_holidays("US", years=year).items()))


@cache
def federal_holidays(year: int) -> dict[date, str]:
    """US federal holidays of `year` with their names, observed days included."""
    listed = _table().get(str(year))
    if listed is None:
        return from_library(year)
    return {date.fromisoformat(day): name for day, name in listed}


def table_text() -> str:
    """Return the table as it should be committed, from the installed library."""
    from importlib.metadata import version

    years = {
        str(year): [[day.isoformat(), name] for day, name in from_library(year).items()]
        for year in range(FIRST_YEAR, LAST_YEAR + 1)
    }
    return json.dumps({"holidays": version("holidays"), "years": years}, ensure_ascii=False) + "\n"


def write_table() -> bool:
    """Rewrite the committed table; True when it changed."""
    from rollout_manager.storage import atomic_write_text

    path = Path(__file__).resolve().parent.parent / "data" / TABLE_FILE
    text = table_text()
    if path.is_file() and path.read_text(encoding="utf-8") == text:
        return False
    atomic_write_text(path, text)
    return True
