"""The user's files: read safely with one-line errors; written atomically, one writer at a time.

A reader sees the old file or the new one, never half of it; a bad file gives
an `InputError` naming it, never a traceback. A file is read only where it
really is inside its root (by default the folder it is named in): a symlink
that leads out of it is refused, and the final open never follows a link. A
write replaces a regular file or creates one, never a symlink, a device, a
FIFO or a folder, and keeps the mode of the file it replaces. Writers of a
settings file serialise on an advisory lock beside it (`locked`), so a
read-modify-write never loses another writer's change.
"""

from __future__ import annotations

import contextlib
import errno
import fcntl
import os
import stat
import tempfile
import time
from pathlib import Path
from typing import TYPE_CHECKING

from rollout_manager.errors import InputError

if TYPE_CHECKING:
    from collections.abc import Iterator

_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
# A temporary file older than this was left by a writer that died (kill -9): remove it.
_STALE_SECONDS = 600
GENERATED_MARK = "<!-- written by rollout-manager: regenerate it rather than edit it -->"
"""The last line of every Markdown file we write: how a rewrite knows the file is ours."""
_JSON_PLAN_HEAD = b'{\n  "schema_version":'


def _size_text(limit: int) -> str:
    return f"{limit // (1024 * 1024)} MiB" if limit >= 1024 * 1024 else f"{limit // 1024} KiB"


def _os_problem(error: OSError) -> str:
    if error.errno == errno.ENOENT:
        return "file not found"
    if error.errno == errno.ENAMETOOLONG:
        return "the name is too long for the file system"
    if error.errno == errno.ELOOP:
        return "is a symlink (replaced while being read); name the file itself"
    return f"cannot be read ({error.strerror})"


def real_path(path: Path, shown: str) -> Path:
    """Return the path with every symlink resolved (the file need not exist).

    Raises:
        InputError: the path cannot be resolved (a symlink loop, a name too long).
    """
    try:
        return Path(os.path.realpath(path, strict=False))
    except (OSError, ValueError) as error:
        raise InputError(shown, f"cannot be resolved ({error})") from None


def confined(path: Path, root: Path, shown: str) -> Path:
    """Return the real path of `path`, refusing one that resolves outside the real `root`.

    Raises:
        InputError: a symlink (of the file or a folder) leads outside `root`.
    """
    real, base = real_path(path, shown), real_path(root, shown)
    if real != base and base not in real.parents:
        raise InputError(shown, f"resolves outside {base} through a symlink; name the file itself")
    return real


def _checked_kind(info: os.stat_result, shown: str) -> None:
    if stat.S_ISDIR(info.st_mode):
        raise InputError(shown, "is a folder, not a file")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(shown, "is not a regular file")


def _read_bytes(path: Path, shown: str, max_bytes: int, root: Path | None) -> bytes:
    real = confined(path, root if root is not None else path.parent, shown)
    try:
        _checked_kind(real.lstat(), shown)  # refuse a FIFO or a device before opening it
        flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC
        fd = os.open(real, flags)
    except OSError as error:
        raise InputError(shown, _os_problem(error)) from None
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        _checked_kind(info, shown)  # what was opened, not what the name showed a moment ago
        # Checked before reading so a huge file is never loaded into memory.
        if info.st_size > max_bytes:
            raise InputError(
                shown, f"too large ({info.st_size:,} bytes; the limit is {_size_text(max_bytes)})"
            )
        try:
            data = handle.read(max_bytes + 1)
        except OSError as error:
            raise InputError(shown, _os_problem(error)) from None
    if len(data) > max_bytes:  # the file grew while we read it
        raise InputError(shown, f"too large (over {_size_text(max_bytes)}, the limit)")
    return data


def read_user_text(
    path: Path, *, max_bytes: int, shown: str | None = None, root: Path | None = None
) -> str:
    """Read a text file a user wrote: inside its root, bounded in size, UTF-8, no binary content.

    Args:
        path: the file.
        max_bytes: the largest size accepted.
        shown: how to name the file in errors (default: the path as given).
        root: the folder the file must really be in (default: the folder it is named in).

    Raises:
        InputError: missing, outside its root, a folder or special file, too large,
            UTF-16, binary or not UTF-8.
    """
    shown = shown if shown is not None else str(path)
    data = _read_bytes(Path(path), shown, max_bytes, root)
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


def _existing_mode(path: Path, shown: str) -> int | None:
    """Return the mode of the regular file `path` replaces, None when there is none.

    Raises:
        InputError: the name holds a symlink, a folder, a device or a FIFO.
    """
    try:
        info = path.lstat()
    except FileNotFoundError:
        return None
    except OSError as error:
        raise InputError(shown, f"cannot write: {_os_problem(error)}") from None
    if stat.S_ISLNK(info.st_mode):
        raise InputError(shown, "is a symlink; write to a plain file")
    if stat.S_ISDIR(info.st_mode):
        raise InputError(shown, "is a folder; write to a plain file")
    if not stat.S_ISREG(info.st_mode):
        raise InputError(shown, "is a device, FIFO or socket; write to a plain file")
    return stat.S_IMODE(info.st_mode)


def remove_stale_temporaries(path: Path) -> list[Path]:
    """Remove the temporary files a killed writer of `path` left (older than ten minutes)."""
    removed = []
    cutoff = time.time() - _STALE_SECONDS
    with contextlib.suppress(OSError):
        for leftover in path.parent.glob(f".{path.name}.*.tmp"):
            with contextlib.suppress(OSError):
                info = leftover.lstat()
                if stat.S_ISREG(info.st_mode) and info.st_mtime < cutoff:
                    leftover.unlink()
                    removed.append(leftover)
    return removed


def atomic_write_text(path: Path, text: str) -> None:
    """Write `text` to `path` through a temporary file and a rename.

    The file's mode is kept when it exists (a private `rollout.yaml` stays
    private); temporary files a killed writer left are removed.

    Raises:
        InputError: the folder does not exist or cannot be written, or the name
            holds a symlink, a folder, a device or a FIFO.
    """
    path = Path(path)
    shown = str(path)
    folder = path.parent if str(path.parent) else Path()
    if not folder.is_dir():
        raise InputError(shown, f"folder '{folder}' does not exist")
    mode = _existing_mode(path, shown)
    remove_stale_temporaries(path)
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=folder)
    except OSError as error:
        raise InputError(shown, f"cannot write: {error.strerror}") from None
    try:
        # mkstemp creates the file 0600; a new plan is shared, so give it the usual mode.
        os.fchmod(fd, mode if mode is not None else 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        Path(tmp).replace(path)
    except OSError as error:
        Path(tmp).unlink(missing_ok=True)
        raise InputError(shown, f"cannot write: {error.strerror}") from None
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def mark_generated(markdown: str) -> str:
    """Add our mark to a Markdown document as its last line (see `write_generated`)."""
    return markdown.rstrip("\n") + "\n\n" + GENERATED_MARK + "\n"


def _is_ours(path: Path) -> bool:
    """Whether the regular file at `path` is output we wrote (our mark, or a plan's JSON)."""
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_CLOEXEC)
    except OSError:
        return False
    with os.fdopen(fd, "rb") as handle:
        head = handle.read(len(_JSON_PLAN_HEAD))
        size = os.fstat(fd).st_size
        handle.seek(max(0, size - 512))
        tail = handle.read()
    return head == _JSON_PLAN_HEAD or GENERATED_MARK.encode() in tail


def write_generated(
    path: Path, text: str, *, protected: tuple[Path, ...] = (), force: bool = False
) -> None:
    """Write output we generate, refusing to replace a file we did not write unless forced.

    Args:
        path: where to write.
        text: the document (Markdown carrying `GENERATED_MARK`, or a plan's JSON).
        protected: files never replaced, forced or not (the context documents, settings).
        force: replace an existing file that is not ours.

    Raises:
        InputError: the target is a protected file, exists and is not ours (without
            `force`), or cannot be written (see `atomic_write_text`).
    """
    shown = str(path)
    target = real_path(path.parent, shown) / path.name
    if any(target == real_path(p, shown) for p in protected):
        raise InputError(shown, "is an input of the plan; choose another file name")
    mode = _existing_mode(Path(path), shown)
    if mode is not None and not force and not _is_ours(Path(path)):
        raise InputError(
            shown, "exists and was not written by rollout-manager; choose another name or force it"
        )
    atomic_write_text(path, text)


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
