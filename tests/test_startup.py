"""What makes `rollout` start fast must not change what it prints (speed itself: `make bench`)."""

from __future__ import annotations

import gc
import json
import os
import subprocess
from datetime import date
from typing import TYPE_CHECKING

import pytest
from jinja2 import ModuleLoader, PackageLoader

from rollout_manager.planning.plan import plan_folder
from rollout_manager.render import environment
from rollout_manager.render.sections import render_document
from tests.conftest import ROLLOUT, SEED_DIR

if TYPE_CHECKING:
    from pathlib import Path


def _plan(home: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(ROLLOUT), "plan", "--context", str(SEED_DIR), "--start", "2026-12-08"],
        env={**os.environ, "HOME": str(home), "XDG_CACHE_HOME": str(home / ".cache"), **env},
        capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip


def test_the_shipped_compiled_templates_match_their_sources() -> None:
    # `make golden` recompiles them; an edited template without it fails here (and falls back).
    assert environment.compiled_current(), "run `make golden`: render/compiled/ is stale"
    assert isinstance(environment.template_environment().loader, ModuleLoader)


def test_compiled_templates_render_what_the_sources_render() -> None:
    plan = plan_folder(SEED_DIR, start=date(2026, 12, 8))
    compiled = render_document(plan)
    environment.template_environment.cache_clear()
    try:
        with pytest.MonkeyPatch.context() as patch:
            patch.setattr(environment, "compiled_current", lambda *_: False)
            assert isinstance(environment.template_environment().loader, PackageLoader)
            from_source = render_document(plan)
    finally:
        environment.template_environment.cache_clear()
    assert compiled == from_source
    assert compiled.startswith("# Rollout plan: ")


def test_a_stale_compiled_set_is_not_used(tmp_path: Path) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "one.md.j2").write_text("{{ x }}\n", encoding="utf-8")
    compiled = tmp_path / "compiled"
    compiled.mkdir()
    kept = environment.manifest(templates)
    (compiled / environment.MANIFEST).write_text(json.dumps(kept), encoding="utf-8")
    assert environment.compiled_current(compiled, templates)

    (templates / "one.md.j2").write_text("{{ x }}!\n", encoding="utf-8")  # edited, not recompiled

    assert not environment.compiled_current(compiled, templates)
    (compiled / environment.MANIFEST).write_text("not json", encoding="utf-8")
    assert not environment.compiled_current(compiled, templates)


def test_a_plan_writes_nothing_outside_the_folder_it_reads(tmp_path: Path) -> None:
    # No cache in the home folder: the compiled templates ship with the package.
    completed = _plan(tmp_path)

    assert completed.returncode == 0, completed.stderr
    assert completed.stderr == ""
    assert completed.stdout.startswith("# Rollout plan: ")
    assert list(tmp_path.rglob("*")) == []


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
