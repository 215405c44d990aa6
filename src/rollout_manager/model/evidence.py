"""Evidence read from the documents: the base of every contract type."""

from __future__ import annotations

from typing import Generic, TypeVar

from pydantic import BaseModel, ConfigDict, Field

T = TypeVar("T")


class _Model(BaseModel):
    # Field docstrings are attached by `schema.attach_field_docstrings` when a schema is
    # made: one AST parse of this file is ~10x faster than pydantic's per-class lookup.
    model_config = ConfigDict(extra="forbid", defer_build=True)


class Evidence(_Model):
    """Where a fact was read: a file, a line and the quoted text."""

    file: str
    """File name relative to the context folder, e.g. `baseline-metrics.md`."""
    line: int = Field(ge=1)
    """1-based line number of the quoted text."""
    text: str
    """The line as written, stripped of surrounding whitespace."""


class Fact(_Model, Generic[T]):
    """A value read from a document together with the evidence it rests on."""

    value: T
    """The normalised value (fractions for rates, milliseconds for latency)."""
    evidence: list[Evidence] = Field(default_factory=list)
    """The lines this value was read from; empty only for a stated default."""
