"""rollout-manager: plans safe, progressive feature rollouts.

The public surface is small: read the context documents, load the policy,
build the plan. Front doors (CLI, MCP server, agent) live in their own
modules and are never imported from here.
"""

from rollout_manager.errors import InputError
from rollout_manager.model import RolloutContext, RolloutPlan
from rollout_manager.planning.plan import build_plan, plan_folder
from rollout_manager.planning.policy import Policy, default_policy, load_policy
from rollout_manager.reading.context import read_context

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
