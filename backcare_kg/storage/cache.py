"""An on-disk cache of the inferred graph, keyed by the bytes of every input file.

Each entry is an N-Triples file, with the support graph that goes with it beside it
(``<key>.support``, same format; see :mod:`backcare_kg.rdf.support_levels`). The first
line of each carries a checksum of the rest and the triple count, so a truncated or
garbled file is detected, deleted and recomputed. Entries
are written to a temporary file and renamed into place: a reader never sees half a file.
A cache that cannot be written is skipped with a warning; it never stops loading.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
import tempfile
from collections.abc import Sequence
from pathlib import Path

import rdflib
from rdflib import BNode, Graph, URIRef
from rdflib.term import Node

from backcare_kg.errors import DataError
from backcare_kg.storage.fingerprint import code_fingerprint
from backcare_kg.version import __version__

log = logging.getLogger(__name__)

#: Bump when the entry format or what goes into the closure changes incompatibly.
FORMAT = 1
ENV_VAR = "BACKCARE_KG_CACHE_DIR"
SUFFIX = ".nt"
#: The support graph of an entry, kept beside it.
SUPPORT_SUFFIX = ".support"
#: Files kept beside an entry, removed with it (see :mod:`backcare_kg.storage.snapshot`).
_SIDECARS = (".nq", ".plans.json", SUPPORT_SUFFIX)
_HEADER = re.compile(rb"^# backcare-kg closure v(\d+) sha256=([0-9a-f]{64}) triples=(\d+)$")
# Blank nodes are written as IRIs under this prefix, so their labels survive the round trip
# exactly (rdflib's N-Triples parser would mint fresh ones) and stay those of the asserted
# graph, which loading labels deterministically.
_GENID = "https://w3id.org/backcare-kg/.well-known/genid/"
# What else decides the closure: the code that loads, reasons and filters.
_CLOSURE_CODE = ("reasoning", "storage/loading.py")


def _distribution_version(name: str) -> str:
    """The installed version of a distribution, without importing it (fast start-up)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return "?"


def default_directory() -> Path:
    """$BACKCARE_KG_CACHE_DIR, else $XDG_CACHE_HOME/backcare-kg, else ~/.cache/backcare-kg."""
    explicit = os.environ.get(ENV_VAR)
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg and Path(xdg).is_absolute():
        return Path(xdg) / "backcare-kg"
    try:
        return Path.home() / ".cache" / "backcare-kg"
    except RuntimeError:  # no home directory to be found
        return Path(tempfile.gettempdir()) / "backcare-kg-cache"


class ClosureCache:
    """Inferred graphs on disk, one N-Triples file per key (see :meth:`key`)."""

    def __init__(self, directory: Path | None = None, max_entries: int = 16) -> None:
        self.directory = Path(directory) if directory is not None else default_directory()
        self.max_entries = max_entries

    def key(self, paths: Sequence[Path], version: str) -> str:
        """A hex digest of ``version`` and each path's name and bytes, in order.

        The versions of rdflib, owlrl and pyoxigraph and the source of the reasoning code go
        in too, so an upgrade or a change to the noise filters never serves a stale closure.
        """
        digest = hashlib.sha256()
        for part in (
            f"format {FORMAT}",
            version,
            rdflib.__version__,
            _distribution_version("owlrl"),
            _distribution_version("pyoxigraph"),
        ):
            digest.update(part.encode() + b"\0")
        digest.update(_engine_fingerprint())
        for path in paths:
            path = Path(path)
            try:
                data = path.read_bytes()
            except OSError as exc:
                reason = (
                    "file not found"
                    if isinstance(exc, FileNotFoundError)
                    else (f"cannot read file: {exc.strerror or exc}")
                )
                raise DataError(reason, path=str(path)) from None
            digest.update(path.name.encode() + b"\0" + str(len(data)).encode() + b"\0")
            digest.update(data)
        return digest.hexdigest()

    def closure_key(self, inputs: Sequence[Path], rule_paths: Sequence[Path],
                    reasoner: str) -> str:
        """The key of the closure of ``inputs`` (the asserted files) under the rules of
        ``rule_paths``, reasoned by ``reasoner`` with this version of backcare-kg: the one
        key :meth:`KnowledgeGraph.load <backcare_kg.KnowledgeGraph.load>`, the snapshot and
        the stores agree on."""
        return self.key([*inputs, *rule_paths], f"{__version__} reasoner={reasoner}")

    def path(self, key: str, *, support: bool = False) -> Path:
        """The file holding the entry ``key`` (its support graph, with ``support``)."""
        return self.directory / f"{key}{SUPPORT_SUFFIX if support else SUFFIX}"

    def get(self, key: str, *, support: bool = False) -> Graph | None:
        """The cached graph for ``key`` (its support graph, with ``support``); None when
        absent or corrupt (a corrupt file is removed)."""
        path = self.path(key, support=support)
        try:
            data = path.read_bytes()
        except (FileNotFoundError, NotADirectoryError):
            return None
        except OSError as exc:
            log.warning("cannot read closure cache %s (%s); recomputing", path, exc.strerror)
            return None
        graph, problem = _decode(data)
        if graph is None:
            log.warning(
                "closure cache %s is corrupt (%s); removing it and recomputing", path, problem
            )
            try:
                path.unlink(missing_ok=True)
            except OSError as exc:
                log.warning("cannot remove %s: %s", path, exc.strerror)
            return None
        log.debug("closure cache hit: %s (%d triples)", path, len(graph))
        return graph

    def put(self, key: str, graph: Graph, *, support: bool = False) -> None:
        """Store ``graph`` under ``key`` (as its support graph, with ``support``: put it
        first, so that an entry is never found without its support graph), atomically; a
        failure is logged, never raised."""
        try:
            data = _encode(graph)
            self.directory.mkdir(parents=True, exist_ok=True)
            from backcare_kg.storage.atomic import write_atomically  # not on the fast path

            write_atomically(self.path(key, support=support), data, private=True)
        except Exception as exc:  # the cache is an optimisation: never break loading
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else exc
            log.warning(
                "cannot write the closure cache in %s (%s); continuing without it",
                self.directory,
                reason,
            )
            return
        if not support:
            self._prune(keep=self.path(key))

    def _prune(self, keep: Path) -> None:
        """Remove the least recently written entries beyond ``max_entries``."""
        try:
            entries = sorted(
                (p for p in self.directory.glob(f"*{SUFFIX}") if p != keep),
                key=lambda p: p.stat().st_mtime,
                reverse=True,
            )
            for old in entries[max(self.max_entries - 1, 0) :]:
                old.unlink(missing_ok=True)
                for suffix in _SIDECARS:  # the graph snapshot of backcare_kg.storage.snapshot
                    old.with_name(old.name[: -len(SUFFIX)] + suffix).unlink(missing_ok=True)
        except OSError as exc:  # another process may be pruning too
            log.debug("cannot prune the closure cache: %s", exc)


def _engine_fingerprint() -> bytes:
    return bytes.fromhex(code_fingerprint(*_CLOSURE_CODE))


def _encode(graph: Graph) -> bytes:
    skolem = Graph()
    skolem.addN((_to_iri(s), p, _to_iri(o), skolem) for s, p, o in graph)
    text = skolem.serialize(format="nt", encoding="utf-8")
    lines = sorted(line for line in text.splitlines(keepends=True) if line.strip())
    body = b"".join(lines)
    header = (
        f"# backcare-kg closure v{FORMAT} sha256={hashlib.sha256(body).hexdigest()} "
        f"triples={len(lines)}\n"
    ).encode()
    return header + body


def _decode(data: bytes) -> tuple[Graph | None, str]:
    """The graph in an entry, or None and what is wrong with it."""
    first, _, body = data.partition(b"\n")
    header = _HEADER.match(first)
    if header is None:
        return None, "no valid header line"
    if int(header.group(1)) != FORMAT:
        return None, f"format v{int(header.group(1))}, expected v{FORMAT}"
    if hashlib.sha256(body).hexdigest() != header.group(2).decode():
        return None, "checksum mismatch"
    skolem = Graph()
    try:
        from backcare_kg.rdf.rdflib_warnings import captured_rdflib_warnings  # read only here

        with captured_rdflib_warnings([]):
            skolem.parse(data=body, format="nt")
    except Exception as exc:
        return None, f"unparsable: {' '.join(str(exc).split())[:200]}"
    if len(skolem) != int(header.group(3)):
        return None, f"{len(skolem)} triples, header says {int(header.group(3))}"
    graph = Graph()
    graph.addN((_from_iri(s), p, _from_iri(o), graph) for s, p, o in skolem)
    return graph, ""


def _to_iri(term: Node) -> Node:
    return URIRef(_GENID + str(term)) if isinstance(term, BNode) else term


def _from_iri(term: Node) -> Node:
    if isinstance(term, URIRef) and str(term).startswith(_GENID):
        return BNode(str(term)[len(_GENID) :])
    return term
