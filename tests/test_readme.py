"""Every `$ command` in the README runs, so the README cannot rot.

Commands run as a newcomer would type them, from a scratch copy of the
scenarios (so nothing in the repository changes), except the `make` targets
that would recurse into this very test run or rewrite committed files: those
are checked with `make -n` (the target exists and its recipe expands).
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import REPO, ROLLOUT

README = REPO / "README.md"
_DRY_RUN = {"make test", "make golden"}


def _commands() -> list[str]:
    text = README.read_text(encoding="utf-8")
    blocks = re.findall(r"```console\n(.*?)```", text, re.DOTALL)
    lines = [line for block in blocks for line in block.splitlines()]
    return [re.sub(r"\s+#.*$", "", line[2:]).strip() for line in lines if line.startswith("$ ")]


COMMANDS = _commands()


def test_the_first_screen_shows_both_commands() -> None:
    first_screen = "\n".join(README.read_text(encoding="utf-8").splitlines()[:30])
    assert "$ make demo" in first_screen
    assert "$ make test" in first_screen


def _environment() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "ANTHROPIC_API_KEY"}
    tools = REPO / ".tools" / "node_modules" / ".bin"
    env["PATH"] = f"{tools}{os.pathsep}{env.get('PATH', '')}"
    return env


def _sandbox(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "scenarios", tmp_path / "scenarios")
    return tmp_path


def _argv(command: str) -> list[str]:
    return [str(ROLLOUT) if part == ".venv/bin/rollout" else part for part in shlex.split(command)]


@pytest.mark.slow
@pytest.mark.parametrize("command", COMMANDS)
def test_readme_command_runs(command: str, tmp_path: Path) -> None:
    env = _environment()
    if command in _DRY_RUN:
        argv, cwd = ["make", "-n", command.split()[1]], REPO
    elif command.startswith("make "):
        argv, cwd = shlex.split(command), REPO
    else:
        argv, cwd = _argv(command), _sandbox(tmp_path)
    if shutil.which(argv[0], path=env["PATH"]) is None and not Path(argv[0]).exists():
        if os.environ.get("CI"):
            pytest.fail(f"{argv[0]} is missing on CI: the README command cannot run")
        pytest.skip(f"{argv[0]} is not installed here")
    result = subprocess.run(
        argv, cwd=cwd, env=env, capture_output=True, text=True, timeout=300, check=False
    )
    assert result.returncode == 0, f"{command}\n{result.stdout[-2000:]}\n{result.stderr[-2000:]}"
    assert result.stdout.strip(), command


def test_readme_lists_the_commands_we_expect() -> None:
    assert "make demo" in COMMANDS
    assert any(c.startswith(".venv/bin/rollout ask --offline") for c in COMMANDS)
    assert any(c.startswith(".venv/bin/rollout scenario run") for c in COMMANDS)
