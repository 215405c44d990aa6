"""`python -m rollout_manager` runs the `rollout` command."""

import sys

from .cli import main

sys.exit(main())
