"""The engine reacts to what the documents say, not to habit."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

import pytest

from rollout_manager.errors import InputError
from rollout_manager.planning.plan import plan_folder

if TYPE_CHECKING:
    from rollout_manager.model import RolloutPlan

TODAY = date(2026, 11, 27)

LOW_RISK_FEATURE = """\
# Feature: New tooltip on the settings page

## What's Changing
A help tooltip next to the notification settings.

## Impact Assessment
- Affects ~2% of sessions (settings page visitors)
- UI change only

## Dependencies
- Feature flag: settings_tooltip (currently OFF)

## Rollback Plan
Feature flag toggle removes it immediately.
"""

LOW_RISK_BASELINE = """\
# Baseline
- Error rate: 0.5%
- P95 latency: 300ms
- Daily requests: 40,000
"""

DESTRUCTIVE_FEATURE = """\
# Feature: Orders table consolidation

## What's Changing
Merge the legacy orders tables and drop the old columns.

## Technical Details
- Destructive migration: drop column legacy_status after backfill
- Database schema changes

## Impact Assessment
- Affects ~30% of transactions

## Dependencies
- Feature flag: orders_v3 (currently OFF)

## Rollback Plan
Feature flag toggle for reads; the dropped column needs a restore from backup (about 4 hours).
No dual-write.
"""

SEED_BASELINE = (
    Path(__file__).resolve().parent.parent / "scenarios" / "progressive-rollout"
).joinpath("baseline-metrics.md")
SEED_FEATURE = SEED_BASELINE.with_name("feature-description.md")


def _folder(tmp_path: Path, feature: str, baseline: str) -> Path:
    (tmp_path / "feature-description.md").write_text(feature, encoding="utf-8")
    (tmp_path / "baseline-metrics.md").write_text(baseline, encoding="utf-8")
    return tmp_path


def _plan(folder: Path) -> RolloutPlan:
    return plan_folder(folder, start=date(2026, 12, 8), today=TODAY)


def test_low_impact_reversible_change_is_low_risk_without_canary(tmp_path: Path) -> None:
    plan = _plan(_folder(tmp_path, LOW_RISK_FEATURE, LOW_RISK_BASELINE))
    assert plan.risk.overall.value == "LOW"
    assert plan.risk.strategy in ("short_ramp", "direct")
    assert len(plan.stages) <= 3
    assert "internal" not in plan.stages[0].audience.lower()


def test_destructive_migration_without_dual_write_is_not_easily_reversible(
    tmp_path: Path,
) -> None:
    plan = _plan(_folder(tmp_path, DESTRUCTIVE_FEATURE, LOW_RISK_BASELINE))
    reversibility = next(f for f in plan.risk.factors if f.name == "reversibility")
    assert reversibility.level.value == "LOW"
    assert plan.risk.overall.value in ("MEDIUM", "HIGH")
    assert plan.risk.overrides  # the raise is recorded, not silent
    assert any("cannot undo" in w for w in plan.warnings)
    titles = [c.title for c in plan.gate_checklist]
    assert any("Irreversible" in t for t in titles)
    preflight = plan.gate_checklist[0].items
    assert any("Restore from backup rehearsed" in item for item in preflight)


def test_fifty_million_a_day_shortens_stages(tmp_path: Path) -> None:
    (tmp_path / "a").mkdir()
    (tmp_path / "b").mkdir()
    seed_plan = _plan(_folder(tmp_path / "a", SEED_FEATURE.read_text(), SEED_BASELINE.read_text()))
    busy = SEED_BASELINE.read_text().replace("~15,000", "~50,000,000")
    busy_feature = SEED_FEATURE.read_text().replace("~15,000", "~50,000,000")
    busy_plan = _plan(_folder(tmp_path / "b", busy_feature, busy))
    seed_required = [s.required_hours for s in seed_plan.stages[:-1]]
    busy_required = [s.required_hours for s in busy_plan.stages[:-1]]
    assert all(b <= s for b, s in zip(busy_required, seed_required, strict=True))
    assert sum(busy_required) < sum(seed_required)
    # At 50M a day every canary stage needs only the one-day minimum.
    assert busy_required == [24.0] * len(busy_required)
    assert busy_plan.stages[0].detectable_error_rate is not None
    assert busy_plan.stages[0].detectable_error_rate < 0.009


def test_team_adjustments_in_rollout_yaml(tmp_path: Path) -> None:
    folder = _folder(tmp_path, SEED_FEATURE.read_text(), SEED_BASELINE.read_text())
    (folder / "rollout.yaml").write_text(
        "start: 2026-12-08\n"
        "stages:\n  - {stage: 2, duration_hours: 120}\n"
        "freezes:\n  - {name: Holiday freeze, start: 2026-12-21, end: 2027-01-04}\n"
        # The team's own freeze replaces the policy's year-end one (removable by key).
        "calendar:\n  seasonal_freezes: {year_end: null}\n"
        "communication:\n  channels: {engineering: 'Slack #payments-eng'}\n",
        encoding="utf-8",
    )
    plan = plan_folder(folder, today=TODAY)
    assert plan.stages[0].start.date() == date(2026, 12, 8)
    assert plan.stages[1].duration_hours == 120
    assert "set by the team" in plan.stages[1].notes[0]
    engineering = next(s for s in plan.communication.stakeholders if s.role == "Engineering")
    assert engineering.channel == "Slack #payments-eng"
    for stage in plan.stages:
        assert not (date(2026, 12, 21) <= stage.end.date() <= date(2027, 1, 4))


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("colour: blue\n", "unknown key 'colour'"),
        ("tolerances:\n  error_rate_pts: 0.1\n", "unknown key 'tolerances.error_rate_pts'"),
        ("statistics:\n  alpha: lots\n", "key 'statistics.alpha'"),
        ("start: next tuesday\n", "key 'start'"),
        ("- just\n- a list\n", "must be a mapping"),
        ("key: [unclosed\n", "not valid YAML"),
        ("stages:\n  - {stage: 9, duration_hours: 10}\n", "stage 9 does not exist"),
        ("freezes:\n  - {name: x, start: 2026-12-10, end: 2026-12-01}\n", "ends before it starts"),
        ("timezone: Mars/Olympus\n", "unknown time zone"),
    ],
)
def test_bad_rollout_yaml_names_the_key(tmp_path: Path, text: str, message: str) -> None:
    folder = _folder(tmp_path, SEED_FEATURE.read_text(), SEED_BASELINE.read_text())
    (folder / "rollout.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as raised:
        plan_folder(folder, today=TODAY)
    assert message in str(raised.value)
    assert str(raised.value).startswith(f"{folder / 'rollout.yaml'}: ")
    assert "\n" not in str(raised.value)


def test_the_teams_power_setting_drives_detection_numbers_and_words(tmp_path: Path) -> None:
    folder = _folder(tmp_path, SEED_FEATURE.read_text(), SEED_BASELINE.read_text())
    default = _plan(folder).stages[0]
    (folder / "rollout.yaml").write_text("statistics:\n  power: 0.9\n", encoding="utf-8")
    stricter = _plan(folder).stages[0]

    assert any("(90% power)" in note for note in stricter.notes)
    # More power needs more transactions for the same 5x smoke target, so stage 1 runs
    # longer (the smoke test needs more than 150 transactions, one day at 1%, either way).
    assert default.required_transactions > 150
    assert stricter.required_transactions > default.required_transactions
    assert stricter.required_hours > default.required_hours
