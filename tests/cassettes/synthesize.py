"""Write the synthetic cassettes that `tests/test_agent_claude.py` replays.

SYNTHETIC: these machines cannot reach the Anthropic API, so the responses
below are written by hand from the Messages API reference (a `message` with
`id`, `role`, `model`, `content` blocks of type `text` and `tool_use`,
`stop_reason`, `stop_sequence` and `usage` with the prompt-cache counters),
with ids such as `msg_synthetic_01`. The requests in each cassette are the
ones our loop really sends: vcrpy records them while an `httpx2.MockTransport`
answers with the hand-written responses. Each final answer quotes only
numbers the tools returned, as the system prompt asks of the model.

    .venv/bin/python tests/cassettes/synthesize.py

Re-record with a real key instead (replaces the synthetic cassettes):

    ANTHROPIC_API_KEY=... pytest --record-mode=rewrite tests/test_agent_claude.py
"""

from __future__ import annotations

import argparse
import contextlib
import io
import shutil
import sys
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import httpx2
import vcr

from rollout_manager.agent.claude_client import ClaudeClient
from rollout_manager.frontdoors.cli_agent import run_ask_command

if TYPE_CHECKING:
    from collections.abc import Callable

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
SEED_DIR = REPO / "scenarios" / "progressive-rollout"
MODEL = "claude-sonnet-4-6"
START = "2026-12-01"
HEADER = (
    "# SYNTHETIC: written by hand from the Messages API reference, not recorded. Re-record "
    "with a real key: ANTHROPIC_API_KEY=... pytest --record-mode=rewrite "
    "tests/test_agent_claude.py\n"
)
SECRET_HEADERS = ("authorization", "x-api-key", "anthropic-organization-id", "request-id")

Turn = tuple[list[dict[str, Any]], str]

RISK_ANSWER = """\
## Risk assessment

**Overall: HIGH**, score 10 on the scale 0-3 LOW, 4-7 MEDIUM, 8+ HIGH. **Strategy: canary.**

| Factor | Level |
|---|---|
| User impact | HIGH |
| Revenue impact | HIGH |
| System criticality | HIGH |
| Reversibility | HIGH |
| Change complexity | HIGH |
| Timing | HIGH |

- **User impact** is HIGH: the change affects ALL checkout transactions.
- **Revenue impact** is HIGH: it is the direct payment path on the revenue-critical flow.
- **Reversibility** is HIGH, which means easy to undo: the `payment_pipeline_v2` flag returns \
traffic to the legacy processor at once, with no data rollback (dual-write). It lowers the risk.
- **Timing** is HIGH: Black Friday weekend falls within 14 days of the start.

**Recommended strategy: canary**, the slowest and safest: an internal stage first, then a ramp \
sized by statistics, each gate checked against thresholds.
"""

STAGES_ANSWER = """\
## Rollout stages

| Stage | Traffic | Audience |
|---|---|---|
| 1 | 1% | Internal employees (allow-listed staff accounts) |
| 2 | 5% | Low-value transactions (below the $67 average) |
| 3 | 10% | All users, randomly sampled |
| 4 | 25% | All users, randomly sampled |
| 5 | 50% | All users, randomly sampled |
| 6 | 100% | Everyone |

Stage 1 starts Tue 2026-12-01 09:00 EST and runs 2 days, about 300 transactions: a smoke test. \
Every gate requires error rate <= 1% (baseline 0.8% + 0.2 points) and P95 latency <= 979 ms \
(baseline 890 ms + 10%).

**Warning:** stage 1 cannot reliably see the 1.6% rollback threshold; that decision rests on a \
later stage with more traffic.
"""

CRITERIA_ANSWER = """\
## Success and rollback criteria

**Advance a stage only when all hold:**
- Error rate <= 1% (baseline 0.8% + 0.2 points)
- P95 latency <= 979 ms (baseline 890 ms + 10%)
- No increase in customer support tickets (new path vs control)
- No critical bugs reported (charges, refunds, receipts)

**Roll back automatically when any one fires:**
- Error rate > 1.6% (2x baseline 0.8%)
- P95 latency > 1.78 s (2x baseline 890 ms)
- Revenue drop > 5% compared to control
- Any payment data loss or corruption (reconciliation mismatch)

**Roll back manually on:** customer complaints about charges, a security incident, a regulatory \
concern, or webhook events piling up unprocessed.

Every stage gate checks the error-rate and P95 criteria.
"""

MONITORING_ANSWER = """\
## Monitoring plan

| Severity | Fires when | Then |
|---|---|---|
| WARNING | error rate > 1% for 10 min | Page the on-call engineer; hold the gate |
| WARNING | P95 latency > 979 ms for 10 min | Page the on-call engineer; hold the gate |
| CRITICAL | error rate > 1.6% for 5 min | Roll back automatically |
| CRITICAL | P95 latency > 1.78 s for 5 min | Roll back automatically |
| CRITICAL | revenue vs control < -5% for 5 min | Roll back automatically |

**Dashboards:** Rollout progress; Side by side (legacy vs new); Error rate alerting panel.

**Metrics:** technical (success rate, error rate by type, P50/P95/P99 latency, timeout rate, \
webhook backlog) and business (revenue vs control, transactions per minute, support tickets).
"""

COMMS_ANSWER = """\
## Communication plan

| Stakeholder | What they need | When | Channel |
|---|---|---|---|
| Engineering | Technical details, stage dates, dashboards, rollback steps | T-2 business days, \
then each stage gate | Slack #platform |
| Support | Customer impact, FAQs, how to spot and escalate an issue | T-1 business day | \
Email + runbook |
| Product | Timeline, success metrics, stage results | Weekly updates | Status meeting |
| Leadership | Risk assessment, go/no-go at each gate | Each stage gate | Summary email |

Finance and Compliance are on the list too, because the change moves money. The four templates \
are filled in: pre-rollout announcement, stage advancement notice, rollback notification and \
completion announcement.
"""

DOCUMENT_ANSWER = """\
I wrote the complete plan to `rollout-plan.md`, ready for sign-off: risk HIGH, a canary ramp \
from 1% to 100%.

It holds the executive summary, the risk assessment, the stages table, success and rollback \
criteria, the monitoring plan, the communication plan, a stage gate checklist for each gate, the \
step-by-step rollback procedure and the next steps.
"""


def _use(number: int, name: str, arguments: dict[str, Any] | None = None) -> dict[str, Any]:
    return {
        "type": "tool_use",
        "id": f"toolu_synthetic_{number:02d}",
        "name": name,
        "input": arguments or {},
    }


def _text(text: str) -> dict[str, Any]:
    return {"type": "text", "text": text}


CASES: dict[str, tuple[str, list[Turn]]] = {
    "risk": (
        ("Assess the risk of rolling out our new payment processing pipeline. Context is in "
        "feature-description.md and baseline-metrics.md"),
        [
            ([_text("I'll read what the documents state first."), _use(1, "read_context")],
             "tool_use"),
            ([_use(2, "assess_risk")], "tool_use"),
            ([_text(RISK_ANSWER)], "end_turn"),
        ],
    ),
    "stages": (
        ("Define rollout stages for this payment migration. We need to be very careful - this "
        "is revenue-critical."),
        [
            ([_use(1, "design_stages")], "tool_use"),
            ([_text(STAGES_ANSWER)], "end_turn"),
        ],
    ),
    "criteria": (
        ("What are the success and rollback criteria for each stage? When should we "
        "automatically roll back?"),
        [
            ([_use(1, "define_criteria")], "tool_use"),
            ([_text("Now the gate of each stage."), _use(2, "design_stages")], "tool_use"),
            ([_text(CRITERIA_ANSWER)], "end_turn"),
        ],
    ),
    "monitoring": (
        ("What monitoring should be in place during the rollout? What dashboards and alerts "
        "do we need?"),
        [
            ([_use(1, "plan_monitoring")], "tool_use"),
            ([_text(MONITORING_ANSWER)], "end_turn"),
        ],
    ),
    "comms": (
        "Create a communication plan for this rollout. Who needs to know what, and when?",
        [
            ([_use(1, "plan_communication")], "tool_use"),
            ([_text(COMMS_ANSWER)], "end_turn"),
        ],
    ),
    "document": (
        "Generate a complete rollout plan document I can share with the team and get sign-off.",
        [
            ([_use(1, "render_plan")], "tool_use"),
            ([_text(DOCUMENT_ANSWER)], "end_turn"),
        ],
    ),
}  # fmt: skip


def message(number: int, content: list[dict[str, Any]], stop_reason: str) -> dict[str, Any]:
    """A Messages API response body; usage as a cached conversation would report it."""
    return {
        "id": f"msg_synthetic_{number:02d}",
        "type": "message",
        "role": "assistant",
        "model": MODEL,
        "content": content,
        "stop_reason": stop_reason,
        "stop_sequence": None,
        "usage": {
            "input_tokens": 180 + 2400 * (number - 1),
            "cache_creation_input_tokens": 2950 if number == 1 else 0,
            "cache_read_input_tokens": 0 if number == 1 else 2950,
            "output_tokens": 60 if stop_reason == "tool_use" else 420,
            "service_tier": "standard",
        },
    }


def responder(turns: list[Turn]) -> Callable[[httpx2.Request], httpx2.Response]:
    """A transport handler that answers each request with the next scripted turn."""
    pending = [message(n, content, stop) for n, (content, stop) in enumerate(turns, 1)]

    def answer(request: httpx2.Request) -> httpx2.Response:
        del request
        body = pending.pop(0)
        headers = {"request-id": f"req_{body['id']}", "anthropic-organization-id": "synthetic"}
        return httpx2.Response(200, json=body, headers=headers)

    return answer


def scrub_response(response: dict[str, Any]) -> dict[str, Any]:
    """Drop response headers that identify an account or a request."""
    headers = response.get("headers", {})
    for name in list(headers):
        if name.lower() in SECRET_HEADERS:
            del headers[name]
    return response


def vcr_config() -> dict[str, Any]:
    """The cassette settings the test module uses, for recording and replay alike."""
    return {
        "filter_headers": list(SECRET_HEADERS),
        "before_record_response": scrub_response,
        "match_on": ["method", "path"],
        "allow_playback_repeats": False,
        "decode_compressed_response": True,
    }


def ask_arguments(folder: Path, prompt: str, trace: Path | None = None) -> argparse.Namespace:
    """The `rollout ask` arguments every cassette is made and replayed with."""
    return argparse.Namespace(
        context=folder, config=None, start=START, offline=False, model=MODEL, trace=trace,
        prompt=prompt,
    )  # fmt: skip


def synthesize(case: str, target: Path) -> None:
    """Run the loop for one case against the scripted responses and keep the cassette."""
    prompt, turns = CASES[case]
    with tempfile.TemporaryDirectory() as scratch:
        folder = Path(scratch) / "payment-rollout"
        folder.mkdir()
        for name in ("feature-description.md", "baseline-metrics.md"):
            shutil.copy(SEED_DIR / name, folder / name)
        target.unlink(missing_ok=True)
        recorder = vcr.VCR(record_mode="all")
        with recorder.use_cassette(str(target), **vcr_config()):
            client = ClaudeClient(
                model=MODEL,
                api_key="synthetic-not-a-key",
                max_retries=0,
                http_client=httpx2.Client(transport=httpx2.MockTransport(responder(turns))),
            )
            with contextlib.redirect_stdout(io.StringIO()):
                status = run_ask_command(ask_arguments(folder, prompt), client=client)
        if status != 0:
            raise SystemExit(f"{case}: the loop exited {status}")
    target.write_text(HEADER + target.read_text(encoding="utf-8"), encoding="utf-8")


def main() -> None:
    """Write every seed case's cassette next to this file."""
    folder = HERE / "test_agent_claude"
    folder.mkdir(exist_ok=True)
    for case in CASES:
        path = folder / f"test_seed_prompt_through_claude-{case}.yaml"
        synthesize(case, path)
        sys.stderr.write(f"wrote {path.relative_to(REPO)} ({path.stat().st_size:,} bytes)\n")


if __name__ == "__main__":
    main()
