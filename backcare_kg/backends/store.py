"""The backend of a graph in an on-disk pyoxigraph store (``backcare-kg build --store``)."""

from __future__ import annotations

from os import PathLike
from pathlib import Path

import pyoxigraph as ox
from rdflib import Dataset

from backcare_kg.backends import Backend, empty_dataset
from backcare_kg.errors import ParameterError
from backcare_kg.sparql.engine_registry import STORE_ENGINE
from backcare_kg.sparql.engines import OxigraphEngine, QueryEngine
from backcare_kg.sparql.oxigraph_results import from_oxigraph
from backcare_kg.storage import files
from backcare_kg.storage.store import StoreInfo, open_store
from backcare_kg.vocab import ASSERTED_GRAPH, INFERRED_GRAPH, SUPPORT_GRAPH


class StoreBackend(Backend):
    """The materialized graph in a store opened read-only; queried by the ``oxigraph``
    engine, copied into an rdflib Dataset only when :attr:`dataset` is first asked for."""

    has_inference = True

    def __init__(self, store: ox.Store, info: StoreInfo) -> None:
        self._store = store
        self._info = info
        self._engine: OxigraphEngine | None = None
        self._dataset: Dataset | None = None
        if not info.stale:  # the files it was built from, for the file:line of explanations
            self.files = files.asserted_files() + [Path(p) for p in info.extra]

    @classmethod
    def open(cls, directory: str | PathLike[str], engine: str) -> StoreBackend:
        """The store at ``directory`` (see :func:`~backcare_kg.storage.store.open_store`);
        :class:`~backcare_kg.errors.ParameterError` unless ``engine`` is ``oxigraph``."""
        if engine != STORE_ENGINE:
            raise ParameterError(f"a store is queried by the {STORE_ENGINE} engine only",
                                 "engine", [STORE_ENGINE])
        return cls(*open_store(directory))

    @property
    def engine(self) -> QueryEngine:
        if self._engine is None:
            self._engine = OxigraphEngine(self._store)
        return self._engine

    @property
    def dataset(self) -> Dataset:
        """A full copy of the store's asserted, inferred and support graphs (seconds per
        million triples), made on first use."""
        if self._dataset is None:
            dataset = empty_dataset()
            for name in (ASSERTED_GRAPH, INFERRED_GRAPH, SUPPORT_GRAPH):
                graph = dataset.graph(name)
                graph.addN(
                    (from_oxigraph(q.subject), from_oxigraph(q.predicate),
                     from_oxigraph(q.object), graph)
                    for q in self._store.quads_for_pattern(None, None, None,
                                                           ox.NamedNode(str(name))))
            self._dataset = dataset
        return self._dataset

    def __len__(self) -> int:
        return self._info.asserted + self._info.inferred  # the support graph aside

    @property
    def store_info(self) -> StoreInfo:
        return self._info
