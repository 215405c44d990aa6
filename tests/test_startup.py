"""What makes `rollout` start fast must not change what it prints (speed itself: `make bench`)."""

from __future__ import annotations

import gc
import os
import subprocess
from datetime import date
from typing import TYPE_CHECKING

from rollout_manager.planning.plan import plan_folder
from rollout_manager.render.sections import render_document
from tests.conftest import ROLLOUT, SEED_DIR

if TYPE_CHECKING:
    from pathlib import Path

    import pytest


def _plan(cache_home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ROLLOUT), "plan", "--context", str(SEED_DIR), "--start", "2026-12-08"],
        env={**os.environ, "XDG_CACHE_HOME": str(cache_home), **env},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_compiled_templates_are_kept_and_change_nothing(tmp_path: Path) -> None:
    uncached = _plan(tmp_path / "unused", ROLLOUT_NO_CACHE="1")
    first = _plan(tmp_path / "cache")
    kept = sorted((tmp_path / "cache" / "rollout-manager").rglob("*.cache"))
    second = _plan(tmp_path / "cache")

    assert uncached.returncode == first.returncode == second.returncode == 0, first.stderr
    assert not (tmp_path / "unused").exists()
    assert kept, "the first run keeps the compiled templates"
    assert sorted((tmp_path / "cache" / "rollout-manager").rglob("*.cache")) == kept
    assert uncached.stdout == first.stdout == second.stdout
    assert first.stdout.startswith("# Rollout plan: ")


def test_an_unwritable_cache_folder_only_costs_speed(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file"
    blocked.write_text("not a folder")

    completed = _plan(blocked)

    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""
    assert completed.stdout.startswith("# Rollout plan: ")


def test_the_exit_status_and_every_line_survive_the_quick_exit(tmp_path: Path) -> None:
    # `rollout` leaves without the interpreter's teardown: the output must still be whole.
    whole = _plan(tmp_path)
    refused = subprocess.run(
        [str(ROLLOUT), "plan", "--context", str(tmp_path / "missing")],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip

    # Every character of the document arrived: the same text as rendering it in process.
    expected = render_document(plan_folder(SEED_DIR, start=date(2026, 12, 8)))
    assert whole.stdout.rstrip("\n") == expected.rstrip("\n")
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1


def test_commands_that_stay_up_collect_cycles_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # `rollout` starts with the cyclic collector off (a short command's objects live to its end);
    # the server and the conversation run for hours and must turn it back on.
    from rollout_manager.frontdoors import cli, cli_agent, mcp_server

    seen: dict[str, bool] = {}
    monkeypatch.setattr(
        mcp_server, "run_stdio_server", lambda **_: seen.setdefault("mcp", gc.isenabled()) and 0
    )
    monkeypatch.setattr(
        cli_agent, "run_chat_command", lambda _args: seen.setdefault("chat", gc.isenabled()) and 0
    )
    gc.disable()
    try:
        assert cli.main(["mcp", "--root", str(tmp_path)]) == 0
        gc.disable()
        assert cli.main(["chat", "--offline", "--context", str(SEED_DIR)]) == 0
    finally:
        gc.enable()
    assert seen == {"mcp": True, "chat": True}
