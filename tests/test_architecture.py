"""The layout is the architecture: no import cycles, and the core never reaches a front door.

Read from the source with `ast`, so the check needs no import and sees every
module-level import (imports inside functions are the lazy ones that keep
`rollout` fast; they are allowed to point anywhere a front door may).
"""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "src" / "rollout_manager"
CORE = ("reading", "planning", "render", "tools", "exports", "gates")
# Core too, one step up: it drives the agent loop (a client comes in, results go out), so it
# may import `agent/`, but never a front door, and it never talks to the user.
DRIVES_THE_AGENT = ("scenario",)
FOLDERS = ("reading", "planning", "render", "tools", "agent", "scenario", "frontdoors")


def _module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _type_checking_block(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test)


def _top_level_imports(path: Path) -> set[str]:
    """`rollout_manager...` modules imported when the module is imported (not lazily)."""
    found: set[str] = set()
    for node in ast.parse(path.read_text(encoding="utf-8")).body:
        if _type_checking_block(node):
            continue
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module.startswith("rollout_manager"):
                for alias in node.names:
                    candidate = f"{node.module}.{alias.name}"
                    found.add(candidate if candidate in MODULES else node.module)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("rollout_manager"))
    return {name for name in found if name in MODULES}


# `render/compiled/` is Jinja2's output for our templates (`make golden`), not code we write.
GENERATED = PACKAGE / "render" / "compiled"
MODULES = {
    _module_name(path): path for path in PACKAGE.rglob("*.py") if GENERATED not in path.parents
}
GRAPH = {name: _top_level_imports(path) for name, path in MODULES.items()}


def _cycle_from(start: str) -> list[str] | None:
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen: set[str] = set()
    while stack:
        node, path = stack.pop()
        for target in GRAPH[node]:
            if target == start:
                return [*path, start]
            if target not in seen:
                seen.add(target)
                stack.append((target, [*path, target]))
    return None


def test_the_graph_is_read() -> None:
    """The check sees real edges (a graph with none would pass the cycle test by accident)."""
    assert "rollout_manager.model" in GRAPH["rollout_manager.planning.plan"]
    assert "rollout_manager.tools.registry" in GRAPH["rollout_manager.tools.catalog"]
    assert len(MODULES) > 40


def test_no_module_imports_itself_through_others() -> None:
    cycles = [cycle for name in sorted(GRAPH) if (cycle := _cycle_from(name))]
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)


def test_the_core_never_imports_a_front_door_or_the_agent() -> None:
    offenders = [
        f"{name} -> {target}"
        for name, targets in GRAPH.items()
        if name.split(".")[1:2] and name.split(".")[1] in CORE
        for target in targets
        if target.split(".")[1] in ("frontdoors", "agent", "scenario")
    ]
    assert not offenders, offenders


def _folder(name: str) -> str:
    return name.split(".")[1] if name.count(".") >= 1 else ""


def _named_imports(path: Path) -> set[str]:
    """Every module named in an import, lazy ones inside functions included."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return found


def _every_import(path: Path) -> set[str]:
    """Every `rollout_manager...` module named in an import, lazy ones inside functions included."""
    return {name for name in _named_imports(path) if name.startswith("rollout_manager.")}


def test_the_core_never_reaches_a_front_door_not_even_lazily() -> None:
    offenders = [
        f"{name} -> {target}"
        for name, path in MODULES.items()
        if _folder(name) in (*CORE, *DRIVES_THE_AGENT)
        for target in sorted(_every_import(path))
        if _folder(target) == "frontdoors"
    ]
    assert not offenders, offenders


def _is_main_block(node: ast.stmt) -> bool:
    return isinstance(node, ast.If) and "__main__" in ast.unparse(node.test)


def _talks_to_the_user(path: Path) -> list[str]:
    """Each `print(...)` and `sys.stdout`/`stderr`/`stdin`, outside an `if __name__` block."""
    found = []
    body = [n for n in ast.parse(path.read_text(encoding="utf-8")).body if not _is_main_block(n)]
    for node in (inner for statement in body for inner in ast.walk(statement)):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name):
            if node.func.id == "print":
                found.append(f"line {node.lineno}: print")
        elif (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id == "sys"
            and node.attr in ("stdout", "stderr", "stdin")
        ):
            found.append(f"line {node.lineno}: sys.{node.attr}")
    return found


def test_the_check_for_talking_sees_the_front_doors_talk() -> None:
    """The detector finds real output (one that finds nothing would pass by accident)."""
    assert _talks_to_the_user(MODULES["rollout_manager.frontdoors.cli_scenario"])
    assert _talks_to_the_user(MODULES["rollout_manager.frontdoors.cli"])


def test_only_the_front_doors_talk_to_the_user() -> None:
    """DESIGN.md: only `frontdoors/` prints; everything else returns what it has to say."""
    talking = {
        name: found
        for name, path in MODULES.items()
        if _folder(name) != "frontdoors" and (found := _talks_to_the_user(path))
    }
    assert not talking, talking


def test_the_package_has_the_folders_of_the_design() -> None:
    for folder in FOLDERS:
        assert (PACKAGE / folder / "__init__.py").is_file(), folder


LIMIT = 400


def test_no_module_is_over_four_hundred_lines() -> None:
    """STYLE.md: small modules that do one thing (about 400 lines at most)."""
    long = {
        name: lines
        for name, path in MODULES.items()
        if (lines := path.read_text(encoding="utf-8").count("\n")) > LIMIT
    }
    assert not long, long


def test_only_the_block_reader_imports_markdown_it() -> None:
    """One Markdown reader: documents and scenario files are split into blocks in one place."""
    importers = {
        name
        for name, path in MODULES.items()
        if any(m == "markdown_it" or m.startswith("markdown_it.") for m in _named_imports(path))
    }
    assert importers == {"rollout_manager.reading.blocks"}, importers
