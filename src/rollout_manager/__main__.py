"""`python -m rollout_manager` runs the `rollout` command."""

import sys

from rollout_manager.frontdoors.cli import main

sys.exit(main())
