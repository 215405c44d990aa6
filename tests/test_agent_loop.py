"""The agent loop with a scripted model: arguments, bounds, trace, prompt size, refusals."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

import pytest
import yaml

from rollout_manager.agent.loop import Conversation, system_prompt
from rollout_manager.agent.protocol import Message, ModelTurn
from rollout_manager.errors import InputError
from rollout_manager.frontdoors import cli_agent as agent
from rollout_manager.frontdoors.cli_agent import run_ask_command
from rollout_manager.tools.catalog import default_registry
from rollout_manager.tools.inputs import SectionInput
from rollout_manager.tools.registry import Registry, Tool, ToolEnv, ToolResult

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

# Eleven tools (record_fact, simulate_rollout) and the data-not-instructions rule; was 12,000.
PROMPT_BUDGET = 13_000


class ScriptedModel:
    """Plays the model turn by turn (pydantic-ai's FunctionModel, in spirit)."""

    def __init__(self, *turns: ModelTurn, registry: Registry | None = None) -> None:
        self.turns = list(turns)
        self.seen: list[list[Message]] = []
        self.specs = (registry or default_registry()).specs()

    @property
    def name(self) -> str:
        """Name the stand-in in traces."""
        return "scripted"

    def create(
        self, *, system: str, messages: Sequence[Message], tools: Sequence[dict[str, Any]]
    ) -> ModelTurn:
        """Check the prompt and tools the loop sends, then play the next turn."""
        assert system == system_prompt() and tools == self.specs
        self.seen.append([dict(m) for m in messages])
        return self.turns.pop(0)


def _use(name: str, arguments: Any, number: int = 1) -> dict[str, Any]:
    return {"type": "tool_use", "id": f"toolu_{number:02d}", "name": name, "input": arguments}


def _tools_turn(*uses: dict[str, Any], tokens: int = 10) -> ModelTurn:
    return ModelTurn(list(uses), "tool_use", {"input_tokens": tokens, "output_tokens": 5})


def _answer(text: str) -> ModelTurn:
    return ModelTurn([{"type": "text", "text": text}], "end_turn", {"input_tokens": 7})


def _results(model: ScriptedModel, turn: int) -> list[dict[str, Any]]:
    content = model.seen[turn][-1]["content"]
    assert isinstance(content, list)
    return content


def _args(folder: Path, **options: Any) -> argparse.Namespace:
    values = {"context": folder, "config": None, "start": None, "offline": True, "model": None,
              "trace": None, "prompt": "x"}  # fmt: skip
    values.update(options)
    return argparse.Namespace(**values)


def test_system_prompt_and_tool_definitions_fit_the_budget() -> None:
    size = len(system_prompt()) + len(json.dumps(default_registry().specs()))

    tools = len(json.dumps(default_registry().specs()))
    print(f"\nsystem prompt {len(system_prompt()):,} + tool definitions {tools:,} = {size:,} "
          f"characters (budget {PROMPT_BUDGET:,})")  # fmt: skip
    assert size < PROMPT_BUDGET


def test_the_system_prompt_states_the_rules_and_types_no_plan_number() -> None:
    prompt = system_prompt()

    assert "Numbers come from tools" in prompt
    assert "feature-description.md" in prompt and "rollout.yaml" in prompt
    assert "adjust_plan" in prompt and "stage_duration" in prompt and "render_plan" in prompt
    for plan_number in ("0.8%", "1.6%", "979", "15,000", "2026-12-01"):
        assert plan_number not in prompt
    assert "{{" not in prompt and "{%" not in prompt


def test_the_start_option_fills_planning_tools_but_never_a_change(seed_dir: Path) -> None:
    model = ScriptedModel(
        _tools_turn(_use("design_stages", {}), _use("adjust_plan", {"stage": 2,
                    "duration_hours": 72}, 2), _use("design_stages", {"start": "2026-12-08"}, 3)),
        _answer("done"),
    )  # fmt: skip
    defaults = agent._defaults(_args(seed_dir, start="2026-12-01"))  # noqa: SLF001 - its one rule

    outcome = Conversation(
        model, registry=default_registry(), root=seed_dir, defaults=defaults
    ).ask("plan")

    stages, change, later = _results(model, 1)
    assert outcome.answer == "done" and outcome.tool_errors == []
    assert "6 stages from Tue 2026-12-01 09:00 EST" in stages["content"]
    assert "start" not in yaml.safe_load((seed_dir / "rollout.yaml").read_text())
    assert change["is_error"] is False
    # The model's own start wins over the option.
    assert "6 stages from Tue 2026-12-08 09:00 EST" in later["content"]


def test_a_failing_tool_is_reported_and_the_conversation_goes_on(seed_dir: Path) -> None:
    def broken(_args: Any, _env: ToolEnv) -> ToolResult:
        raise ZeroDivisionError("a bug")

    builtin = default_registry()
    sections = builtin.get("design_stages")
    assert sections is not None
    registry = Registry([Tool("assess_risk", "Has a bug.", SectionInput, broken), sections])
    model = ScriptedModel(
        _tools_turn(_use("assess_risk", {}), _use("design_stages", "not an object", 2)),
        _answer("Sorry."),
        registry=registry,
    )
    conversation = Conversation(model, registry=registry, root=seed_dir)

    outcome = conversation.ask("risk")

    first, second = _results(model, 1)
    assert first["is_error"] and "internal error in tool 'assess_risk'" in first["content"]
    assert second["is_error"] and "must be a JSON object" in second["content"]
    assert outcome.answer == "Sorry."
    assert len(outcome.tool_errors) == 2


def test_the_token_bound_stops_a_runaway_request(seed_dir: Path) -> None:
    model = ScriptedModel(*(_tools_turn(_use("read_context", {}, n), tokens=60) for n in range(9)))

    outcome = Conversation(
        model, registry=default_registry(), root=seed_dir, max_total_tokens=150
    ).ask("read")

    assert outcome.stop_reason == "token_limit"
    assert len(model.seen) == 3  # 65 + 65 + 65 tokens passes 150 after the third turn


def test_the_trace_records_turns_calls_and_usage(seed_dir: Path) -> None:
    model = ScriptedModel(
        _tools_turn(_use("define_criteria", {"context": "."}), tokens=100), _answer("ok")
    )
    conversation = Conversation(model, registry=default_registry(), root=seed_dir)

    conversation.ask("criteria")
    trace = conversation.trace.as_json()

    [exchange] = trace["exchanges"]
    assert trace["model"] == "scripted"
    assert trace["usage_total"] == {"input_tokens": 107, "output_tokens": 5}
    assert [t["tool_uses"] for t in exchange["turns"]] == [["define_criteria"], []]
    [call] = exchange["tool_calls"]
    assert call["name"] == "define_criteria" and call["input"] == {"context": "."}
    assert call["ok"] is True and call["error"] is None and call["duration_ms"] >= 0
    auto = {t["metric"]: t["value"] for t in call["data"]["criteria"]["auto_rollback"]}
    assert auto["error_rate"] == pytest.approx(0.016)
    assert (exchange["answer"], exchange["stop_reason"]) == ("ok", "end_turn")


def test_bad_options_fail_before_any_model_call(seed_dir: Path, tmp_path: Path) -> None:
    model = ScriptedModel()

    with pytest.raises(InputError, match="--config"):
        run_ask_command(_args(seed_dir, config=tmp_path / "other.yaml"), client=model)
    with pytest.raises(InputError, match="trace"):
        run_ask_command(_args(seed_dir, trace=tmp_path / "no" / "t.json"), client=model)
    with pytest.raises(InputError, match="--start"):
        run_ask_command(_args(seed_dir, start="soon"), client=model)
    with pytest.raises(InputError, match="context folder not found"):
        run_ask_command(_args(tmp_path / "missing"), client=model)
    assert model.seen == []


def test_the_default_config_path_is_accepted(
    seed_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    model = ScriptedModel(_answer("fine"))

    status = run_ask_command(_args(seed_dir, config=seed_dir / "rollout.yaml"), client=model)

    assert status == 0 and capsys.readouterr().out == "fine\n"
