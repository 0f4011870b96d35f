"""Persistent stores: the materialized graph on disk, reasoned once, opened by later runs.

A store is a directory holding ``oxigraph/``, a pyoxigraph (RocksDB) database with the
asserted and the inferred named graphs, and ``backcare-kg-store.json``, which says what
built it (library version, reasoner), from what (each input file with its SHA-256, and the
digest the closure cache would key the same inputs by), how big and when.

:func:`build_store` writes a new store into a temporary sibling directory and renames it
into place, so a failed build leaves the old store as it was and nothing behind.
:func:`open_store` opens one read-only and checks it against its input files: a store
whose inputs changed since it was built is *stale*, a warning rather than an error (it
still answers, from the inputs it was built with).
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from os import PathLike
from pathlib import Path
from typing import Any

import pyoxigraph as ox

from backcare_kg.errors import DataError
from backcare_kg.reasoning import reasoners
from backcare_kg.storage import files
from backcare_kg.storage.atomic import default_mode, directory_beside, found_at, swap_directory
from backcare_kg.version import __version__
from backcare_kg.vocab import ASSERTED_GRAPH, INFERRED_GRAPH, SUPPORT_GRAPH

__all__ = ["STEPS", "StoreInfo", "build_store", "open_store", "is_store"]

log = logging.getLogger(__name__)

#: Bump when the layout of a store or what goes into it changes incompatibly.
FORMAT = 2
METADATA = "backcare-kg-store.json"
DATABASE = "oxigraph"
#: The steps of :func:`build_store`, in order, as passed to its ``progress`` callback.
STEPS = ("parse", "reason", "write")

PathArg = str | PathLike[str]
Progress = Callable[[str], None]


@dataclass(frozen=True)
class StoreInfo:
    """What a store holds and how it was built (its ``backcare-kg-store.json``)."""

    path: Path
    version: str  # of backcare-kg that built it
    reasoner: str
    digest: str  # of the inputs, as :meth:`~backcare_kg.storage.cache.ClosureCache.key` computes it
    asserted: int  # triples in the asserted graph
    inferred: int  # triples in the inferred graph
    built: str  # when, ISO 8601 in UTC
    seconds: float  # how long the build took
    extra: tuple[str, ...]  # the user's files merged in (absolute paths)
    stale: tuple[str, ...] = ()  # why the inputs no longer match; empty when they do
    support: int = 0  # triples in the support graph (5 per statement it grades)

    @property
    def triples(self) -> int:
        """Asserted plus inferred triples."""
        return self.asserted + self.inferred


def is_store(directory: PathArg) -> bool:
    """Whether ``directory`` looks like a backcare-kg store (it has the metadata file)."""
    return (Path(directory) / METADATA).is_file()


# -- building ------------------------------------------------------------------------------


def build_store(
    directory: PathArg,
    extra: Sequence[PathArg] = (),
    reasoner: str = reasoners.DEFAULT,
    progress: Progress | None = None,
) -> StoreInfo:
    """Materialize the bundled files plus ``extra`` into a new store at ``directory``.

    A store already at ``directory`` is replaced (atomically: readers see the old store or
    the new one); anything else there (a file, a directory that is not a store and not
    empty) is refused. ``progress``, if given, is called with each of :data:`STEPS` as it
    begins. Raises :class:`~backcare_kg.errors.DataError` naming the file (and line) of a
    malformed input or the path that cannot be written, and
    :class:`~backcare_kg.errors.ParameterError` for an unknown reasoner; the old store is
    then untouched.
    """
    from backcare_kg.reasoning.bulk import materialize_files
    from backcare_kg.reasoning.rules import load_rules

    target = Path(directory)
    _check_target(target)
    reasoners.get(reasoner)  # an unknown name fails before any work
    start = time.perf_counter()
    inputs = files.asserted_files() + [Path(p) for p in extra]
    rule_paths = files.rule_files()
    digest = _digest(inputs, rule_paths, reasoner)
    materialized = materialize_files(inputs, load_rules(rule_paths), reasoner, progress)
    if progress is not None:
        progress("write")
    try:
        building = directory_beside(target, "building")
        os.chmod(building, default_mode(0o777))  # as mkdir would, not mkdtemp's 0700
    except OSError as exc:
        raise DataError(f"cannot write the store: {exc.strerror or exc}", path=str(target)) \
            from None
    try:
        store = ox.Store(str(building / DATABASE))
        materialized.load_into(store, ASSERTED_GRAPH, INFERRED_GRAPH, SUPPORT_GRAPH)
        store.optimize()
        store.flush()
        del store  # closes the database before it moves
        metadata = {
            "format": FORMAT,
            "backcare_kg": __version__,
            "pyoxigraph": ox.__version__,
            "reasoner": reasoner,
            "digest": digest,
            "asserted": len(materialized.asserted),
            "inferred": len(materialized.inferred),
            "support": 5 * sum(map(len, materialized.support.values())),
            "rounds": materialized.rounds,
            "problems": materialized.problems,
            "built": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "seconds": round(time.perf_counter() - start, 3),
            "files": [_file_entry(p) for p in [*inputs, *rule_paths]],
        }
        with open(building / METADATA, "w", encoding="utf-8") as handle:
            json.dump(metadata, handle, indent=2, ensure_ascii=False)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        swap_directory(building, target)
    except OSError as exc:
        raise DataError(f"cannot write the store: {exc.strerror or exc}", path=str(target)) \
            from None
    finally:
        shutil.rmtree(building, ignore_errors=True)  # gone already when it was moved
    return _info(metadata, target, ())


def _check_target(target: Path) -> None:
    """Refuse to replace anything but a store or an empty directory."""
    found = found_at(target)
    if found == "not a directory":
        raise DataError("exists and is not a backcare-kg store (not a directory); "
                        "choose another path or remove it", path=str(target))
    if found == "directory" and not is_store(target):
        raise DataError(f"is a directory that is not a backcare-kg store (no {METADATA}); "
                        "refusing to replace it: choose another path or remove it",
                        path=str(target))


# -- opening -------------------------------------------------------------------------------


def open_store(directory: PathArg) -> tuple[ox.Store, StoreInfo]:
    """The store at ``directory``, opened read-only, and what it holds.

    Raises :class:`~backcare_kg.errors.DataError` naming the path when there is no
    directory, it is not a backcare-kg store, or it was built by a version whose stores
    this one cannot read. A stale store (inputs changed since it was built) is logged as
    a warning and listed in :attr:`StoreInfo.stale`.
    """
    path = Path(directory)
    rebuild = f"build one with `backcare-kg build --store {path}`"
    if not path.exists():
        raise DataError(f"no such store: {rebuild}", path=str(path))
    if not path.is_dir():
        raise DataError(f"not a backcare-kg store (not a directory); {rebuild}", path=str(path))
    if not is_store(path):
        raise DataError(f"not a backcare-kg store (no {METADATA}); {rebuild}", path=str(path))
    try:
        metadata = json.loads((path / METADATA).read_text(encoding="utf-8"))
        if not isinstance(metadata, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
        raise DataError(f"unreadable {METADATA} ({reason}); rebuild the store: "
                        f"`backcare-kg build --store {path}`", path=str(path)) from None
    if metadata.get("format") != FORMAT:
        raise DataError(
            f"a store of format {metadata.get('format')!r} (built by backcare-kg "
            f"{metadata.get('backcare_kg', '?')}); backcare-kg {__version__} reads format "
            f"{FORMAT}: rebuild it with `backcare-kg build --store {path}`", path=str(path))
    try:
        store = ox.Store.read_only(str(path / DATABASE))
        info = _info(metadata, path, _staleness(metadata))
    except (OSError, KeyError, TypeError, ValueError) as exc:
        raise DataError(f"cannot open the store ({' '.join(str(exc).split())[:200]}); "
                        f"rebuild it with `backcare-kg build --store {path}`",
                        path=str(path)) from None
    if info.stale:
        log.warning("store %s is stale (%s): it answers from the inputs of %s; rebuild it "
                    "with `backcare-kg build --store %s`", path, "; ".join(info.stale),
                    info.built, path)
    return store, info


def _info(metadata: dict[str, Any], path: Path, stale: tuple[str, ...]) -> StoreInfo:
    return StoreInfo(
        path=path,
        version=str(metadata["backcare_kg"]),
        reasoner=str(metadata["reasoner"]),
        digest=str(metadata["digest"]),
        asserted=int(metadata["asserted"]),
        inferred=int(metadata["inferred"]),
        built=str(metadata["built"]),
        seconds=float(metadata["seconds"]),
        extra=tuple(e["path"] for e in metadata["files"] if e["kind"] == "extra"),
        stale=stale,
        support=int(metadata.get("support", 0)),
    )


# -- inputs --------------------------------------------------------------------------------


def _digest(inputs: Sequence[Path], rule_paths: Sequence[Path], reasoner: str) -> str:
    """The key :class:`~backcare_kg.KnowledgeGraph` would cache these inputs' closure by."""
    from backcare_kg.storage.cache import ClosureCache

    return ClosureCache().closure_key(inputs, rule_paths, reasoner)


def _file_entry(path: Path) -> dict[str, str]:
    root = files.bundled_root()
    resolved = path.resolve()
    if resolved.is_relative_to(root):
        kind = "rule" if resolved.suffix == ".rq" else "bundled"
        name = resolved.relative_to(root).as_posix()
    else:
        kind, name = "extra", str(resolved)
    return {"kind": kind, "path": name, "sha256": _sha256(resolved)}


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _staleness(metadata: dict[str, Any]) -> tuple[str, ...]:
    """Why the store's inputs no longer match it; empty when they do."""
    recorded = metadata["files"]
    extra = [Path(e["path"]) for e in recorded if e["kind"] == "extra"]
    missing = [str(p) for p in extra if not p.is_file()]
    if missing:
        return tuple(f"{p} no longer exists" for p in missing)
    inputs, rule_paths = files.asserted_files() + extra, files.rule_files()
    if _digest(inputs, rule_paths, str(metadata["reasoner"])) == metadata["digest"]:
        return ()
    was = {e["path"]: e["sha256"] for e in recorded}
    now = {e["path"]: e["sha256"] for e in map(_file_entry, [*inputs, *rule_paths])}
    reasons = [f"{name} changed" for name in now if name in was and was[name] != now[name]]
    reasons += [f"{name} is new" for name in now if name not in was]
    reasons += [f"{name} is gone" for name in was if name not in now]
    if not reasons:
        reasons = [f"built by backcare-kg {metadata['backcare_kg']} with other versions of "
                   "its code or dependencies"]
    return tuple(reasons)
