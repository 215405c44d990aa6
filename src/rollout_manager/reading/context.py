"""Read a context folder into a `RolloutContext`: every fact with the line it came from.

The folder holds `feature-description.md` and `baseline-metrics.md`. Reading
them is the only place the planner meets user files, so this module is strict
about what a file may be (present, a regular file, at most 1 MiB, UTF-8 text)
and lenient about how the Markdown is written. Text in the documents is data:
nothing in them is obeyed, only read.

After reading, the facts are checked against each other: revenue against volume
times average value, success plus error rate against 100%, and the feature's
daily volume against the baseline's. Disagreements become warnings quoting both
figures; facts nobody states are listed in `missing`, never filled in.
"""

from __future__ import annotations

from pathlib import Path
from typing import Final

from rollout_manager import formatting
from rollout_manager.errors import InputError
from rollout_manager.model import BaselineFacts, Fact, FeatureFacts, RolloutContext
from rollout_manager.reading.baseline_reader import read_baseline
from rollout_manager.reading.document import Document, read_document
from rollout_manager.reading.feature_cues import read_cues
from rollout_manager.reading.feature_reader import read_feature
from rollout_manager.reading.number_style import (
    document_in_point_decimals,
    number_format,
    number_notes,
)
from rollout_manager.reading.stated import Source, check_metrics, read_stated
from rollout_manager.storage import read_user_text

FEATURE_FILE: Final = "feature-description.md"
"""The feature description's file name inside a context folder."""
BASELINE_FILE: Final = "baseline-metrics.md"
"""The baseline metrics' file name inside a context folder."""
MAX_DOCUMENT_BYTES: Final = 1024 * 1024
"""Largest document read; a context document is a page or two, not a data dump."""

# Rounded figures disagree a little; beyond these they disagree in substance.
_RELATIVE_TOLERANCE: Final = 0.20
_RATE_SUM_TOLERANCE: Final = 0.005

_EXPECTED_FEATURE: Final = (
    "name",
    "summary",
    "flag",
    "flag_state",
    "scope",
    "scope_share",
    "change_types",
    "rollback_mechanism",
    "rollback_minutes",
    "peak_windows",
)
_EXPECTED_BASELINE: Final = (
    "p50_latency_ms",
    "p95_latency_ms",
    "p99_latency_ms",
    "success_rate",
    "error_rate",
    "timeout_rate",
    "daily_transactions",
    "avg_transaction_value",
    "daily_revenue",
)


def _folder(folder: Path | str) -> Path:
    path = Path(folder)
    try:
        is_folder = path.is_dir()
    except OSError as error:  # a name too long for the file system
        raise InputError(str(folder), f"cannot be read ({error.strerror})") from None
    if not is_folder and not path.exists():
        raise InputError(str(folder), "context folder not found")
    if not is_folder:
        raise InputError(
            str(folder), "is not a folder; --context takes the folder holding the documents"
        )
    return path


def _load(folder: Path, name: str) -> tuple[Document, Source]:
    path = folder / name
    shown = str(path)
    text = read_user_text(path, max_bytes=MAX_DOCUMENT_BYTES, shown=shown)
    if not text.strip():
        raise InputError(shown, "is empty")
    numbers = number_format(text)
    document = document_in_point_decimals(read_document(name, text), numbers)
    return document, Source(name, shown, text, numbers)


# ------------------------------------------------------------------ cross-checks


def _where(fact: Fact[float]) -> str:
    return ", ".join(f"{e.file}:{e.line}" for e in fact.evidence)


def _revenue_check(baseline: BaselineFacts) -> list[str]:
    volume, value, revenue = (
        baseline.daily_transactions,
        baseline.avg_transaction_value,
        baseline.daily_revenue,
    )
    if volume is None or value is None or revenue is None or revenue.value <= 0:
        return []
    implied = volume.value * value.value
    if abs(revenue.value - implied) <= _RELATIVE_TOLERANCE * revenue.value:
        return []
    currency = baseline.currency
    return [
        (
            f"daily revenue {formatting.money(revenue.value, currency)} ({_where(revenue)}) does "
            f"not match daily transactions {formatting.count(volume.value)} ({_where(volume)}) "
            f"× average value {formatting.money(value.value, currency)} ({_where(value)}) = "
            f"{formatting.money(round(implied, 2), currency)}: off by more than 20%"
        )
    ]


def _rate_sum_check(baseline: BaselineFacts) -> list[str]:
    success, error = baseline.success_rate, baseline.error_rate
    if success is None or error is None:
        return []
    total = success.value + error.value
    if abs(total - 1) <= _RATE_SUM_TOLERANCE:
        return []
    return [
        (
            f"success rate {formatting.pct(success.value)} ({_where(success)}) + error rate "
            f"{formatting.pct(error.value)} ({_where(error)}) = {formatting.pct(total)}, "
            "not 100% (±0.5 points)"
        )
    ]


def _volume_check(feature: FeatureFacts, baseline: BaselineFacts) -> list[str]:
    stated, measured = feature.daily_volume, baseline.daily_transactions
    if stated is None or measured is None or measured.value <= 0:
        return []
    if abs(stated.value - measured.value) <= _RELATIVE_TOLERANCE * measured.value:
        return []
    return [
        (
            f"the feature description's daily volume {formatting.count(stated.value)} "
            f"({_where(stated)}) differs from the baseline's {formatting.count(measured.value)} "
            f"({_where(measured)}) by more than 20%"
        )
    ]


def _missing(feature: FeatureFacts, baseline: BaselineFacts) -> list[str]:
    absent = [f"feature.{name}" for name in _EXPECTED_FEATURE if not getattr(feature, name)]
    absent += [f"baseline.{name}" for name in _EXPECTED_BASELINE if getattr(baseline, name) is None]
    return absent


def read_context(folder: Path | str) -> RolloutContext:
    """Read the two context documents of `folder` into facts with evidence.

    Args:
        folder: the folder holding `feature-description.md` and `baseline-metrics.md`.

    Returns:
        The facts read, each with its file, line and quoted text; `missing` names
        the expected facts no document states and `warnings` the figures that
        disagree.

    Raises:
        InputError: the folder or a document is missing, not a regular file, over
            1 MiB, binary, not UTF-8, or empty. The error names the file.
    """
    root = _folder(folder)
    feature_document, feature_source = _load(root, FEATURE_FILE)
    baseline_document, baseline_source = _load(root, BASELINE_FILE)
    warnings = [
        note
        for source in (baseline_source, feature_source)
        for note in number_notes(source.name, source.text, source.numbers)
    ]
    feature = read_feature(feature_document, warnings)
    read_cues(feature, FEATURE_FILE, feature_source.text)
    baseline = read_baseline(baseline_document, warnings)
    stated = read_stated(baseline_source, feature_source, baseline)
    check_metrics(baseline, baseline_source.shown, warnings)
    warnings += _revenue_check(baseline)
    warnings += _rate_sum_check(baseline)
    warnings += _volume_check(feature, baseline)
    return RolloutContext(
        folder=str(folder),
        feature=feature,
        baseline=baseline,
        missing=_missing(feature, baseline),
        warnings=warnings,
        metrics=stated.metrics,
        traffic=stated.traffic,
        not_understood=stated.not_understood,
        lines=[
            document.evidence(line)
            for document in (feature_document, baseline_document)
            for line in document.lines
        ],
    )


__all__ = ["BASELINE_FILE", "FEATURE_FILE", "MAX_DOCUMENT_BYTES", "read_context"]
