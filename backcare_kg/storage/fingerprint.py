"""A fingerprint of the package's own code, for caches that code decides the content of.

The files are found, not listed: every ``.py`` file under the given subpackages and
modules of ``backcare_kg``, so a renamed or new module changes the fingerprint instead of
silently dropping out of it.
"""

from __future__ import annotations

import hashlib
from functools import cache
from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parents[1]


@cache
def code_fingerprint(*parts: str) -> str:
    """SHA-256 over the paths and bytes of the code under ``parts`` (package-relative
    folders such as ``"reasoning"`` or modules such as ``"storage/loading.py"``)."""
    digest = hashlib.sha256()
    for path in _code_files(parts):
        digest.update(path.relative_to(_PACKAGE_DIR).as_posix().encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def _code_files(parts: tuple[str, ...]) -> list[Path]:
    found: set[Path] = set()
    for part in parts:
        target = _PACKAGE_DIR / part
        if target.is_dir():
            found.update(target.rglob("*.py"))
        elif target.is_file():
            found.add(target)
        else:
            raise FileNotFoundError(f"no code at {target}")
    return sorted(found)
