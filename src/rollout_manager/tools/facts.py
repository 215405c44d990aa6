"""`record_fact`: a fact the reader missed, kept only with a quote code finds in the file.

The model may read a number the reader could not ("Throughput peaks at three
hundred and fifty a second"); it records it with the file and the exact words.
Code checks the quote is in that file inside the context folder and that it
states the value in that unit, then saves it under `facts:` in rollout.yaml,
where every later plan checks it again and uses it with its evidence.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rollout_manager.errors import InputError
from rollout_manager.planning.plan import build_plan
from rollout_manager.planning.policy import CONFIG_NAME, policy_from_overrides
from rollout_manager.reading.context import read_context
from rollout_manager.reading.declared import RecordedFact, apply_declared, verify
from rollout_manager.render.sections import render_context
from rollout_manager.storage import atomic_write_text, locked
from rollout_manager.tools.registry import ToolEnv, ToolResult
from rollout_manager.tools.settings import dump, plain, settings_file


def _same_subject(entry: Any, fact: RecordedFact) -> bool:
    return isinstance(entry, dict) and (
        (fact.metric is not None and entry.get("metric") == fact.metric)
        or (fact.traffic is not None and entry.get("traffic") is not None)
    )


def record_fact(args: Any, env: ToolEnv) -> ToolResult:
    """Check the fact's quote against its file, then save it under `facts:` in rollout.yaml."""
    folder = env.resolve(args.context)
    env.resolve(str(Path(args.context) / args.file), field="file")
    traffic = args.metric == "traffic"
    if traffic and not args.traffic_unit:
        raise InputError("traffic_unit", "name what the traffic counts, e.g. logins")
    try:
        fact = RecordedFact(
            metric=None if traffic else args.metric,
            traffic=args.traffic_unit if traffic else None,
            value=args.value,
            unit=args.unit,
            file=args.file,
            quote=" ".join(args.quote.split()),
        )
    except ValidationError as error:
        raise InputError("record_fact", str(error.errors()[0]["msg"])) from None
    checked = verify(folder, fact)
    with locked(folder / CONFIG_NAME):  # one writer at a time, reading under the lock
        return _save(checked, folder, env)


def _save(checked: RecordedFact, folder: Path, env: ToolEnv) -> ToolResult:
    path, current = settings_file(folder)
    facts = [e for e in current.get("facts", []) or [] if not _same_subject(e, checked)]
    facts.append(checked.model_dump(exclude_none=True))
    current["facts"] = facts
    merged = plain(current)
    policy = policy_from_overrides(merged, source=CONFIG_NAME)
    context = read_context(folder)
    try:
        plan = build_plan(context, policy, today=env.today)
    except ValueError as error:
        raise InputError(CONFIG_NAME, f"the fact leaves no valid plan: {error}") from None
    atomic_write_text(path, dump(current))
    where = f"{checked.file}:{checked.line}"
    subject = checked.metric or f"traffic ({checked.traffic})"
    note = (
        f"Recorded {subject} = {checked.value:g} {checked.unit} from {where} "
        f'"{checked.quote}" in `{CONFIG_NAME}`; the next plan uses it.'
    )
    data = {
        "saved": CONFIG_NAME,
        "fact": checked.model_dump(exclude_none=True),
        "evidence": where,
        "traffic": plan.traffic.model_dump(mode="json"),
        "metrics": [m.model_dump(mode="json") for m in plan.baseline.metrics],
    }
    shown = apply_declared(context, policy.facts, policy.traffic, policy.baseline)
    return ToolResult(ok=True, data=data, markdown=note + "\n\n" + render_context(shown))


__all__ = ["record_fact"]
