"""`make golden`: recompile the shipped templates, rewrite every golden scenario's expected files.

`python -m rollout_manager.frontdoors.cli_golden [DIR]` (default `scenarios`);
the work is `scenario.golden.regenerate`, this front door only reports it.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rollout_manager.errors import InputError
from rollout_manager.render.environment import COMPILED, write_compiled
from rollout_manager.scenario.golden import regenerate

if TYPE_CHECKING:
    from collections.abc import Sequence


def main(argv: Sequence[str] | None = None) -> int:
    """`python -m rollout_manager.frontdoors.cli_golden [DIR]`: regenerate, list what changed."""
    args = list(sys.argv[1:] if argv is None else argv)
    root = Path(args[0] if args else "scenarios")
    if not root.is_dir():
        sys.stderr.write(f"golden: {root}: no such folder\n")
        return 2
    if write_compiled():
        sys.stdout.write(f"updated {COMPILED.name}/ (the templates, compiled)\n")
    try:
        changed = regenerate(root)
    except InputError as error:
        sys.stderr.write(f"golden: {error}\n")
        return 2
    for path in changed:
        sys.stdout.write(f"updated {path}\n")
    sys.stdout.write(f"{len(changed)} golden file(s) changed; review the diff before committing\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
