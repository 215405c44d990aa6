"""The Jinja2 environment of every plan template, and the templates shipped compiled.

Compiling the 17 templates from source costs tens of milliseconds a start.
`make golden` therefore compiles them into `render/compiled/` (one Python
module per template, loaded by `jinja2.ModuleLoader`, byte-compiled like any
module of the package) with a manifest of the sources' SHA-256 and the
Jinja2 version. A start uses the compiled set only when the manifest still
matches; after an edited template (or another Jinja2) it compiles from
source, slower and the same. Nothing is cached outside the package: no
command writes anywhere but the folder it serves.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache
from pathlib import Path

import jinja2
from jinja2 import BaseLoader, Environment, ModuleLoader, PackageLoader, StrictUndefined

from rollout_manager import formatting
from rollout_manager.exports.execution import execution_view
from rollout_manager.render import plan_view

TEMPLATES = Path(__file__).with_name("templates")
COMPILED = Path(__file__).with_name("compiled")
MANIFEST = "manifest.json"


def _configured(loader: BaseLoader) -> Environment:
    """Return an environment over `loader` with the plan's settings, filters and globals."""
    environment = Environment(
        loader=loader,
        # The output is Markdown for people and files, not HTML: escaping would corrupt it.
        autoescape=False,  # noqa: S701
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        undefined=StrictUndefined,
    )
    environment.filters.update(
        pct=formatting.pct,
        points=formatting.points,
        ms=formatting.ms,
        money=formatting.money,
        count=formatting.count,
        number=formatting.number,
        hours=formatting.hours,
        minutes=formatting.minutes,
        chance=formatting.chance,
        rare=formatting.rare,
        who_rolls_back=formatting.who_rolls_back,
        plural=formatting.plural,
        when=formatting.when,
        day=formatting.day,
        share=plan_view.share,
        value_text=plan_view.value_text,
        label=plan_view.label,
        sentence=plan_view.sentence,
        condition=plan_view.condition,
        criterion=plan_view.criterion,
        evidence_refs=plan_view.evidence_refs,
        gantt_time=plan_view.gantt_time,
        gantt_duration=plan_view.gantt_duration,
        gantt_name=plan_view.gantt_name,
    )
    environment.globals["view"] = plan_view
    environment.globals["execution_view"] = execution_view
    environment.globals["view"] = plan_view
    environment.globals["execution_view"] = execution_view
    return environment


def _source_environment() -> Environment:
    return _configured(PackageLoader("rollout_manager.render", "templates"))


def manifest(templates: Path = TEMPLATES) -> dict[str, object]:
    """Return what a compiled set is valid for: the Jinja2 version and each source's SHA-256."""
    digests = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in templates.glob("*.j2")}
    return {"jinja2": jinja2.__version__, "templates": dict(sorted(digests.items()))}


def compiled_current(compiled: Path = COMPILED, templates: Path = TEMPLATES) -> bool:
    """Tell whether `compiled` holds the templates as they are now, for this Jinja2."""
    try:
        kept = json.loads((compiled / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return bool(kept == manifest(templates))


@cache
def template_environment() -> Environment:
    """Return the environment every section renders with: compiled templates when current."""
    if compiled_current():
        return _configured(ModuleLoader(str(COMPILED)))
    return _source_environment()


def write_compiled(target: Path = COMPILED) -> bool:
    """Compile every template into `target` with its manifest (`make golden`); True if changed.

    Each module is named as `ModuleLoader` looks it up and records the template's
    path relative to the package, so the output is the same on every machine.
    """
    environment = _source_environment()
    wanted: dict[str, str] = {}
    for name in sorted(p.name for p in TEMPLATES.glob("*.j2")):
        source = (TEMPLATES / name).read_text(encoding="utf-8")
        code = environment.compile(
            source, name, f"render/templates/{name}", raw=True, defer_init=True
        )
        wanted[f"{ModuleLoader.get_template_key(name)}.py"] = code
    wanted[MANIFEST] = json.dumps(manifest(), indent=2) + "\n"
    target.mkdir(exist_ok=True)
    kept = {p.name: p.read_text(encoding="utf-8") for p in target.iterdir() if p.is_file()}
    if kept == wanted:
        return False
    for name in set(kept) - set(wanted):
        (target / name).unlink()
    for name, text in wanted.items():
        (target / name).write_text(text, encoding="utf-8")
    return True
