"""The command line's fast path: named queries answered from the snapshot (:mod:`.snapshot`)
of the materialized graph, in a fresh process, without rdflib's parsers or the reasoner.

It imports neither the facade nor the SPARQL engines (their imports alone cost more than
the answer): the query's plan (:mod:`.query_plans`) replaces rdflib's parser, and
:mod:`backcare_kg.sparql.asking` is the facade's own way of running a named query. Anything
it cannot vouch for (no snapshot, a corrupt or stale one, a query or form it has no plan
for, a query pyoxigraph rejects) raises :class:`~.snapshot.Unavailable`; :func:`answer` then
gives None and the caller takes the normal path, whose answers it reproduces exactly.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from backcare_kg.sparql.asking import ACTIVITIES_QUERY, activities_parameters, run_named_query
from backcare_kg.sparql.engine_registry import STORE_ENGINE
from backcare_kg.storage.query_plans import QueryPlans
from backcare_kg.storage.snapshot import Unavailable, read_snapshot

if TYPE_CHECKING:
    import os

    from rdflib import URIRef

    from backcare_kg.sparql.named_queries import NamedQuery
    from backcare_kg.sparql.results import QueryKind, Result
    from backcare_kg.sparql.term_resolver import TermResolver

log = logging.getLogger(__name__)


class FastEngine:
    """The ``oxigraph`` engine's answers for the queries it has plans for, nothing else."""

    name = STORE_ENGINE

    def __init__(self, store: ox.Store, plans: QueryPlans) -> None:
        self.store = store
        self.plans = plans

    def __len__(self) -> int:
        return len(self.store)

    def execute(self, sparql: str, bindings: Mapping[str, Any],
                source: str | None = None, *, dataset: object = None) -> Result:
        """As :meth:`OxigraphEngine.execute <backcare_kg.sparql.engines.OxigraphEngine.execute>`;
        :class:`Unavailable` for a query without a plan or one pyoxigraph rejects."""
        from backcare_kg.sparql.binding import bind_terms
        from backcare_kg.sparql.oxigraph_results import bound_term, to_result
        from backcare_kg.sparql.rewriting import prepare_substitution
        from backcare_kg.vocab import PREFIXES

        plan = self.plans.plan(sparql)
        if plan is None or dataset is not None:
            raise Unavailable("no plan for the query")
        terms = bind_terms(bindings, set(plan["variables"]), set(plan["assigned"]))
        text, _ = prepare_substitution(sparql, terms)
        substitutions = {ox.Variable(k): bound_term(k, v) for k, v in terms.items()}

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
    :class:`~backcare_kg.KnowledgeGraph` answers them (with the same code)."""

    def __init__(self, store: ox.Store, plans: QueryPlans) -> None:
        self.engine = FastEngine(store, plans)
        self.plans = plans
        self._resolver: TermResolver | None = None

    @property
    def resolver(self) -> TermResolver:
        if self._resolver is None:
            from backcare_kg.sparql.term_resolver import TermResolver

            self._resolver = TermResolver.from_engine(self.engine)
        return self._resolver

    def named_query(self, name: str) -> NamedQuery:
        """The bundled named query ``name``, as the plans recorded it and still on disk."""
        try:
            return self.plans.named_query(name)
        except LookupError as exc:
            raise Unavailable(str(exc)) from None

    def run(self, name: str, **params: Any) -> Result:
        """As :meth:`KnowledgeGraph.run <backcare_kg.KnowledgeGraph.run>`."""
        return run_named_query(self.engine, self.named_query(name), params, self.resolver)

    def activities(self, improves: str | URIRef | None = None,
                   phase: str | URIRef | None = None,
                   goal: str | URIRef | None = None) -> Result:
        """As :meth:`KnowledgeGraph.activities <backcare_kg.KnowledgeGraph.activities>`."""
        return self.run(ACTIVITIES_QUERY, **activities_parameters(improves, phase, goal))


def open_snapshot(reasoner: str, cache_dir: str | os.PathLike[str] | None = None) -> FastGraph:
    """The bundled materialized graph from its snapshot; :class:`Unavailable` if none fits
    (see :func:`~.snapshot.read_snapshot`)."""
    return FastGraph(*read_snapshot(reasoner, cache_dir))


def answer(reasoner: str, ask: Callable[[FastGraph], Result]) -> Result | None:
    """``ask`` of the snapshot's graph, or None when the normal path must answer."""
    try:
        return ask(open_snapshot(reasoner))
    except Exception as exc:  # includes Unavailable: the normal path answers, or explains
        log.debug("fast path unavailable: %s", exc)
        return None
