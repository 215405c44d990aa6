"""`rollout-log.jsonl`: every verdict, appended whole, one JSON object a line.

Appends are serialised by an advisory lock (`fcntl.flock`) on a lock file
beside the journal, and each entry is one `write` to a file opened with
`O_APPEND`, then `fsync`: two gates at once both land, and a reader never
sees half a line. A last line without its newline (a crash mid-write) is
skipped when reading.
"""

from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path
from typing import Any

from rollout_manager.errors import InputError
from rollout_manager.storage import read_user_text

JOURNAL_NAME = "rollout-log.jsonl"
MAX_JOURNAL_BYTES = 64 * 1024 * 1024


def journal_path(folder: Path) -> Path:
    """Return the journal of the rollout planned from `folder`."""
    return Path(folder) / JOURNAL_NAME


def _open(path: Path, flags: int) -> int:
    try:
        return os.open(path, flags | os.O_NOFOLLOW | os.O_CLOEXEC, 0o666)
    except OSError as error:
        raise InputError(str(path), f"cannot write the journal: {error.strerror}") from None


def append_entry(folder: Path, entry: dict[str, Any]) -> Path:
    """Append one entry to the folder's journal under its lock; returns the journal's path.

    Raises:
        InputError: the folder is missing or not writable, or the journal is a symlink.
    """
    path = journal_path(folder)
    if not Path(folder).is_dir():
        raise InputError(str(path), f"folder '{folder}' does not exist")
    data = (json.dumps(entry, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8")
    lock = _open(path.with_name(JOURNAL_NAME + ".lock"), os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(lock, fcntl.LOCK_EX)
        handle = _open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        try:
            written = os.write(handle, data)
            if written != len(data):  # a full disk: say so rather than leave half a line
                raise InputError(str(path), f"wrote {written} of {len(data)} bytes")
            os.fsync(handle)
        finally:
            os.close(handle)
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        os.close(lock)
    return path


def read_journal(folder: Path) -> list[dict[str, Any]]:
    """Every complete entry of the folder's journal, oldest first (none: empty list).

    Raises:
        InputError: the journal holds a line that is not a JSON object.
    """
    path = journal_path(folder)
    if not path.exists():
        return []
    text = read_user_text(path, max_bytes=MAX_JOURNAL_BYTES)
    lines = text.split("\n")
    complete = lines[:-1]  # whatever follows the last newline is unfinished
    entries: list[dict[str, Any]] = []
    for number, line in enumerate(complete, start=1):
        if not line.strip():
            continue
        try:
            entry = json.loads(line)
        except json.JSONDecodeError:
            raise InputError(f"{path}:{number}", "not a JSON line") from None
        if not isinstance(entry, dict):
            raise InputError(f"{path}:{number}", "not a JSON object")
        entries.append(entry)
    return entries
