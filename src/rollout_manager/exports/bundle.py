"""`export_plan`: the plan as the engines' own files, from the plan and the team's series.

The plan is the only source of stages, weights and thresholds; `metrics_source`
(from `rollout.yaml`) only names the series the queries count.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

from rollout_manager.errors import InputError
from rollout_manager.exports.argo import argo_files, read_workload
from rollout_manager.exports.common import ENGINES, ExportFile
from rollout_manager.exports.flagd import flagd_files
from rollout_manager.exports.flagger import flagger_files
from rollout_manager.exports.prometheus import RECORDING_FILE, prometheus_files
from rollout_manager.exports.queries import MetricQueries, metric_queries
from rollout_manager.exports.rules import ExportRules, export_rules
from rollout_manager.storage import atomic_write_text, read_user_text

if TYPE_CHECKING:
    from collections.abc import Sequence
    from pathlib import Path

    from rollout_manager.model import RolloutPlan
    from rollout_manager.planning.metrics_source import MetricsSource

_MAX_MANIFEST_BYTES = 1024 * 1024
# Header lines worth repeating to the user: limits, placeholders, assumptions.
_NOTE_WORDS = (
    "cannot",
    "PLACEHOLDER",
    "no per-stage decisions",
    "must have",
    "whole percents",
    "holds each step",
    "no calendar",
)


def engines(to: str) -> tuple[str, ...]:
    """Return the engines `--to` names: one of them, or `all`.

    Raises:
        InputError: any other name.
    """
    if to == "all":
        return ENGINES
    if to not in ENGINES:
        raise InputError("--to", f"'{to}' is not an engine: {', '.join(ENGINES)} or all")
    return (to,)


def _queries(
    plan: RolloutPlan,
    rules: ExportRules,
    source: MetricsSource,
    *,
    placeholder: bool,
    config: str,
) -> dict[str, MetricQueries]:
    return {
        metric: metric_queries(plan, source, metric, placeholder=placeholder, config=config)
        for metric in rules.metrics
    }


def _only_stage(rules: ExportRules, stage: int | None) -> None:
    if stage is not None and stage not in {s.number for s in rules.stages}:
        raise InputError(
            "--stage", f"stage {stage} does not exist (the plan has {len(rules.stages)})"
        )


def export_plan(
    plan: RolloutPlan,
    source: MetricsSource,
    to: Sequence[str],
    *,
    stage: int | None = None,
    placeholder: bool = False,
    config: str = "rollout.yaml",
    workload: dict[str, Any] | None = None,
) -> list[ExportFile]:
    """Every file of the engines named, paths under a folder per engine.

    Args:
        plan: the plan; stages, weights and thresholds come from it only.
        source: the team's series and labels (`rollout.yaml` `metrics_source`).
        to: engine names (see `engines`).
        stage: write only this stage's Prometheus rules and flagd flags file.
        placeholder: write marked placeholder series for gated metrics with no mapping.
        config: the settings file, named in errors.
        workload: a Rollout or Deployment manifest the Argo strategy is merged into.

    Raises:
        InputError: a gated metric has no series, or `stage` does not exist.
    """
    rules = export_rules(plan)
    _only_stage(rules, stage)
    # flagd needs no series: only the engines that query Prometheus need every metric mapped.
    needs_series = any(engine != "flagd" for engine in to)
    queries = (
        _queries(plan, rules, source, placeholder=placeholder, config=config)
        if needs_series
        else {}
    )
    files: list[ExportFile] = []
    for engine in to:
        if engine == "prometheus":
            produced = prometheus_files(rules, queries)
            if stage is not None:
                keep = {RECORDING_FILE, f"stage-{stage}.rules.yml", f"stage-{stage}.test.yml"}
                produced = [f for f in produced if f.path in keep]
        elif engine == "argo":
            produced = argo_files(rules, queries, workload)
        elif engine == "flagger":
            produced = flagger_files(rules, queries)
        else:
            produced = flagd_files(rules, stage)
        files += [ExportFile(f"{engine}/{f.path}", f.text, engine) for f in produced]
    return files


def read_workload_file(path: Path) -> dict[str, Any]:
    """Read a `--rollout-from` manifest (YAML) and check it is a Rollout or a Deployment.

    Raises:
        InputError: unreadable, not YAML, several documents, or another kind; naming the file.
    """
    text = read_user_text(path, max_bytes=_MAX_MANIFEST_BYTES)
    try:
        documents = [doc for doc in yaml.safe_load_all(text) if doc is not None]
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise InputError(str(path), f"not valid YAML{where}") from None
    if len(documents) != 1:
        raise InputError(str(path), f"must hold one manifest, found {len(documents)}")
    return read_workload(documents[0], str(path))


def write_exports(files: list[ExportFile], folder: Path) -> list[Path]:
    """Write every file under `folder` atomically; returns the paths written.

    Raises:
        InputError: the folder cannot be created or a file cannot be written.
    """
    written = []
    for export in files:
        target = folder / export.path
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise InputError(str(target.parent), f"cannot create: {error.strerror}") from None
        if target.is_symlink() or target.is_dir():
            raise InputError(str(target), "exists and is not a plain file")
        atomic_write_text(target, export.text)
        written.append(target)
    return written


def export_notes(files: list[ExportFile]) -> list[str]:
    """Return the header lines of the files that warn or say what an engine cannot express."""
    notes: dict[str, None] = {}
    for export in files:
        for line in export.text.splitlines():
            if not line.startswith("# "):
                break
            text = line[2:]
            if any(word in text for word in _NOTE_WORDS):
                notes.setdefault(text, None)
    return list(notes)


def export_context(
    plan: RolloutPlan,
    folder: Path,
    to: str,
    *,
    config: Path | None = None,
    stage: int | None = None,
    placeholder: bool = False,
    workload: Path | None = None,
) -> list[ExportFile]:
    """Export the plan of a context folder with its settings' series.

    This is what `rollout export` and the `export_plan` tool share.

    Raises:
        InputError: bad settings, an unknown engine or stage, a gated metric with no
            series, or a bad `workload` manifest.
    """
    from rollout_manager.planning.policy import CONFIG_NAME, load_policy

    names = engines(to)
    policy = load_policy(folder, config)
    settings = config if config is not None else folder / CONFIG_NAME
    manifest = read_workload_file(workload) if workload is not None else None
    return export_plan(
        plan,
        policy.metrics_source,
        names,
        stage=stage,
        placeholder=placeholder,
        config=str(settings),
        workload=manifest,
    )
