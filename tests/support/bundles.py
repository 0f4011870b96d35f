"""Private copies of the bundle (ontology/, data/, queries/) to break, and edits to them.

Expected lines are found in the copied file itself (the line that starts the offending
subject's description), so the tests follow the data as it grows. :func:`copy_checkout`
copies the package too, so the real command line can run on the copy.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

from backcare_kg.storage import files

BUNDLE_DIRS = ("ontology", "data", "queries")
#: What validate says of a statement about a resource of ours that nothing licenses.
UNLICENSED = (
    "no claim or editorial reading licenses this statement: add a bc:licenses for it to the "
    "claim or reading it rests on (data/licenses.ttl)"
)


def copy_bundle(target: Path) -> Path:
    """A copy of the bundled ontology/, data/ and queries/ under ``target``."""
    root = files.bundled_root()
    for name in BUNDLE_DIRS:
        shutil.copytree(root / name, target / name)
    return target


def copy_checkout(target: Path) -> Path:
    """A copy of the bundle and of the package under ``target``: ``python -m backcare_kg``
    run there (its working directory first on ``sys.path``) checks the copied files."""
    copy_bundle(target)
    package = Path(files.__file__).resolve().parents[1]
    shutil.copytree(package, target / package.name, ignore=shutil.ignore_patterns("__pycache__"))
    return target


def edit(path: Path, old: str, new: str, count: int = 1) -> None:
    """Replace ``old`` by ``new`` in ``path``; ``old`` must occur exactly ``count`` times."""
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == count, f"{old!r} occurs {text.count(old)} times in {path.name}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def block(path: Path, subject: str) -> tuple[int, str]:
    """The line where ``subject``'s description starts in ``path``, and the description."""
    text = path.read_text(encoding="utf-8")
    lines = text.splitlines()
    start = next(
        i for i, line in enumerate(lines) if line == subject or line.startswith(subject + " ")
    )
    end = next(
        (i for i in range(start, len(lines)) if lines[i].rstrip().endswith(" .")), len(lines) - 1
    )
    return start + 1, "\n".join(lines[start : end + 1])


def edit_block(path: Path, subject: str, pattern: str, replacement: str) -> int:
    """Apply a regex substitution (exactly one match) inside ``subject``'s description.

    Returns the line where the description starts.
    """
    line, description = block(path, subject)
    changed, n = re.subn(pattern, replacement, description)
    assert n == 1, f"{pattern!r} matches {n} times in {subject}'s description"
    edit(path, description, changed)
    return line


def line_of(path: Path, needle: str) -> int:
    """The first line of ``path`` holding ``needle``."""
    return next(
        i
        for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if needle in line
    )
