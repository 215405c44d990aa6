"""The repository as a Claude Code plugin: manifest, MCP declaration, subagent, skill, launcher."""

from __future__ import annotations

import ast
import json
import os
import re
import shutil
import subprocess
import sys
import tomllib
from importlib.metadata import version
from pathlib import Path
from typing import Any

import pytest
import yaml

import rollout_manager
from rollout_manager.tools.catalog import default_registry
from tests.support.plugin import plugin_snapshot

REPO = Path(__file__).resolve().parent.parent
PLUGIN = "rollout-manager"
SERVER = "rollout"
MCP_PREFIX = f"mcp__plugin_{PLUGIN}_{SERVER}__"
AGENT = REPO / "agents" / "rollout-manager.md"
SKILL_DIR = REPO / "skills" / "rollout-planning"
LAUNCHER = REPO / "bin" / "rollout-mcp-launch"
# Front-matter fields Claude Code reads from a plugin's agent file (platform notes).
AGENT_FIELDS = {"name", "description", "tools", "model", "effort", "maxTurns", "color"}
MANIFEST_FIELDS = {
    "name",
    "version",
    "description",
    "author",
    "homepage",
    "repository",
    "license",
    "keywords",
    "network",
    "icon",
}


def _front_matter(path: Path) -> tuple[dict[str, Any], str]:
    text = path.read_text(encoding="utf-8")
    match = re.match(r"---\n(.*?)\n---\n(.*)", text, re.DOTALL)
    assert match, f"{path.name}: no YAML front matter"
    meta = yaml.safe_load(match.group(1))
    assert isinstance(meta, dict), f"{path.name}: front matter is not a mapping"
    return meta, match.group(2)


def _pyproject() -> dict[str, Any]:
    return tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))


# --------------------------------------------------------------------------- manifest


def test_manifest_names_the_plugin_and_matches_the_package() -> None:
    manifest = json.loads((REPO / ".claude-plugin" / "plugin.json").read_text())
    project = _pyproject()["project"]

    assert manifest["name"] == PLUGIN
    assert set(manifest) <= MANIFEST_FIELDS
    assert project["dynamic"] == ["version"]  # one version: the package's __version__
    assert manifest["version"] == rollout_manager.__version__ == version("rollout-manager")
    assert manifest["license"] == project["license"]
    assert manifest["description"].strip()
    assert (REPO / "LICENSE").is_file()


def test_manifest_says_where_the_plugin_lives() -> None:
    manifest = json.loads((REPO / ".claude-plugin" / "plugin.json").read_text())

    for field in ("homepage", "repository"):
        assert manifest[field].startswith("https://"), field
    assert manifest["author"]["name"].strip()


def test_the_repository_is_its_own_marketplace() -> None:
    market = json.loads((REPO / ".claude-plugin" / "marketplace.json").read_text())
    manifest = json.loads((REPO / ".claude-plugin" / "plugin.json").read_text())

    assert market["name"] == PLUGIN
    assert market["owner"]["name"].strip()
    assert market["description"].strip()  # `validate --strict` wants one
    [entry] = market["plugins"]
    assert entry["name"] == manifest["name"]
    assert entry["source"] == "./"  # the plugin is the repository root itself
    assert entry["description"].strip()


def test_mcp_json_starts_the_server_from_inside_the_plugin() -> None:
    servers = json.loads((REPO / ".mcp.json").read_text())["mcpServers"]
    server = servers[SERVER]
    words = [server["command"], *server.get("args", [])]
    paths = [word for word in words if "/" in word]

    # Paths outside the plugin root do not exist once the plugin is installed.
    assert paths, "the server must be started from a file in the plugin"
    assert all(path.startswith("${CLAUDE_PLUGIN_ROOT}/") for path in paths), paths
    for path in paths:
        assert (REPO / path.removeprefix("${CLAUDE_PLUGIN_ROOT}/")).is_file(), path
    # Claude Code sets CLAUDE_PLUGIN_DATA itself and would not expand an override of it.
    assert "CLAUDE_PLUGIN_DATA" not in server.get("env", {})


# --------------------------------------------------------------------------- subagent


def test_agent_front_matter_uses_only_supported_fields() -> None:
    meta, body = _front_matter(AGENT)

    assert set(meta) <= AGENT_FIELDS
    assert meta["name"] == AGENT.stem
    assert ":" not in meta["name"]
    assert meta["model"] == "sonnet"
    assert "rollout" in meta["description"].lower()
    assert body.strip()


def test_agent_may_call_exactly_the_registry_tools_and_read_files() -> None:
    meta, _ = _front_matter(AGENT)
    tools = [name.strip() for name in meta["tools"].split(",")]
    ours = {name.removeprefix(MCP_PREFIX) for name in tools if name.startswith(MCP_PREFIX)}
    others = {name for name in tools if not name.startswith(MCP_PREFIX)}

    assert ours == set(default_registry())
    # Read-only file tools: the subagent changes plans through adjust_plan, never by editing.
    assert others == {"Read", "Glob", "Grep"}


def test_agent_prompt_names_every_tool_it_is_told_to_use() -> None:
    _, body = _front_matter(AGENT)
    named = set(re.findall(r"`([a-z_]+)`", body)) & set(default_registry())

    assert named == set(default_registry())


# --------------------------------------------------------------------------- skill


def test_skill_front_matter_and_size_follow_the_skill_rules() -> None:
    meta, body = _front_matter(SKILL_DIR / "SKILL.md")

    assert meta["name"] == SKILL_DIR.name
    assert re.fullmatch(r"[a-z0-9-]{1,64}", meta["name"])
    assert 0 < len(meta["description"]) <= 1024
    assert len(body.splitlines()) < 500


def test_skill_links_each_reference_one_level_deep() -> None:
    _, body = _front_matter(SKILL_DIR / "SKILL.md")
    links = set(re.findall(r"\]\(([^)#]+)\)", body))
    references = {
        path.relative_to(SKILL_DIR).as_posix() for path in (SKILL_DIR / "references").iterdir()
    }

    assert references == {"references/statistics.md", "references/strategies.md"}
    assert references <= links
    for link in links:
        assert (SKILL_DIR / link).is_file(), link
        assert link.count("/") <= 1, link


def test_skill_names_every_registry_tool() -> None:
    _, body = _front_matter(SKILL_DIR / "SKILL.md")

    assert set(default_registry()) <= set(re.findall(r"`([a-z_]+)`", body))


# --------------------------------------------------------------------------- launcher


def test_launcher_runs_on_a_bare_python3() -> None:
    tree = ast.parse(LAUNCHER.read_text(encoding="utf-8"))
    imported = {
        ((node.module or "") if isinstance(node, ast.ImportFrom) else alias.name).split(".")[0]
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }

    assert LAUNCHER.read_text().startswith("#!/usr/bin/env python3\n")
    assert os.access(LAUNCHER, os.X_OK)
    assert imported - {"__future__"} <= set(sys.stdlib_module_names), imported


def test_launcher_reports_a_failure_in_one_line_and_keeps_stdout_clean(tmp_path: Path) -> None:
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the plugin's data folder should be")
    env = {**os.environ, "CLAUDE_PLUGIN_DATA": str(blocked)}

    completed = subprocess.run(
        ["python3", str(LAUNCHER)],
        cwd=tmp_path,
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert completed.returncode == 1
    assert completed.stdout == ""  # stdout is the MCP channel
    assert completed.stderr.count("\n") == 1
    assert completed.stderr.startswith("rollout-mcp-launch: ")
    assert str(blocked) in completed.stderr


# --------------------------------------------------------------------------- official validator


def _claude_binary() -> str | None:
    local_bin = REPO / ".tools" / "node_modules" / ".bin"
    return shutil.which("claude", path=f"{local_bin}{os.pathsep}{os.environ.get('PATH', '')}")


def test_the_official_validator_accepts_the_plugin() -> None:
    claude = _claude_binary()
    if claude is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install the validator: `make validator` (see .ci/run)")
        pytest.skip("`claude` is not installed; `make validator` puts it in .tools/")

    completed = subprocess.run(
        [claude, "plugin", "validate", "--strict", "--profile", "directory", str(REPO)],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )

    assert completed.returncode == 0, completed.stdout + completed.stderr


def test_skill_reference_figures_match_the_statistics_code() -> None:
    # The skill restates the seed's figures to explain the method; they must stay what
    # the tools compute, or the assistant explains numbers the plan does not contain.
    from rollout_manager.planning import normal_stats, stats

    text = (REPO / "skills" / "rollout-planning" / "references" / "statistics.md").read_text(
        encoding="utf-8"
    )
    rows = []
    for target, rate in ((0.04, "4.0%"), (0.016, "1.6%"), (0.010, "1.0%")):
        normal = normal_stats.sample_size(0.008, target)
        first, _ = stats.exact_sample_size(0.008, target)
        assured, k = stats.assured_sample_size(0.008, target)
        rows.append(
            f"{rate}: {normal:,} (normal), {first:,} (exact, first), {assured:,} (assured"
            + (f", roll back at {k} or more errors)" if target > 0.01 else ")")
        )
    expected_rows = rows
    for row in expected_rows:
        assert row in text, row


def _component_line(details: str, heading: str) -> list[str]:
    """The names `claude plugin details` lists after a heading such as `Skills (1)`."""
    match = re.search(rf"^\s*{heading} \(\d+\)\s+(.*)$", details, re.MULTILINE)
    assert match, f"no {heading} line in:\n{details}"
    return match.group(1).split()


@pytest.mark.slow
def test_installs_through_the_marketplace_and_lists_agent_skill_and_server(
    tmp_path: Path,
) -> None:
    claude = _claude_binary()
    if claude is None:
        if os.environ.get("CI"):
            pytest.fail("CI must install the validator: `make validator` (see .ci/run)")
        pytest.skip("`claude` is not installed; `make validator` puts it in .tools/")
    # What a user clones: the tracked files, without .venv (a local marketplace is copied whole).
    checkout = plugin_snapshot(tmp_path / "checkout")
    home = tmp_path / "home"
    project = tmp_path / "project"
    project.mkdir(parents=True)
    home.mkdir()
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("CLAUDE", "ANTHROPIC"))},
        "HOME": str(home),
        "CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC": "1",
        "DISABLE_TELEMETRY": "1",
    }

    def run(*args: str) -> str:
        completed = subprocess.run(
            [claude, "plugin", *args], cwd=project, env=env, stdin=subprocess.DEVNULL,
            capture_output=True, text=True, timeout=120, check=False,
        )  # fmt: skip
        assert completed.returncode == 0, completed.stdout + completed.stderr
        return completed.stdout

    run("marketplace", "add", str(checkout))
    run("install", f"{PLUGIN}@{PLUGIN}")
    details = run("details", PLUGIN)

    assert _component_line(details, "Skills") == [SKILL_DIR.name]
    assert _component_line(details, "Agents") == [AGENT.stem]
    assert _component_line(details, "MCP servers")[0] == SERVER
    # Installed for the user, from the copy in the plugin cache, not from the checkout.
    installed = json.loads((home / ".claude" / "plugins" / "installed_plugins.json").read_text())
    assert f"{PLUGIN}@{PLUGIN}" in json.dumps(installed)
