"""OpenFeature flagd: one flags file per stage (or the `--stage` one).

Weights are integers that represent the stage's share exactly (0.5% is
`[["on", 1], ["off", 199]]`). An internal-staff stage is a targeting rule on the
context attribute `internal`, before the `fractional` split; staff stay on in
later stages. Audiences other than staff (a cohort of transactions) cannot be
told apart by flagd without an attribute of their own: the split applies to
every targeting key, and the plan document says so.
"""

from __future__ import annotations

import json
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Any

from rollout_manager.exports.common import ExportFile
from rollout_manager.exports.rules import ALL_TRAFFIC_PERCENT

if TYPE_CHECKING:
    from rollout_manager.exports.rules import ExportRules, StageRules

SCHEMA = "https://flagd.dev/schema/v0/flags.json"
STAFF_ATTRIBUTE = "internal"
"""Evaluation-context attribute that is `true` for internal staff."""


def weights(percent: float) -> tuple[int, int]:
    """Integer weights of `on` and `off` whose ratio is exactly `percent`%."""
    share = Fraction(Decimal(str(percent))) / 100
    return share.numerator, share.denominator - share.numerator


def _targeting(stage: StageRules, *, staff_before: bool) -> dict[str, Any] | None:
    staff = {"==": [{"var": STAFF_ATTRIBUTE}, True]}
    if stage.staff_only:
        return {"if": [staff, "on", "off"]}
    if stage.traffic_percent >= ALL_TRAFFIC_PERCENT:
        return None
    on, off = weights(stage.traffic_percent)
    split = {"fractional": [["on", on], ["off", off]]}
    return {"if": [staff, "on", split]} if staff_before else split


def flags_document(rules: ExportRules, stage: StageRules) -> dict[str, Any]:
    """Return the flagd flags file for one stage."""
    staff_before = any(s.staff_only for s in rules.stages if s.number < stage.number)
    targeting = _targeting(stage, staff_before=staff_before)
    flag: dict[str, Any] = {
        "state": "ENABLED",
        "variants": {"on": True, "off": False},
        "defaultVariant": "on" if targeting is None else "off",
    }
    if targeting is not None:
        flag["targeting"] = targeting
    flag["metadata"] = {"rollout_stage": stage.number, "traffic_percent": stage.traffic_percent}
    return {"$schema": SCHEMA, "flags": {rules.flag: flag}}


def flagd_files(rules: ExportRules, stage: int | None = None) -> list[ExportFile]:
    """`stage-N.flags.json` per stage, or `flags.json` for the one `stage` given."""
    chosen = [s for s in rules.stages if stage is None or s.number == stage]
    return [
        ExportFile(
            "flags.json" if stage is not None else f"stage-{s.number}.flags.json",
            json.dumps(flags_document(rules, s), indent=2) + "\n",
            "flagd",
        )
        for s in chosen
    ]
