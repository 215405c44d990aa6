"""`rollout ask` with Claude: the six seed prompts from cassettes, and every failure path.

The cassettes in `tests/cassettes/test_agent_claude/` are synthetic (see the
header of each file and `tests/cassettes/synthesize.py`): they test our loop,
not the model. So each test also checks, in the trace, that the tool results
the model saw carry the seed's numbers (1.6%, 979 ms, ...), and that every
number in the final answer appears in those results.

Failure paths use an `httpx2.MockTransport` in place of the network.
"""

from __future__ import annotations

import argparse
import json
import os
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2
import pytest
import yaml

from rollout_manager.agent.claude_client import ClaudeClient
from rollout_manager.agent.protocol import DEFAULT_MODEL
from rollout_manager.frontdoors.cli_agent import run_ask_command, run_chat_command
from rollout_manager.planning.policy import load_policy
from rollout_manager.tools.catalog import default_registry
from tests.conftest import SEED_PROMPTS

CASSETTES = Path(__file__).resolve().parent / "cassettes" / "test_agent_claude"
SECRET_HEADERS = ("authorization", "x-api-key", "anthropic-organization-id", "request-id")
START = "2026-12-01"

Handler = Callable[[httpx2.Request], httpx2.Response]


def _scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in SECRET_HEADERS:
            del headers[name]
    return response


@pytest.fixture
def vcr_config() -> dict[str, Any]:
    """Keys and account ids never reach a cassette; requests replay in order."""
    return {
        "filter_headers": list(SECRET_HEADERS),
        "before_record_response": _scrub_response,
        # Request bodies carry our own tool output, which moves with the planner: match in order.
        "match_on": ["method", "path"],
        "allow_playback_repeats": False,
        "decode_compressed_response": True,
    }


@pytest.fixture
def default_cassette_name(request: pytest.FixtureRequest) -> str:
    """`test_seed_prompt_through_claude-risk` and so on: one cassette per seed prompt."""
    return f"{request.node.originalname}-{request.node.callspec.params['case']}"


def _args(folder: Path, prompt: str, **options: Any) -> argparse.Namespace:
    values = {"context": folder, "config": None, "start": START, "offline": False,
              "model": DEFAULT_MODEL, "trace": None, "prompt": prompt}  # fmt: skip
    values.update(options)
    return argparse.Namespace(**values)


def _claude(handler: Handler | None = None) -> ClaudeClient:
    """Claude with no retries; through `handler` when given, else through the (recorded) network."""
    http_client = httpx2.Client(transport=httpx2.MockTransport(handler)) if handler else None
    return ClaudeClient(
        model=DEFAULT_MODEL,
        api_key=os.environ.get("ANTHROPIC_API_KEY", "synthetic-not-a-key"),
        max_retries=0,
        http_client=http_client,
    )


def _numbers(text: str) -> set[str]:
    return set(re.findall(r"\d+(?:[.,]\d+)*", text))


def _tool_results(body: dict[str, Any]) -> list[dict[str, Any]]:
    return [
        block
        for message in body["messages"]
        if isinstance(message["content"], list)
        for block in message["content"]
        if block.get("type") == "tool_result"
    ]


# --------------------------------------------------------------------------- seed checks


def _check_risk(data: dict[str, dict[str, Any]], answer: str) -> None:
    risk = data["assess_risk"]["risk"]
    levels = {factor["name"]: factor["level"] for factor in risk["factors"]}
    assert (risk["overall"], risk["strategy"]) == ("HIGH", "canary")
    for name in ("user_impact", "revenue_impact", "system_criticality", "reversibility"):
        assert levels[name] == "HIGH", name
    assert data["read_context"]["baseline"]["error_rate"] == pytest.approx(0.008)
    assert "**Overall: HIGH**" in answer and "canary" in answer
    assert "| Reversibility | HIGH |" in answer


def _check_stages(data: dict[str, dict[str, Any]], answer: str) -> None:
    stages = data["design_stages"]["stages"]
    assert [s["traffic_percent"] for s in stages] == [1, 5, 10, 25, 50, 100]
    assert stages[0]["audience"].startswith("Internal")
    # 1% of 15,000 transactions a day (statistics.md) for the stage's two days.
    assert stages[0]["duration_hours"] == 48
    assert stages[0]["expected_transactions"] == 150 * 2
    assert stages[0]["start"] == "2026-12-01T09:00:00-05:00"  # --start, at the gate hour
    assert "| 1 | 1% |" in answer and "| 6 | 100% |" in answer and "979 ms" in answer


def _check_criteria(data: dict[str, dict[str, Any]], answer: str) -> None:
    criteria = data["define_criteria"]["criteria"]
    auto = {t["metric"]: t["value"] for t in criteria["auto_rollback"]}
    success = {t["metric"]: t["value"] for t in criteria["success"]}
    assert auto["error_rate"] == pytest.approx(0.016)  # 2 x 0.8%
    assert auto["p95_latency_ms"] == pytest.approx(1780)  # 2 x 890 ms
    assert auto["revenue_vs_control"] == pytest.approx(-0.05)
    assert success["error_rate"] == pytest.approx(0.01)  # 0.8% + 0.2 points
    assert success["p95_latency_ms"] == pytest.approx(979)  # 890 ms + 10%
    assert len(data["design_stages"]["stages"]) >= 5
    for expected in ("Error rate > 1.6%", "P95 latency <= 979 ms", "1.78 s", "Revenue drop > 5%"):
        assert expected in answer, expected


def _check_monitoring(data: dict[str, dict[str, Any]], answer: str) -> None:
    monitoring = data["plan_monitoring"]["monitoring"]
    alerts = {(a["severity"], a["metric"]): a["value"] for a in monitoring["alerts"]}
    assert alerts[("WARNING", "error_rate")] == pytest.approx(0.01)
    assert alerts[("CRITICAL", "error_rate")] == pytest.approx(0.016)
    assert alerts[("CRITICAL", "revenue_vs_control")] == pytest.approx(-0.05)
    assert {m["kind"] for m in monitoring["metrics"]} == {"technical", "business"}
    assert "| CRITICAL | error rate > 1.6% for 5 min |" in answer


def _check_comms(data: dict[str, dict[str, Any]], answer: str) -> None:
    people = {s["role"]: s for s in data["plan_communication"]["communication"]["stakeholders"]}
    assert {"Engineering", "Support", "Product", "Leadership"} <= set(people)
    assert people["Engineering"]["channel"] == "Slack #platform"
    templates = {t["name"] for t in data["plan_communication"]["communication"]["templates"]}
    assert templates == {"pre_rollout", "stage_advancement", "rollback", "completion"}
    assert "| Engineering |" in answer and "Slack #platform" in answer


def _check_document(data: dict[str, dict[str, Any]], answer: str) -> None:
    assert data["render_plan"]["path"] == "rollout-plan.md"
    assert data["render_plan"]["overall"] == "HIGH" and data["render_plan"]["stages"] >= 5
    assert "`rollout-plan.md`" in answer


def _check_document_file(folder: Path) -> None:
    document = (folder / "rollout-plan.md").read_text()
    for heading in ("## Executive summary", "## Stage gate checklist", "## Rollback procedure"):
        assert heading in document
    assert "1.6%" in document and "979 ms" in document


SEED_CHECKS = {
    "risk": (["read_context", "assess_risk"], _check_risk),
    "stages": (["design_stages"], _check_stages),
    "criteria": (["define_criteria", "design_stages"], _check_criteria),
    "monitoring": (["plan_monitoring"], _check_monitoring),
    "comms": (["plan_communication"], _check_comms),
    "document": (["render_plan"], _check_document),
}


@pytest.mark.vcr
@pytest.mark.parametrize("case", SEED_PROMPTS)
def test_seed_prompt_through_claude(
    case: str,
    seed_dir: Path,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    vcr: Any,
) -> None:
    trace_file = tmp_path / "trace.json"

    status = run_ask_command(
        _args(seed_dir, SEED_PROMPTS[case], trace=trace_file), client=_claude()
    )

    out, err = capsys.readouterr()
    assert status == 0, err
    assert err == ""
    assert vcr.all_played and vcr.play_count == len(vcr.responses)
    trace = json.loads(trace_file.read_text())
    exchange = trace["exchanges"][0]
    calls = exchange["tool_calls"]
    expected_tools, check = SEED_CHECKS[case]
    assert [call["name"] for call in calls] == expected_tools
    assert all(call["ok"] and call["error"] is None for call in calls)
    assert all(call["duration_ms"] >= 0 and call["input"] == {} for call in calls)
    check({call["name"]: call["data"] for call in calls}, out)
    if case == "document":
        _check_document_file(seed_dir)
    # The answer is the model's last text, and all that reaches stdout.
    assert out == exchange["answer"] + "\n"
    assert exchange["stop_reason"] == "end_turn"
    assert len(exchange["turns"]) == len(vcr.responses)
    assert trace["model"] == DEFAULT_MODEL
    assert trace["usage_total"]["cache_read_input_tokens"] > 0

    requests = [json.loads(request.body) for request in vcr.requests]
    first = requests[0]
    assert first["model"] == DEFAULT_MODEL
    assert first["system"][0]["cache_control"] == {"type": "ephemeral"}
    assert first["tools"][-1]["cache_control"] == {"type": "ephemeral"}
    assert [tool["name"] for tool in first["tools"]] == list(default_registry())
    assert first["messages"] == [{"role": "user", "content": SEED_PROMPTS[case]}]
    # Each later request answers the previous turn's tool calls, by id, without an error.
    for call, request in zip(calls, requests[1:], strict=False):
        results = _tool_results(request)
        assert call["id"] in {r["tool_use_id"] for r in results}
        assert all(r["is_error"] is False for r in results)
    seen = " ".join(r["content"] for r in _tool_results(requests[-1]))
    assert _numbers(out) <= _numbers(seen), _numbers(out) - _numbers(seen)


def test_cassettes_are_marked_synthetic_and_hold_no_secrets() -> None:
    cassettes = sorted(CASSETTES.glob("*.yaml"))

    assert len(cassettes) == len(SEED_PROMPTS)
    for path in cassettes:
        text = path.read_text()
        if "msg_synthetic_" in text:  # hand-written, not recorded: it must say so up front
            first_line = text.splitlines()[0]
            assert first_line.startswith("# SYNTHETIC: written by hand from the Messages API")
            assert "ANTHROPIC_API_KEY=... pytest --record-mode=rewrite" in first_line
        for secret in ("sk-ant-", "Bearer ", "synthetic-not-a-key"):
            assert secret not in text, f"{path.name} holds {secret!r}"
        for interaction in yaml.safe_load(text)["interactions"]:
            for headers in (interaction["request"]["headers"], interaction["response"]["headers"]):
                assert not {h.lower() for h in headers} & set(SECRET_HEADERS), path.name


# --------------------------------------------------------------------------- failure paths


def _message(content: list[dict[str, Any]], stop_reason: str, number: int = 1) -> httpx2.Response:
    body = {
        "id": f"msg_synthetic_{number:02d}",
        "type": "message",
        "role": "assistant",
        "model": DEFAULT_MODEL,
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": {"input_tokens": 100, "output_tokens": 20},
    }
    return httpx2.Response(200, json=body)


def _error(
    status: int, kind: str, text: str, code: str | None = None, **headers: str
) -> httpx2.Response:
    error: dict[str, Any] = {"type": kind, "message": text}
    if code is not None:
        error["details"] = {"error_code": code}
    body = {"type": "error", "error": error, "request_id": "req_x"}
    return httpx2.Response(status, json=body, headers=headers)


def _use(name: str, arguments: dict[str, Any], number: int = 1) -> dict[str, Any]:
    return {"type": "tool_use", "id": f"toolu_synthetic_{number:02d}", "name": name,
            "input": arguments}  # fmt: skip


class _Script:
    """A transport that answers from a list and keeps each request body it saw."""

    def __init__(self, *answers: httpx2.Response | Exception) -> None:
        self.answers = list(answers)
        self.bodies: list[dict[str, Any]] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        self.bodies.append(json.loads(request.content))
        answer = self.answers.pop(0)
        if isinstance(answer, Exception):
            raise answer
        return answer


def _run(
    folder: Path, script: _Script, prompt: str, capsys: pytest.CaptureFixture[str], **options: Any
) -> tuple[int, str, str]:
    status = run_ask_command(_args(folder, prompt, **options), client=_claude(script))
    out, err = capsys.readouterr()
    return status, out, err


def test_a_rate_limit_after_a_saved_change_keeps_the_change(
    seed_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = _Script(
        _message([_use("adjust_plan", {"stage": 2, "duration_days": 5})], "tool_use"),
        _error(429, "rate_limit_error", "Number of requests has exceeded your rate limit",
               **{"retry-after": "30"}),
    )  # fmt: skip
    trace_file = tmp_path / "trace.json"

    status, out, err = _run(seed_dir, script, "make stage 2 five days", capsys, trace=trace_file)

    assert status == 1
    assert out == ""
    assert err.count("\n") == 1
    assert "rate limited by the Anthropic API (429" in err and "retry after 30 s" in err
    # The change saved before the failure is intact and still loads.
    saved = yaml.safe_load((seed_dir / "rollout.yaml").read_text())
    assert saved == {"stages": [{"stage": 2, "duration_hours": 120}]}
    assert load_policy(seed_dir).stages[0].duration_hours == 120
    exchange = json.loads(trace_file.read_text())["exchanges"][0]
    assert [(c["name"], c["ok"]) for c in exchange["tool_calls"]] == [("adjust_plan", True)]
    assert "429" in exchange["error"]


@pytest.mark.parametrize(
    ("answer", "status", "words"),
    [
        (_error(529, "overloaded_error", "Overloaded"), 1, ["overloaded (529", "--offline"]),
        (_error(429, "rate_limit_error", "Spend limit", "enforced_spend_limit_reached"), 1,
         ["spend limit is reached (429", "retrying will not help"]),
        (_error(401, "authentication_error", "invalid x-api-key"), 2,
         ["rejected the key (401", "ANTHROPIC_API_KEY"]),
        (_error(404, "not_found_error", "model: claude-nope"), 2, ["not found (404", "--model"]),
        (_error(400, "invalid_request_error", "messages: bad"), 2, ["refused the request (400"]),
        (_error(500, "api_error", "Internal server error"), 1, ["failed (500"]),
        (httpx2.ConnectError("Name or service not known"), 1,
         ["cannot reach the Anthropic API (ConnectError)", "--offline"]),
        (httpx2.ReadTimeout("timed out"), 1, ["did not answer in time"]),
    ],
)  # fmt: skip
def test_each_api_failure_is_one_clear_line_and_an_exit_status(
    seed_dir: Path,
    capsys: pytest.CaptureFixture[str],
    answer: httpx2.Response | Exception,
    status: int,
    words: list[str],
) -> None:
    got, out, err = _run(seed_dir, _Script(answer), "How risky is this?", capsys)

    assert got == status
    assert out == ""
    assert err.startswith("rollout: ") and err.count("\n") == 1
    for word in words:
        assert word in err, err
    assert not (seed_dir / "rollout.yaml").exists()


def test_a_malformed_tool_call_goes_back_to_the_model_with_the_details(
    seed_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = _Script(
        _message([_use("design_stages", {"start": "next tuesday", "colour": "blue"})], "tool_use"),
        _message([_use("design_stages", {"start": "2026-12-08"}, 2)], "tool_use", 2),
        _message([{"type": "text", "text": "Stage 1 starts Tue 2026-12-08."}], "end_turn", 3),
    )
    trace_file = tmp_path / "trace.json"

    status, out, err = _run(seed_dir, script, "Stages from next Tuesday", capsys,
                            trace=trace_file)  # fmt: skip

    assert (status, err) == (0, "")
    assert out == "Stage 1 starts Tue 2026-12-08.\n"
    [bad] = _tool_results(script.bodies[1])
    assert bad["tool_use_id"] == "toolu_synthetic_01" and bad["is_error"] is True
    assert "start: 'next tuesday' is not an ISO date" in bad["content"]
    assert "colour: Extra inputs are not permitted" in bad["content"]
    [good] = _tool_results(script.bodies[2])[1:]
    assert good["is_error"] is False and "Tue 2026-12-08 09:00 EST" in good["content"]
    calls = json.loads(trace_file.read_text())["exchanges"][0]["tool_calls"]
    assert [c["ok"] for c in calls] == [False, True]
    assert "colour" in calls[0]["error"]


def test_an_unknown_tool_is_reported_to_the_model(
    seed_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = _Script(
        _message([_use("deploy_to_production", {})], "tool_use"),
        _message([{"type": "text", "text": "That tool does not exist."}], "end_turn", 2),
    )

    status, _, err = _run(seed_dir, script, "Ship it", capsys)

    [result] = _tool_results(script.bodies[1])
    assert result["is_error"] is True and "unknown tool 'deploy_to_production'" in result["content"]
    assert status == 2 and "unknown tool" in err  # every call failed: the request was bad


def test_pause_turn_resumes_and_max_tokens_is_reported(
    seed_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = _Script(
        _message([{"type": "text", "text": "Part one."}], "pause_turn"),
        _message([{"type": "text", "text": "Part two, cut"}], "max_tokens", 2),
    )

    status, out, err = _run(seed_dir, script, "Explain the plan", capsys)

    assert len(script.bodies) == 2
    assert script.bodies[1]["messages"][-1] == {
        "role": "assistant",
        "content": [{"type": "text", "text": "Part one."}],
    }
    assert out == "Part one.\n\nPart two, cut\n"
    assert status == 0 and "output limit" in err


def test_the_loop_stops_after_its_turn_bound(
    seed_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    endless = [_message([_use("read_context", {}, n)], "tool_use", n) for n in range(1, 30)]
    script = _Script(*endless)

    status, out, err = _run(seed_dir, script, "Keep reading", capsys)

    assert len(script.bodies) == 12
    assert status == 1 and "stopped after 12 model turns" in err
    assert out == "\n"


def test_chat_survives_an_overload_and_keeps_a_consistent_history(
    seed_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = _Script(
        _message([{"type": "text", "text": "Hello."}], "end_turn"),
        _error(529, "overloaded_error", "Overloaded"),
        _message([{"type": "text", "text": "Back."}], "end_turn", 3),
    )

    status = run_chat_command(
        _args(seed_dir, ""), client=_claude(script), lines=["hi\n", "again\n", "retry\n"]
    )

    out, err = capsys.readouterr()
    assert status == 1
    assert out == "Hello.\n\nBack.\n\n"
    assert err.count("\n") == 1 and "overloaded (529" in err
    # The failed request left no trace in the history the model sees next.
    assert [m["content"] for m in script.bodies[2]["messages"]] == [
        "hi",
        [{"type": "text", "text": "Hello."}],
        "retry",
    ]


def test_an_authentication_error_ends_the_chat(
    seed_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    script = _Script(_error(401, "authentication_error", "invalid x-api-key"))

    status = run_chat_command(_args(seed_dir, ""), client=_claude(script), lines=["a\n", "b\n"])

    assert status == 2
    assert len(script.bodies) == 1
    assert "ANTHROPIC_API_KEY" in capsys.readouterr().err


def test_the_key_is_sent_as_a_bearer_token_and_never_printed(
    seed_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    seen: list[str] = []

    def handler(request: httpx2.Request) -> httpx2.Response:
        seen.append(request.headers.get("authorization", ""))
        return _error(401, "authentication_error", "invalid x-api-key")

    client = ClaudeClient(
        model=DEFAULT_MODEL, api_key="sk-ant-test-0000", max_retries=0,
        http_client=httpx2.Client(transport=httpx2.MockTransport(handler)),
    )  # fmt: skip

    status = run_ask_command(_args(seed_dir, "risk?"), client=client)

    out, err = capsys.readouterr()
    assert status == 2
    assert seen == ["Bearer sk-ant-test-0000"]
    assert "sk-ant-" not in out + err


def test_the_model_comes_from_the_option_then_the_environment(
    monkeypatch: pytest.MonkeyPatch, seed_dir: Path
) -> None:
    from rollout_manager.frontdoors.cli_agent import make_client

    monkeypatch.setenv("ANTHROPIC_API_KEY", "synthetic-not-a-key")
    monkeypatch.setenv("ROLLOUT_MODEL", "claude-haiku-4-5")

    from_env = make_client(_args(seed_dir, "x", model=None))
    from_option = make_client(_args(seed_dir, "x", model="claude-opus-4-6"))
    monkeypatch.delenv("ROLLOUT_MODEL")
    default = make_client(_args(seed_dir, "x", model=None))
    offline = make_client(_args(seed_dir, "x", offline=True))

    assert (from_env.name, from_option.name, default.name) == (
        "claude-haiku-4-5",
        "claude-opus-4-6",
        "claude-sonnet-4-6",
    )
    assert offline.name == "offline"
    assert DEFAULT_MODEL != "claude-sonnet-4-5"
