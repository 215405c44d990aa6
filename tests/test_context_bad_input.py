"""Bad context folders and documents: a clear InputError naming the file, never a traceback."""

from __future__ import annotations

import re
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from rollout_manager.errors import InputError
from rollout_manager.reading.context import read_context
from rollout_manager.render.sections import render_context
from tests.conftest import SEED_DIR

if TYPE_CHECKING:
    from rollout_manager.model import RolloutContext

RunCli = Callable[..., subprocess.CompletedProcess[str]]

SEED = Path(__file__).resolve().parent.parent / "scenarios" / "progressive-rollout"
DOCUMENTS = ("feature-description.md", "baseline-metrics.md")
SEED_LINES = {name: (SEED / name).read_text(encoding="utf-8").split("\n") for name in DOCUMENTS}

MiB = 1024 * 1024


def _assert_one_line_error(result: subprocess.CompletedProcess[str], *parts: str) -> None:
    assert result.returncode == 2
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("rollout: ")
    assert "Traceback" not in result.stderr
    for part in parts:
        assert part in lines[0]


# ------------------------------------------------------------------ the folder


def test_missing_folder(tmp_path: Path, run_cli: RunCli) -> None:
    folder = tmp_path / "nowhere"
    with pytest.raises(InputError, match="not found") as caught:
        read_context(folder)
    assert caught.value.source == str(folder)
    _assert_one_line_error(run_cli("context", "--context", folder), str(folder), "not found")


def test_folder_is_a_file(tmp_path: Path, run_cli: RunCli) -> None:
    folder = tmp_path / "feature-description.md"
    folder.write_text("# Feature: X\n", encoding="utf-8")
    with pytest.raises(InputError, match="not a folder") as caught:
        read_context(folder)
    assert caught.value.source == str(folder)
    _assert_one_line_error(run_cli("context", "--context", folder), str(folder), "not a folder")


# ------------------------------------------------------------------ the documents


def _break(seed_dir: Path, name: str, content: bytes | None) -> Path:
    path = seed_dir / name
    if content is None:
        path.unlink()
    else:
        path.write_bytes(content)
    return path


BAD_DOCUMENTS = [
    pytest.param(None, "file not found", id="missing"),
    pytest.param(b"", "is empty", id="empty"),
    pytest.param(b"  \n\t\n   \n", "is empty", id="whitespace-only"),
    pytest.param(b"# Baseline\n- P95 latency: 890\xe9ms\n", "not UTF-8", id="latin-1"),
    pytest.param(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary content", id="binary"),
    pytest.param("# Baseline\n".encode("utf-16"), "UTF-16", id="utf-16"),
]


@pytest.mark.parametrize("name", DOCUMENTS)
@pytest.mark.parametrize(("content", "problem"), BAD_DOCUMENTS)
def test_bad_document_names_the_file_and_the_problem(
    seed_dir: Path, name: str, content: bytes | None, problem: str
) -> None:
    path = _break(seed_dir, name, content)
    with pytest.raises(InputError) as caught:
        read_context(seed_dir)
    assert caught.value.source == str(path)
    assert problem in caught.value.problem
    assert str(caught.value) == f"{path}: {caught.value.problem}"


@pytest.mark.slow
@pytest.mark.parametrize(("content", "problem"), BAD_DOCUMENTS)
def test_bad_document_through_the_cli(
    seed_dir: Path, run_cli: RunCli, content: bytes | None, problem: str
) -> None:
    path = _break(seed_dir, "baseline-metrics.md", content)
    _assert_one_line_error(run_cli("context", "--context", seed_dir), str(path), problem)


def test_error_names_the_path_as_given(seed_dir: Path, run_cli: RunCli) -> None:
    (seed_dir / "baseline-metrics.md").write_bytes(b"")
    result = run_cli("context", "--context", seed_dir.name, cwd=seed_dir.parent)
    _assert_one_line_error(result)
    assert result.stderr == f"rollout: {seed_dir.name}/baseline-metrics.md: is empty\n"


def test_document_that_is_a_folder(seed_dir: Path) -> None:
    path = seed_dir / "baseline-metrics.md"
    path.unlink()
    path.mkdir()
    with pytest.raises(InputError, match="is a folder, not a file"):
        read_context(seed_dir)


def _oversized(seed_dir: Path) -> Path:
    path = seed_dir / "baseline-metrics.md"
    with path.open("r+b") as handle:
        handle.truncate(MiB + 1)  # sparse: one byte over the limit
    return path


def test_oversized_document_is_refused_before_it_is_read(
    seed_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = _oversized(seed_dir)
    real_open = Path.open

    def guarded_open(self: Path, *args: object, **kwargs: object) -> object:
        assert self.name != path.name, "the oversized file was opened"
        return real_open(self, *args, **kwargs)  # type: ignore[call-overload]

    monkeypatch.setattr(Path, "open", guarded_open)
    monkeypatch.setattr(Path, "read_bytes", lambda self: pytest.fail(f"{self} was read"))
    with pytest.raises(InputError, match="too large") as caught:
        read_context(seed_dir)
    assert caught.value.source == str(path)


def test_document_of_exactly_one_mebibyte_is_read(seed_dir: Path) -> None:
    path = seed_dir / "baseline-metrics.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + " " * (MiB - len(text.encode("utf-8"))), encoding="utf-8")
    assert path.stat().st_size == MiB
    assert read_context(seed_dir).baseline.p95_latency_ms is not None


@pytest.mark.slow
def test_oversized_document_through_the_cli(seed_dir: Path, run_cli: RunCli) -> None:
    path = _oversized(seed_dir)
    _assert_one_line_error(run_cli("context", "--context", seed_dir), str(path), "too large")


# ------------------------------------------------------------------ anything at all


def _read(feature: str, baseline: str) -> RolloutContext | None:
    """Read two documents; None when the reader refused them with an InputError."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "feature-description.md").write_text(feature, encoding="utf-8")
        (root / "baseline-metrics.md").write_text(baseline, encoding="utf-8")
        refused: InputError | None = None
        try:
            context = read_context(root)
        except InputError as error:
            refused = error
    if refused is not None:
        assert refused.source.startswith(folder)
        return None
    # Whatever was read must also serialise and render: the CLI does both.
    context.model_dump_json()
    render_context(context)
    return context


_JUNK = st.text(
    alphabet=st.characters(codec="utf-8", exclude_characters="\n"), max_size=60
) | st.sampled_from(
    [
        "| Metric | Value |",
        "|---|---|",
        "- P95 latency: ",
        "```",
        "<!--",
        "## Error Breakdown",
        "## Dependencies",
        "- Peak traffic: 25pm-99am XYZ",
        "- Error rate: 10000000000000000000000000000000000000000000000000000000%",
        "- Daily revenue: $" + "9" * 400 + "M",
        "---",
        "Label:",
        "- [x]",
        "# ",
    ]
)


@st.composite
def _mutated(draw: st.DrawFn, name: str) -> str:
    lines = list(SEED_LINES[name])
    for _ in range(draw(st.integers(min_value=0, max_value=8))):
        operation = draw(st.sampled_from(["delete", "duplicate", "shuffle", "number", "junk"]))
        index = draw(st.integers(min_value=0, max_value=max(len(lines) - 1, 0)))
        if operation == "delete" and lines:
            del lines[index]
        elif operation == "duplicate" and lines:
            lines.insert(index, lines[index])
        elif operation == "shuffle":
            lines = draw(st.permutations(lines))
        elif operation == "number" and lines:
            number = draw(
                st.one_of(
                    st.integers(min_value=-(10**30), max_value=10**30).map(str),
                    st.floats(allow_nan=True, allow_infinity=True).map(str),
                    st.from_regex(r"\A[~$€£]?\d{1,4}(,\d{3})*(\.\d+)?\s?(%|ms|s|k|M|‰)?\Z"),
                )
            )
            lines[index] = re.sub(
                r"\d+(?:[.,]\d+)*", number.replace("\\", "\\\\"), lines[index], count=1
            )
        elif operation == "junk":
            lines.insert(index, draw(_JUNK))
    return "\n".join(lines)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(feature=st.text(max_size=400), baseline=st.text(max_size=400))
def test_arbitrary_text_reads_or_is_refused(feature: str, baseline: str) -> None:
    _read(feature, baseline)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(feature=_mutated("feature-description.md"), baseline=_mutated("baseline-metrics.md"))
def test_mutated_seed_documents_read_or_are_refused(feature: str, baseline: str) -> None:
    context = _read(feature, baseline)
    if context is not None:
        for fact in context.baseline.error_breakdown:
            assert 0 <= fact.value.share <= 1
        for name in ("success_rate", "error_rate", "timeout_rate"):
            rate = getattr(context.baseline, name)
            assert rate is None or 0 <= rate.value <= 1


@settings(max_examples=100, deadline=None)
@given(feature=_mutated("feature-description.md"))
def test_every_evidence_line_quotes_its_document(feature: str) -> None:
    context = _read(feature, "\n".join(SEED_LINES["baseline-metrics.md"]))
    if context is None:
        return
    lines = feature.split("\n")
    dumped = context.feature.model_dump()
    for held in dumped.values():
        for fact in held if isinstance(held, list) else [held]:
            for evidence in (fact or {}).get("evidence", []):
                assert evidence["file"] == "feature-description.md"
                assert lines[evidence["line"] - 1].strip() == evidence["text"]


ADVERSARIAL_LINES = {
    "blank run": "- P95 latency" + " " * 200_000 + "x",
    "unclosed parentheses": "- Error rate (" * 20_000,
    "unclosed links": "[" * 200_000,
    "unclosed comments": "<!--" * 50_000,
    "pipes and dashes": "| -" * 60_000,
    "clauses": "a ; and , " * 20_000,
    "numbers": "~1 " * 60_000,
    "heading": "## " + " " * 200_000 + "#",
}


@pytest.mark.parametrize("name", ADVERSARIAL_LINES)
def test_adversarial_lines_read_in_linear_time(seed_dir: Path, name: str) -> None:
    def seconds_to_read(line: str) -> float:
        for document in DOCUMENTS:
            text = (SEED_DIR / document).read_text(encoding="utf-8")
            (seed_dir / document).write_text(f"{text}\n## Notes\n{line}\n", encoding="utf-8")
        started = time.perf_counter()
        read_context(seed_dir)
        return time.perf_counter() - started

    line = ADVERSARIAL_LINES[name]
    adversarial = seconds_to_read(line)
    plain = seconds_to_read(("plain words " * len(line))[: len(line)])
    # A ratio, not a time: read linearly, the adversarial line costs about what a plain line
    # of the same length costs; a quadratic regex takes thousands of times longer.
    assert adversarial < 30 * plain, (adversarial, plain)
