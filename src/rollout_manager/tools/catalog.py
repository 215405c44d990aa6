"""The built-in tools, collected into the registry every front door is given."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from rollout_manager.tools.exports import EXPORT_TOOLS
from rollout_manager.tools.gates import GATE_TOOLS
from rollout_manager.tools.planning import PLANNING_TOOLS
from rollout_manager.tools.registry import Registry, ToolResult

if TYPE_CHECKING:
    from datetime import date
    from pathlib import Path


def default_registry() -> Registry:
    """Every built-in tool, in the order a model should read them."""
    return Registry((*PLANNING_TOOLS, *EXPORT_TOOLS, *GATE_TOOLS))


def dispatch(
    name: str,
    arguments: dict[str, Any] | None,
    *,
    root: Path,
    today: date | None = None,
    config: Path | None = None,
) -> ToolResult:
    """Call one built-in tool (for scripts and tests; front doors hold their own registry)."""
    return default_registry().dispatch(name, arguments, root=root, today=today, config=config)
