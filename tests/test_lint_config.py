"""The lint configuration names classes that exist.

ruff keeps the imports of a pydantic model's field types at run time only for the
bases `runtime-evaluated-base-classes` names; a stale name (a base that moved)
would let `ruff --fix` move those imports under `TYPE_CHECKING` and break the model.
"""

from __future__ import annotations

import importlib
import tomllib
from pathlib import Path

import pytest
from pydantic import BaseModel

PYPROJECT = Path(__file__).resolve().parent.parent / "pyproject.toml"
_LINT = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["ruff"]["lint"]
RUNTIME_BASES: list[str] = _LINT["flake8-type-checking"]["runtime-evaluated-base-classes"]


@pytest.mark.parametrize("dotted", RUNTIME_BASES)
def test_each_runtime_evaluated_base_is_a_pydantic_model_named_where_defined(dotted: str) -> None:
    module_name, _, name = dotted.rpartition(".")
    base = getattr(importlib.import_module(module_name), name, None)
    assert isinstance(base, type), f"{dotted} does not exist: update pyproject.toml"
    assert issubclass(base, BaseModel), f"{dotted} is not a pydantic model"
    if dotted.startswith("rollout_manager."):
        # ruff matches the name a subclass imports its base by: ours, the defining module.
        defined = f"{base.__module__}.{base.__qualname__}"
        assert defined == dotted, f"{dotted} is only re-exported: name {defined}"
