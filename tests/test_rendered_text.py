"""Free text that the plan renders is one plain line (issue 17, item 14).

An agent (or a settings file) must not be able to plant a heading or a bold
"APPROVED" in the sign-off document through a rotation, a freeze name or a
channel.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pytest

from rollout_manager.tools.catalog import dispatch

if TYPE_CHECKING:
    from pathlib import Path

PLANTED = "payments-oncall\n\n## Sign-off\n\n**APPROVED by CFO**"
FREEZE = {"start": "2027-03-01", "end": "2027-03-02"}


@pytest.mark.parametrize(
    "arguments",
    [
        {"on_call_rotation": PLANTED},
        {"on_call_rotation": "**APPROVED by CFO**"},
        {"on_call_rotation": "## Sign-off"},
        {"on_call_rotation": "team | approved"},
        {"on_call_rotation": "oncall\u2028## Sign-off"},
        {"freezes": [{"name": "Holiday\n## Sign-off", **FREEZE}]},
        {"freezes": [{"name": "[approved](https://evil.example)", **FREEZE}]},
        {"channels": {"finance": "<b>APPROVED</b>"}},
        {"channels": {"engineering": "`rm -rf`"}},
    ],
)
def test_adjust_plan_refuses_markdown_in_rendered_text(
    seed_dir: Path, arguments: dict[str, Any]
) -> None:
    result = dispatch("adjust_plan", arguments, root=seed_dir)

    assert not result.ok
    assert "invalid arguments" in (result.error or "")
    assert not (seed_dir / "rollout.yaml").exists()


def test_plain_names_are_still_accepted(seed_dir: Path) -> None:
    result = dispatch(
        "adjust_plan",
        {
            "on_call_rotation": "payments_oncall (primary)",
            "channels": {"engineering": "Slack #payments-eng", "support": "Email + runbook"},
            "freezes": [{"name": "Black Friday & Cyber Monday", **FREEZE}],
        },
        root=seed_dir,
    )

    assert result.ok, result.error


@pytest.mark.parametrize(
    ("setting", "key"),
    [
        ('on_call: {rotation: "x\\n## Sign-off\\n**APPROVED by CFO**"}', "on_call.rotation"),
        ("on_call: {escalation: ['**APPROVED**']}", "on_call.escalation.0"),
        ("freezes: [{name: '# Approved', start: 2027-03-01, end: 2027-03-02}]", "freezes.0.name"),
        ("communication: {channels: {finance: 'a | b'}}", "communication.channels.finance"),
    ],
)
def test_rollout_yaml_text_with_markdown_is_refused_by_key(
    seed_dir: Path, setting: str, key: str
) -> None:
    (seed_dir / "rollout.yaml").write_text(setting + "\n")

    result = dispatch("render_plan", {"start": "2026-12-01"}, root=seed_dir)

    assert not result.ok
    assert (result.error or "").startswith(f"rollout.yaml: key '{key}'"), result.error
    assert not (seed_dir / "rollout-plan.md").exists()
