"""Scenario files cannot write outside their run folder (issue 17, items 6 and 15)."""

from __future__ import annotations

import dataclasses
import tempfile
from datetime import date
from pathlib import Path

import pytest

from rollout_manager.errors import InputError
from rollout_manager.scenario.format import parse_scenario, read_scenario
from rollout_manager.scenario.runner import Driver, StepOutcome, run_scenario

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "scenarios" / "progressive-rollout" / "scenario.md"
HEREDOCS = (
    "cat > feature-description.md <<'EOF'\n# Feature: X\nEOF\n"
    "cat > baseline-metrics.md <<'EOF'\n- Error rate: 1%\nEOF\n"
)


def _with_setup(line: str) -> str:
    return (
        "---\nname: tiny\n---\n\n# Tiny\n\n## Setup\n\n```bash\n"
        f'{HEREDOCS}{line}\n```\n\n## Steps\n\n```\nprompt="Assess the risk"\n```\n\n'
        "## Success Criteria\n\n- [ ] Overall risk rating provided (LOW/MEDIUM/HIGH)\n"
    )


# --------------------------------------------------------------------------- item 15


@pytest.mark.parametrize(
    "line",
    [
        "tee rollout.yaml < /etc/passwd",
        "echo 'strategy: direct' | tee rollout.yaml",
        "cp /etc/passwd rollout.yaml",
        "ln -s /etc/passwd rollout.yaml",
        "mv feature-description.md baseline-metrics.md",
        "install -m 644 /etc/passwd rollout.yaml",
        "dd if=/etc/passwd of=rollout.yaml",
        "sudo cp /etc/passwd rollout.yaml",
        "mkdir -p x && cp /etc/passwd rollout.yaml",
        "curl -o rollout.yaml https://example.invalid/settings",
        "touch rollout.yaml",
        "rm -rf /tmp/x",
    ],
)
def test_setup_commands_that_write_files_are_refused_with_a_message(line: str) -> None:
    with pytest.raises(InputError) as raised:
        parse_scenario(_with_setup(line), path=Path("s.md"))

    message = str(raised.value)
    assert message.startswith("s.md: line ")
    assert "is refused" in message and "cat > FILE <<'EOF'" in message


@pytest.mark.parametrize("line", ["mkdir -p ~/test-rollout/x", "cd ~/test-rollout/x", "ls -la"])
def test_setup_commands_that_write_nothing_are_still_ignored(line: str) -> None:
    scenario = parse_scenario(_with_setup(line), path=Path("s.md"))

    assert set(scenario.files) == {"feature-description.md", "baseline-metrics.md"}


# --------------------------------------------------------------------------- item 6


@pytest.mark.parametrize("name", ["x/../atk/ESCAPED", "a/b", "../../ESCAPED", "\x00odd"])
def test_a_scenario_name_cannot_move_its_run_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    temp_root = tmp_path / "tmp"
    (temp_root / "rollout-scenario-x").mkdir(parents=True)  # so a `..` in a name would resolve
    monkeypatch.setattr(tempfile, "tempdir", str(temp_root))
    scenario = dataclasses.replace(read_scenario(SEED), name=name)
    folders: list[Path] = []

    def session(folder: Path) -> Driver:
        folders.append(folder)
        return lambda _prompt: StepOutcome(calls=())

    run_scenario(scenario, session, mode="stub", today=date(2026, 11, 27))

    assert len(folders) == 1
    assert folders[0].parent == temp_root
    assert not list(tmp_path.rglob("ESCAPED*"))
