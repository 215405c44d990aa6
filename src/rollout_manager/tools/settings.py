"""`adjust_plan`: the user's change, validated, saved to `rollout.yaml`.

The file is edited in place with `ruamel.yaml`'s round-trip mode, so the
team's comments, key order and layout survive; each new entry is built
through the policy's own models (`StageAdjustment`, `FreezeWindow`), and the
whole result is validated as a `Policy` and planned once before anything is
written.
"""

from __future__ import annotations

import io
from typing import TYPE_CHECKING, Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.error import YAMLError

from rollout_manager.errors import InputError
from rollout_manager.planning.plan import build_plan, section_json
from rollout_manager.planning.policy import (
    CONFIG_NAME,
    FreezeWindow,
    StageAdjustment,
    policy_from_overrides,
)
from rollout_manager.planning.settings_file import MAX_CONFIG_BYTES, read_config
from rollout_manager.reading.context import read_context
from rollout_manager.render.sections import render_section, status_line
from rollout_manager.storage import atomic_write_text, locked, read_user_text
from rollout_manager.tools.registry import ToolEnv, ToolResult
from rollout_manager.tools.served import drop_evidence, relative

if TYPE_CHECKING:
    from pathlib import Path

    from rollout_manager.tools.inputs import AdjustInput, FreezeInput


def _mapping(data: dict[str, Any], key: str) -> dict[str, Any]:
    value = data.setdefault(key, CommentedMap())
    if not isinstance(value, dict):
        raise InputError(CONFIG_NAME, f"'{key}' must be a mapping to record this change")
    return value


def _listing(data: dict[str, Any], key: str) -> list[Any]:
    value = data.setdefault(key, CommentedSeq())
    if not isinstance(value, list):
        raise InputError(CONFIG_NAME, f"'{key}' must be a list to record this change")
    return value


def _stage_change(args: AdjustInput) -> dict[str, float] | None:
    change: dict[str, float] = {}
    if args.duration_hours is not None and args.duration_days is not None:
        raise InputError("duration_days", "give duration_hours or duration_days, not both")
    if args.duration_hours is not None:
        change["duration_hours"] = args.duration_hours
    if args.duration_days is not None:
        change["duration_hours"] = args.duration_days * 24
    if args.traffic_percent is not None:
        change["traffic_percent"] = args.traffic_percent
    if change and args.stage is None:
        raise InputError("stage", "say which stage to change")
    if args.stage is not None and not change:
        raise InputError("stage", "give duration_hours, duration_days or traffic_percent for it")
    return change or None


def plain(value: Any) -> Any:
    """Return the round-trip containers as plain data, for the policy models (`record_fact` too)."""
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    return value


def _merge_stage(data: dict[str, Any], number: int, change: dict[str, float]) -> str:
    entries = _listing(data, "stages")
    entry = next((e for e in entries if isinstance(e, dict) and e.get("stage") == number), None)
    if entry is None:
        entry = CommentedMap(stage=number)
        entries.append(entry)
    tidy = {k: int(v) if float(v).is_integer() else v for k, v in change.items()}
    # The policy's own model checks the entry (ranges, unknown keys) before it is kept.
    StageAdjustment.model_validate({**plain(entry), **tidy})
    entry.update(tidy)
    entries.sort(key=lambda e: e.get("stage", 0) if isinstance(e, dict) else 0)
    return f"stage {number}: " + ", ".join(f"{k} {entry[k]:g}" for k in change)


def _merge_freezes(data: dict[str, Any], freezes: list[FreezeInput]) -> list[str]:
    entries = _listing(data, "freezes")
    changes = []
    for freeze in freezes:
        window = FreezeWindow(name=freeze.name, start=freeze.start, end=freeze.end)
        kept = [e for e in entries if not (isinstance(e, dict) and e.get("name") == window.name)]
        entries[:] = kept
        entries.append(CommentedMap(name=window.name, start=window.start, end=window.end))
        changes.append(
            f"freeze '{window.name}' {freeze.start.isoformat()} to {freeze.end.isoformat()}"
        )
    return changes


def _merge(
    current: dict[str, Any], args: AdjustInput
) -> tuple[dict[str, Any], list[str], list[str]]:
    """Apply the change in place: the settings, what changed and the sections it moves."""
    data = current
    changes: list[str] = []
    sections: list[str] = []
    stage_change = _stage_change(args)
    if args.start is not None:
        data["start"] = args.start
        changes.append(f"start {args.start.isoformat()}")
    if stage_change is not None and args.stage is not None:
        changes.append(_merge_stage(data, args.stage, stage_change))
    if args.freezes:
        changes += _merge_freezes(data, args.freezes)
    if args.strategy is not None:
        data["strategy"] = args.strategy
        changes.append(f"strategy {args.strategy}")
    if changes:
        sections.append("stages")
    if args.channels:
        _mapping(_mapping(data, "communication"), "channels").update(dict(args.channels.items()))
        changes += [f"{role} channel '{channel}'" for role, channel in args.channels.items()]
        sections.append("comms")
    if args.on_call_rotation is not None:
        _mapping(data, "on_call")["rotation"] = args.on_call_rotation
        changes.append(f"on-call rotation '{args.on_call_rotation}'")
        sections.append("monitoring")
    if not changes:
        raise InputError(
            "(arguments)",
            "nothing to change: give start, stage with duration or traffic, channels, freezes, "
            "strategy or on_call_rotation",
        )
    return data, changes, sections


def _round_trip() -> YAML:
    yaml = YAML(typ="rt")
    yaml.preserve_quotes = True
    yaml.indent(mapping=2, sequence=4, offset=2)
    return yaml


def settings_file(folder: Path) -> tuple[Path, CommentedMap]:
    """`rollout.yaml` of the folder as an editable mapping that keeps comments and order."""
    if not folder.is_dir():
        raise InputError("context", f"'{folder.name}' is not a folder")
    path = folder / CONFIG_NAME
    if path.is_symlink() or (path.exists() and not path.is_file()):
        raise InputError(CONFIG_NAME, "is not a plain file; adjust_plan writes only a plain file")
    if not path.exists():
        return path, CommentedMap()
    read_config(path)  # the one reader's checks (size, encoding, YAML, a mapping) first
    try:
        data = _round_trip().load(read_user_text(path, max_bytes=MAX_CONFIG_BYTES))
    except YAMLError:
        raise InputError(str(path), "not valid YAML") from None
    return path, data if isinstance(data, CommentedMap) else CommentedMap()


def dump(data: dict[str, Any]) -> str:
    """Write round-trip settings as YAML text, comments and key order kept."""
    buffer = io.StringIO()
    _round_trip().dump(data, buffer)
    return buffer.getvalue()


def adjust_plan(args: AdjustInput, env: ToolEnv) -> ToolResult:
    """Save a change to `rollout.yaml` once the whole plan is valid with it; show what moved."""
    folder = env.resolve(args.context)
    # One writer at a time, reading the file under the lock: no other writer's change is lost.
    with locked(folder / CONFIG_NAME):
        path, current = settings_file(folder)
        merged, changes, sections = _merge(current, args)
        # Validate the whole result before anything is written: the settings, then a full plan.
        policy = policy_from_overrides(plain(merged), source=CONFIG_NAME)
        try:
            plan = build_plan(read_context(folder), policy, today=env.today)
        except ValueError as error:
            raise InputError(CONFIG_NAME, f"the change leaves no valid schedule: {error}") from None
        atomic_write_text(path, dump(merged))
    saved = relative(env, path)
    note = f"Saved to `{saved}`: " + "; ".join(changes) + "."
    data: dict[str, Any] = {"saved": saved, "changes": changes}
    parts = [note]
    for section in sections:
        data.update(drop_evidence(section_json(plan, section)))
        parts.append(render_section(plan, section))
    return ToolResult(ok=True, data=data, markdown="\n\n".join(parts), summary=status_line(plan))
