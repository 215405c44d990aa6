"""The plugin as an install gets it, for tests that start it the way Claude Code does."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent.parent


def plugin_snapshot(dest: Path) -> Path:
    """The repository's files, copied, without .venv or .tools.

    A copy also keeps the sources still while other work edits the tree; a change
    between two starts would rightly make the second one rebuild.
    """
    listed = subprocess.run(
        ["git", "ls-files", "--cached", "--others", "--exclude-standard", "-z"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    for name in filter(None, listed):
        source = REPO / name
        if source.exists() or source.is_symlink():
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, dest / name, follow_symlinks=False)
    return dest


def path_without_uv() -> str:
    """PATH with every folder that holds `uv` left out, so the launcher takes the pip route."""
    folders = os.environ.get("PATH", "").split(os.pathsep)
    return os.pathsep.join(f for f in folders if f and not (Path(f) / "uv").exists())
