"""Replacing a file or a directory at once, so that readers see the old one or the new one.

- :func:`write_atomically`: a file's new content goes to a temporary file in the same
  directory, is flushed to disk, then renamed over the file.
- :func:`directory_beside` and :func:`swap_directory`: a directory is built beside its
  target (same file system), then takes the target's place by ``rename``: on Linux in one
  step (``renameat2`` with ``RENAME_EXCHANGE``), elsewhere in two (the old one aside, the
  new one in, the old one removed). A failure leaves the target as it was.
- :func:`found_at`: what is at a path, for callers deciding whether they may replace it.

Permissions follow what ``open`` and ``mkdir`` would give (:func:`replacement_mode`):
``mkstemp`` and ``mkdtemp`` make private files and directories.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from os import PathLike
from pathlib import Path
from typing import Literal

_AT_FDCWD = -100
_RENAME_EXCHANGE = 2

#: What :func:`found_at` finds at a path.
Found = Literal["nothing", "not a directory", "empty directory", "directory"]


def write_atomically(path: str | PathLike[str], data: str | bytes, *,
                     private: bool = False) -> None:
    """Write ``data`` (text as UTF-8, newlines as they are) to ``path`` at once.

    The data goes to a temporary file in the same directory, flushed to disk, which then
    replaces ``path`` (``os.replace``); on failure the temporary file is removed, ``path``
    is untouched and the error is raised (:class:`OSError` when the directory cannot be
    written). The new file has the old file's permissions, or those ``open`` gives a new
    file; a ``private`` one (a cache entry) is the owner's only.
    """
    target = Path(path)
    content = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name[:16]}.", suffix=".tmp",
                               dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(content)
            handle.flush()
            os.fsync(handle.fileno())
        if not private:
            os.chmod(tmp, replacement_mode(target, 0o666))
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def replacement_mode(target: Path, fresh: int) -> int:
    """The permissions for what replaces ``target``: those of ``target`` if it exists, else
    ``fresh`` less the umask (what ``open`` or ``mkdir`` would give; ``mkstemp`` and
    ``mkdtemp`` make private files and directories)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        return default_mode(fresh)


def default_mode(fresh: int) -> int:
    """``fresh`` less the process's umask: the permissions ``open`` or ``mkdir`` give."""
    umask = os.umask(0)
    os.umask(umask)
    return fresh & ~umask


def found_at(target: Path) -> Found:
    """What is at ``target``: nothing, something that is not a directory (a file, a broken
    symbolic link), an empty directory, or a directory holding something."""
    if not target.exists() and not target.is_symlink():
        return "nothing"
    if not target.is_dir():
        return "not a directory"
    return "directory" if any(target.iterdir()) else "empty directory"


def directory_beside(target: Path, purpose: str) -> Path:
    """A new, empty, private directory next to ``target`` (``.<name>.<purpose>-…``) to build
    its replacement in, creating ``target``'s parent if need be; raises :class:`OSError`."""
    parent = target.absolute().parent
    parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix=f".{target.name}.{purpose}-", dir=parent))


def swap_directory(new: Path, target: Path) -> None:
    """Put the directory ``new`` (made by :func:`directory_beside`) at ``target`` and remove
    what was there (the caller decided it may go). Raises :class:`OSError` with ``target``
    as it was; ``new`` is then left for the caller to remove."""
    if not target.exists():
        os.rename(new, target)
        return
    if _exchange(new, target):
        shutil.rmtree(new, ignore_errors=True)  # it holds the old directory now
        return
    if not any(target.iterdir()):
        os.replace(new, target)  # POSIX: a directory replaces an empty one in one step
        return
    old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old-", dir=target.absolute().parent))
    os.rename(target, old / "previous")
    try:
        os.rename(new, target)
    except BaseException:
        os.rename(old / "previous", target)
        shutil.rmtree(old, ignore_errors=True)
        raise
    shutil.rmtree(old, ignore_errors=True)


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2``); False where it is not available."""
    import ctypes.util  # here, not at the top: ctypes costs the command line's start-up

    name = ctypes.util.find_library("c")
    if name is None:
        return False
    try:
        libc = ctypes.CDLL(name, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second),
                       _RENAME_EXCHANGE)
    return bool(result == 0)
