"""The backend of a graph held in this process: an rdflib Dataset, asked by a named engine."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from rdflib import Dataset, Graph

from backcare_kg.backends import Backend, empty_dataset
from backcare_kg.errors import ParameterError
from backcare_kg.sparql.engines import DEFAULT_ENGINE, QueryEngine, create_engine, engine_names
from backcare_kg.sparql.term_resolver import TermResolver
from backcare_kg.vocab import ASSERTED_GRAPH, INFERRED_GRAPH, SUPPORT_GRAPH


class MemoryBackend(Backend):
    """The asserted and (if given) inferred triples, copied into a new Dataset, with the
    support graph (:mod:`backcare_kg.rdf.support_levels`) if given.

    The Dataset may be changed in place; the query engine ``engine`` names (``oxigraph``,
    ``rdflib``...) is built again when the graphs changed size since the last query.
    Raises :class:`~backcare_kg.errors.ParameterError` for an engine name not registered.
    """

    read_only = False

    def __init__(self, asserted: Graph, inferred: Graph | None = None, *,
                 support: Graph | None = None, engine: str = DEFAULT_ENGINE,
                 files: Sequence[Path] = ()) -> None:
        if engine not in engine_names():
            raise ParameterError(f"unknown query engine {engine!r}", "engine", engine_names())
        self._engine_name = engine
        self._engine: QueryEngine | None = None
        self._engine_size = -1
        self._dataset = empty_dataset()
        graph = self._dataset.graph(ASSERTED_GRAPH)
        for triple in asserted:
            graph.add(triple)
        self.has_inference = inferred is not None
        if inferred is not None:
            graph = self._dataset.graph(INFERRED_GRAPH)
            for triple in inferred:
                graph.add(triple)
        if support is not None:
            graph = self._dataset.graph(SUPPORT_GRAPH)
            graph.addN((s, p, o, graph) for s, p, o in support)
        self.files = list(files)

    @property
    def engine(self) -> QueryEngine:
        size = len(self)
        if self._engine is None or size != self._engine_size:
            self._engine = create_engine(self._engine_name, self._dataset)
            self._engine_size = size
        return self._engine

    @property
    def dataset(self) -> Dataset:
        return self._dataset

    def __len__(self) -> int:
        return len(self._dataset.graph(ASSERTED_GRAPH)) + len(self._dataset.graph(INFERRED_GRAPH))

    def labels(self) -> Graph:
        """The whole Dataset: it is here already, so nothing is read apart."""
        return self._dataset

    def term_resolver(self) -> TermResolver:
        return TermResolver(self._dataset)
