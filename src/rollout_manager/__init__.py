"""rollout-manager: plans safe, progressive feature rollouts.

The public surface is small: read the context documents, load the policy,
build the plan. Front doors (CLI, MCP server, agent) live in their own
modules and are never imported from here. The names below are imported on
first use (PEP 562), so a command that needs only part of the package does not
pay for the rest when it starts.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rollout_manager.errors import InputError
    from rollout_manager.model import RolloutContext, RolloutPlan
    from rollout_manager.planning.plan import build_plan, plan_folder
    from rollout_manager.planning.policy import Policy, default_policy, load_policy
    from rollout_manager.reading.context import read_context

_WHERE = {
    "InputError": "rollout_manager.errors",
    "Policy": "rollout_manager.planning.policy",
    "RolloutContext": "rollout_manager.model",
    "RolloutPlan": "rollout_manager.model",
    "build_plan": "rollout_manager.planning.plan",
    "default_policy": "rollout_manager.planning.policy",
    "load_policy": "rollout_manager.planning.policy",
    "plan_folder": "rollout_manager.planning.plan",
    "read_context": "rollout_manager.reading.context",
}

__all__ = [
    "InputError",
    "Policy",
    "RolloutContext",
    "RolloutPlan",
    "build_plan",
    "default_policy",
    "load_policy",
    "plan_folder",
    "read_context",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """Return the public names, imported when first asked for."""
    if name not in _WHERE:
        raise AttributeError(f"module 'rollout_manager' has no attribute {name!r}")
    value = getattr(import_module(_WHERE[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *_WHERE])
