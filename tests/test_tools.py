"""The planning tools as every front door sees them: schemas, results, refusals, writes."""

from __future__ import annotations

import json
import shutil
import tempfile
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from rollout_manager.planning import stats
from rollout_manager.planning.policy import load_policy
from rollout_manager.tools.catalog import default_registry, dispatch
from rollout_manager.tools.registry import ToolResult
from tests.conftest import ALL_TOOLS, PLANNING_TOOLS

if TYPE_CHECKING:
    from collections.abc import Callable, Iterator

SEED_DIR = Path(__file__).resolve().parent.parent / "scenarios" / "progressive-rollout"
TOOL_NAMES = PLANNING_TOOLS
# Tools that answer only when given a file of observed counts the scratch folder does not hold.
NEEDS_OBSERVED_DATA = frozenset({"evaluate_gate"})
START = "2026-12-01"


def _call(root: Path, tool: str, **arguments: Any) -> ToolResult:
    return dispatch(tool, arguments, root=root)


def _files(folder: Path) -> dict[str, bytes]:
    return {
        str(path.relative_to(folder)): path.read_bytes()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


# --------------------------------------------------------------------------- the registry


def test_the_registry_declares_the_nine_planning_tools_in_order() -> None:
    assert tuple(default_registry())[: len(TOOL_NAMES)] == TOOL_NAMES


@pytest.mark.parametrize("spec", default_registry().specs(), ids=lambda spec: spec["name"])
def test_each_input_schema_is_valid_and_describes_every_argument(spec: dict[str, Any]) -> None:
    schema = spec["input_schema"]
    Draft202012Validator.check_schema(schema)
    assert schema["type"] == "object"
    assert "context" in schema["properties"]
    assert schema["properties"]["context"]["default"] == "."
    for name, prop in schema["properties"].items():
        assert prop.get("description"), f"{spec['name']}.{name} has no description"
    assert 40 <= len(spec["description"]) <= 320, spec["description"]


def _keys(value: Any) -> set[str]:
    if isinstance(value, dict):
        return set(value) | {key for item in value.values() for key in _keys(item)}
    if isinstance(value, list):
        return {key for item in value for key in _keys(item)}
    return set()


@pytest.mark.parametrize("spec", default_registry().specs(), ids=lambda spec: spec["name"])
def test_no_schema_publishes_what_only_guards_a_value(spec: dict[str, Any]) -> None:
    # Ranges and lengths are checked in code (tests below); an optional field's once hid in
    # its `anyOf` and reached the definitions. References are inlined: no `$defs` table.
    guards = {"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum", "maxLength",
              "minLength", "pattern", "maxItems", "title", "$defs", "$ref"}  # fmt: skip

    assert _keys(spec["input_schema"]) & guards == set()


def test_adjust_plan_knows_every_role_the_policy_has_a_channel_for() -> None:
    tool = default_registry().get("adjust_plan")
    assert tool is not None
    schema = tool.spec()["input_schema"]
    roles = schema["properties"]["channels"]["propertyNames"]["enum"]
    assert sorted(roles) == sorted(load_policy(SEED_DIR).communication.channels)


# --------------------------------------------------------------------------- generated calls


def _object(schema: dict[str, Any], defs: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    properties = schema.get("properties", {})
    required = set(schema.get("required", ()))
    optional = sorted(set(properties) - required)
    fixed = {name: _strategy(properties[name], defs, name) for name in sorted(required)}

    @st.composite
    def build(draw: st.DrawFn) -> dict[str, Any]:
        value = {name: draw(strategy) for name, strategy in fixed.items()}
        for name in draw(st.lists(st.sampled_from(optional), unique=True)) if optional else []:
            value[name] = draw(_strategy(properties[name], defs, name))
        return value

    return build()


def _number(schema: dict[str, Any], integer: bool) -> st.SearchStrategy[Any]:
    low = schema.get("minimum", schema.get("exclusiveMinimum"))
    high = schema.get("maximum", schema.get("exclusiveMaximum"))
    if integer:
        return st.integers(min_value=low, max_value=high)
    return st.floats(
        min_value=low,
        max_value=high,
        exclude_min="exclusiveMinimum" in schema,
        exclude_max="exclusiveMaximum" in schema,
        allow_nan=False,
        allow_infinity=False,
    )


def _string(schema: dict[str, Any], name: str) -> st.SearchStrategy[Any]:
    if schema.get("format") == "date":
        return st.dates(date(2000, 1, 1), date(2099, 12, 31)).map(date.isoformat)
    if "pattern" in schema:
        return st.from_regex(schema["pattern"], fullmatch=True)
    text = st.text(min_size=schema.get("minLength", 0), max_size=schema.get("maxLength", 40))
    # Most generated calls should reach the planner, not stop at the folder check.
    if name == "context":
        served = st.sampled_from([".", "", "./", "./."])
        return st.integers(0, 4).flatmap(lambda pick: text if pick == 0 else served)
    return text


def _strategy(
    schema: dict[str, Any], defs: dict[str, Any], name: str = ""
) -> st.SearchStrategy[Any]:
    """Values valid against `schema`: the JSON Schema subset pydantic writes for our tools."""
    if "$ref" in schema:
        return _strategy(defs[schema["$ref"].rsplit("/", 1)[-1]], defs, name)
    if "anyOf" in schema:
        return st.one_of(*(_strategy(option, defs, name) for option in schema["anyOf"]))
    if "enum" in schema:
        return st.sampled_from(schema["enum"])
    kind = schema.get("type", "string")
    if kind == "object" and "propertyNames" in schema:
        keys = st.sampled_from(schema["propertyNames"]["enum"])
        return st.dictionaries(keys, _strategy(schema["additionalProperties"], defs), max_size=3)
    if kind == "array":
        items = _strategy(schema["items"], defs)
        return st.lists(items, max_size=min(schema.get("maxItems", 3), 3))
    by_type: dict[str, Callable[[], st.SearchStrategy[Any]]] = {
        "object": lambda: _object(schema, defs),
        "integer": lambda: _number(schema, integer=True),
        "number": lambda: _number(schema, integer=False),
        "boolean": st.booleans,
        "null": st.none,
        "string": lambda: _string(schema, name),
    }
    return by_type[kind]()


# The seed team's counter of errors without card declines, which its exports query.
_SERIES = "metrics_source:\n  metrics:\n    change_error_rate: {events: provider_errors_total}\n"


@contextmanager
def _scratch_seed(settings: str = "") -> Iterator[Path]:
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "served"
        folder.mkdir()
        for name in ("feature-description.md", "baseline-metrics.md"):
            shutil.copy(SEED_DIR / name, folder / name)
        if settings:
            (folder / "rollout.yaml").write_text(settings, encoding="utf-8")
        yield folder


_BOUNDS = {"ge": "minimum", "gt": "exclusiveMinimum", "le": "maximum", "lt": "exclusiveMaximum"}


def _with_code_ranges(name: str, schema: dict[str, Any]) -> dict[str, Any]:
    """The published schema plus the numeric ranges the input model checks in code.

    The published schemas leave ranges out (a model reads every definition on every turn);
    the generator takes them from the pydantic fields, so most calls still reach the tool.
    """
    tool = default_registry().get(name)
    assert tool is not None
    properties = {key: dict(prop) for key, prop in schema["properties"].items()}
    for key, field in tool.input_model.model_fields.items():
        for bound in field.metadata:
            for attribute, keyword in _BOUNDS.items():
                value = getattr(bound, attribute, None)
                if value is not None and properties[key].get("type") in ("integer", "number"):
                    properties[key][keyword] = value
    return {**schema, "properties": properties}


@pytest.mark.slow
@pytest.mark.parametrize("spec", default_registry().specs(), ids=lambda spec: spec["name"])
def test_every_tool_answers_any_schema_valid_call_without_raising(spec: dict[str, Any]) -> None:
    validator = Draft202012Validator(
        spec["input_schema"], format_checker=Draft202012Validator.FORMAT_CHECKER
    )
    schema = _with_code_ranges(spec["name"], spec["input_schema"])
    outcomes: list[bool] = []

    @settings(
        max_examples=40,
        deadline=None,
        derandomize=True,
        suppress_health_check=[HealthCheck.too_slow],
        database=None,
    )
    @given(arguments=_strategy(schema, schema.get("$defs", {})))
    def call(arguments: dict[str, Any]) -> None:
        assert validator.is_valid(arguments), arguments
        with _scratch_seed(_SERIES if spec["name"] == "export_plan" else "") as root:
            result = dispatch(spec["name"], arguments, root=root)
            assert isinstance(result, ToolResult)
            if result.ok:
                assert result.data and result.markdown.strip()
            else:
                assert result.error and "\n" not in result.error
            if spec["name"] == "adjust_plan" and (root / "rollout.yaml").exists():
                assert result.ok, "a refused change must not write rollout.yaml"
                load_policy(root)  # what was written loads again
        outcomes.append(result.ok)

    call()
    print(f"\n{spec['name']}: {sum(outcomes)} of {len(outcomes)} generated calls answered")
    if spec["name"] in NEEDS_OBSERVED_DATA:
        return  # random file names never name a counts file; tests/test_gate_*.py judge real ones
    # A random quote is never in the file, so record_fact refuses every generated call (each
    # refusal is a one-line error, checked above); its accepted calls are tested in test_facts.
    if spec["name"] != "record_fact":
        assert any(outcomes), "no generated call got past validation: the generator is too loose"


# The schemas leave `additionalProperties: false` out (budget); every tool still refuses.
@pytest.mark.parametrize("tool", ALL_TOOLS)
def test_an_unknown_argument_is_an_error_naming_it(tmp_path: Path, tool: str) -> None:
    result = dispatch(tool, {"context": ".", "colour": "blue"}, root=tmp_path)

    assert not result.ok
    assert result.error is not None and "colour" in result.error


@pytest.mark.parametrize(
    ("tool", "arguments", "field"),
    [
        ("assess_risk", {"start": "next tuesday"}, "start"),
        ("design_stages", {"start": "1999-12-01"}, "start"),
        ("render_plan", {"output": "../escape.md"}, "output"),
        ("render_plan", {"output": "plan.txt"}, "output"),
        ("render_plan", {"output": "feature-description.md"}, "output"),
        ("stage_duration", {"traffic_percent": 0}, "traffic_percent"),
        ("stage_duration", {"traffic_percent": 2, "multiplier": "two"}, "multiplier"),
        ("adjust_plan", {"stage": 0, "duration_hours": 5}, "stage"),
        ("adjust_plan", {"channels": {"marketing": "#m"}}, "channels"),
        ("adjust_plan", {"freezes": [{"name": "x", "start": "2026-12-24", "end": "2026-12-20"}]},
         "freezes"),
    ],
)  # fmt: skip
def test_invalid_input_is_an_error_naming_the_field(
    seed_dir: Path, tool: str, arguments: dict[str, Any], field: str
) -> None:
    before = _files(seed_dir)

    result = dispatch(tool, arguments, root=seed_dir)

    assert not result.ok
    assert result.error is not None and field in result.error
    assert _files(seed_dir) == before


# --------------------------------------------------------------------------- seed numbers


def test_section_tools_answer_the_seed_with_its_expected_numbers(seed_dir: Path) -> None:
    risk = _call(seed_dir, "assess_risk", start=START)
    criteria = _call(seed_dir, "define_criteria", start=START)
    monitoring = _call(seed_dir, "plan_monitoring", start=START)
    comms = _call(seed_dir, "plan_communication", start=START)

    levels = {f["name"]: f["level"] for f in risk.data["risk"]["factors"]}
    assert risk.data["risk"]["overall"] == "HIGH" and risk.data["risk"]["strategy"] == "canary"
    for factor in ("user_impact", "revenue_impact", "system_criticality", "reversibility"):
        assert levels[factor] == "HIGH"
    # Oracles from the seed: 2 x 0.8% = 1.6%, 890 ms x 1.1 = 979 ms, 0.8% + 0.2 points = 1%.
    auto = {t["metric"]: t["value"] for t in criteria.data["criteria"]["auto_rollback"]}
    success = {t["metric"]: t["value"] for t in criteria.data["criteria"]["success"]}
    assert auto["error_rate"] == pytest.approx(0.016)
    assert auto["p95_latency_ms"] == pytest.approx(1780)
    assert success["error_rate"] == pytest.approx(0.01)
    assert success["p95_latency_ms"] == pytest.approx(979)
    assert "1.6%" in criteria.markdown and "979 ms" in criteria.markdown
    alerts = monitoring.data["monitoring"]["alerts"]
    assert {a["severity"] for a in alerts} == {"WARNING", "CRITICAL"}
    assert {a["role"] for a in comms.data["communication"]["stakeholders"]} >= {
        "Engineering",
        "Support",
        "Product",
        "Leadership",
    }
    # The model reads numbers, not evidence lists: those stay in the Markdown.
    assert "evidence" not in json.dumps(risk.data)


def test_read_context_lists_the_facts_with_values_only(seed_dir: Path) -> None:
    result = _call(seed_dir, "read_context")

    assert result.ok
    assert result.data["baseline"]["error_rate"] == pytest.approx(0.008)
    assert result.data["baseline"]["daily_transactions"] == pytest.approx(15_000)
    assert result.data["feature"]["flag"] == "payment_pipeline_v2"
    assert str(seed_dir) not in json.dumps(result.data)
    assert "baseline-metrics.md" in result.markdown


def test_stage_duration_answers_the_two_percent_what_if(seed_dir: Path) -> None:
    result = _call(seed_dir, "stage_duration", traffic_percent=2, multiplier=2)

    data = result.data
    assert result.ok, result.error
    # statistics.md: about 993 by the normal approximation, 1,131 exact (first reaching 80%).
    assert data["normal_approximation"] in (993, 994)
    assert data["exact_transactions_needed"] == 1131
    # The answer sizes with the count from which exact power stays at 80% or more.
    needed = data["transactions_needed"]
    assert needed >= 1131
    assert all(stats.exact_power(n, 0.008, 0.016) >= 0.8 for n in range(needed, needed + 1000))
    assert data["rollback_at_errors"] == stats.critical_errors(needed, 0.008)
    # 2% of 15,000 a day is 300 a day.
    assert data["hours"] == pytest.approx(24 * data["transactions_needed"] / 300, abs=0.01)
    assert data["days"] == pytest.approx(data["hours"] / 24, abs=0.01)
    assert data["target_error_rate"] == pytest.approx(0.016)
    assert 0.015 < data["detectable_error_rate"] <= 0.016
    assert 0.8 <= data["power_at_target"] < 0.85
    assert "sqrt(p0(1-p0))" in data["formula"]
    assert "baseline-metrics.md line 10" in result.markdown
    assert not (seed_dir / "rollout.yaml").exists()


def test_stage_duration_takes_a_planned_stage_and_a_target_rate(seed_dir: Path) -> None:
    by_stage = _call(seed_dir, "stage_duration", stage=1, target_error_rate=0.04)
    override = _call(seed_dir, "stage_duration", stage=3, traffic_percent=2)

    # statistics.md: at 150 transactions (one day at 1%) the exact test catches 4% with 85%,
    # so fewer than 150 suffice at the policy's alpha; the planned smoke stage sees two days.
    assert by_stage.ok, by_stage.error
    assert by_stage.data["traffic_percent"] == 1
    assert by_stage.data["planned"]["expected_transactions"] == 300
    assert by_stage.data["transactions_needed"] < 150
    assert override.data["traffic_percent"] == 2 and override.data["stage"] == 3
    assert "stage 3 at 2%" in override.markdown


@pytest.mark.parametrize(
    ("arguments", "field"),
    [
        ({}, "traffic_percent"),
        ({"stage": 9}, "stage"),
        ({"traffic_percent": 2, "target_error_rate": 0.005}, "target_error_rate"),
        ({"traffic_percent": 2, "multiplier": 2, "target_error_rate": 0.02}, "target_error_rate"),
        ({"traffic_percent": 2, "baseline_error_rate": 0.4, "multiplier": 3}, "multiplier"),
    ],
)
def test_stage_duration_refuses_questions_it_cannot_answer(
    seed_dir: Path, arguments: dict[str, Any], field: str
) -> None:
    result = dispatch("stage_duration", arguments, root=seed_dir)

    assert not result.ok
    assert result.error is not None and result.error.startswith(field)


def test_stage_duration_works_from_given_figures_without_documents(tmp_path: Path) -> None:
    result = _call(
        tmp_path, "stage_duration", traffic_percent=50, baseline_error_rate=0.008,
        daily_transactions=15000,
    )  # fmt: skip

    # statistics.md: 50% of 15,000 is 7,500 a day, so 1,000 transactions take 3.2 hours;
    # the exact count needed is somewhat above 1,000, so a little longer.
    assert result.ok, result.error
    needed = result.data["transactions_needed"]
    assert result.data["hours"] == pytest.approx(24 * needed / 7500, abs=0.01)
    assert 3.2 < result.data["hours"] < 4.5
    assert "given" in result.markdown


# --------------------------------------------------------------------------- render_plan


def test_render_plan_writes_the_document_into_the_context_folder(seed_dir: Path) -> None:
    result = _call(seed_dir.parent, "render_plan", context=seed_dir.name, start=START)

    path = seed_dir / "rollout-plan.md"
    assert result.ok, result.error
    assert result.data["path"] == f"{seed_dir.name}/rollout-plan.md"
    document = path.read_text()
    for heading in ("Executive summary", "Rollback procedure", "Stage gate checklist"):
        assert heading in document
    assert result.data["lines"] == document.count("\n")
    assert result.data["status"] and "\n" not in result.data["status"]
    # The model gets where it went and the half page to read first, not the whole file.
    assert f"Saved `{seed_dir.name}/rollout-plan.md`" in result.markdown
    assert "Executive summary" in result.markdown
    assert "Stage gate checklist" not in result.markdown
    assert len(result.markdown) < len(document) / 3


def test_render_plan_will_not_write_through_a_symlink(seed_dir: Path, tmp_path: Path) -> None:
    outside = tmp_path / "elsewhere.md"
    outside.write_text("keep me")
    (seed_dir / "linked.md").symlink_to(outside)

    result = _call(seed_dir, "render_plan", output="linked.md")

    assert not result.ok and "output" in (result.error or "")
    assert outside.read_text() == "keep me"


# --------------------------------------------------------------------------- adjust_plan


def test_adjust_plan_merges_into_rollout_yaml_and_returns_the_new_stages(seed_dir: Path) -> None:
    config = seed_dir / "rollout.yaml"
    config.write_text("timezone: America/New_York\nstages:\n  - {stage: 3, traffic_percent: 12}\n")

    result = _call(seed_dir, "adjust_plan", stage=2, duration_days=5, start=START)

    saved = yaml.safe_load(config.read_text())
    assert result.ok, result.error
    assert saved["timezone"] == "America/New_York"
    assert saved["start"] == date(2026, 12, 1)
    assert {"stage": 2, "duration_hours": 120} in saved["stages"]
    assert {"stage": 3, "traffic_percent": 12} in saved["stages"]
    stages = {s["number"]: s for s in result.data["stages"]}
    assert stages[2]["duration_hours"] == 120
    assert stages[3]["traffic_percent"] == 12
    assert "| 2 | 5% | Thu 2026-12-03 09:00 EST | 5 days |" in result.markdown
    assert result.markdown.startswith("Saved to `rollout.yaml`")


def test_adjust_plan_records_channels_freezes_strategy_and_on_call(seed_dir: Path) -> None:
    channel = _call(seed_dir, "adjust_plan", channels={"engineering": "Slack #payments-eng"})
    freeze = _call(
        seed_dir,
        "adjust_plan",
        start=START,
        freezes=[{"name": "Holiday freeze", "start": "2026-12-21", "end": "2027-01-04"}],
    )
    on_call = _call(seed_dir, "adjust_plan", on_call_rotation="payments-oncall")
    strategy = _call(seed_dir, "adjust_plan", strategy="progressive")

    saved = yaml.safe_load((seed_dir / "rollout.yaml").read_text())
    assert all(r.ok for r in (channel, freeze, on_call, strategy))
    assert saved["communication"] == {"channels": {"engineering": "Slack #payments-eng"}}
    assert saved["freezes"] == [
        {"name": "Holiday freeze", "start": date(2026, 12, 21), "end": date(2027, 1, 4)}
    ]
    assert saved["on_call"] == {"rotation": "payments-oncall"}
    assert saved["strategy"] == "progressive"
    assert "Slack #payments-eng" in channel.markdown
    assert any("Holiday freeze" in f for f in freeze.data["schedule"]["freezes"])
    # No gate inside the freeze: 21 Dec 00:00 to 5 Jan 00:00.
    for stage in freeze.data["stages"]:
        assert not "2026-12-21" <= stage["end"][:10] <= "2027-01-04"
    assert "payments-oncall" in on_call.markdown
    assert len(strategy.data["stages"]) == 4


def test_adjust_plan_validates_before_it_writes(seed_dir: Path) -> None:
    config = seed_dir / "rollout.yaml"
    first = _call(seed_dir, "adjust_plan", stage=2, duration_hours=72)
    kept = config.read_bytes()

    # Stage 3 at 2% would go below stage 2's 5%: the ramp must climb.
    climbing = _call(seed_dir, "adjust_plan", stage=3, traffic_percent=2)
    missing = _call(seed_dir, "adjust_plan", stage=9, duration_hours=24)
    nothing = _call(seed_dir, "adjust_plan")
    both = _call(seed_dir, "adjust_plan", stage=2, duration_hours=5, duration_days=1)

    assert first.ok
    for refused, word in ((climbing, "increase"), (missing, "stage 9"), (nothing, "nothing"),
                          (both, "duration_days")):  # fmt: skip
        assert not refused.ok and word in (refused.error or ""), refused.error
    assert config.read_bytes() == kept


def test_adjust_plan_reports_a_settings_file_it_cannot_merge(seed_dir: Path) -> None:
    (seed_dir / "rollout.yaml").write_text("stages: not-a-list\n")

    result = _call(seed_dir, "adjust_plan", stage=2, duration_hours=72)

    assert not result.ok and "stages" in (result.error or "")
    assert (seed_dir / "rollout.yaml").read_text() == "stages: not-a-list\n"


# --------------------------------------------------------------------------- security


@pytest.mark.parametrize("escape", ["../..", "..", "sub/../../..", "/etc", "OUTSIDE"])
@pytest.mark.parametrize("tool", TOOL_NAMES)
def test_a_context_outside_the_served_folder_is_refused(
    seed_dir: Path, tmp_path_factory: pytest.TempPathFactory, tool: str, escape: str
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    for name in ("feature-description.md", "baseline-metrics.md"):
        shutil.copy(seed_dir / name, outside / name)
    before = _files(outside)
    context = str(outside) if escape == "OUTSIDE" else escape
    arguments: dict[str, Any] = {"context": context}
    if tool == "adjust_plan":
        arguments.update(stage=2, duration_hours=72)
    if tool == "stage_duration":
        arguments["traffic_percent"] = 2
    if tool == "record_fact":
        arguments.update(
            metric="error_rate",
            value=0.8,
            unit="%",
            file="baseline-metrics.md",
            quote="Error rate: 0.8%",
        )

    result = dispatch(tool, arguments, root=seed_dir)

    assert not result.ok
    assert "outside the folder this tool serves" in (result.error or "")
    assert _files(outside) == before


def test_adjust_plan_writes_nothing_but_rollout_yaml(seed_dir: Path, tmp_path: Path) -> None:
    served = seed_dir.parent
    # rollout.yaml and the advisory lock beside it that serialises its writers.
    written = ("rollout.yaml", ".rollout.yaml.lock")
    before = {p: b for p, b in _files(served).items() if not p.endswith(written)}
    attempts: list[dict[str, Any]] = [
        {"context": seed_dir.name, "stage": 2, "duration_hours": 72},
        {"context": f"{seed_dir.name}/rollout.yaml", "stage": 2, "duration_hours": 72},
        {"context": seed_dir.name, "freezes": [{"name": "../../../etc/passwd",
                                                "start": "2026-12-21", "end": "2026-12-22"}]},
        {"context": seed_dir.name, "channels": {"engineering": "../../escape.md"}},
        {"context": seed_dir.name, "output": "hack.md"},
    ]  # fmt: skip

    results = [dispatch("adjust_plan", a, root=served) for a in attempts]

    assert [r.ok for r in results] == [True, False, True, True, False]
    after = _files(served)
    assert {p: b for p, b in after.items() if not p.endswith(written)} == before
    assert [p for p in after if p.endswith("rollout.yaml")] == [f"{seed_dir.name}/rollout.yaml"]
    assert not list(tmp_path.parent.glob("escape.md"))


def test_adjust_plan_will_not_follow_a_symlinked_rollout_yaml(
    seed_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    target = tmp_path_factory.mktemp("elsewhere") / "settings.yaml"
    target.write_text("strategy: canary\n")
    (seed_dir / "rollout.yaml").symlink_to(target)

    result = _call(seed_dir, "adjust_plan", stage=2, duration_hours=72)

    assert not result.ok and "rollout.yaml" in (result.error or "")
    assert target.read_text() == "strategy: canary\n"
    assert (seed_dir / "rollout.yaml").is_symlink()


def test_a_symlinked_context_folder_pointing_outside_is_refused(
    seed_dir: Path, tmp_path_factory: pytest.TempPathFactory
) -> None:
    outside = tmp_path_factory.mktemp("outside")
    for name in ("feature-description.md", "baseline-metrics.md"):
        shutil.copy(seed_dir / name, outside / name)
    (seed_dir / "linked").symlink_to(outside, target_is_directory=True)

    result = _call(seed_dir, "adjust_plan", context="linked", stage=2, duration_hours=72)

    assert not result.ok and "outside" in (result.error or "")
    assert not (outside / "rollout.yaml").exists()


def test_a_nul_byte_in_a_path_is_an_error_not_a_crash(seed_dir: Path) -> None:
    result = _call(seed_dir, "assess_risk", context="a\x00b")

    assert not result.ok and "context" in (result.error or "")


def test_errors_name_files_relative_to_the_served_folder(seed_dir: Path) -> None:
    (seed_dir / "baseline-metrics.md").unlink()

    result = _call(seed_dir.parent, "assess_risk", context=seed_dir.name)

    assert not result.ok
    assert result.error == f"{seed_dir.name}/baseline-metrics.md: file not found"
    assert str(seed_dir.parent) not in (result.error or "")


def test_adjust_plan_keeps_the_teams_comments_and_key_order(seed_dir: Path) -> None:
    settings = seed_dir / "rollout.yaml"
    settings.write_text(
        "# Payments team settings: reviewed by the platform group.\n"
        "timezone: America/New_York  # our gate hours are New York's\n"
        "freezes:\n"
        "  - {name: Holiday freeze, start: 2026-12-21, end: 2027-01-04}\n"
        "on_call:\n"
        "  rotation: payments-primary  # PagerDuty schedule\n",
        encoding="utf-8",
    )

    result = dispatch(
        "adjust_plan", {"stage": 2, "duration_days": 5}, root=seed_dir, today=date(2026, 12, 1)
    )

    assert result.ok, result.error
    text = settings.read_text(encoding="utf-8")
    assert text.startswith("# Payments team settings: reviewed by the platform group.\n")
    assert "timezone: America/New_York  # our gate hours are New York's\n" in text
    assert "rotation: payments-primary  # PagerDuty schedule\n" in text
    keys = [line.split(":")[0] for line in text.splitlines() if line and line[0].isalpha()]
    assert keys == ["timezone", "freezes", "on_call", "stages"]
    assert load_policy(seed_dir).stages[0].duration_hours == 120
    assert "Comments" not in result.markdown
