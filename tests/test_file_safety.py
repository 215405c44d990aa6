"""No file read or written outside its root, no file lost (issue 17, items 2-5).

Every test builds the attack the issue's adversarial pass found: symlinked
documents, settings and outputs, unrelated files in the way of an output,
special files as `-o` targets, private settings and stale temporary files.
"""

from __future__ import annotations

import os
import stat
import time
from typing import TYPE_CHECKING, Any

import pytest

from rollout_manager.tools.catalog import dispatch

if TYPE_CHECKING:
    from pathlib import Path

    from rollout_manager.tools.registry import ToolResult
    from tests.conftest import RunCli

START = ("--start", "2026-12-01")
FEATURE = "feature-description.md"
BASELINE = "baseline-metrics.md"
OUTSIDE_TEXT = "TOP-SECRET: text from outside the served folder\n"


def _call(root: Path, tool: str, **arguments: Any) -> ToolResult:
    return dispatch(tool, arguments, root=root)


@pytest.fixture
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A folder outside every served root, holding a secret."""
    folder = tmp_path_factory.mktemp("outside")
    (folder / "creds.md").write_text(OUTSIDE_TEXT)
    return folder


# --------------------------------------------------------------------------- item 2


def test_render_plan_will_not_overwrite_a_file_it_did_not_write(seed_dir: Path) -> None:
    runbook = seed_dir / "runbook.md"
    runbook.write_text("# Our runbook\n\nHand-written; do not lose.\n")

    refused = _call(seed_dir, "render_plan", output="runbook.md", start="2026-12-01")

    assert not refused.ok
    assert "output" in (refused.error or "") and "not written by rollout-manager" in (
        refused.error or ""
    )
    assert runbook.read_text() == "# Our runbook\n\nHand-written; do not lose.\n"


def test_render_plan_replaces_its_own_output_and_a_forced_file(seed_dir: Path) -> None:
    first = _call(seed_dir, "render_plan", start="2026-12-01")
    again = _call(seed_dir, "render_plan", start="2026-12-02")
    (seed_dir / "runbook.md").write_text("old notes\n")
    forced = _call(seed_dir, "render_plan", output="runbook.md", force=True)

    assert first.ok and again.ok and forced.ok, (again.error, forced.error)
    assert "Wed 2026-12-02" in (seed_dir / "rollout-plan.md").read_text()
    assert (seed_dir / "runbook.md").read_text().startswith("# Rollout plan: ")


def test_cli_plan_will_not_overwrite_an_input_document(run_cli: RunCli, seed_dir: Path) -> None:
    before = (seed_dir / FEATURE).read_bytes()

    plain = run_cli("plan", "--context", seed_dir, *START, "-o", seed_dir / FEATURE)
    forced = run_cli("plan", "--context", seed_dir, *START, "-o", seed_dir / FEATURE, "--force")

    for result in (plain, forced):
        assert result.returncode == 2, result.stderr
        assert "input of the plan" in result.stderr
        assert result.stderr.count("\n") == 1
    assert (seed_dir / FEATURE).read_bytes() == before


def test_cli_plan_needs_force_to_replace_an_unrelated_file(
    run_cli: RunCli, seed_dir: Path, tmp_path: Path
) -> None:
    target = tmp_path / "notes.md"
    target.write_text("my notes\n")

    refused = run_cli("plan", "--context", seed_dir, *START, "-o", target)
    kept = target.read_text()
    forced = run_cli("plan", "--context", seed_dir, *START, "-o", target, "--force")
    again = run_cli("plan", "--context", seed_dir, *START, "-o", target)

    assert refused.returncode == 2 and "--force" in refused.stderr
    assert kept == "my notes\n"
    assert forced.returncode == 0 and again.returncode == 0, again.stderr
    assert target.read_text().startswith("# Rollout plan: ")


# --------------------------------------------------------------------------- item 3


def test_a_rewrite_keeps_a_private_rollout_yaml_private(seed_dir: Path) -> None:
    config = seed_dir / "rollout.yaml"
    config.write_text("strategy: canary\n")
    config.chmod(0o600)

    result = _call(seed_dir, "adjust_plan", stage=2, duration_hours=72)

    assert result.ok, result.error
    assert "duration_hours: 72" in config.read_text()
    assert stat.S_IMODE(config.stat().st_mode) == 0o600


def test_temporary_files_a_killed_writer_left_are_removed(seed_dir: Path) -> None:
    stale = seed_dir / ".rollout.yaml.k1ll3d.tmp"
    stale.write_text("half a file")
    an_hour_ago = time.time() - 3600
    os.utime(stale, (an_hour_ago, an_hour_ago))
    fresh = seed_dir / ".rollout.yaml.wr1t1ng.tmp"  # another writer's, still being written
    fresh.write_text("in progress")

    result = _call(seed_dir, "adjust_plan", stage=2, duration_hours=72)

    assert result.ok, result.error
    assert not stale.exists()
    assert fresh.exists()


# --------------------------------------------------------------------------- item 4


@pytest.mark.parametrize("document", [FEATURE, BASELINE])
def test_a_document_symlinked_outside_is_not_read(
    seed_dir: Path, outside: Path, document: str
) -> None:
    (seed_dir / document).unlink()
    (seed_dir / document).symlink_to(outside / "creds.md")

    results = [_call(seed_dir, tool) for tool in ("read_context", "assess_risk", "render_plan")]

    for result in results:
        assert not result.ok
        assert document in (result.error or "") and "outside" in (result.error or "")
        assert "TOP-SECRET" not in result.as_text()
    assert not (seed_dir / "rollout-plan.md").exists()


def test_the_cli_does_not_read_a_document_symlinked_outside(
    run_cli: RunCli, seed_dir: Path, outside: Path
) -> None:
    (seed_dir / FEATURE).unlink()
    (seed_dir / FEATURE).symlink_to(outside / "creds.md")

    result = run_cli("context", "--context", seed_dir)

    assert result.returncode == 2
    assert "TOP-SECRET" not in result.stdout + result.stderr
    assert FEATURE in result.stderr and result.stderr.count("\n") == 1


def test_a_rollout_yaml_symlinked_outside_is_not_applied(seed_dir: Path, outside: Path) -> None:
    (outside / "settings.yaml").write_text("strategy: direct\n")
    (seed_dir / "rollout.yaml").symlink_to(outside / "settings.yaml")

    result = _call(seed_dir, "assess_risk")

    assert not result.ok
    assert "rollout.yaml" in (result.error or "") and "outside" in (result.error or "")


def test_a_symlink_between_files_of_the_folder_is_still_read(seed_dir: Path) -> None:
    (seed_dir / FEATURE).rename(seed_dir / "feature-v2.md")
    (seed_dir / FEATURE).symlink_to("feature-v2.md")

    result = _call(seed_dir, "assess_risk")

    assert result.ok, result.error


# --------------------------------------------------------------------------- item 5


def test_render_plan_onto_a_symlink_to_the_input_document_is_refused(seed_dir: Path) -> None:
    before = (seed_dir / FEATURE).read_bytes()
    (seed_dir / "p.md").symlink_to(FEATURE)

    result = _call(seed_dir, "render_plan", output="p.md", force=True)

    assert not result.ok and "output" in (result.error or "")
    assert (seed_dir / FEATURE).read_bytes() == before
    assert (seed_dir / "p.md").is_symlink()


def test_cli_output_onto_a_fifo_or_symlink_is_refused(
    run_cli: RunCli, seed_dir: Path, tmp_path: Path, outside: Path
) -> None:
    fifo = tmp_path / "pipe.md"
    os.mkfifo(fifo)
    link = tmp_path / "link.md"
    link.symlink_to(outside / "creds.md")

    results = {
        target: run_cli("plan", "--context", seed_dir, *START, "-o", target, "--force")
        for target in (fifo, link)
    }

    for target, result in results.items():
        assert result.returncode == 2, (target, result.stderr)
        assert str(target) in result.stderr and result.stderr.count("\n") == 1
    assert stat.S_ISFIFO(fifo.lstat().st_mode)
    assert link.is_symlink() and (outside / "creds.md").read_text() == OUTSIDE_TEXT
