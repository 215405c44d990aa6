"""The user's files: read safely with one-line errors; written atomically, one writer at a time.

A reader sees the old file or the new one, never half of it; a bad file gives
an `InputError` naming it, never a traceback.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import stat
import tempfile
from collections.abc import Iterator
from pathlib import Path

from rollout_manager.errors import InputError

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _size_text(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit // 1024} KiB"


def _read_bytes(path: Path, shown: str, max_bytes: int) -> bytes:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise InputError(shown, "file not found") from None
    except OSError as error:
        raise InputError(shown, f"cannot be read ({error.strerror})") from None
    if stat.S_ISDIR(info.st_mode):
        raise InputError(shown, "is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(shown, "is not a regular file")
    # Checked before reading so a huge file is never loaded into memory.
    if info.st_size > max_bytes:
        raise InputError(
            shown, f"too large ({info.st_size:,} bytes; the limit is {_size_text(max_bytes)})"
        )
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as error:
        raise InputError(shown, f"cannot be read ({error.strerror})") from None
    if len(data) > max_bytes:  # the file grew while we read it
        raise InputError(shown, f"too large (over {_size_text(max_bytes)}, the limit)")
    return data


def read_user_text(path: Path, *, max_bytes: int, shown: str | None = None) -> str:
    """Read a text file a user wrote: bounded in size, UTF-8, no binary content.

    Args:
        path: the file.
        max_bytes: the largest size accepted.
        shown: how to name the file in errors (default: the path as given).

    Raises:
        InputError: missing, a folder, too large, UTF-16, binary or not UTF-8.
    """
    shown = shown if shown is not None else str(path)
    data = _read_bytes(path, shown, max_bytes)
    if data.startswith(_UTF16_BOMS):
        raise InputError(shown, "is UTF-16 text; save it as UTF-8")
    if b"\x00" in data:
        raise InputError(shown, "binary content (NUL bytes); expected text")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise InputError(shown, f"not UTF-8 text (invalid byte at offset {error.start})") from None


def _umask() -> int:
    current = os.umask(0)
    os.umask(current)
    return current


def atomic_write_text(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file and a rename.

    Raises:
        InputError: the folder does not exist or cannot be written.
    """
    path = Path(path)
    folder = path.parent if str(path.parent) else Path()
    if not folder.is_dir():
        raise InputError(str(path), f"folder '{folder}' does not exist")
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise InputError(str(path), f"cannot write: {error.strerror}") from None
    try:
        # mkstemp creates the file 0600; a plan is shared, so give it the usual mode.
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(path)
    except OSError as error:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(str(path), f"cannot write: {error.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


@contextlib.contextmanager
def locked(path: Path) -> Iterator[None]:
    """Hold an exclusive advisory lock for a read-modify-write of `path`.

    The lock is a file beside it (`.NAME.lock`, kept); every writer of `path`
    takes it, and reads the file again once it holds it.

    Raises:
        InputError: the lock file cannot be created (a read-only folder, a symlink there).
    """
    lock = path.parent / f".{path.name}.lock"
    try:
        fd = os.open(lock, os.O_RDWR | os.O_CREAT | os.O_NOFOLLOW | os.O_CLOEXEC, 0o644)
    except OSError as error:
        raise InputError(str(path), f"cannot lock for writing ({error.strerror})") from None
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)  # closing releases the lock
