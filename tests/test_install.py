"""Installing as users do: extras, pinned versions, the plugin launcher and the `rollout` shim."""

from __future__ import annotations

import importlib.machinery
import importlib.util
import os
import signal
import subprocess
import sys
import time
import tomllib
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.support import pins
from tests.support.plugin import path_without_uv, plugin_snapshot

if TYPE_CHECKING:
    from collections.abc import Callable
    from types import ModuleType

REPO = Path(__file__).resolve().parent.parent
LAUNCHER = REPO / "bin" / "rollout-mcp-launch"
SHIM = REPO / "bin" / "rollout"


def _project() -> dict[str, object]:
    with (REPO / "pyproject.toml").open("rb") as handle:
        project: dict[str, object] = tomllib.load(handle)["project"]
    return project


def _launcher_module() -> ModuleType:
    loader = importlib.machinery.SourceFileLoader("rollout_mcp_launch", str(LAUNCHER))
    spec = importlib.util.spec_from_loader(loader.name, loader)
    assert spec is not None
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    return module


# --------------------------------------------------------------------------- what gets installed


def test_anthropic_is_an_extra_and_the_base_install_serves_mcp() -> None:
    project = _project()
    base = {canonicalize_name(Requirement(str(d)).name) for d in project["dependencies"]}  # type: ignore[attr-defined]
    extras = project["optional-dependencies"]
    assert isinstance(extras, dict)

    assert "anthropic" not in base
    assert "mcp" in base
    assert [Requirement(d).name for d in extras["claude"]] == ["anthropic"]
    # The suite runs the Claude client, so the development install includes the extra.
    assert "rollout-manager[claude]" in extras["dev"]


def test_a_key_without_the_claude_extra_names_the_extra(seed_dir: Path) -> None:
    # `None` in sys.modules makes `import anthropic` fail as it does when it is not installed.
    script = (
        "import sys; sys.modules['anthropic'] = None\n"
        "from rollout_manager.frontdoors.cli import main\n"
        f"sys.exit(main(['ask', '--context', {str(seed_dir)!r}, 'Assess the risk']))\n"
    )
    env = {**os.environ, "ANTHROPIC_API_KEY": "synthetic-not-a-key"}

    completed = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, timeout=60,
        check=False,
    )  # fmt: skip

    assert completed.returncode == 2, completed.stderr
    assert completed.stdout == ""
    assert completed.stderr.count("\n") == 1, completed.stderr
    assert "pip install 'rollout-manager[claude]'" in completed.stderr
    assert "--offline" in completed.stderr


def test_the_constraints_pin_every_runtime_dependency_at_the_tested_version() -> None:
    pinned = pins.pinned()

    # The environment this suite runs in has exactly the pinned versions, and nothing the
    # base install needs is left unpinned (anthropic is not part of it).
    assert pinned == pins.runtime_closure()
    assert "anthropic" not in pinned
    assert {"pydantic", "jinja2", "pyyaml", "holidays", "mcp"} <= set(pinned)
    for text in _project()["dependencies"]:  # type: ignore[attr-defined]
        requirement = Requirement(text)
        assert requirement.specifier.contains(pinned[canonicalize_name(requirement.name)]), text


# --------------------------------------------------------------------------- launcher, fast


def test_the_served_folder_is_claude_codes_project_folder(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    launcher = _launcher_module()
    project, elsewhere = tmp_path / "project", tmp_path / "elsewhere"
    project.mkdir()
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)

    monkeypatch.setenv("CLAUDE_PROJECT_DIR", str(project))
    assert launcher.served_folder() == project
    monkeypatch.setenv("CLAUDE_PROJECT_DIR", "${CLAUDE_PROJECT_DIR}")  # a host that did not expand
    assert launcher.served_folder() == elsewhere
    monkeypatch.delenv("CLAUDE_PROJECT_DIR")
    assert launcher.served_folder() == elsewhere


@pytest.mark.parametrize(
    ("log", "line"),
    [
        (
            ("Looking in indexes: https://pypi.org/simple\n"
            "ERROR: Could not find a version that satisfies the requirement pydantic<3,>=2.7\n"
            "ERROR: No matching distribution found for pydantic<3,>=2.7\n"
            "\n[notice] A new release of pip is available\n"),
            "ERROR: Could not find a version that satisfies the requirement pydantic<3,>=2.7",
        ),
        ("  × No solution found when resolving dependencies\n", ("× No solution found when "
         "resolving dependencies")),
        ("something went wrong\nthe last words\n", "the last words"),
    ],
)  # fmt: skip
def test_the_error_shown_is_the_installers_error_line(log: str, line: str) -> None:
    assert _launcher_module()._error_line(log) == line  # noqa: SLF001 - the launcher's one rule


def test_an_offline_first_start_shows_pips_error_line(tmp_path: Path) -> None:
    plugin = plugin_snapshot(tmp_path / "plugin")
    empty = tmp_path / "no-wheels"
    empty.mkdir()
    env = {
        **os.environ,
        "CLAUDE_PLUGIN_DATA": str(tmp_path / "data"),
        "PATH": path_without_uv(),
        "PIP_CONFIG_FILE": os.devnull,
        "PIP_NO_INDEX": "1",
        "PIP_FIND_LINKS": str(empty),
    }

    completed = subprocess.run(
        ["python3", str(plugin / "bin" / "rollout-mcp-launch")], cwd=tmp_path, env=env,
        stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip

    assert completed.returncode == 1
    assert completed.stdout == ""
    assert completed.stderr.count("\n") == 1, completed.stderr
    assert "installing the dependencies failed" in completed.stderr
    # pip's first ERROR line, the one naming a requirement, not its last words.
    assert "): ERROR: " in completed.stderr
    assert "pydantic" in completed.stderr
    assert not (tmp_path / "data" / "venv").exists()  # nothing half-made is left in place


# --------------------------------------------------------------------------- launcher, real install


def _children(pid: int) -> list[int]:
    path = Path(f"/proc/{pid}/task/{pid}/children")
    return [int(word) for word in path.read_text().split()] if path.exists() else []


def _wait_for(condition: Callable[[], bool], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"waited {seconds} s in vain")
        time.sleep(0.01)


@pytest.mark.slow
@pytest.mark.skipif(not Path("/proc/self/task").exists(), reason="finds the installer in /proc")
def test_an_install_killed_during_venv_creation_is_reported_and_the_next_start_recovers(
    seed_dir: Path, tmp_path: Path
) -> None:
    plugin = plugin_snapshot(tmp_path / "plugin")
    data = tmp_path / "data"
    env = {**os.environ, "CLAUDE_PLUGIN_DATA": str(data), "PATH": path_without_uv()}
    env.pop("ANTHROPIC_API_KEY", None)
    launcher = subprocess.Popen(
        ["python3", str(plugin / "bin" / "rollout-mcp-launch")], cwd=seed_dir, env=env,
        stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )  # fmt: skip
    # Killed the moment the temporary environment appears: `python -m venv` has just begun.
    _wait_for(lambda: any(data.glob("venv.partial-*")), 60)
    installers = _children(launcher.pid)
    assert len(installers) == 1
    os.killpg(installers[0], signal.SIGKILL)  # the installer and the venv/pip under it
    out, err = launcher.communicate(timeout=60)

    assert launcher.returncode == 1
    assert out == ""
    assert err.count("\n") == 1, err
    assert "the installer was killed by SIGKILL" in err
    assert not (data / "venv").exists()  # the half-made environment is not where it is used

    # The next start, through the `rollout` shim, builds a whole environment and plans.
    completed = subprocess.run(
        ["python3", str(plugin / "bin" / "rollout"), "assess", "--context", str(seed_dir)],
        env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=300,
        check=False,
    )  # fmt: skip

    assert completed.returncode == 0, completed.stderr
    assert "HIGH" in completed.stdout
    assert sorted(p.name for p in data.iterdir()) == ["install.lock", "install.log", "venv"]


@pytest.mark.slow
def test_a_launcher_stopped_mid_install_says_so_and_the_install_completes(
    tmp_path: Path,
) -> None:
    plugin = plugin_snapshot(tmp_path / "plugin")
    data = tmp_path / "data"
    env = {**os.environ, "CLAUDE_PLUGIN_DATA": str(data)}
    # Files, not pipes: the detached installer holds the launcher's stderr open until it is done.
    out_file, err_file = tmp_path / "stdout", tmp_path / "stderr"
    with out_file.open("w") as out, err_file.open("w") as err_stream:
        launcher = subprocess.Popen(
            ["python3", str(plugin / "bin" / "rollout-mcp-launch")], cwd=tmp_path, env=env,
            stdin=subprocess.DEVNULL, stdout=out, stderr=err_stream,
        )  # fmt: skip
        try:
            _wait_for(lambda: any(data.glob("venv.partial-*")), 60)
            launcher.send_signal(signal.SIGTERM)  # what a client does when a start is too slow
            launcher.wait(timeout=60)
        finally:
            launcher.kill()
            launcher.wait()
    err = err_file.read_text()

    assert launcher.returncode == 1
    assert out_file.read_text() == ""
    assert err.count("\n") == 1, err
    assert "stopped by SIGTERM" in err
    assert "install goes on in the background" in err
    # The detached installer finishes on its own and renames the environment into place.
    _wait_for((data / "venv" / "rollout-manager.stamp").exists, 300)
    assert not any(data.glob("venv.partial-*"))
