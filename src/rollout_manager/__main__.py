"""`python -m rollout_manager` runs the `rollout` command."""

from rollout_manager.frontdoors.cli import run

run()
