"""Replacing a site directory at once: build beside it, then swap.

A site is written into a temporary directory next to its target, which then takes the
target's place (:func:`backcare_kg.storage.atomic.swap_directory`). Readers see the old
site or the new one; a failure leaves the old one as it was and removes the temporary
directory.

Only a previous site (a directory holding :data:`MANIFEST` written by backcare-kg) or an
empty directory is replaced: anything else is refused, naming the path.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

from backcare_kg.errors import DataError, ParameterError
from backcare_kg.storage.atomic import directory_beside, found_at, replacement_mode, swap_directory

#: The file that marks a directory as a site written by backcare-kg (and describes it).
MANIFEST = "backcare-kg-site.json"

#: The ``generator`` a manifest names.
GENERATOR = "backcare-kg"


def check_target(out: str | os.PathLike[str]) -> Path:
    """The absolute path of the site directory ``out`` (symbolic links resolved), after
    checking that it may be written: it does not exist, is empty, or holds a previous site.
    Raises :class:`ParameterError` saying why not."""
    target = Path(out).expanduser().resolve()
    found = found_at(target)
    if found == "not a directory":
        raise ParameterError(f"{target} is a file, not a directory: choose a directory for "
                             "the site", "out")
    if target.parent == target:
        raise ParameterError(f"{target} is the root of the file system: choose a directory "
                             "for the site", "out")
    if found == "directory":
        problem = _not_a_site(target)
        if problem:
            raise ParameterError(f"{target} is not empty and {problem}: it is not replaced; "
                                 "choose an empty or new directory", "out")
    return target


def _not_a_site(directory: Path) -> str | None:
    """Why ``directory`` is not a site written by backcare-kg; None if it is one."""
    manifest = directory / MANIFEST
    if not manifest.is_file():
        return f"holds no {MANIFEST} (it is no site written by backcare-kg publish)"
    try:
        found = json.loads(manifest.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as e:
        return f"its {MANIFEST} cannot be read ({e})"
    if not isinstance(found, dict) or found.get("generator") != GENERATOR:
        return f"its {MANIFEST} was not written by backcare-kg"
    return None


@contextlib.contextmanager
def staging(target: Path) -> Iterator[Path]:
    """A new, empty directory beside ``target`` to build the site in; removed if the block
    fails, else left for :func:`swap_into_place`."""
    try:
        staged = directory_beside(target, "publish")
    except OSError as e:
        raise DataError(f"cannot write the site beside it: {e.strerror or e}",
                        path=str(target)) from e
    try:
        yield staged
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise


def swap_into_place(staged: Path, target: Path) -> bool:
    """Put the directory ``staged`` at ``target`` (with the old directory's permissions, or
    the usual ones for a new directory), removing what was there; whether that was a
    previous site. On failure ``staged`` is removed and ``target`` is as it was."""
    try:
        # mkdtemp makes a private directory; a site must be readable by a web server
        os.chmod(staged, replacement_mode(target, 0o777))
        previous = False
        if target.exists():
            check_target(target)  # still a site or empty (the build took a while)
            previous = (target / MANIFEST).is_file()
        swap_directory(staged, target)
        return previous
    except OSError as e:
        shutil.rmtree(staged, ignore_errors=True)
        raise DataError(f"cannot put the site in place: {e.strerror or e}",
                        path=str(target)) from e
    except BaseException:
        shutil.rmtree(staged, ignore_errors=True)
        raise
