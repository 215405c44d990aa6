"""Facts the reader missed: recorded with a verified quote, or declared in rollout.yaml.

A recorded fact (`facts:` in rollout.yaml, written by the `record_fact` tool)
names a metric or the traffic, a value and unit, a file and a quote. Code checks
that the quote occurs in the file (whitespace-normalised), that the file lies in
the context folder, and that the value in that unit is a quantity the quote
states; only then does it count, with the file:line the quote starts on. The
check runs again at every plan, so an edited document cannot keep a stale fact.

`traffic:` and `baseline:` in rollout.yaml are a person's declarations: they win
over what was read and are listed as declared.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Final

from pydantic import BaseModel, ConfigDict, Field, model_validator

from rollout_manager import formatting
from rollout_manager.errors import InputError
from rollout_manager.model import (
    Evidence,
    Fact,
    Metric,
    RolloutContext,
    Traffic,
)
from rollout_manager.reading.blocks import split_lines
from rollout_manager.reading.metrics import direction_of
from rollout_manager.reading.quantities import NumberError, Quantity, find_quantities
from rollout_manager.reading.vocabulary import WELL_KNOWN_METRICS
from rollout_manager.storage import read_user_text

_MAX_BYTES: Final = 1024 * 1024
_WELL_KNOWN: Final = {key: (kind, way) for key, (kind, way, _) in WELL_KNOWN_METRICS.items()}
_LEGACY: Final = tuple(_WELL_KNOWN)


class RecordedFact(BaseModel):
    """One fact recorded with its quote: `metric` or `traffic`, never both."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    metric: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9_]{0,60}$")
    """A metric key: `error_rate`, `p95_latency_ms`, or a slug such as `consumer_lag`."""
    traffic: str | None = Field(None, min_length=1, max_length=60, pattern=r"^[a-z][a-z -]*$")
    """The traffic unit, plural: `logins`, `messages`."""
    value: float = Field(ge=0, allow_inf_nan=False)
    """The number as the quote writes it (`1.5` for 1.5%)."""
    unit: str = Field(min_length=1, max_length=30)
    """Its unit as written: `%`, `ms`, `s`, `per day`, `per hour`, `per second`."""
    file: str = Field(min_length=1, max_length=200)
    """The document, relative to the context folder."""
    quote: str = Field(min_length=3, max_length=500)
    """The words of the document that state it."""
    line: int | None = Field(None, ge=1)
    """Where the quote starts (filled in by the check)."""

    @model_validator(mode="after")
    def _one_subject(self) -> RecordedFact:
        if (self.metric is None) == (self.traffic is None):
            raise ValueError("give exactly one of metric or traffic")
        return self


class DeclaredTraffic(BaseModel):
    """`traffic:` in rollout.yaml: the stream the flag splits, per day."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    unit: str = Field(min_length=1, max_length=60)
    per_day: float = Field(gt=0, le=1e13, allow_inf_nan=False)


def _words(text: str) -> list[tuple[str, int]]:
    """Every word of `text` with its 1-based line."""
    lines = split_lines(text)
    return [(word, number) for number, line in enumerate(lines, 1) for word in line.split()]


def _quote_line(text: str, quote: str) -> int | None:
    """Return the line a whitespace-normalised `quote` starts on in `text`, or None."""
    words = _words(text)
    wanted = quote.split()
    joined = " ".join(word for word, _ in words)
    at = joined.find(" ".join(wanted))
    if at < 0 or not wanted:
        return None
    index = joined[:at].count(" ") if at else 0
    return words[index][1]


def _document(folder: Path, name: str) -> tuple[Path, str]:
    root = folder.resolve()
    try:
        path = (root / name).resolve()
    except (OSError, RuntimeError):
        raise InputError(name, "cannot be resolved") from None
    if root not in path.parents:
        raise InputError(name, "is outside the context folder; quote a context document")
    return path, read_user_text(path, max_bytes=_MAX_BYTES, shown=name)


def _stated(fact: RecordedFact) -> Quantity:
    try:
        quantities = find_quantities(f"{formatting.number(fact.value, 9)} {fact.unit}", limit=1)
    except NumberError as error:
        raise InputError("record_fact", str(error)) from None
    if not quantities:
        raise InputError("record_fact", f"unit '{fact.unit}' is not understood")
    return quantities[0]


def verify(folder: Path, fact: RecordedFact) -> RecordedFact:
    """Return the fact with its line, once the quote, file, value and unit check out.

    Raises:
        InputError: the file is outside the folder or unreadable, the quote is not
            in it, or the quote does not state that value in that unit.
    """
    _, text = _document(folder, fact.file)
    line = _quote_line(text, fact.quote)
    if line is None:
        raise InputError(fact.file, f'does not contain the quote "{fact.quote[:80]}"')
    wanted = _stated(fact)
    try:
        said = find_quantities(fact.quote, limit=20)
    except NumberError as error:
        raise InputError(fact.file, f"the quote: {error}") from None
    if not any(
        q.kind == wanted.kind and math.isclose(q.value, wanted.value, rel_tol=1e-6, abs_tol=1e-12)
        for q in said
    ):
        raise InputError(
            fact.file,
            f"the quote does not state {formatting.number(fact.value, 9)} {fact.unit}",
        )
    return fact.model_copy(update={"line": line})


def _metric(fact: RecordedFact, quantity: Quantity, evidence: Evidence) -> Metric:
    key = fact.metric or ""
    words = key.replace("_", " ")
    kind, direction = _WELL_KNOWN.get(key, ("rate", direction_of(words)))
    if key not in _WELL_KNOWN:
        if quantity.kind == "duration":
            kind = "lag" if "lag" in words else "latency"
        elif quantity.kind == "fraction":
            kind = "ratio" if direction == "higher_is_better" else "rate"
        elif quantity.kind == "money":
            kind = "money"
        else:
            kind = "throughput" if quantity.per_day else "count"
    unit = {"fraction": "fraction", "duration": "ms", "money": quantity.currency}.get(
        quantity.kind, "per_day" if quantity.per_day else "count"
    )
    return Metric.model_validate(
        {
            "key": key,
            "label": words,
            "kind": kind,
            "direction": direction if kind not in {"throughput", "money"} else "none",
            "value": quantity.value,
            "unit": unit,
            "evidence": [evidence],
        }
    )


def _set_metric(context: RolloutContext, metric: Metric) -> None:
    context.metrics = [m for m in context.metrics if m.key != metric.key] + [metric]
    if metric.key in _LEGACY:
        setattr(context.baseline, metric.key, Fact(value=metric.value, evidence=metric.evidence))
        context.missing = [m for m in context.missing if m != f"baseline.{metric.key}"]


def _set_traffic(context: RolloutContext, traffic: Traffic) -> None:
    context.traffic = traffic
    if traffic.per_day is not None:
        context.baseline.daily_transactions = Fact(value=traffic.per_day, evidence=traffic.evidence)
        context.missing = [m for m in context.missing if m != "baseline.daily_transactions"]


def _apply_fact(context: RolloutContext, fact: RecordedFact) -> None:
    checked = verify(Path(context.folder), fact)
    quantity = _stated(checked)
    evidence = Evidence(
        file=checked.file, line=checked.line or 1, text=" ".join(fact.quote.split())
    )
    context.not_understood = [
        e for e in context.not_understood if (e.file, e.line) != (evidence.file, evidence.line)
    ]
    if checked.traffic is not None:
        if quantity.kind != "count" or not quantity.per_day:
            raise InputError(checked.file, "a traffic fact needs a count per time: `per day`")
        _set_traffic(
            context,
            Traffic(
                unit=checked.traffic,
                per_day=quantity.value,
                evidence=[evidence],
                source=f"recorded from {checked.file}:{evidence.line}",
            ),
        )
        context.recorded.append(
            f"traffic {checked.traffic}: {formatting.count(quantity.value)} a day "
            f'(recorded, {checked.file}:{evidence.line} "{evidence.text}")'
        )
        return
    metric = _metric(checked, quantity, evidence)
    _set_metric(context, metric)
    context.recorded.append(
        f"{metric.key}: {fact.value:g} {fact.unit} "
        f'(recorded, {checked.file}:{evidence.line} "{evidence.text}")'
    )


def apply_declared(
    context: RolloutContext,
    facts: list[RecordedFact],
    traffic: DeclaredTraffic | None,
    baseline: dict[str, float],
) -> RolloutContext:
    """Return the context with recorded facts and rollout.yaml declarations applied.

    A recorded fact whose quote no longer checks out is left out with a warning.
    """
    if not facts and traffic is None and not baseline:
        return context
    updated = context.model_copy(deep=True)
    for fact in facts:
        try:
            _apply_fact(updated, fact)
        except InputError as error:
            updated.warnings.append(f"recorded fact in rollout.yaml ignored: {error}")
    declared = Evidence(file="rollout.yaml", line=1, text="declared in rollout.yaml")
    for key, value in baseline.items():
        kind, direction = _WELL_KNOWN.get(key, ("rate", direction_of(key.replace("_", " "))))
        unit = "ms" if kind == "latency" or key.endswith("_ms") else "fraction"
        if unit == "fraction" and value >= 1:
            raise InputError(
                "rollout.yaml", f"baseline: {key} {value:g} is not a share below 1 (0.008 = 0.8%)"
            )
        metric = Metric.model_validate(
            {
                "key": key,
                "label": key.replace("_", " "),
                "kind": "latency" if unit == "ms" else kind,
                "direction": direction,
                "value": value,
                "unit": unit,
                "evidence": [declared],
            }
        )
        _set_metric(updated, metric)
        updated.recorded.append(f"{key}: {value:g} ({unit}, declared in rollout.yaml baseline:)")
    if traffic is not None:
        _set_traffic(
            updated,
            Traffic(
                unit=traffic.unit,
                per_day=traffic.per_day,
                evidence=[declared],
                source="declared in rollout.yaml",
            ),
        )
        updated.recorded.append(
            f"traffic {traffic.unit}: {formatting.count(traffic.per_day)} a day "
            "(declared in rollout.yaml traffic:)"
        )
    return updated


__all__ = ["DeclaredTraffic", "RecordedFact", "apply_declared", "verify"]
