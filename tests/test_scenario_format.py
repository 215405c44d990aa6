"""Reading scenario files: the seed's format, parsed and never executed."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from rollout_manager.errors import InputError
from rollout_manager.scenario.format import parse_scenario, read_scenario, write_setup

REPO = Path(__file__).resolve().parent.parent
SEED = REPO / "scenarios" / "progressive-rollout" / "scenario.md"
SHARED_SEED = REPO.parent / "shared" / "seed" / "progressive-rollout.md"
SCENARIOS = sorted((REPO / "scenarios").glob("*/scenario.md"))

SEED_PROMPTS = (
    (
        "Assess the risk of rolling out our new payment processing pipeline. Context is in "
        "feature-description.md and baseline-metrics.md"
    ),
    (
        "Define rollout stages for this payment migration. We need to be very careful - this is "
        "revenue-critical."
    ),
    (
        "What are the success and rollback criteria for each stage? When should we automatically "
        "roll back?"
    ),
    "What monitoring should be in place during the rollout? What dashboards and alerts do we need?",
    "Create a communication plan for this rollout. Who needs to know what, and when?",
    "Generate a complete rollout plan document I can share with the team and get sign-off.",
)


def _scenario(
    *,
    front: str = "name: tiny\n",
    setup: str | None = None,
    steps: str | None = None,
    criteria: str | None = "- [ ] Overall risk rating provided (LOW/MEDIUM/HIGH)\n",
) -> str:
    """A small scenario in the seed's format; pass a section as None to leave it out."""
    if setup is None:
        setup = (
            "```bash\ncat > feature-description.md <<'EOF'\n# Feature: X\nEOF\n"
            "cat > baseline-metrics.md <<'EOF'\n- Error rate: 1%\nEOF\n```\n"
        )
    if steps is None:
        steps = (
            '### 1. Assess\n\n```\nprompt="Assess the risk"\n```\n\n**Expected Output**:\n- HIGH\n'
        )
    parts = [f"---\n{front}---\n\n# Tiny\n"]
    parts.append(f"## Setup\n\n{setup}\n" if setup != "" else "")
    parts.append(f"## Steps\n\n{steps}\n" if steps != "" else "")
    parts.append(f"## Success Criteria\n\n{criteria}\n" if criteria is not None else "")
    return "\n".join(parts)


def _parse(text: str) -> object:
    return parse_scenario(text, path=Path("scenarios/tiny/scenario.md"))


# --------------------------------------------------------------------------- the seed


def test_the_seed_in_the_repository_is_the_shared_seed() -> None:
    if not SHARED_SEED.exists():
        pytest.skip("shared/ is not beside the repository")
    assert SEED.read_text(encoding="utf-8") == SHARED_SEED.read_text(encoding="utf-8")


def test_the_seed_parses_into_its_files_prompts_and_criteria() -> None:
    scenario = read_scenario(SEED)

    assert scenario.name == "progressive-rollout"
    assert scenario.title == "Progressive Feature Rollout"
    assert scenario.today is None
    assert list(scenario.files) == ["feature-description.md", "baseline-metrics.md"]
    feature = scenario.files["feature-description.md"]
    assert feature.startswith("# Feature: New Payment Processing Pipeline\n")
    assert feature.endswith("No data migration rollback needed (dual-write enabled).\n")
    assert "- Unknown errors: 5%\n" in scenario.files["baseline-metrics.md"]
    assert tuple(step.prompt for step in scenario.steps) == SEED_PROMPTS
    assert [step.title for step in scenario.steps][:2] == [
        "Assess Rollout Risk",
        "Define Rollout Stages",
    ]
    assert len(scenario.criteria) == 12
    assert scenario.criteria[0].text.startswith("Risk assessment covers user impact")
    assert scenario.criteria[-1].text == "Stage gate checklist provided for each advancement"


def test_expected_output_blocks_are_kept_per_step() -> None:
    steps = read_scenario(SEED).steps

    assert "Reversibility: HIGH (feature flag toggle)" in steps[0].expected
    assert "| 1 | 1% | 24 hours | Internal employees |" in steps[1].expected
    assert "CRITICAL: Error rate > 1.6%" in steps[3].expected
    assert all(step.expected for step in steps)


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.parent.name)
def test_documents_beside_a_scenario_are_the_ones_its_setup_writes(path: Path) -> None:
    """`rollout plan --context scenarios/NAME` must plan what the scenario runs on."""
    scenario = read_scenario(path)

    for name, text in scenario.files.items():
        beside = path.parent / name
        if beside.exists():
            assert beside.read_text(encoding="utf-8") == text, name


def test_setup_writes_exactly_its_files_and_runs_nothing(tmp_path: Path) -> None:
    marker = tmp_path / "marker"
    setup = (
        f"```bash\nmkdir -p {marker}\ncd {marker}\necho hi {marker}\n"
        "cat > feature-description.md <<'EOF'\n# Feature: X\n$HOME `date`\nEOF\n"
        'echo "Setup complete."\n```\n'
    )
    scenario = parse_scenario(_scenario(setup=setup), path=tmp_path / "s.md")
    folder = tmp_path / "run"
    folder.mkdir()

    written = write_setup(scenario, folder)

    assert written == [folder / "feature-description.md"]
    assert sorted(p.name for p in folder.iterdir()) == ["feature-description.md"]
    # Heredoc bodies are literal: no expansion, no command substitution.
    assert (folder / "feature-description.md").read_text() == "# Feature: X\n$HOME `date`\n"
    assert not marker.exists()


def test_heredoc_forms_the_shell_accepts() -> None:
    setup = (
        '```sh\ncat <<EOF > a.md\none\nEOF\ncat >> a.md <<"END"\ntwo\nEND\n'
        "cat > b.md <<-EOF\n\t\tindented\n\tEOF\ncat > empty.md <<'EOF'\nEOF\n```\n"
    )
    scenario = parse_scenario(_scenario(setup=setup), path=Path("s.md"))

    assert scenario.files == {"a.md": "one\ntwo\n", "b.md": "indented\n", "empty.md": ""}


def test_front_matter_today_fixes_the_planning_date() -> None:
    scenario = parse_scenario(_scenario(front="name: x\ntoday: 2026-11-27\n"), path=Path("s.md"))

    assert scenario.today == date(2026, 11, 27)
    assert scenario.name == "x"


def test_prompts_may_escape_quotes_and_span_lines() -> None:
    steps = (
        '### 1. One\n\n```\nprompt="Say \\"hi\\" to the\n  team"\n```\n\n'
        "### 2) Two\n\nprompt='Then the plan'\n"
    )
    scenario = parse_scenario(_scenario(steps=steps), path=Path("s.md"))

    assert [(s.number, s.title, s.prompt) for s in scenario.steps] == [
        (1, "One", 'Say "hi" to the team'),
        (2, "Two", "Then the plan"),
    ]


def test_a_heading_inside_a_heredoc_does_not_end_the_setup() -> None:
    setup = "```bash\ncat > feature-description.md <<'EOF'\n## Steps\nprompt=\"fake\"\nEOF\n```\n"
    scenario = parse_scenario(_scenario(setup=setup), path=Path("s.md"))

    assert [s.prompt for s in scenario.steps] == ["Assess the risk"]
    assert scenario.files["feature-description.md"] == '## Steps\nprompt="fake"\n'


# --------------------------------------------------------------------------- malformed


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        (_scenario(setup=""), "no '## Setup' section"),
        (_scenario(steps=""), "no '## Steps' section"),
        (_scenario(criteria=None), "no '## Success Criteria' (or '## Acceptance') section"),
        (_scenario(criteria="- plain bullet, no box\n"), "holds no '- [ ] ...' line"),
        (_scenario(steps="### 1. Ask\n\nNo prompt here.\n"), "step '1. Ask' has no prompt"),
        (_scenario(steps="Just words.\n"), 'Steps holds no prompt="..." line'),
        (_scenario(setup="```bash\necho hi\n```\n"), "Setup defines no files"),
        (
            _scenario(setup="```bash\ncat > a.md <<'EOF'\nnever closed\n```\n"),
            "line 10: heredoc for 'a.md' is never closed by a 'EOF' line",
        ),
        (_scenario(setup="```bash\ncat > a.md <<'EOF'\nx\nEOF\n"), "code fence is never closed"),
        (
            _scenario(setup="```bash\ncat > ../escape.md <<'EOF'\nx\nEOF\n```\n"),
            "'../escape.md' is not a plain file name",
        ),
        (
            _scenario(setup="```bash\ncat > /etc/cron.d/x <<'EOF'\nx\nEOF\n```\n"),
            "'/etc/cron.d/x' is not a plain file name",
        ),
        (
            _scenario(setup="```bash\ncat > $HOME/x.md <<'EOF'\nx\nEOF\n```\n"),
            "'$HOME/x.md' is not a plain file name",
        ),
        (
            _scenario(setup="```bash\npython3 - <<'EOF'\nprint(1)\nEOF\n```\n"),
            "only `cat > FILE <<'EOF'` heredocs are supported",
        ),
        (
            _scenario(setup="```bash\necho '# Feature' > feature-description.md\n```\n"),
            "Setup may create files only with",
        ),
        ("# No front matter\n\n## Setup\n", "no YAML front matter"),
        ("---\nname: x\n# never closed\n", "front matter is not closed"),
        (_scenario(front="name: [unclosed\n"), "front matter is not valid YAML"),
        (_scenario(front="- a list\n"), "front matter must be a YAML mapping"),
        (_scenario(front="today: next tuesday\n"), "'today: next tuesday' is not a date"),
    ],
    ids=lambda value: value[:40] if isinstance(value, str) and "\n" not in value else None,
)
def test_malformed_scenarios_give_one_line_naming_the_file(text: str, problem: str) -> None:
    with pytest.raises(InputError) as raised:
        _parse(text)

    message = str(raised.value)
    assert message.startswith("scenarios/tiny/scenario.md: ")
    assert problem in message
    assert "\n" not in message


def test_a_missing_or_binary_file_is_an_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="file not found"):
        read_scenario(tmp_path / "absent.md")
    binary = tmp_path / "binary.md"
    binary.write_bytes(b"---\n\xff\xfe\n")
    with pytest.raises(InputError, match="not UTF-8 text"):
        read_scenario(binary)
    with pytest.raises(InputError, match="is a folder"):
        read_scenario(tmp_path)
