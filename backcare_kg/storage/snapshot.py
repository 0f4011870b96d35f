"""The command line's fast path: the materialized graph from a snapshot, no reasoning.

Next to each entry of the closure cache (:mod:`.cache`), the normal loading path
(:meth:`KnowledgeGraph.load <backcare_kg.KnowledgeGraph.load>`) writes, once:

- ``<key>.nq``: the whole dataset (asserted and inferred named graphs) as N-Quads, exactly
  the document the ``oxigraph`` engine loads, after a header line with its checksum;
- ``<key>.plans.json``: the bundled named queries (header, parameters, text) and what the
  ``oxigraph`` engine reads from each query it runs (form, projection, variables), as
  rdflib's SPARQL parser gave them.

:func:`open_snapshot` computes the key (a hash of the input files), loads the N-Quads
straight into an in-memory pyoxigraph Store and answers named queries with neither rdflib's
parsers (Turtle, SPARQL) nor the reasoner. Anything it cannot vouch for (no snapshot, a
corrupt or stale one, a query or form it has no plan for) makes it give up: the caller then
takes the normal path, whose answers it reproduces exactly. A corrupt or stale snapshot is
removed, so the normal path writes a fresh one.
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import tempfile
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from backcare_kg.storage import files
from backcare_kg.storage.cache import ClosureCache
from backcare_kg.storage.fingerprint import code_fingerprint
from backcare_kg.version import __version__

if TYPE_CHECKING:
    from backcare_kg.graph import KnowledgeGraph
    from backcare_kg.sparql.named_queries import NamedQuery
    from backcare_kg.sparql.results import QueryKind, Result
    from backcare_kg.sparql.term_resolver import TermResolver

log = logging.getLogger(__name__)

FORMAT = 1
SNAPSHOT_SUFFIX = ".nq"
PLANS_SUFFIX = ".plans.json"
_HEADER = re.compile(rb"^# backcare-kg snapshot v(\d+) sha256=([0-9a-f]{64}) quads=(\d+)$")
# The code that decides what a plan holds and how it is used: a change invalidates plans.
_PLAN_CODE = ("sparql", "storage/snapshot.py")


class Unavailable(Exception):
    """The fast path cannot answer: take the normal path."""


def snapshot_paths(cache: ClosureCache, key: str) -> tuple[Path, Path]:
    """The N-Quads snapshot and the plans of the closure cache entry ``key``."""
    return (cache.directory / f"{key}{SNAPSHOT_SUFFIX}",
            cache.directory / f"{key}{PLANS_SUFFIX}")


def closure_key(cache: ClosureCache, reasoner: str) -> str:
    """The key :meth:`KnowledgeGraph.load` gives the bundled graph (no extra files)."""
    return cache.key([*files.asserted_files(), *files.rule_files()],
                     f"{__version__} reasoner={reasoner}")


def _code_fingerprint() -> str:
    return f"{FORMAT} {__version__} {code_fingerprint(*_PLAN_CODE)}"


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
        plans = json.dumps(_plans(kg), ensure_ascii=False, sort_keys=True).encode()
        cache.directory.mkdir(parents=True, exist_ok=True)
        _write_atomically(nq_path, header + body)
        _write_atomically(plans_path, plans)
    except Exception as exc:  # an optimisation: never break loading
        log.warning("cannot write the graph snapshot in %s (%s); continuing without it",
                    cache.directory, exc)


def _write_atomically(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name[:16]}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    finally:
        Path(tmp).unlink(missing_ok=True)


def _plans(kg: KnowledgeGraph) -> dict[str, Any]:
    """The named queries and the plans of every query the fast path may run."""
    from backcare_kg.sparql.engines import query_plan
    from backcare_kg.sparql.term_resolver import ENGINE_QUERIES

    queries = kg.named_queries
    texts = [q.text for q in queries.values()]
    texts += ENGINE_QUERIES
    plans: dict[str, Any] = {}
    for text in texts:
        plan = query_plan(text, None)
        if plan.service or plan.graphs or plan.kind == "DESCRIBE":
            continue  # the fast path leaves these to the oxigraph engine
        plans[text] = {"kind": plan.kind, "projection": list(plan.projection),
                       "variables": sorted(plan.variables), "assigned": sorted(plan.assigned)}
    return {
        "format": FORMAT, "code": _code_fingerprint(), "plans": plans,
        "queries": {name: _query_data(q) for name, q in queries.items()},
    }


def _query_data(query: NamedQuery) -> dict[str, Any]:
    return {
        "path": str(query.path), "summary": query.summary, "description": query.description,
        "tags": list(query.tags), "text": query.text, "kind": query.kind,
        "parameters": [
            {"name": p.name, "variable": p.variable, "required": p.required, "type": p.type,
             "language": p.language, "cls": None if p.cls is None else str(p.cls),
             "description": p.description, "example": p.example, "default": p.default}
            for p in query.parameters],
    }


# -- reading (the fast path) ------------------------------------------------------------------


def open_snapshot(reasoner: str, cache_dir: str | os.PathLike[str] | None = None) -> FastGraph:
    """The bundled materialized graph from its snapshot; :class:`Unavailable` if none fits.

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
        plans = json.loads(plans_data)
        if not isinstance(plans, dict) or plans.get("format") != FORMAT:
            raise Unavailable("plans of another format")
        if plans.get("code") != _code_fingerprint():
            raise Unavailable("plans made by other code")
    except Exception as exc:
        stale = isinstance(exc, Unavailable) and "plans" in str(exc)  # e.g. an upgrade
        log.log(logging.DEBUG if stale else logging.WARNING,
                "graph snapshot %s is %s (%s); removing it", nq_path,
                "stale" if stale else "corrupt", exc)
        for path in (nq_path, plans_path):
            try:
                path.unlink(missing_ok=True)
            except OSError:
                pass
        raise Unavailable(str(exc)) from None
    return FastGraph(store, plans["plans"], plans["queries"])


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


class FastEngine:
    """The ``oxigraph`` engine's answers for the queries it has plans for, nothing else."""

    name = "oxigraph"

    def __init__(self, store: ox.Store, plans: Mapping[str, Any]) -> None:
        self.store = store
        self.plans = plans

    def __len__(self) -> int:
        return len(self.store)

    def execute(self, sparql: str, bindings: Mapping[str, Any],
                source: str | None = None, *, dataset: object = None) -> Result:
        """As :meth:`OxigraphEngine.execute <backcare_kg.sparql.engines.OxigraphEngine.execute>`;
        :class:`Unavailable` for a query without a plan or one pyoxigraph rejects."""
        from backcare_kg.sparql.binding import bind_terms
        from backcare_kg.sparql.oxigraph_results import to_oxigraph, to_result
        from backcare_kg.sparql.rewriting import prepare_substitution
        from backcare_kg.vocab import PREFIXES

        plan = self.plans.get(sparql)
        if plan is None or dataset is not None:
            raise Unavailable("no plan for the query")
        terms = bind_terms(bindings, set(plan["variables"]), set(plan["assigned"]))
        text, _ = prepare_substitution(sparql, terms)
        substitutions = {ox.Variable(k): to_oxigraph(k, v) for k, v in terms.items()}

        def run() -> Any:
            return self.store.query(text, prefixes=PREFIXES,
                                    substitutions=substitutions or None,
                                    use_default_graph_as_union=True)

        kind: QueryKind = plan["kind"]
        try:
            return to_result(kind, tuple(plan["projection"]), run(), terms, run)
        except Exception as err:  # errors are explained by the normal path
            raise Unavailable(f"the query failed: {err}") from err


class FastGraph:
    """Named queries over a snapshot: :meth:`run` and :meth:`activities`, as
    :class:`~backcare_kg.KnowledgeGraph` answers them."""

    def __init__(self, store: ox.Store, plans: Mapping[str, Any],
                 queries: Mapping[str, Any]) -> None:
        self.engine = FastEngine(store, plans)
        self._queries = queries
        self._resolver: TermResolver | None = None

    @property
    def resolver(self) -> TermResolver:
        if self._resolver is None:
            from backcare_kg.sparql.term_resolver import TermResolver

            self._resolver = TermResolver.from_engine(self.engine)
        return self._resolver

    def named_query(self, name: str) -> NamedQuery:
        """The bundled named query ``name``, as the plans recorded it and still on disk."""
        from rdflib import URIRef

        from backcare_kg.sparql.named_queries import NamedQuery, Parameter

        data = self._queries.get(name)
        path = files.queries_dir() / f"{name}.rq"
        if data is None or data["path"] != str(path):
            raise Unavailable(f"no plan for the named query {name!r}")
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise Unavailable(str(exc)) from None
        if text != data["text"]:
            raise Unavailable(f"the named query {name!r} changed")
        parameters = tuple(
            Parameter(p["name"], p["variable"], p["required"], p["type"], p["language"],
                      None if p["cls"] is None else URIRef(p["cls"]), p["description"],
                      p["example"], p["default"])
            for p in data["parameters"])
        return NamedQuery(name=name, path=path, summary=data["summary"],
                          description=data["description"], tags=tuple(data["tags"]),
                          text=text, parameters=parameters, kind=data["kind"])

    def run(self, name: str, **params: Any) -> Result:
        """As :meth:`KnowledgeGraph.run <backcare_kg.KnowledgeGraph.run>`."""
        nq = self.named_query(name)
        return self.engine.execute(nq.text, nq.bind(params, self.resolver), source=nq.name)

    def activities(self, improves: str | None = None, phase: str | None = None,
                   goal: str | None = None) -> Result:
        """As :meth:`KnowledgeGraph.activities <backcare_kg.KnowledgeGraph.activities>`."""
        params = {k: v for k, v in
                  (("capacity", improves), ("phase", phase), ("goal", goal)) if v is not None}
        return self.run("activities", **params)


def answer(reasoner: str, ask: Callable[[FastGraph], Result]) -> Result | None:
    """``ask`` of the snapshot's graph, or None when the normal path must answer."""
    try:
        return ask(open_snapshot(reasoner))
    except Exception as exc:  # includes Unavailable: the normal path answers, or explains
        log.debug("fast path unavailable: %s", exc)
        return None
