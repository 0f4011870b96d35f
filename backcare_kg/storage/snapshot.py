"""The snapshot of the materialized graph, for the command line's fast path: its files.

Next to each entry of the closure cache (:mod:`.cache`), the normal loading path
(:meth:`KnowledgeGraph.load <backcare_kg.KnowledgeGraph.load>`) writes, once:

- ``<key>.nq``: the whole dataset (asserted and inferred named graphs) as N-Quads, exactly
  the document the ``oxigraph`` engine loads, after a header line with its checksum;
- ``<key>.plans.json``: the plans of the queries the fast path may run (:mod:`.query_plans`).

:func:`read_snapshot` finds them by the key (a hash of the input files) and loads the
N-Quads straight into an in-memory pyoxigraph Store, with neither rdflib's parsers nor the
reasoner; :mod:`.fast_path` answers from it. A missing, corrupt or stale snapshot raises
:class:`Unavailable`, and a corrupt or stale one is removed, so that the normal path writes
a fresh one.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from backcare_kg.storage import files
from backcare_kg.storage.cache import ClosureCache
from backcare_kg.storage.query_plans import QueryPlans, StalePlans, record

if TYPE_CHECKING:
    from backcare_kg.graph import KnowledgeGraph

log = logging.getLogger(__name__)

FORMAT = 1
SNAPSHOT_SUFFIX = ".nq"
PLANS_SUFFIX = ".plans.json"
_HEADER = re.compile(rb"^# backcare-kg snapshot v(\d+) sha256=([0-9a-f]{64}) quads=(\d+)$")


class Unavailable(Exception):
    """The fast path cannot answer: take the normal path."""


def snapshot_paths(cache: ClosureCache, key: str) -> tuple[Path, Path]:
    """The N-Quads snapshot and the plans of the closure cache entry ``key``."""
    return (cache.directory / f"{key}{SNAPSHOT_SUFFIX}",
            cache.directory / f"{key}{PLANS_SUFFIX}")


def closure_key(cache: ClosureCache, reasoner: str) -> str:
    """The key :meth:`KnowledgeGraph.load` gives the bundled graph (no extra files)."""
    return cache.closure_key(files.asserted_files(), files.rule_files(), reasoner)


# -- writing (the normal path) ----------------------------------------------------------------


def write_snapshot(cache: ClosureCache, key: str, kg: KnowledgeGraph) -> None:
    """Write the snapshot and plans of ``kg`` under ``key`` unless both exist; never raises."""
    nq_path, plans_path = snapshot_paths(cache, key)
    if nq_path.is_file() and plans_path.is_file():
        return
    try:
        from backcare_kg.sparql.engines import nquads

        body = nquads(kg.graph)
        count = sum(1 for line in body.splitlines() if line.strip())
        header = (f"# backcare-kg snapshot v{FORMAT} sha256={hashlib.sha256(body).hexdigest()} "
                  f"quads={count}\n").encode()
        plans = record(kg)
        cache.directory.mkdir(parents=True, exist_ok=True)
        from backcare_kg.storage.atomic import write_atomically  # not on the fast path

        write_atomically(nq_path, header + body, private=True)
        write_atomically(plans_path, plans, private=True)
    except Exception as exc:  # an optimisation: never break loading
        log.warning("cannot write the graph snapshot in %s (%s); continuing without it",
                    cache.directory, exc)




# -- reading (the fast path) ------------------------------------------------------------------


def read_snapshot(reasoner: str, cache_dir: str | os.PathLike[str] | None = None,
                  ) -> tuple[ox.Store, QueryPlans]:
    """The bundled materialized graph and its plans; :class:`Unavailable` if none fits.

    A corrupt or stale snapshot is removed (the normal path then writes a new one).
    """
    cache = ClosureCache(Path(cache_dir) if cache_dir is not None else None)
    key = closure_key(cache, reasoner)
    nq_path, plans_path = snapshot_paths(cache, key)
    try:
        data = nq_path.read_bytes()
        plans_data = plans_path.read_bytes()
    except OSError as exc:
        raise Unavailable(f"no snapshot: {exc}") from None
    try:
        store = _load_store(data)
        plans = QueryPlans.read(plans_data)
    except Exception as exc:
        stale = isinstance(exc, StalePlans)  # e.g. an upgrade
        log.log(logging.DEBUG if stale else logging.WARNING,
                "graph snapshot %s is %s (%s); removing it", nq_path,
                "stale" if stale else "corrupt", exc)
        for path in (nq_path, plans_path):
            try:
                path.unlink(missing_ok=True)
            except OSError:
                pass
        raise Unavailable(str(exc)) from None
    return store, plans


def _load_store(data: bytes) -> ox.Store:
    first, _, body = data.partition(b"\n")
    header = _HEADER.match(first)
    if header is None:
        raise Unavailable("no valid header line")
    if int(header.group(1)) != FORMAT:
        raise Unavailable(f"format v{int(header.group(1))}, expected v{FORMAT}")
    if hashlib.sha256(body).hexdigest() != header.group(2).decode():
        raise Unavailable("checksum mismatch")
    store = ox.Store()
    store.bulk_extend(ox.parse(body, ox.RdfFormat.N_QUADS, rename_blank_nodes=False,
                               lenient=True))
    if len(store) != int(header.group(3)):
        raise Unavailable(f"{len(store)} quads, header says {int(header.group(3))}")
    return store
