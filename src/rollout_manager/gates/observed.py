"""What a stage has seen so far, per arm, whatever the source of the counts.

Three sources give the same `Observation`: a counts file (JSON, read here), raw
events (CSV, one row per transaction, streamed: `events.py`) and Prometheus
(`prometheus.py`).
Each arm keeps its transactions and named counts (`errors`, `expected_errors`,
`slow`, `revenue`, a plan metric key, or `<key>_successes` for its good
outcomes); `events_for` says which count a decision judges.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

from rollout_manager.errors import InputError
from rollout_manager.storage import read_user_text

if TYPE_CHECKING:
    from collections.abc import Iterable
    from pathlib import Path

    from rollout_manager.model import Decision, RolloutPlan

MAX_COUNTS_BYTES = 1024 * 1024
_ARM_FIELDS = ("transactions", "errors", "expected_errors", "slow", "revenue")


@dataclass(frozen=True)
class Arm:
    """Counts of one variant since the stage started."""

    transactions: int
    counts: dict[str, float] = field(default_factory=dict)
    """`errors`, `expected_errors`, `slow`, `revenue`, or counts under a plan metric key."""

    def as_json(self) -> dict[str, float]:
        """Return the arm as the counts file writes it."""
        return {"transactions": self.transactions, **self.counts}


@dataclass(frozen=True)
class Observation:
    """The counts a verdict is judged on, and where they came from."""

    canary: Arm
    control: Arm | None
    source: str
    """`counts file x.json`, `events file x.csv` or `Prometheus http://...`."""
    at: datetime | None = None
    """When the counts were taken (the verdict's time when given)."""
    since: datetime | None = None
    """When the stage started, if the source says so."""
    stage: int | None = None
    """The stage the counts belong to, if the source says so."""


def parse_time(text: str, source: str) -> datetime:
    """Parse an ISO 8601 time; a time without an offset is UTC.

    Raises:
        InputError: not an ISO 8601 date-time.
    """
    try:
        moment = datetime.fromisoformat(text.strip())
    except (ValueError, AttributeError):
        raise InputError(
            source, f"'{text}' is not an ISO 8601 time (2026-12-04T09:00:00Z)"
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


# --------------------------------------------------------------------------- which count


def category_slug(text: str) -> str:
    """Return an error category as a slug (`Card declined` -> `card_declined`)."""
    return "_".join("".join(c if c.isalnum() else " " for c in text.lower()).split())


def expected_categories(plan: RolloutPlan) -> frozenset[str]:
    """Error categories the documents mark as expected (e.g. card declines), as slugs."""
    return frozenset(category_slug(s.category) for s in plan.baseline.error_breakdown if s.expected)


def is_latency(decision: Decision) -> bool:
    """Whether a decision counts slow requests (its metric is a latency)."""
    return decision.metric.endswith("_latency_ms") or decision.metric.endswith("_latency")


def excludes_expected(decision: Decision) -> bool:
    """Whether a decision counts errors other than the expected ones (declines)."""
    return decision.metric != "error_rate" and decision.metric.endswith("error_rate")


def successes_key(metric: str) -> str:
    """Return the counts file key of a metric's good outcomes (`conversion_rate_successes`)."""
    return f"{metric}_successes"


def events_for(decision: Decision, arm: Arm) -> float | None:
    """Return the count a decision judges in one arm.

    A count under the decision's own metric key wins, then transactions minus
    the good outcomes under `<metric>_successes`; otherwise `error_rate`
    counts `errors`, another `*_error_rate` counts `errors - expected_errors`
    and a latency metric counts `slow`. None when the arm lacks the count.
    """
    counts = arm.counts
    if decision.metric in counts:
        return counts[decision.metric]
    if successes_key(decision.metric) in counts:
        return arm.transactions - counts[successes_key(decision.metric)]
    if decision.metric == "error_rate" and "errors" in counts:
        return counts["errors"]
    if excludes_expected(decision) and "errors" in counts and "expected_errors" in counts:
        return counts["errors"] - counts["expected_errors"]
    if is_latency(decision) and "slow" in counts:
        return counts["slow"]
    return None


# --------------------------------------------------------------------------- counts file


def _count(value: object, where: str, source: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InputError(source, f"{where} must be a number, got {json.dumps(value)}")
    if value < 0:
        raise InputError(source, f"{where} must not be negative, got {value}")
    return value


def _arm(data: object, name: str, source: str, metric_keys: Iterable[str]) -> Arm:
    if not isinstance(data, dict):
        raise InputError(source, f"'{name}' must be an object with transactions and errors")
    keys = set(metric_keys)
    allowed = set(_ARM_FIELDS) | keys | {successes_key(key) for key in keys}
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise InputError(
            source,
            f"'{name}' has unknown key '{unknown[0]}' (allowed: {', '.join(sorted(allowed))})",
        )
    for needed in ("transactions", "errors"):
        if needed not in data and not (needed == "errors" and len(data) > 1):
            raise InputError(source, f"'{name}' needs '{needed}'")
    both = sorted(key for key in keys if key in data and successes_key(key) in data)
    if both:
        raise InputError(
            source,
            f"'{name}' gives both '{both[0]}' (failures) and '{successes_key(both[0])}' "
            "(good outcomes): give one",
        )
    transactions = _count(data["transactions"], f"{name}.transactions", source)
    if not float(transactions).is_integer():
        raise InputError(source, f"{name}.transactions must be a whole number, got {transactions}")
    counts = {
        key: _count(value, f"{name}.{key}", source)
        for key, value in data.items()
        if key != "transactions"
    }
    for key, value in counts.items():
        if key != "revenue" and value > transactions:
            raise InputError(
                source, f"{name}.{key} ({value:g}) exceeds {name}.transactions ({transactions:g})"
            )
    return Arm(transactions=int(transactions), counts=counts)


def read_counts(path: Path, plan: RolloutPlan, *, shown: str | None = None) -> Observation:
    """Read a counts file: `{"stage", "at", "since", "canary": {...}, "control": {...}}`.

    Raises:
        InputError: unreadable, not JSON, or a count missing, negative or impossible.
    """
    source = shown or str(path)
    text = read_user_text(path, max_bytes=MAX_COUNTS_BYTES, shown=source)
    try:
        data: Any = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputError(source, f"not valid JSON at line {error.lineno}: {error.msg}") from None
    if not isinstance(data, dict):
        raise InputError(source, "must be a JSON object with 'canary' counts")
    unknown = sorted(set(data) - {"stage", "at", "since", "canary", "control"})
    if unknown:
        raise InputError(source, f"unknown key '{unknown[0]}'")
    if "canary" not in data:
        raise InputError(source, "needs 'canary' counts (transactions and errors)")
    keys = {d.metric for s in plan.stages for d in s.decisions}
    stage = data.get("stage")
    if stage is not None and (isinstance(stage, bool) or not isinstance(stage, int)):
        raise InputError(source, f"'stage' must be a stage number, got {json.dumps(stage)}")
    times = {
        name: parse_time(data[name], source) if isinstance(data.get(name), str) else None
        for name in ("at", "since")
    }
    for name in ("at", "since"):
        if name in data and not isinstance(data[name], str):
            raise InputError(source, f"'{name}' must be an ISO 8601 time string")
    control = data.get("control")
    return Observation(
        canary=_arm(data["canary"], "canary", source, keys),
        control=None if control is None else _arm(control, "control", source, keys),
        source=f"counts file {source}",
        at=times["at"],
        since=times["since"],
        stage=stage,
    )
