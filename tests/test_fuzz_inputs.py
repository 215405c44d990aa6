"""Hypothesis: policy overrides and tool arguments fail only as input errors (issue 17).

Every tool's arguments go through `dispatch` (issue 17, acceptance).

`dispatch` turns an `InputError` or invalid arguments into an error result; any
other exception escapes it and fails these tests.
"""

from __future__ import annotations

import shutil
from datetime import date
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rollout_manager.errors import InputError
from rollout_manager.planning.policy import _default_policy_data, policy_from_overrides
from rollout_manager.tools.catalog import default_registry, dispatch
from rollout_manager.tools.registry import ToolResult
from tests.conftest import PLANNING_TOOLS, SEED_DIR

if TYPE_CHECKING:
    from pathlib import Path

TODAY = date(2026, 11, 20)
FUZZ = settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


def _leaf_paths(data: Any, prefix: tuple[str, ...] = ()) -> list[tuple[str, ...]]:
    if isinstance(data, dict):
        paths = [prefix] if prefix else []
        for key, value in data.items():
            paths += _leaf_paths(value, (*prefix, str(key)))
        return paths
    return [prefix]


POLICY_PATHS = [
    *_leaf_paths(_default_policy_data()),
    ("start",),
    ("timezone",),
    ("freezes",),
    ("stages",),
    ("strategy",),
]

_text = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=["Cs"]), max_size=30
) | st.sampled_from(["Mon", "09:00", "17:00", "canary", "UTC", "x\n## Sign-off", "{feature:>9}"])
_numbers = (
    st.integers(min_value=-(10**20), max_value=10**20)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.sampled_from([0, 1, -1, 1e-300, 1e308, 0.5, 0.99, 1.0000001, 24, 10**16])
)
_dates = st.dates(min_value=date(1, 1, 1), max_value=date(9999, 12, 31))
_scalars = st.none() | st.booleans() | _numbers | _text | _dates
VALUES = st.recursive(
    _scalars,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(_text, inner, max_size=4),
    max_leaves=12,
) | st.lists(
    st.fixed_dictionaries(
        {"stage": st.integers(-2, 30), "duration_hours": _numbers},
        optional={"traffic_percent": _numbers, "name": _text, "start": _dates, "end": _dates},
    ),
    max_size=3,
)


def _nest(path: tuple[str, ...], value: Any, into: dict[str, Any]) -> None:
    node = into
    for key in path[:-1]:
        child = node.setdefault(key, {})
        if not isinstance(child, dict):
            return
        node = child
    node[path[-1]] = value


OVERRIDES = st.lists(
    st.tuples(st.sampled_from(POLICY_PATHS), _numbers | _scalars | VALUES), min_size=1, max_size=3
)


def _overrides(pairs: list[tuple[tuple[str, ...], Any]]) -> dict[str, Any]:
    data: dict[str, Any] = {}
    for path, value in pairs:
        _nest(path, value, data)
    return data


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("fuzz")
    for name in ("feature-description.md", "baseline-metrics.md"):
        shutil.copy(SEED_DIR / name, folder / name)
    return folder


def _fresh(folder: Path) -> None:
    for path in folder.iterdir():
        if path.name not in ("feature-description.md", "baseline-metrics.md"):
            path.unlink()


@FUZZ
@given(pairs=OVERRIDES)
def test_policy_overrides_fail_only_as_input_errors(pairs: list[tuple[Any, Any]]) -> None:
    try:
        policy_from_overrides(_overrides(pairs))
    except InputError as error:
        message = str(error)
    else:
        message = "rollout.yaml: accepted"
    assert message.startswith("rollout.yaml: ")


@FUZZ
@given(pairs=OVERRIDES, tool=st.sampled_from(["design_stages", "plan_communication"]))
def test_a_fuzzed_rollout_yaml_plans_or_is_refused_by_name(
    served: Path, pairs: list[tuple[Any, Any]], tool: str
) -> None:
    _fresh(served)
    text = yaml.safe_dump(_overrides(pairs), allow_unicode=True)
    (served / "rollout.yaml").write_text(text, encoding="utf-8")

    result = dispatch(tool, {}, root=served, today=TODAY)

    assert isinstance(result, ToolResult)
    assert result.ok or (result.error or "").startswith("rollout.yaml")


def _tool_arguments(tool: str) -> st.SearchStrategy[dict[str, Any]]:
    found = default_registry().get(tool)
    assert found is not None
    fields = list(found.input_model.model_fields)
    keys = st.sampled_from([*fields, "unknown_key"])
    return st.dictionaries(keys, VALUES, max_size=4) | st.fixed_dictionaries(
        {},
        optional={
            "context": st.sampled_from([".", "..", "/etc", "x" * 300, "a\x00b", "sub"]),
            "stage": st.integers(-1, 25),
            "start": _dates.map(str),
            "traffic_percent": _numbers,
            "daily_transactions": _numbers,
            "baseline_error_rate": _numbers,
            "multiplier": _numbers,
            "duration_days": _numbers,
            "on_call_rotation": _text,
            "output": _text,
            "force": st.booleans(),
        },
    ).map(lambda args: {k: v for k, v in args.items() if k in fields})


@pytest.mark.parametrize("tool", PLANNING_TOOLS)
def test_every_tools_arguments_fail_only_as_error_results(served: Path, tool: str) -> None:
    @FUZZ
    @given(arguments=_tool_arguments(tool))
    def run(arguments: dict[str, Any]) -> None:
        _fresh(served)
        result = dispatch(tool, arguments, root=served, today=TODAY)
        assert isinstance(result, ToolResult)
        assert result.ok or (result.error and "\n" not in result.error)

    run()
