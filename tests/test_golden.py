"""Every scenario with an `expected/` folder renders exactly its committed golden files.

The expected files change only through `make golden`
(`python -m rollout_manager.frontdoors.cli_golden`), and the diff is reviewed.
"""

from __future__ import annotations

import difflib
import shutil
from pathlib import Path

import pytest

from rollout_manager.errors import InputError
from rollout_manager.frontdoors.cli_golden import main
from rollout_manager.scenario.golden import (
    ARGS_FILE,
    DOCUMENT,
    EXPECTED,
    PLAN_JSON,
    expected_files,
    golden_scenarios,
)

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"
CASES = golden_scenarios(SCENARIOS)


def test_the_seed_scenario_is_a_golden_case() -> None:
    assert SCENARIOS / "progressive-rollout" in CASES


@pytest.mark.parametrize("scenario", CASES, ids=[case.name for case in CASES])
def test_rendering_matches_the_golden_files(scenario: Path) -> None:
    for name, text in expected_files(scenario).items():
        path = scenario / EXPECTED / name
        committed = path.read_text(encoding="utf-8") if path.is_file() else ""
        if text != committed:
            diff = "".join(
                difflib.unified_diff(
                    committed.splitlines(keepends=True),
                    text.splitlines(keepends=True),
                    fromfile=f"{path} (expected)",
                    tofile=f"{path} (rendered now)",
                )
            )
            pytest.fail(
                f"{path} differs from the current rendering. If the change is intended, "
                f"run `make golden` to regenerate and review the diff.\n{diff}",
                pytrace=False,
            )


def test_seed_golden_plan_uses_the_fixed_dates() -> None:
    # Planned on Tue 2026-12-01 with no start: the default start is the first business
    # day after the year-end freeze, Tue 2027-01-05 (worked out in test_calendar_fit).
    args = (SCENARIOS / "progressive-rollout" / EXPECTED / ARGS_FILE).read_text("utf-8")
    assert "today: 2026-12-01" in args
    assert "\nstart:" not in args
    document = (SCENARIOS / "progressive-rollout" / EXPECTED / DOCUMENT).read_text("utf-8")
    assert "Tue 2027-01-05 09:00 EST" in document.split("\n## ", 1)[0]
    plan_json = (SCENARIOS / "progressive-rollout" / EXPECTED / PLAN_JSON).read_text("utf-8")
    assert '"start": "2027-01-05T09:00:00-05:00"' in plan_json


def _scenario_copy(tmp_path: Path, args: str | None) -> Path:
    seed = SCENARIOS / "progressive-rollout"
    folder = tmp_path / "scenarios" / "case"
    (folder / EXPECTED).mkdir(parents=True)
    for name in ("feature-description.md", "baseline-metrics.md"):
        shutil.copy(seed / name, folder / name)
    if args is not None:
        (folder / EXPECTED / ARGS_FILE).write_text(args, encoding="utf-8")
    return folder


def test_regenerate_writes_what_the_test_compares(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = _scenario_copy(tmp_path, "start: 2026-12-01\ntoday: 2026-11-27\n")
    assert main([str(tmp_path / "scenarios")]) == 0
    assert "2 golden file(s) changed" in capsys.readouterr().out
    for name, text in expected_files(folder).items():
        assert (folder / EXPECTED / name).read_text(encoding="utf-8") == text
    assert main([str(tmp_path / "scenarios")]) == 0
    assert "0 golden file(s) changed" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        ("start: next tuesday\n", "is not a date"),
        ("today: 2026-11-27T10:00:00\n", "is not a date"),
        ("when: 2026-12-01\n", "only `start` and `today`"),
        ("start: [2026\n", "not valid YAML"),
    ],
)
def test_bad_plan_args_name_the_file(tmp_path: Path, args: str, problem: str) -> None:
    folder = _scenario_copy(tmp_path, args)
    with pytest.raises(InputError, match=problem) as caught:
        expected_files(folder)
    assert caught.value.source.endswith(ARGS_FILE)
