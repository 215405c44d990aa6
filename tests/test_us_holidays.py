"""The committed US holiday table says what the `holidays` library says, for every year in it."""

from __future__ import annotations

import json
import subprocess
import sys
from datetime import date

from rollout_manager.planning import us_holidays
from tests.conftest import REPO

TABLE = REPO / "src" / "rollout_manager" / "data" / us_holidays.TABLE_FILE


def test_the_table_matches_the_library_for_every_year() -> None:
    for year in range(us_holidays.FIRST_YEAR, us_holidays.LAST_YEAR + 1):
        assert us_holidays.federal_holidays(year) == us_holidays.from_library(year), year


def test_known_days_by_hand() -> None:
    # Thanksgiving is the fourth Thursday of November: 2026-11-26. Juneteenth is a federal
    # holiday from 2021 on; July 4th 2026 is a Saturday, observed on Friday the 3rd.
    holidays_2026 = us_holidays.federal_holidays(2026)
    assert holidays_2026[date(2026, 11, 26)].startswith("Thanksgiving")
    assert date(2026, 6, 19) in holidays_2026
    assert date(2020, 6, 19) not in us_holidays.federal_holidays(2020)
    assert "observed" in holidays_2026[date(2026, 7, 3)]


def test_a_year_outside_the_table_asks_the_library() -> None:
    table = json.loads((TABLE).read_text(encoding="utf-8"))["years"]

    assert "1999" not in table
    # New Year's Day 1999 was a Friday; Christmas a Saturday, observed on Friday the 24th.
    holidays_1999 = us_holidays.federal_holidays(1999)
    assert date(1999, 1, 1) in holidays_1999
    assert date(1999, 12, 24) in holidays_1999


def test_planning_the_seed_never_imports_the_holidays_library() -> None:
    script = (
        "import sys\n"
        "from pathlib import Path\n"
        "from rollout_manager.planning.plan import plan_folder\n"
        "plan_folder(Path('scenarios/progressive-rollout'))\n"
        "assert 'holidays' not in sys.modules, 'holidays imported'\n"
    )
    completed = subprocess.run(
        [sys.executable, "-c", script], cwd=REPO, capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip
    assert completed.returncode == 0, completed.stderr
