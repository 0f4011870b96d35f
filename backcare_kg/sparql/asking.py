"""Asking a graph a named query: the one implementation of
:meth:`KnowledgeGraph.run <backcare_kg.KnowledgeGraph.run>` and
:meth:`~backcare_kg.KnowledgeGraph.activities`.

The facade and the command line's fast path (:mod:`backcare_kg.storage.fast_path`, which
answers from a snapshot and must not import the facade) both call these; each finds the
named query its own way (the bundled files, or the plans recorded next to the snapshot).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from rdflib import URIRef

    from backcare_kg.sparql.engines import QueryEngine
    from backcare_kg.sparql.named_queries import NamedQuery
    from backcare_kg.sparql.results import Result
    from backcare_kg.sparql.term_resolver import TermResolver

#: The named query behind :meth:`KnowledgeGraph.activities <backcare_kg.KnowledgeGraph.activities>`.
ACTIVITIES_QUERY = "activities"


def run_named_query(engine: QueryEngine, query: NamedQuery, params: Mapping[str, Any],
                    resolver: TermResolver) -> Result:
    """``query`` with ``params`` bound (IRI values resolved by ``resolver``), on ``engine``."""
    return engine.execute(query.text, query.bind(params, resolver), source=query.name)


def activities_parameters(improves: str | URIRef | None = None,
                          phase: str | URIRef | None = None,
                          goal: str | URIRef | None = None) -> dict[str, str | URIRef]:
    """The parameters of :data:`ACTIVITIES_QUERY` for the values given (None = not asked)."""
    return {name: value for name, value in
            (("capacity", improves), ("phase", phase), ("goal", goal)) if value is not None}
