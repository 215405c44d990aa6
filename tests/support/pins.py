"""The plugin's constraints file: the runtime dependencies, pinned to the versions tested here.

`python -m tests.support.pins` rewrites `.claude-plugin/constraints.txt` from the
environment the suite runs in (`make constraints`); a test checks that the file
and that environment agree, so the versions a plugin install gets are the ones
`make test` ran against.
"""

from __future__ import annotations

import importlib.metadata
import tomllib
from pathlib import Path

from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

REPO = Path(__file__).resolve().parent.parent.parent
CONSTRAINTS = REPO / ".claude-plugin" / "constraints.txt"
HEADER = (
    "# The versions `make test` ran against; the plugin launcher installs with -c this file.\n"
    "# Regenerate with `make constraints` after changing dependencies in pyproject.toml.\n"
)


def runtime_closure() -> dict[str, str]:
    """Every distribution the base install needs (no extras), with its installed version."""
    with (REPO / "pyproject.toml").open("rb") as handle:
        wanted = tomllib.load(handle)["project"]["dependencies"]
    pending = [(Requirement(text), "") for text in wanted]
    found: dict[str, str] = {}
    expanded: set[tuple[str, str]] = set()
    while pending:
        requirement, extra = pending.pop()
        if requirement.marker is not None and not requirement.marker.evaluate({"extra": extra}):
            continue
        name = canonicalize_name(requirement.name)
        distribution = importlib.metadata.distribution(requirement.name)
        found[name] = distribution.version
        # A dependency asked for with extras (`pyjwt[crypto]`) brings what those extras need.
        for wanted_extra in ("", *requirement.extras):
            if (name, wanted_extra) not in expanded:
                expanded.add((name, wanted_extra))
                pending += [(Requirement(t), wanted_extra) for t in distribution.requires or []]
    return dict(sorted(found.items()))


def constraints_text() -> str:
    """The constraints file as it should read for the current environment."""
    return HEADER + "".join(f"{name}=={version}\n" for name, version in runtime_closure().items())


def pinned() -> dict[str, str]:
    """The pins in the committed file."""
    pins: dict[str, str] = {}
    for line in CONSTRAINTS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            name, _, version = line.partition("==")
            pins[canonicalize_name(name)] = version.strip()
    return pins


if __name__ == "__main__":
    CONSTRAINTS.write_text(constraints_text(), encoding="utf-8")
